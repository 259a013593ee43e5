"""Semantic diff of settings: two files, two phones' effective configurations, two trees.

A text diff of provisioning files is noise: phones apply the *last* value of each
key and ignore order, spacing, comments and blank lines. This module compares
what phones apply::

    changes = cfgtool.diff(cfgtool.load("old.cfg"), cfgtool.load("new.cfg"))
    patched = apply_changes(cfgtool.load("old.cfg"), changes)   # settings now equal new.cfg's

:func:`diff_paths` is what ``cfgtool diff`` wraps: two files, or two provisioning
trees compared file by file (MD5, as phones compare what they download) or, with
``effective=True``, phone by phone (Common, then MAC file, then MAC-local file).
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from cfgtool.errors import CfgDecodeError, CfgError, CfgIOError, CfgValueError, SchemaError
from cfgtool.fsutil import read_bytes
from cfgtool.nodes import Document
from cfgtool.parser import decode, dumps, loads

if TYPE_CHECKING:
    from cfgtool.catalog import Model
    from cfgtool.provisioning import ProvisioningTree

__all__ = [
    "Change",
    "DiffResult",
    "FileDiff",
    "PhoneDiff",
    "apply_changes",
    "diff",
    "diff_paths",
    "diff_settings",
    "diff_trees",
    "mark_reboot",
    "mask_changes",
    "text_lines",
    "to_json",
    "unified",
]

ChangeKind = Literal["added", "removed", "changed"]
Status = Literal["added", "removed", "changed", "unchanged"]
RebootLookup = Callable[[str], "bool | None"]
_SettingsPair = tuple[Mapping[str, str], Mapping[str, str]]


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


# --------------------------------------------------------------------------- settings


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
    from cfgtool.masking import mask_value

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


def _catalog_reboot_lookup() -> RebootLookup | None:
    try:
        from cfgtool.catalog import load_catalog

        catalog = load_catalog()
    except (ImportError, SchemaError):
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
    lookup = lookup or _catalog_reboot_lookup()
    if lookup is None:
        return list(changes)
    return [
        change if change.key is None else replace(change, reboot=lookup(change.key))
        for change in changes
    ]


# --------------------------------------------------------------------------- trees


@dataclass(frozen=True, slots=True)
class FileDiff:
    """One file of a tree: its status by MD5, and its setting changes when it changed.

    ``settings`` is False for a file that is not a ``.cfg`` (firmware, XML, ring
    tones) or that cannot be read as one (encrypted, not UTF-8): only the MD5
    sums were compared.
    """

    path: str
    status: Status
    old_md5: str | None
    new_md5: str | None
    changes: tuple[Change, ...] = ()
    settings: bool = True
    old_settings: Mapping[str, str] | None = field(default=None, repr=False, compare=False)
    new_settings: Mapping[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def settings_pair(self) -> _SettingsPair:
        return self.old_settings or {}, self.new_settings or {}


@dataclass(frozen=True, slots=True)
class PhoneDiff:
    """One phone (one MAC) of a tree.

    ``files`` are the files it downloads (Common, MAC, MAC-local), ``status`` is
    "changed" when any of them differs by MD5 (the phone re-provisions),
    "added"/"removed" when its MAC files appear or disappear. ``changes`` are its
    effective setting changes (effective mode) or its files' changes.
    """

    mac: str
    path: str
    model: str | None
    files: tuple[str, ...]
    status: Status
    changes: tuple[Change, ...] = ()
    settings: bool = True
    old_settings: Mapping[str, str] | None = field(default=None, repr=False, compare=False)
    new_settings: Mapping[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def settings_pair(self) -> _SettingsPair:
        return self.old_settings or {}, self.new_settings or {}

    @property
    def reboot(self) -> bool:
        """True when a change needs a reboot (per the catalog)."""
        return any(change.reboot for change in self.changes)


@dataclass(frozen=True, slots=True)
class DiffResult:
    """What ``cfgtool diff`` reports.

    ``changes`` is the flat list (the JSON output); ``files`` and ``phones`` are
    filled in tree mode. ``old_name``/``new_name`` are the compared paths.
    """

    old_name: str
    new_name: str
    changes: tuple[Change, ...]
    tree: bool = False
    effective: bool = False
    files: tuple[FileDiff, ...] = ()
    phones: tuple[PhoneDiff, ...] = ()
    old_settings: Mapping[str, str] | None = field(default=None, repr=False, compare=False)
    new_settings: Mapping[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def file_sections(self) -> tuple[FileDiff, ...]:
        """Files reported file by file: all of them, or in effective mode those that
        no phone's effective configuration covers (or that are not settings)."""
        if not self.effective:
            return self.files
        covered = {name for phone in self.phones if phone.settings for name in phone.files}
        return tuple(item for item in self.files if item.path not in covered or not item.settings)

    @property
    def differs(self) -> bool:
        """True when a setting (or a file that is not settings) differs: exit 1."""
        return bool(self.changes)

    @property
    def reprovisioning(self) -> int:
        """Phones whose downloaded files change (MD5), new phones included."""
        return sum(phone.status in ("added", "changed") for phone in self.phones)

    @property
    def unchanged_phones(self) -> int:
        return sum(phone.status == "unchanged" for phone in self.phones)

    @property
    def removed_phones(self) -> int:
        return sum(phone.status == "removed" for phone in self.phones)

    @property
    def rebooting(self) -> int:
        """Phones that stay in the tree and get a change that needs a reboot."""
        return sum(phone.status != "removed" and phone.reboot for phone in self.phones)

    def summary(self) -> str:
        """``N phones will re-provision, M unchanged`` (+ reboots and removed phones)."""
        if not self.tree:
            count = len(self.changes)
            return f"{count} setting differs" if count == 1 else f"{count} settings differ"
        text = (
            f"{_plural(self.reprovisioning, 'phone')} will re-provision, "
            f"{self.unchanged_phones} unchanged"
        )
        if self.rebooting:
            text += f"; {self.rebooting} will reboot"
        if self.removed_phones:
            text += f"; {_plural(self.removed_phones, 'phone')} removed"
        return text

    def to_dict(self) -> list[dict[str, Any]]:
        """The JSON output: one array of change objects."""
        return [change.to_dict() for change in self.changes]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass(slots=True)
