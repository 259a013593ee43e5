"""Per-row results of a long batch in fixed blocks: numbers, byte records, byte strings.

An ``array.array`` or ``bytearray`` that grows to megabytes is moved by ``realloc``
again and again, and the C library keeps the holes it leaves (a 100,000-row render
ended with 8 MB of them). These keep their items in blocks of :data:`BLOCK_BYTES`,
each allocated once at its full size: a batch's memory is its items and a block.
"""

from __future__ import annotations

import array
import bisect
import itertools
from collections.abc import Iterable, Iterator

# Below the C library's threshold for a block of its own (128 KiB): blocks come from its
# heap, all of one size, and none is ever moved.
BLOCK_BYTES = 32 * 1024


class Numbers:
    """Numbers of one ``array`` typecode, appended and read by position."""

    __slots__ = ("_blocks", "_length", "_per_block", "_size", "_typecode")

    def __init__(self, typecode: str, values: Iterable[int] = ()) -> None:
        self._typecode = typecode
        self._size = array.array(typecode).itemsize
        self._per_block = max(1, BLOCK_BYTES // self._size)
        self._blocks: list[array.array[int]] = []
        self._length = 0
        self.extend(values)

    def append(self, value: int) -> None:
        """Add ``value`` at the end."""
        offset = self._length % self._per_block
        if not offset:
            self._blocks.append(array.array(self._typecode, bytes(self._per_block * self._size)))
        self._blocks[-1][offset] = value
        self._length += 1

    def extend(self, values: Iterable[int]) -> None:
        """Add every one of ``values`` at the end."""
        for value in values:
            self.append(value)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int) -> int:
        if not 0 <= index < self._length:
            raise IndexError("index out of range")
        block, offset = divmod(index, self._per_block)
        return self._blocks[block][offset]

    def __iter__(self) -> Iterator[int]:
        blocks, per_block = self._blocks, self._per_block
        for block in blocks[:-1]:
            yield from block
        if blocks:
            yield from itertools.islice(blocks[-1], self._length - per_block * (len(blocks) - 1))


class Records:
    """Byte records of one ``width`` (a MAC, an MD5), appended and read by position."""

    __slots__ = ("_blocks", "_length", "_per_block", "_width")

    def __init__(self, width: int) -> None:
        self._width = width
        self._per_block = max(1, BLOCK_BYTES // width)
        self._blocks: list[bytearray] = []
        self._length = 0

    def append(self, record: bytes) -> None:
        """Add ``record`` (``width`` bytes) at the end."""
        width = self._width
        if len(record) != width:
            raise ValueError(f"a record has {width} bytes, not {len(record)}")
        offset = self._length % self._per_block * width
        if not offset:
            self._blocks.append(bytearray(self._per_block * width))
        self._blocks[-1][offset : offset + width] = record
        self._length += 1

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int) -> bytes:
        if not 0 <= index < self._length:
            raise IndexError("index out of range")
        block, offset = divmod(index, self._per_block)
        offset *= self._width
        return bytes(self._blocks[block][offset : offset + self._width])


class Strings:
    """Byte strings of any length up to :data:`BLOCK_BYTES` (names), appended and read by
    position; none is split between blocks."""

    __slots__ = ("_blocks", "_ends", "_firsts")

    def __init__(self) -> None:
        self._blocks: list[bytearray] = []
        self._firsts: list[int] = []  # per block: the position of its first string
        self._ends = Numbers("H")  # per string: where it ends in its block (<= BLOCK_BYTES)

    def append(self, data: bytes) -> None:
        """Add ``data`` at the end (at most :data:`BLOCK_BYTES` bytes)."""
        if len(data) > BLOCK_BYTES:
            raise ValueError(f"a string has at most {BLOCK_BYTES} bytes")
        if not self._blocks or len(self._blocks[-1]) + len(data) > BLOCK_BYTES:
            self._blocks.append(bytearray())
            self._firsts.append(len(self._ends))
        block = self._blocks[-1]
        block += data
        self._ends.append(len(block))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> bytes:
        end = self._ends[index]
        number = bisect.bisect_right(self._firsts, index) - 1
        block = self._blocks[number]
        start = 0 if index == self._firsts[number] else self._ends[index - 1]
        return bytes(block[start:end])

    def __iter__(self) -> Iterator[bytes]:
        blocks, firsts = self._blocks, [*self._firsts[1:], len(self)]
        number, start = 0, 0
        for index, end in enumerate(self._ends):
            while index == firsts[number]:
                number, start = number + 1, 0
            yield bytes(blocks[number][start:end])
            start = end
