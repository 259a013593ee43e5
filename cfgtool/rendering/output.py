"""Where a batch writes: comparing with what is there, the output directories, the manifest.

Every helper here only looks or prepares; the files themselves are staged and
committed together by :class:`cfgtool.fsutil.Staging`.
"""

from __future__ import annotations

import array
import bisect
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from cfgtool.errors import CfgIOError
from cfgtool.fsutil import make_directory, remove_made_directories
from cfgtool.rendering.results import Phone, Phones
from cfgtool.rendering.template import MAC_FILE, SAFE_PART, Layout


def compare(target: str, data: bytes) -> tuple[bool, os.stat_result | None]:
    """Whether ``target`` holds exactly ``data``, and its status (None: it does not exist).

    The bytes are compared, never parsed: an unchanged file costs one open,
    one fstat and one read (its MD5 is the MD5 of ``data``).
    """
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return False, None
    except OSError:
        try:
            return False, os.stat(target)
        except OSError:
            return False, None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
            return False, st
        return os.read(fd, len(data) + 1) == data, st
    finally:
        os.close(fd)


class MacListing:
    """The ``<mac>.cfg`` names (of any kind) in the output folders when a batch starts,
    8 bytes each: per folder, the MACs as sorted numbers.

    ``relative in listing`` says whether a target (``[folder/]<mac>.cfg``) was there; a
    target not listed does not exist (when nothing else writes there): it needs no
    :func:`compare`. Any other name is taken as listed (its target is compared).
    """

    __slots__ = ("_folders", "count")

    def __init__(self, folders: dict[str, array.array[int]]) -> None:
        self._folders: dict[str, tuple[int, array.array[int]]] = {}
        self.count = 0
        for folder, numbers in folders.items():
            self._folders[folder] = (self.count, numbers)
            self.count += len(numbers)

    def find(self, relative: str) -> int | None:
        """The position of ``relative`` among every name listed (0 to :attr:`count` - 1),
        or None when it is not listed (or is no ``<mac>.cfg`` name)."""
        folder, _, name = relative.rpartition("/")
        found = self._folders.get(folder)
        if found is None or not MAC_FILE.fullmatch(name):
            return None
        return _position(found, int(name[:12], 16))

    def __contains__(self, relative: object) -> bool:
        if not isinstance(relative, str):
            return False
        folder, _, name = relative.rpartition("/")
        found = self._folders.get(folder)
        if found is None or not found[1]:
            return False  # nothing was there
        if not MAC_FILE.fullmatch(name):
            return True
        return _position(found, int(name[:12], 16)) is not None

    def produced(self, phones: Phones) -> bytearray:
        """One flag per name listed (in :meth:`find`'s order): whether one of ``phones``
        writes it."""
        marks = bytearray(self.count)
        if not self.count:
            return marks
        folders = self._folders
        for folder, mac in phones.numbers():
            found = folders.get(folder)
            if found is not None and mac >= 0:
                position = _position(found, mac)
                if position is not None:
                    marks[position] = 1
        return marks


def _position(found: tuple[int, array.array[int]], mac: int) -> int | None:
    start, numbers = found
    index = bisect.bisect_left(numbers, mac)
    return start + index if index < len(numbers) and numbers[index] == mac else None


def list_mac_files(root: str, folders: set[str]) -> MacListing | None:
    """The :class:`MacListing` of ``root`` and its ``folders``, or None when a folder
    cannot be listed."""
    listed: dict[str, array.array[int]] = {}
    for folder in folders:
        numbers = array.array("Q")
        try:
            with os.scandir(os.path.join(root, folder) if folder else root) as entries:
                for entry in entries:
                    name = entry.name
                    if MAC_FILE.fullmatch(name):
                        numbers.append(int(name[:12], 16))
        except FileNotFoundError:
            continue
        except OSError:
            return None
        # Sorted, for bisect (the list sort makes is short-lived: before any row is run).
        listed[folder] = array.array("Q", sorted(numbers))
    return MacListing(listed)


