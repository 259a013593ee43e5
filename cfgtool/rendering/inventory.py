"""Inventories: CSV (UTF-8, BOM tolerated, ``,`` or ``;``), a ``mac`` column, a row per phone."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cfgtool.inputs import inventory_delimiter
from cfgtool.parser import decode
from cfgtool.reading import read_bytes
from cfgtool.rendering.template import (
    KEY_COLUMN,
    MAC_COLUMN,
    MODEL_COLUMN,
    RowProblem,
    TemplateError,
)

if TYPE_CHECKING:
    pass

# --- inventories -----------------------------------------------------------------------


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
        for index, column in enumerate(self.columns):
            if column == name or (name in (MAC_COLUMN, MODEL_COLUMN) and column.lower() == name):
                return index
        return None


def parse_inventory(text: str, path: str = "<inventory>") -> Inventory:
    """Parse inventory CSV text (``,`` or ``;``, whichever the header uses more).

    Header mistakes (no ``mac`` column, a duplicate column, a key-column that is
    not a valid key) raise :class:`TemplateError`. Rows that cannot be read
    (wrong number of cells, broken quoting) are kept in ``problems``.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = inventory_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: tuple[str, ...] | None = None
    header_row = 1
    rows: list[InventoryRow] = []
    problems: list[RowProblem] = []
    end = 0
    while True:
        start = end + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RowProblem(path, start, None, None, f"unreadable CSV: {exc}"))
            end = reader.line_num
            continue
        end = reader.line_num
        if not "".join(record).strip():  # no cell has more than spaces
            continue
        if header is None:
            header, header_row = tuple(cell.strip() for cell in record), start
        elif len(record) != len(header):
            cells = f"{len(record)} cell" + ("" if len(record) == 1 else "s")
            message = f"this row has {cells}, the header has {len(header)}"
            problems.append(
                RowProblem(path, start, min(len(record), len(header)) + 1, None, message)
            )
        else:
            rows.append(InventoryRow(start, tuple(record)))
    if header is None:
        raise TemplateError([RowProblem(path, 1, None, None, "the inventory has no header row")])
    _check_header(path, header_row, header, rows)
    return Inventory(path, header, tuple(rows), tuple(problems), header_row)


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