class _Tree:
    """The files of one provisioning directory, hashed once and parsed on demand.

    ``parsed`` is shared by both trees and keyed by MD5: a file that did not
    change is parsed once, not once per side.
    """

    root: str
    paths: dict[str, str]
    parsed: dict[str, dict[str, str] | None]
    _md5: dict[str, str] = field(default_factory=dict)

    @classmethod
    def scan(cls, root: str, parsed: dict[str, dict[str, str] | None]) -> _Tree:
        paths: dict[str, str] = {}
        for directory, subdirs, files in os.walk(root):
            subdirs[:] = sorted(name for name in subdirs if not name.startswith("."))
            relative_dir = os.path.relpath(directory, root).replace(os.sep, "/")
            prefix = "" if relative_dir == "." else relative_dir + "/"
            for name in sorted(files):
                if not name.startswith("."):
                    paths[prefix + name] = os.path.join(directory, name)
        return cls(root, paths, parsed)

    def md5(self, relative: str) -> str | None:
        if relative not in self.paths:
            return None
        if relative not in self._md5:
            data = read_bytes(self.paths[relative])
            self._md5[relative] = hashlib.md5(data, usedforsecurity=False).hexdigest()
        return self._md5[relative]

    def settings(self, relative: str) -> dict[str, str] | None:
        """Key → effective value, or None when the file is not a readable cfg file."""
        if not relative.lower().endswith(".cfg"):
            return None  # firmware, XML, ring tones: phones take them whole
        digest = self.md5(relative) or ""
        if digest not in self.parsed:
            path = self.paths[relative]
            self.parsed[digest] = _read_settings(read_bytes(path), path)
        return self.parsed[digest]


