"""Two files or two provisioning trees compared the way phones see them (``cfgtool diff``)."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cfgtool.differ.settings import (
    Change,
    RebootLookup,
    SettingsPair,
    Status,
    catalog_reboot_lookup,
    diff_settings,
    mark_reboot,
    mask_changes,
)
from cfgtool.errors import CfgError, CfgIOError
from cfgtool.inputs import walk
from cfgtool.nodes import Document
from cfgtool.parser import decode, loads
from cfgtool.provisioning.tree import ProvisioningTree, TreePhone, common_files, phones, scan_tree
from cfgtool.reading import describe_missing, read_stream
from cfgtool.sources import cfg_text, read_bytes


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
    def settings_pair(self) -> SettingsPair:
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
    def settings_pair(self) -> SettingsPair:
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
            f"{plural(self.reprovisioning, 'phone')} will re-provision, "
            f"{self.unchanged_phones} unchanged"
        )
        if self.rebooting:
            text += f"; {self.rebooting} will reboot"
        if self.removed_phones:
            text += f"; {plural(self.removed_phones, 'phone')} removed"
        return text

    def to_dict(self) -> list[dict[str, Any]]:
        """The JSON output: one array of change objects."""
        return [change.to_dict() for change in self.changes]


def plural(count: int, noun: str) -> str:
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
        # Every file, not only cfg files: phones also download firmware, XML, ring tones.
        found = walk(root, suffixes=None)
        paths = {os.path.relpath(path, root).replace(os.sep, "/"): path for path in found}
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
    text = cfg_text(data, path)
    return None if text is None else loads(text, filename=path).to_dict()


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
    reboot_lookup = catalog_reboot_lookup()
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
class _Phones:
    """The phones of one tree (:func:`cfgtool.provisioning.tree.phones`), by (directory, MAC)."""

    tree: ProvisioningTree
    by_place: dict[tuple[str, str], TreePhone]

    def commons(self, directory: str, phone: TreePhone) -> tuple[str, ...]:
        return common_files(self.tree, directory, phone.model)


def _find_phones(tree: _Tree) -> _Phones:
    scanned = scan_tree(tree.root, tree.paths.values())
    return _Phones(scanned, phones(scanned))


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
    for ident in sorted(old_index.by_place.keys() | new_index.by_place.keys()):
        old, new = old_index.by_place.get(ident), new_index.by_place.get(ident)
        phone = new or old
        assert phone is not None
        # Without its own files a phone still downloads the Common files there.
        old_files = old.files if old else old_index.commons(phone.directory, phone)
        new_files = new.files if new else new_index.commons(phone.directory, phone)
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
        return loads(decode(read_stream(sys.stdin.buffer), path="<stdin>"), filename="<stdin>")
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
            raise CfgIOError(describe_missing(name))
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
    finish = _finisher(catalog_reboot_lookup(), show_secrets)
    changes = finish(diff_settings(old_settings, new_settings))
    return DiffResult(
        old_name, new_name, changes, old_settings=old_settings, new_settings=new_settings
    )
