"""Inventories: CSV (UTF-8, BOM tolerated, ``,`` or ``;``), a ``mac`` column, a row per phone."""

from __future__ import annotations

import csv
import itertools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cfgtool.inputs import delimiter_of_counts, inventory_delimiter
from cfgtool.parser import decode
from cfgtool.reading import read_bytes
from cfgtool.rendering.inventory_file import InventoryFile, text_lines
from cfgtool.rendering.template import (
    KEY_COLUMN,
    MAC_COLUMN,
    MODEL_COLUMN,
    RowProblem,
    TemplateError,
)


@dataclass(frozen=True, slots=True)
class InventoryRow:
    """One data row: its 1-based line in the file and its cells (one per column)."""

    row: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Inventory:
    """A parsed inventory: header, rows, and rows that could not be read at all."""

    path: str
    columns: tuple[str, ...]
    rows: tuple[InventoryRow, ...]
    problems: tuple[RowProblem, ...] = ()
    header_row: int = 1

    def column_index(self, name: str) -> int | None:
        """0-based index of column ``name``; ``mac`` and ``model`` match in any case."""
        return _column_index(self.columns, name)


def _column_index(columns: Sequence[str], name: str) -> int | None:
    for index, column in enumerate(columns):
        if column == name or (name in (MAC_COLUMN, MODEL_COLUMN) and column.lower() == name):
            return index
    return None