def _read_settings(data: bytes, path: str) -> dict[str, str] | None:
    try:
        text = decode(data, path=path)
    except CfgDecodeError:
        return None
    if "\x00" in text:
        return None
    return loads(text, filename=path).to_dict()


@dataclass(frozen=True, slots=True)
class _Phone:
    mac: str
    directory: str
    model: Model | None
    common: tuple[str, ...]
    own: tuple[str, ...]

    @property
    def files(self) -> tuple[str, ...]:
        return (*self.common, *self.own)


def diff_trees(
    old_dir: str | os.PathLike[str],
    new_dir: str | os.PathLike[str],
    *,
    effective: bool = False,
    show_secrets: bool = False,
) -> DiffResult:
    """Compare two provisioning trees the way phones see them.

    Every file is added, removed, changed or unchanged by MD5; a changed cfg
    file lists its setting changes. Phones are the MACs of ``<mac>.cfg`` and
    ``<mac>-local.cfg`` files; a phone re-provisions when its Common, MAC or
    MAC-local file changes. With ``effective``, each phone's effective
    configuration (Common, then MAC, then MAC-local; last value wins) is
    compared, so one Common change shows once per phone of that model.
    Secrets are masked unless ``show_secrets``.
    """
    parsed: dict[str, dict[str, str] | None] = {}
    old_tree = _Tree.scan(os.fspath(old_dir), parsed)
    new_tree = _Tree.scan(os.fspath(new_dir), parsed)
    reboot_lookup = _catalog_reboot_lookup()
    finish = _finisher(reboot_lookup, show_secrets)

    files = tuple(
        _file_diff(relative, old_tree, new_tree, finish)
        for relative in sorted(old_tree.paths.keys() | new_tree.paths.keys())
    )
    by_path = {item.path: item for item in files}
    phone_diffs = _phone_diffs(old_tree, new_tree, by_path, effective, finish)
    result = DiffResult(
        os.fspath(old_dir),
        os.fspath(new_dir),
        (),
        tree=True,
        effective=effective,
        files=files,
        phones=phone_diffs,
    )
    per_phone = [change for phone in phone_diffs for change in phone.changes] if effective else []
    per_file = [change for item in result.file_sections for change in item.changes]
    return replace(result, changes=(*per_phone, *per_file))


def _finisher(
    reboot_lookup: RebootLookup | None, show_secrets: bool
) -> Callable[[list[Change]], tuple[Change, ...]]:
    def finish(changes: list[Change]) -> tuple[Change, ...]:
        changes = mark_reboot(changes, reboot_lookup) if reboot_lookup else changes
        return tuple(changes if show_secrets else mask_changes(changes))

    return finish


def _file_diff(
    relative: str,
    old_tree: _Tree,
    new_tree: _Tree,
    finish: Callable[[list[Change]], tuple[Change, ...]],
) -> FileDiff:
    old_md5, new_md5 = old_tree.md5(relative), new_tree.md5(relative)
    status: Status = (
        "added"
        if old_md5 is None
        else "removed"
        if new_md5 is None
        else "unchanged"
        if old_md5 == new_md5
        else "changed"
    )
    if status == "unchanged":
        return FileDiff(relative, status, old_md5, new_md5)
    old = old_tree.settings(relative) if old_md5 is not None else {}
    new = new_tree.settings(relative) if new_md5 is not None else {}
    if old is None or new is None:
        whole = Change(None, status, old_md5, new_md5, relative)
        return FileDiff(relative, status, old_md5, new_md5, (whole,), settings=False)
    changes = finish(diff_settings(old, new, path=relative))
    return FileDiff(relative, status, old_md5, new_md5, changes, True, old, new)


@dataclass(frozen=True, slots=True)
class _PhoneIndex:
    """The phones of one tree, and where a phone of a model finds its Common files."""

    phones: dict[tuple[str, str], _Phone]
    scanned: ProvisioningTree

    def commons(self, directory: str, model: Model | None) -> tuple[str, ...]:
        """Common files a phone of ``model`` served from ``directory`` downloads, in order."""
        from cfgtool.catalog import all_models_common_file
        from cfgtool.provisioning import common_search_directories

        wanted = [all_models_common_file(), *([model.common_file] if model else [])]
        for place in common_search_directories(self.scanned, self.scanned.directory(directory)):
            here = self.scanned.directory(place).commons
            prefix = f"{place}/" if place else ""
            found = tuple(prefix + name for name in wanted if name and name in here)
            if found:
                return found
        return ()