def existing_folders(root: Path, layout: Layout) -> set[str]:
    """The folders a batch may find its targets in: ``""`` (``root`` itself) and, for
    ``pn``, every directory in ``root`` (a target in a folder not there yet is new)."""
    folders = {""}
    if layout == "pn":
        folders.update(
            entry.name for entry in _scan(os.fspath(root)) if entry.is_dir(follow_symlinks=False)
        )
    return folders


def make_directories(root: Path, folders: set[str]) -> tuple[list[str], list[Path]]:
    """Create ``root`` and its ``$PN`` folders: return them all, and those made now.

    A folder that is a symbolic link (or resolves outside ``root``) is refused:
    nothing is ever written outside ``--out``.
    """
    made = [Path(directory) for directory in make_directory(root)]
    directories = [os.fspath(root)]
    real_root = os.path.realpath(root)
    try:
        for folder in sorted(folders - {""}):
            directory = root / folder
            if directory.is_symlink():
                raise CfgIOError(
                    f"{directory} is a symbolic link: cfgtool writes only inside --out and "
                    "does not follow it; replace it with a directory"
                )
            if not directory.exists():
                try:
                    directory.mkdir()
                except OSError as exc:
                    raise CfgIOError(f"cannot create {directory}: {exc.strerror or exc}") from None
                made.append(directory)
            if os.path.dirname(os.path.realpath(directory)) != real_root:  # pragma: no cover
                raise CfgIOError(f"{directory} leads outside {root}; refusing to write there")
            directories.append(os.fspath(directory))
    except BaseException:
        remove_made_directories(made)
        raise
    return directories, made


def manifest_bytes(phones: Sequence[Phone]) -> bytes:
    """The manifest: JSON ``{mac: {"file", "model", "md5"}}``, sorted by MAC."""
    entries = {
        phone.mac: {"file": phone.path, "model": phone.model, "md5": phone.md5}
        for phone in sorted(phones, key=lambda p: p.mac)
    }
    return (json.dumps(entries, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def check_manifest_target(path: Path, root: Path) -> None:
    """Refuse a manifest that cannot be written, before anything is written."""
    parent = path.parent
    if path.is_dir():
        raise CfgIOError(f"cannot write the manifest {path}: it is a directory")
    if not parent.exists():
        if os.path.abspath(parent) == os.path.abspath(root):
            return  # the output directory, made before the files are written
        raise CfgIOError(f"cannot write the manifest {path}: {parent} does not exist")
    if not parent.is_dir():
        raise CfgIOError(f"cannot write the manifest {path}: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise CfgIOError(f"cannot write the manifest {path}: {parent} is not writable")


def existing_mac_files(root: Path, layout: Layout) -> list[str]:
    """``<mac>.cfg`` files in ``root`` (and, for ``pn``, one directory down), relative.

    Symbolic links are left alone (neither listed nor followed into): ``--prune``
    deletes what this lists. One ``scandir`` per directory, no ``stat`` per file.
    """
    return sorted(mac_files(root, layout))


def mac_files(root: Path, layout: Layout) -> Iterator[str]:
    """:func:`existing_mac_files`, unsorted, one at a time (a directory of 100,000 files
    is never held as a list)."""
    for entry in _scan(os.fspath(root)):
        if entry.is_symlink():
            continue
        if entry.is_dir():
            if layout == "pn":
                folder = entry.name
                yield from (
                    f"{folder}/{inner.name}"
                    for inner in _scan(entry.path)
                    if MAC_FILE.fullmatch(inner.name)
                    and not inner.is_symlink()
                    and not inner.is_dir()
                )
        elif MAC_FILE.fullmatch(entry.name):
            yield entry.name


def _scan(directory: str) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            yield from entries
    except OSError:
        return


# One or two SAFE_PART names (which hold no "/"), joined by "/": one test per row.
_SAFE_RELATIVE = re.compile(f"(?:{SAFE_PART.pattern})(?:/(?:{SAFE_PART.pattern}))?")


def is_safe_relative(relative: str) -> bool:
    """Whether ``relative`` is ``<mac>.cfg`` or ``<folder>/<mac>.cfg`` with plain names."""
    return _SAFE_RELATIVE.fullmatch(relative) is not None