def _reader(text: str) -> Iterator[list[str]]:
    """The CSV records of ``text`` (BOM dropped; ``,`` or ``;``, whichever the header uses more)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = inventory_delimiter(text.split("\n", 1)[0])
    return csv.reader(text_lines(text), delimiter=delimiter, strict=True)


def _file_reader(source: InventoryFile) -> Iterator[list[str]]:
    """:func:`_reader` of the text of ``source``, read a line at a time."""
    delimiter = delimiter_of_counts(source.semicolons, source.commas)
    return csv.reader(source.lines(), delimiter=delimiter, strict=True)


def _records(
    reader: Iterator[list[str]], path: str, problems: list[RowProblem]
) -> Iterator[tuple[int, list[str]]]:
    """Each record that has more than spaces, with its first line; unreadable ones go
    to ``problems``."""
    line_num = getattr(reader, "line_num", 0)
    end = line_num
    while True:
        start = end + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(RowProblem(path, start, None, None, f"unreadable CSV: {exc}"))
            end = getattr(reader, "line_num", end + 1)
            continue
        end = getattr(reader, "line_num", end + 1)
        if "".join(record).strip():  # some cell has more than spaces
            yield start, record


def _rows(
    records: Iterator[tuple[int, list[str]]],
    path: str,
    width: int,
    problems: list[RowProblem],
) -> Iterator[InventoryRow]:
    """The data rows of ``records``; rows with the wrong number of cells go to ``problems``."""
    for start, record in records:
        if len(record) != width:
            cells = f"{len(record)} cell" + ("" if len(record) == 1 else "s")
            message = f"this row has {cells}, the header has {width}"
            problems.append(RowProblem(path, start, min(len(record), width) + 1, None, message))
        else:
            yield InventoryRow(start, tuple(record))


def _header(records: Iterator[tuple[int, list[str]]], path: str) -> tuple[tuple[str, ...], int]:
    for start, record in records:
        return tuple(cell.strip() for cell in record), start
    raise TemplateError([RowProblem(path, 1, None, None, "the inventory has no header row")])


def parse_inventory(text: str, path: str = "<inventory>") -> Inventory:
    """Parse inventory CSV text (``,`` or ``;``, whichever the header uses more).

    Header mistakes (no ``mac`` column, a duplicate column, a key-column that is
    not a valid key) raise :class:`TemplateError`. Rows that cannot be read
    (wrong number of cells, broken quoting) are kept in ``problems``.
    """
    problems: list[RowProblem] = []
    records = _records(_reader(text), path, problems)
    header, header_row = _header(records, path)
    rows = list(_rows(records, path, len(header), problems))
    _check_header(path, header_row, header, rows)
    return Inventory(path, header, tuple(rows), tuple(problems), header_row)


class InventoryStream:
    """An inventory read a chunk of rows at a time, for a batch of any size: the header
    is checked up front, the rows are parsed as they are asked for and never all held.

    ``source`` is the inventory's text, or its file (:class:`InventoryFile`, read a line at
    a time: the text is never held either). ``problems`` (unreadable rows) grows as the
    rows are read; ``rows_read`` counts the rows given out; ``estimate`` is the number of
    rows the text can hold at most (its lines after the header), for a progress bar.
    Parsing it in full gives the same rows and problems as :func:`parse_inventory`.
    """

    def __init__(self, source: str | InventoryFile, path: str) -> None:
        self.path = path
        self.problems: list[RowProblem] = []
        if isinstance(source, str):
            reader, newlines = _reader(source), source.count("\n")
        else:
            reader, newlines = _file_reader(source), source.newlines
        self._records = _records(reader, path, self.problems)
        self.columns, self.header_row = _header(self._records, path)
        self.estimate = max(0, newlines - self.header_row + 1)
        self.rows_read = 0
        # Every header cell is named (else parse_inventory's check needs every row first).
        assert all(self.columns)
        _check_header(path, self.header_row, self.columns, ())

    def column_index(self, name: str) -> int | None:
        """0-based index of column ``name``; ``mac`` and ``model`` match in any case."""
        return _column_index(self.columns, name)

    def chunks(self, size: int, first: int | None = None) -> Iterator[list[InventoryRow]]:
        """The rows, ``size`` at a time (the first chunk ``first`` rows, if given)."""
        rows = _rows(self._records, self.path, len(self.columns), self.problems)
        take = size if first is None else first
        while chunk := list(itertools.islice(rows, take)):
            self.rows_read += len(chunk)
            yield chunk
            take = size


def _check_header(
    path: str, row: int, header: tuple[str, ...], rows: Sequence[InventoryRow]
) -> None:
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        folded = name.lower() if name.lower() in (MAC_COLUMN, MODEL_COLUMN) else name
        if not name:
            if any(r.cells[index].strip() for r in rows):
                message = "this column has values but no header"
                problems.append(RowProblem(path, row, index + 1, None, message))
            continue
        if folded in seen:
            message = f"a second column of this name (the first is column {seen[folded]})"
            problems.append(RowProblem(path, row, index + 1, name, message))
        elif "." in name and not KEY_COLUMN.fullmatch(name):
            message = (
                "a header with a dot is a key-column, and this is not a valid key "
                "(letters, digits, '_' and '-' between single dots, e.g. account.2.label)"
            )
            problems.append(RowProblem(path, row, index + 1, name, message))
        seen.setdefault(folded, index + 1)
    if MAC_COLUMN not in seen:
        message = "no 'mac' column: the header needs one (and 'model' unless --model is given)"
        problems.append(RowProblem(path, row, None, None, message))
    if problems:
        raise TemplateError(problems)


def read_inventory(path: str | os.PathLike[str]) -> Inventory:
    """Read and parse an inventory CSV file (UTF-8, BOM tolerated, ``,`` or ``;``)."""
    name = os.fspath(path)
    return parse_inventory(decode(read_bytes(name), path=name), name)


def stream_inventory(path: str | os.PathLike[str]) -> Inventory | InventoryStream:
    """:func:`read_inventory`, its rows read and parsed as a batch asks for them (the file
    is never held whole) when the header names every column (a column without a name is
    checked on every row first)."""
    name = os.fspath(path)
    source = InventoryFile(name)
    header, _ = _header(_records(_file_reader(source), name, []), name)
    if not all(header):
        return read_inventory(name)
    return InventoryStream(source, name)