def _find_phones(tree: _Tree) -> _PhoneIndex:
    """Phones by (directory, MAC), each with the files it downloads, in order.

    Follows :mod:`cfgtool.provisioning` (as ``cfgtool effective`` does): a phone
    is the MAC of a ``<mac>.cfg`` or ``<mac>-local.cfg`` file; its Common files
    are in its directory or, outside the ``$PN`` layout and when there are none
    there, at the root: the all-models ``y000000000000.cfg`` first, then its
    model's. The model is the one model whose Common file is there, else the
    model naming the directory, else a ``# cfgtool: model=`` comment in the MAC
    file; when unknown, only the all-models file counts.
    """
    from cfgtool.catalog import find_model
    from cfgtool.filenames import classify
    from cfgtool.parser import load
    from cfgtool.provisioning import comment_model, common_search_directories, scan_tree

    scanned = scan_tree(tree.root, tree.paths.values())
    index = _PhoneIndex({}, scanned)
    own: dict[tuple[str, str], list[str]] = {}
    for (mac, _kind), paths in scanned.phones.items():
        for relative in paths:
            own.setdefault((relative.rpartition("/")[0], mac), []).append(relative)
    for (directory_name, mac), files in own.items():
        files.sort(key=lambda name: classify(name).kind == "mac-local")
        directory = scanned.directory(directory_name)
        model = None
        for place in common_search_directories(scanned, directory):
            models = scanned.directory(place).common_models
            if models:
                model = models[0] if len(models) == 1 else None
                break
        model = model or directory.pn_model
        if model is None and classify(files[0]).kind == "mac":
            named = comment_model(load(tree.paths[files[0]]))
            model = find_model(named) if named else None
        commons = index.commons(directory_name, model)
        index.phones[(directory_name, mac)] = _Phone(
            mac, directory_name, model, commons, tuple(files)
        )
    return index


def _effective(tree: _Tree, files: Sequence[str]) -> dict[str, str] | None:
    merged: dict[str, str] = {}
    for name in files:
        settings = tree.settings(name)
        if settings is None:
            return None
        merged.update(settings)
    return merged


def _phone_diffs(
    old_tree: _Tree,
    new_tree: _Tree,
    by_path: Mapping[str, FileDiff],
    effective: bool,
    finish: Callable[[list[Change]], tuple[Change, ...]],
) -> tuple[PhoneDiff, ...]:
    old_index, new_index = _find_phones(old_tree), _find_phones(new_tree)
    diffs: list[PhoneDiff] = []
    for ident in sorted(old_index.phones.keys() | new_index.phones.keys()):
        old, new = old_index.phones.get(ident), new_index.phones.get(ident)
        phone = new or old
        assert phone is not None
        # Without its own files a phone still downloads the Common files there.
        old_files = old.files if old else old_index.commons(phone.directory, phone.model)
        new_files = new.files if new else new_index.commons(phone.directory, phone.model)
        files = tuple(dict.fromkeys((*old_files, *new_files)))
        changed = [name for name in files if by_path[name].status != "unchanged"]
        status: Status = (
            "added"
            if old is None
            else "removed"
            if new is None
            else "changed"
            if changed
            else "unchanged"
        )
        model = phone.model.name if phone.model else None
        path = phone.own[0]
        if status == "unchanged":
            diffs.append(PhoneDiff(phone.mac, path, model, files, status))
        elif not effective:
            changes = tuple(change for name in changed for change in by_path[name].changes)
            settings = all(by_path[name].settings for name in changed)
            diffs.append(PhoneDiff(phone.mac, path, model, files, status, changes, settings))
        else:
            before, after = _effective(old_tree, old_files), _effective(new_tree, new_files)
            if before is None or after is None:
                diffs.append(PhoneDiff(phone.mac, path, model, files, status, settings=False))
                continue
            changes = finish(diff_settings(before, after, path=path, mac=phone.mac))
            diffs.append(
                PhoneDiff(phone.mac, path, model, files, status, changes, True, before, after)
            )
    return tuple(diffs)


