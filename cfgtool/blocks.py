"""Per-row results of a long batch in blocks of their own: numbers, byte records, strings.

What a batch keeps per row lives through the batch while a great deal of short-lived
memory comes and goes around it (rows, rendered files, messages to and from the
workers). Kept in the C library's heap, among those, it pins the holes they leave (a
100,000-row render held 8 MB of them); grown by ``realloc``, it leaves holes itself.
These keep their items in blocks of :data:`BLOCK_BYTES`, each an anonymous memory map
of its own, filled in place: no block is ever moved, a page counts only once written,
and the heap holds none of it.
"""

from __future__ import annotations

import array
import bisect
import itertools
import mmap
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal, TypeVar, overload

BLOCK_BYTES = 256 * 1024
Item = TypeVar("Item")
# The array typecodes a Numbers holds (those a memoryview casts to).
Typecode = Literal["B", "H", "I", "Q", "q"]


# Private, not Python's default shared map: a forked worker gets the pages copy-on-write.
_PRIVATE = getattr(mmap, "MAP_PRIVATE", 0) | getattr(mmap, "MAP_ANONYMOUS", 0)


def _block(size: int) -> mmap.mmap:
    if _PRIVATE:
        return mmap.mmap(-1, size, flags=_PRIVATE)
    return mmap.mmap(-1, size)


