"""Setting changes: compare key → value mappings, apply changes, mask them, mark reboots."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from cfgtool.catalog import load_catalog
from cfgtool.errors import CfgValueError, SchemaError
from cfgtool.masking import mask_value
from cfgtool.nodes import Document
from cfgtool.parser import dumps, loads

ChangeKind = Literal["added", "removed", "changed"]
Status = Literal["added", "removed", "changed", "unchanged"]
RebootLookup = Callable[[str], "bool | None"]
SettingsPair = tuple[Mapping[str, str], Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class Change:
    """One setting that differs: ``old`` is None when added, ``new`` is None when removed.

    ``key`` is None only for a whole file that is not compared as settings
    (firmware, XML, an encrypted cfg): then ``old``/``new`` are its MD5 sums.
    ``path`` names the file (tree mode) or the phone's MAC file (effective mode),
    ``mac`` the phone (effective mode). ``reboot`` is True when the catalog says
    the phone applies this key only after a reboot, False when the catalog knows
    the key without that flag, None when unknown. ``masked`` marks values
    replaced by :func:`mask_changes`; such a change cannot be applied.
    """

    key: str | None
    change: ChangeKind
    old: str | None = None
    new: str | None = None
    path: str | None = None
    mac: str | None = None
    reboot: bool | None = None
    masked: bool = False

    def to_dict(self) -> dict[str, Any]:
        """``{"key", "change", "old", "new"}``, plus ``path``/``mac``/``reboot`` when set."""
        result: dict[str, Any] = {
            "key": self.key,
            "change": self.change,
            "old": self.old,
            "new": self.new,
        }
        if self.path is not None:
            result["path"] = self.path
        if self.mac is not None:
            result["mac"] = self.mac
        if self.reboot is not None:
            result["reboot"] = self.reboot
        return result


def diff_settings(
    old: Mapping[str, str],
    new: Mapping[str, str],
    *,
    path: str | None = None,
    mac: str | None = None,
) -> list[Change]:
    """Changes from ``old`` to ``new`` (key → value mappings).

    Removed and changed keys come in ``old``'s order, then added keys in ``new``'s.
    """
    changes: list[Change] = []
    for key, old_value in old.items():
        new_value = new.get(key)
        if new_value is None:
            changes.append(Change(key, "removed", old_value, None, path, mac))
        elif new_value != old_value:
            changes.append(Change(key, "changed", old_value, new_value, path, mac))
    changes.extend(
        Change(key, "added", None, value, path, mac) for key, value in new.items() if key not in old
    )
    return changes


def diff(a: Document, b: Document) -> list[Change]:
    """The settings that differ between ``a`` and ``b``, by effective (last) value.

    Order, spacing, comments, blank lines and overridden duplicates do not count.
    Values are not masked; use :func:`mask_changes` before showing them.
    """
    return diff_settings(a.to_dict(), b.to_dict())


def apply_changes(doc: Document, changes: Iterable[Change], *, check: bool = True) -> Document:
    """A copy of ``doc`` with ``changes`` applied; ``doc`` itself is left as it is.

    Edits go through :meth:`Document.set` and :meth:`Document.delete`, so every
    line not touched stays byte-identical. With ``check`` (the default) each
    change must fit ``doc`` like a patch: a changed or removed key must have the
    change's ``old`` value, an added key must be absent; otherwise
    :class:`~cfgtool.errors.CfgValueError` names the key and nothing is changed.
    """
    result = loads(dumps(doc), filename=doc.filename)
    for change in changes:
        if change.key is None:
            raise CfgValueError(f"{change.path}: a whole-file change cannot be applied to settings")
        if change.masked:
            raise CfgValueError(
                f"the change to {change.key!r} has masked values; "
                "diff with show_secrets to apply it"
            )
        current = result.get(change.key)
        expected = None if change.change == "added" else change.old
        if check and current != expected:
            raise CfgValueError(
                f"cannot apply the change to {change.key!r}: expected "
                + ("it to be absent" if expected is None else f"value {expected!r}")
                + (", but it is absent" if current is None else f", found {current!r}")
            )
        if change.change == "removed":
            result.delete(change.key)
        else:
            result.set(change.key, change.new or "")
    return result


def mask_changes(changes: Iterable[Change]) -> list[Change]:
    """``changes`` with secret values (passwords, AES keys, URL credentials) masked.

    A change stays a change even when both masked values read the same.
    """
    masked: list[Change] = []
    for change in changes:
        if change.key is None:
            masked.append(change)
            continue
        old = None if change.old is None else mask_value(change.key, change.old)
        new = None if change.new is None else mask_value(change.key, change.new)
        if old == change.old and new == change.new:
            masked.append(change)
        else:
            masked.append(replace(change, old=old, new=new, masked=True))
    return masked


def catalog_reboot_lookup() -> RebootLookup | None:
    try:
        catalog = load_catalog()
    except SchemaError:
        return None

    def lookup(key: str) -> bool | None:
        param = catalog.lookup(key)
        return None if param is None else param.reboot

    return lookup


def mark_reboot(changes: Iterable[Change], lookup: RebootLookup | None = None) -> list[Change]:
    """``changes`` with :attr:`Change.reboot` filled in from the parameter catalog.

    ``lookup`` maps a key to True (needs a reboot), False, or None (unknown);
    it defaults to the bundled catalog. Changes are returned as they are when
    no catalog is available.
    """
    lookup = lookup or catalog_reboot_lookup()
    if lookup is None:
        return list(changes)
    return [
        change if change.key is None else replace(change, reboot=lookup(change.key))
        for change in changes
    ]
