"""The temp files of a staged batch (:class:`cfgtool.fsutil.Staging`), kept compactly.

A temp file is named :data:`TEMP_NAME` beside its target: ``dir/.name.XXXXXXXX.tmp``
for ``dir/name``. :class:`StagedFiles` keeps such a pair as its directory (shared by
the pairs of that directory), its name and its eight hex digits: about 30 bytes, where
two strings would take over 200; a batch of 100,000 files keeps 3 MB, not 20.
"""

from __future__ import annotations

import array
import re
import sys
from collections.abc import Iterable, Iterator

# The name of every temp file cfgtool writes: ".<target name>.<8 hex digits>.tmp".
TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")
_PARTS = re.compile(r"\.(.+)\.([0-9a-f]{8})\.tmp")
_ODD = 0xFFFFFFFF  # the directory index of a pair kept as it is
# How os.fsencode turns a name into bytes, and back.
_ENCODING, _ERRORS = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()


class StagedFiles:
    """``(temp file, target)`` pairs in the order they were added (see the module docstring);
    a pair whose temp file is not its target's :data:`TEMP_NAME` is kept as it is."""

    __slots__ = ("_directories", "_directory_index", "_ends", "_names", "_numbers", "_odd",
                 "_where")  # fmt: skip

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._directories: list[str] = []  # each with its "/" ("" for the current one)
        self._directory_index: dict[str, int] = {}
        self._where = array.array("I")  # per pair: its directory's index, or _ODD
        self._names = bytearray()  # the targets' names, one after another
        self._ends = array.array("I")  # per pair: where its name ends in _names (see append)
        self._numbers = array.array("I")  # per pair: the temp file's eight hex digits
        self._odd: dict[int, tuple[str, str]] = {}
        self.extend(pairs)

    def append(self, temp: str, target: str) -> None:
        """Add the pair ``(temp, target)`` at the end."""
        folder, slash, base = temp.rpartition("/")
        parts = _PARTS.fullmatch(base)
        directory = folder + slash
        name = parts[1].encode(_ENCODING, _ERRORS) if parts is not None else b""
        if (
            parts is None
            or target != directory + parts[1]
            or len(self._names) + len(name) > _ODD  # the ends are 4-byte numbers
        ):
            self._odd[len(self._where)] = (temp, target)
            self._where.append(_ODD)
            self._numbers.append(0)
        else:
            index = self._directory_index.get(directory)
            if index is None:
                index = self._directory_index[directory] = len(self._directories)
                self._directories.append(directory)
            self._where.append(index)
            self._names += name
            self._numbers.append(int(parts[2], 16))
        self._ends.append(len(self._names))

    def extend(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Add every pair of ``pairs`` at the end."""
        for temp, target in pairs:
            self.append(temp, target)

    def __len__(self) -> int:
        return len(self._where)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        directories, names, ends = self._directories, self._names, self._ends
        numbers = self._numbers
        start = 0
        for index, where in enumerate(self._where):
            end = ends[index]
            if where == _ODD:
                yield self._odd[index]
            else:
                directory, name = directories[where], names[start:end].decode(_ENCODING, _ERRORS)
                yield f"{directory}.{name}.{numbers[index]:08x}.tmp", directory + name
            start = end

    def temps(self) -> Iterator[str]:
        """Each pair's temp file."""
        return (temp for temp, _ in self)

    def without(self, positions: Iterable[int]) -> StagedFiles:
        """These pairs but those at ``positions`` (0-based, in the order added)."""
        unwanted = set(positions)
        return StagedFiles(pair for index, pair in enumerate(self) if index not in unwanted)