class Numbers:
    """Numbers of one ``array`` typecode, appended and read by position."""

    __slots__ = ("_blocks", "_fill", "_full", "_last", "_per_block", "_size", "_typecode")

    def __init__(self, typecode: Typecode, values: Iterable[int] = ()) -> None:
        self._typecode = typecode
        self._size = array.array(typecode).itemsize
        self._per_block = max(1, BLOCK_BYTES // self._size)
        self._blocks: list[memoryview] = []
        self._last = memoryview(b"").cast("B")  # the block being filled
        self._fill = self._per_block  # how many numbers the last block holds
        self._full = -self._per_block  # how many the blocks before it hold
        self.extend(values)

    def append(self, value: int) -> None:
        """Add ``value`` at the end."""
        fill = self._fill
        if fill == self._per_block:
            self._last = memoryview(_block(self._per_block * self._size)).cast(self._typecode)
            self._blocks.append(self._last)
            self._full += fill
            fill = 0
        self._last[fill] = value
        self._fill = fill + 1

    def extend(self, values: Iterable[int]) -> None:
        """Add every one of ``values`` at the end."""
        items = values if isinstance(values, array.array) else array.array(self._typecode, values)
        start = 0
        while start < len(items):
            if self._fill == self._per_block:
                self.append(items[start])
                start += 1
                continue
            count = min(len(items) - start, self._per_block - self._fill)
            self._last[self._fill : self._fill + count] = items[start : start + count]
            self._fill += count
            start += count

    def __len__(self) -> int:
        return max(0, self._full + self._fill)

    def __getitem__(self, index: int) -> int:
        if not 0 <= index < len(self):
            raise IndexError("index out of range")
        block, offset = divmod(index, self._per_block)
        found: int = self._blocks[block][offset]
        return found

    def __iter__(self) -> Iterator[int]:
        blocks = self._blocks
        if not blocks:
            return iter(())
        return itertools.chain(*blocks[:-1], itertools.islice(blocks[-1], self._fill))


class Runs:
    """Numbers that mostly count up by one (an inventory's row numbers), appended and read
    in order, kept as their runs: 16 bytes a run (where it starts, its first number), not
    8 a number."""

    __slots__ = ("_count", "_firsts", "_next", "_starts")

    def __init__(self, values: Iterable[int] = ()) -> None:
        self._starts = Numbers("Q")  # the position of each run's first number
        self._firsts = Numbers("q")  # each run's first number
        self._count = 0
        self._next: int | None = None  # the number that would continue the last run
        for value in values:
            self.append(value)

    def append(self, value: int) -> None:
        """Add ``value`` at the end."""
        if value != self._next:
            self._starts.append(self._count)
            self._firsts.append(value)
        self._count += 1
        self._next = value + 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[int]:
        if not self._count:
            return
        ends = itertools.chain(itertools.islice(self._starts, 1, None), (self._count,))
        start = 0
        for first, end in zip(self._firsts, ends, strict=True):
            yield from range(first, first + end - start)
            start = end


class Records:
    """Byte records of one ``width`` (a MAC, an MD5), appended and read by position."""

    __slots__ = ("_blocks", "_length", "_per_block", "_width")

    def __init__(self, width: int) -> None:
        self._width = width
        self._per_block = max(1, BLOCK_BYTES // width)
        self._blocks: list[mmap.mmap] = []
        self._length = 0

    def append(self, record: bytes) -> None:
        """Add ``record`` (``width`` bytes) at the end."""
        width = self._width
        if len(record) != width:
            raise ValueError(f"a record has {width} bytes, not {len(record)}")
        offset = self._length % self._per_block * width
        if not offset:
            self._blocks.append(_block(self._per_block * width))
        self._blocks[-1][offset : offset + width] = record
        self._length += 1

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int) -> bytes:
        if not 0 <= index < self._length:
            raise IndexError("index out of range")
        block, offset = divmod(index, self._per_block)
        offset *= self._width
        return self._blocks[block][offset : offset + self._width]


class Strings:
    """Byte strings of any length up to :data:`BLOCK_BYTES` (names), appended and read by
    position; none is split between blocks."""

    __slots__ = ("_blocks", "_ends", "_fill", "_firsts")

    def __init__(self) -> None:
        self._blocks: list[mmap.mmap] = []
        self._firsts: list[int] = []  # per block: the position of its first string
        self._ends = Numbers("I")  # per string: where it ends in its block
        self._fill = 0  # how much of the last block is used

    def append(self, data: bytes) -> None:
        """Add ``data`` at the end (at most :data:`BLOCK_BYTES` bytes)."""
        if len(data) > BLOCK_BYTES:
            raise ValueError(f"a string has at most {BLOCK_BYTES} bytes")
        if not self._blocks or self._fill + len(data) > BLOCK_BYTES:
            self._blocks.append(_block(BLOCK_BYTES))
            self._firsts.append(len(self._ends))
            self._fill = 0
        end = self._fill + len(data)
        self._blocks[-1][self._fill : end] = data
        self._ends.append(end)
        self._fill = end

    def extend(self, strings: list[bytes]) -> None:
        """:meth:`append` each of ``strings``, in as few copies as fit each block."""
        start = 0
        while start < len(strings):
            room = BLOCK_BYTES - self._fill
            stop, size = start, 0
            while self._blocks and stop < len(strings) and size + len(strings[stop]) <= room:
                size += len(strings[stop])
                stop += 1
            if stop == start:  # a new block first
                self.append(strings[start])
                start += 1
                continue
            ends = itertools.accumulate(map(len, strings[start:stop]), initial=self._fill)
            next(ends)
            self._blocks[-1][self._fill : self._fill + size] = b"".join(strings[start:stop])
            self._ends.extend(ends)
            self._fill += size
            start = stop

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> bytes:
        end = self._ends[index]
        number = bisect.bisect_right(self._firsts, index) - 1
        block = self._blocks[number]
        start = 0 if index == self._firsts[number] else self._ends[index - 1]
        return block[start:end]

    def __iter__(self) -> Iterator[bytes]:
        blocks, firsts = self._blocks, [*self._firsts[1:], len(self)]
        number, start = 0, 0
        for index, end in enumerate(self._ends):
            while index == firsts[number]:
                number, start = number + 1, 0
            yield blocks[number][start:end]
            start = end


class CompactSequence(Sequence[Item]):
    """A read-only sequence whose items are made from compact fields on each read.

    A subclass gives ``__len__`` and ``_item(index)`` (``0 <= index < len``); this
    gives indexing (negative and slices), iteration, equality with any sequence of
    equal items, and a ``repr`` listing them.
    """

    __slots__ = ()

    def _item(self, index: int) -> Item:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(len(self)))]
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._item(index)

    def __iter__(self) -> Iterator[Item]:
        for index in range(len(self)):
            yield self._item(index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"