# --------------------------------------------------------------------------- files or trees


def _read_document(path: str) -> Document:
    if path == "-":
        import sys

        return loads(decode(sys.stdin.buffer.read(), path="<stdin>"), filename="<stdin>")
    return loads(decode(read_bytes(path), path=path), filename=path)


def diff_paths(
    old: str | os.PathLike[str],
    new: str | os.PathLike[str],
    *,
    effective: bool = False,
    show_secrets: bool = False,
) -> DiffResult:
    """Compare two files, or two directories (see :func:`diff_trees`); ``-`` is stdin.

    Raises :class:`~cfgtool.errors.CfgError` when a path is missing, or when
    one is a directory and the other a file.
    """
    old_name, new_name = os.fspath(old), os.fspath(new)
    if old_name == new_name == "-":
        raise CfgError("only one side can be - (standard input)")
    old_is_dir, new_is_dir = (name != "-" and os.path.isdir(name) for name in (old_name, new_name))
    for name in (old_name, new_name):
        if name != "-" and not os.path.exists(name):
            raise CfgIOError(f"{name}: no such file or directory")
    if old_is_dir and new_is_dir:
        return diff_trees(old_name, new_name, effective=effective, show_secrets=show_secrets)
    if old_is_dir or new_is_dir:
        directory, other = (old_name, new_name) if old_is_dir else (new_name, old_name)
        raise CfgError(
            f"{directory} is a directory but {other} is not; compare two files or two directories"
        )
    if effective:
        raise CfgError("--effective compares provisioning trees; give two directories")
    old_doc, new_doc = _read_document(old_name), _read_document(new_name)
    old_settings, new_settings = old_doc.to_dict(), new_doc.to_dict()
    finish = _finisher(_catalog_reboot_lookup(), show_secrets)
    changes = finish(diff_settings(old_settings, new_settings))
    return DiffResult(
        old_name, new_name, changes, old_settings=old_settings, new_settings=new_settings
    )


# --------------------------------------------------------------------------- output

Segment = tuple[str, str]  # (text, rich style; "" for none)


def _value(value: str | None) -> str:
    return '""' if value == "" else str(value)


def _change_line(change: Change, indent: str) -> list[Segment]:
    reboot: list[Segment] = [("  (reboot)", "bold magenta")] if change.reboot else []
    if change.key is None:
        label = {"added": "+ (file added)", "removed": "- (file removed)"}.get(
            change.change, "~ (file changed; not compared as settings)"
        )
        return [(indent + label, "yellow")]
    if change.change == "added":
        return [(f"{indent}+ {change.key} = {_value(change.new)}", "green"), *reboot]
    if change.change == "removed":
        return [(f"{indent}- {change.key} = {_value(change.old)}", "red"), *reboot]
    return [
        (f"{indent}~ {change.key}: ", "yellow"),
        (_value(change.old), "red"),
        (" → ", ""),
        (_value(change.new), "green"),
        *reboot,
    ]


_STATUS_STYLE = {"added": "bold green", "removed": "bold red", "changed": "bold yellow"}


