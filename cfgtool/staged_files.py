"""The temp files of a staged batch (:class:`cfgtool.fsutil.Staging`), kept compactly.

A temp file is named :data:`TEMP_NAME` beside its target: ``dir/.name.XXXXXXXX.tmp``
for ``dir/name``. :class:`StagedFiles` keeps such a pair as its directory (shared by
the pairs of that directory), its name and its eight hex digits: 16 bytes for a
per-phone file (a name of 12 hex digits and ``.cfg``, kept as a number), where two
strings would take over 200; a batch of 100,000 files keeps 1.6 MB, not 20.
"""

from __future__ import annotations

import array
import os
import re
import sys
from collections.abc import Iterable, Iterator

from cfgtool.blocks import BLOCK_BYTES, Numbers, Strings

# The name of every temp file cfgtool writes: ".<target name>.<8 hex digits>.tmp".
TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")
_HEX8 = re.compile(r"[0-9a-f]{8}")
_ODD = 0xFFFFFFFF  # the directory index of a pair kept as it is
_MAC_NAME = re.compile(r"[0-9a-f]{12}\.cfg")
_OTHER = 1 << 63  # a name that is no _MAC_NAME: this bit and its index in _others
_PENDING = 4096  # pairs kept as they are before they are kept compactly
# How os.fsencode turns a name into bytes, and back.
_ENCODING, _ERRORS = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()


class StagedFiles:
    """``(temp file, target)`` pairs in the order they were added (see the module docstring);
    a pair whose temp file is not its target's :data:`TEMP_NAME` is kept as it is."""

    __slots__ = ("_directories", "_directory_index", "_names", "_numbers", "_odd", "_others",
                 "_pending", "_where")  # fmt: skip

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._directories: list[str] = []  # each with its "/" ("" for the current one)
        self._directory_index: dict[str, int] = {}
        self._where = Numbers("I")  # per pair: its directory's index, or _ODD
        self._names = Numbers("Q")  # per pair: its target's name (see _OTHER; 0 for an odd one)
        self._others = Strings()  # the names that are no _MAC_NAME
        self._numbers = Numbers("I")  # per pair: the temp file's eight hex digits
        self._odd: dict[int, tuple[str, str]] = {}
        # The latest pairs as they are, kept compactly a few thousand at a time (a worker's
        # chunk of files never is: it is handed over as it is).
        self._pending: list[tuple[str, str]] = []
        self.extend(pairs)

    def append(self, temp: str, target: str) -> None:
        """Add the pair ``(temp, target)`` at the end."""
        self._pending.append((temp, target))
        if len(self._pending) >= _PENDING:
            self._compact()

    def extend(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Add every pair of ``pairs`` at the end."""
        for pair in pairs:
            self._pending.append(pair)
            if len(self._pending) >= _PENDING:
                self._compact()

    def _compact(self) -> None:
        pending, self._pending = self._pending, []
        directory_index, directories, odd = self._directory_index, self._directories, self._odd
        where, numbers, names = array.array("I"), array.array("I"), array.array("Q")
        others: list[bytes] = []
        position, other = len(self._where), _OTHER + len(self._others)
        hex8, mac_name = _HEX8.fullmatch, _MAC_NAME.fullmatch
        for temp, target in pending:
            folder, slash, name = target.rpartition("/")
            directory = folder + slash
            digits = temp[-12:-4]
            kept: int | None = None  # the name as _names keeps it
            # temp == f"{directory}.{name}.{digits}.tmp", in a few comparisons
            if (
                len(temp) == len(target) + 14
                and temp.endswith(".tmp")
                and temp.startswith(name, len(directory) + 1)
                and temp.startswith(directory)
                and temp[len(directory)] == "."
                and temp[-13] == "."
                and hex8(digits)
            ):
                if mac_name(name):
                    kept = int(name[:12], 16)
                elif len(encoded := name.encode(_ENCODING, _ERRORS)) <= BLOCK_BYTES:
                    kept = other + len(others)
                    others.append(encoded)
            if kept is None:
                odd[position + len(where)] = (temp, target)
                where.append(_ODD)
                names.append(0)
                numbers.append(0)
                continue
            names.append(kept)
            index = directory_index.get(directory)
            if index is None:
                index = directory_index[directory] = len(directories)
                directories.append(directory)
            where.append(index)
            numbers.append(int(digits, 16))
        self._where.extend(where)
        self._names.extend(names)
        self._others.extend(others)
        self._numbers.extend(numbers)

    def __len__(self) -> int:
        return len(self._where) + len(self._pending)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        if not len(self._where):
            return iter(self._pending)
        return self._every()

    def _every(self) -> Iterator[tuple[str, str]]:
        directories, odd, others = self._directories, self._odd, self._others
        for index, (where, name, number) in enumerate(
            zip(self._where, self._names, self._numbers, strict=True)
        ):
            if where == _ODD:
                yield odd[index]
                continue
            if name & _OTHER:
                text = others[name ^ _OTHER].decode(_ENCODING, _ERRORS)
            else:
                text = f"{name:012x}.cfg"
            directory = directories[where]
            yield f"{directory}.{text}.{number:08x}.tmp", directory + text
        yield from self._pending

    def directories(self) -> set[str]:
        """The directories of the targets (as ``os.path.dirname`` gives them)."""
        found = {os.path.dirname(directory + "x") for directory in self._directories}
        found.update(os.path.dirname(target) for _, target in self._odd.values())
        found.update(os.path.dirname(target) for _, target in self._pending)
        return found

    def temps(self) -> Iterator[str]:
        """Each pair's temp file."""
        return (temp for temp, _ in self)

    def without(self, positions: Iterable[int]) -> StagedFiles:
        """These pairs but those at ``positions`` (0-based, in the order added)."""
        unwanted = set(positions)
        return StagedFiles(pair for index, pair in enumerate(self) if index not in unwanted)