def text_lines(result: DiffResult) -> list[list[Segment]]:
    """The human output as lines of styled segments (plain text: join the texts)."""
    lines: list[list[Segment]] = []
    if not result.tree:
        lines.extend(_change_line(change, "") for change in result.changes)
        if result.changes:
            lines.append([(result.summary(), "bold")])
        return lines
    if result.effective:
        for phone in result.phones:
            if phone.status == "unchanged":
                continue
            model = f"  [{phone.model}]" if phone.model else ""
            note = "" if phone.settings else "  (a file of it is not readable as settings)"
            head = f"{phone.status:<9} {phone.path}{model}{note}"
            lines.append([(head, _STATUS_STYLE[phone.status])])
            lines.extend(_change_line(change, "  ") for change in phone.changes)
    from cfgtool.filenames import classify

    downloaded_by: dict[str, int] = {}
    for phone in result.phones:
        for name in phone.files:
            if classify(name).is_common:
                downloaded_by[name] = downloaded_by.get(name, 0) + 1
    for item in result.file_sections:
        if item.status == "unchanged":
            continue
        if not item.settings:
            note = "  (compared by MD5 only)"
        else:
            note = "" if item.changes else "  (no setting changes)"
        if item.path in downloaded_by and not result.effective:
            note += f"  (downloaded by {_plural(downloaded_by[item.path], 'phone')})"
        lines.append([(f"{item.status:<9} {item.path}{note}", _STATUS_STYLE[item.status])])
        if item.settings:
            lines.extend(_change_line(change, "  ") for change in item.changes)
    unchanged = sum(item.status == "unchanged" for item in result.files)
    lines.append([(f"{_plural(len(result.files), 'file')}, {unchanged} unchanged", "")])
    lines.append([(result.summary(), "bold")])
    return lines


def to_json(result: DiffResult) -> str:
    """One JSON array of change objects."""
    import json

    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)


def _normalised(
    settings: Mapping[str, str], masked: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    keys = sorted(settings)
    return (
        [f"{key} = {settings[key]}" for key in keys],
        [f"{key} = {masked.get(key, settings[key])}" for key in keys],
    )


def _unified_section(
    old_label: str,
    new_label: str,
    old: Mapping[str, str],
    new: Mapping[str, str],
    changes: Sequence[Change],
    context: int,
) -> list[str]:
    masked_old = {c.key: c.old for c in changes if c.key is not None and c.old is not None}
    masked_new = {c.key: c.new for c in changes if c.key is not None and c.new is not None}
    old_raw, old_shown = _normalised(old, masked_old)
    new_raw, new_shown = _normalised(new, masked_new)
    lines = [f"--- {old_label}", f"+++ {new_label}"]
    matcher = difflib.SequenceMatcher(None, old_raw, new_raw, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        lines.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(" " + line for line in old_shown[i1:i2])
                continue
            lines.extend("-" + line for line in old_shown[i1:i2])
            lines.extend("+" + line for line in new_shown[j1:j2])
    return lines if len(lines) > 2 else []


def _range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def unified(result: DiffResult, *, context: int = 3) -> str:
    """A unified diff of normalised, key-sorted ``key = value`` lines (masked values).

    Hunks are computed on the real values, so a changed secret still shows.
    """
    lines: list[str] = []
    if not result.tree:
        lines += _unified_section(
            result.old_name,
            result.new_name,
            result.old_settings or {},
            result.new_settings or {},
            result.changes,
            context,
        )
        return "".join(line + "\n" for line in lines)
    sections: list[tuple[str, str, Status, _SettingsPair, Sequence[Change]]] = []
    if result.effective:
        sections += [
            (phone.path, "\t(effective)", phone.status, phone.settings_pair, phone.changes)
            for phone in result.phones
            if phone.settings and phone.changes
        ]
    sections += [
        (item.path, "", item.status, item.settings_pair, item.changes)
        for item in result.file_sections
        if item.settings and item.changes
    ]
    for name, note, status, (old, new), changes in sections:
        old_label = "/dev/null" if status == "added" else f"{result.old_name}/{name}{note}"
        new_label = "/dev/null" if status == "removed" else f"{result.new_name}/{name}{note}"
        lines += _unified_section(old_label, new_label, old, new, changes, context)
    for item in result.files:
        old_path, new_path = f"{result.old_name}/{item.path}", f"{result.new_name}/{item.path}"
        if item.settings or item.status == "unchanged":
            continue
        if item.status == "changed":
            lines.append(f"Files {old_path} and {new_path} differ")
        else:
            where = result.new_name if item.status == "added" else result.old_name
            lines.append(f"Only in {where}: {item.path}")
    return "".join(line + "\n" for line in lines)
