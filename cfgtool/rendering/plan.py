"""Planning a batch: each inventory row checked (MAC, model, duplicates) and turned into a job."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from cfgtool.blocks import Numbers, Runs
from cfgtool.catalog import Model, find_model, load_models
from cfgtool.catalog.models import pn_name
from cfgtool.errors import CfgValueError
from cfgtool.filenames import normalize_mac, not_a_mac
from cfgtool.rendering.inventory import Inventory, InventoryRow
from cfgtool.rendering.row import (
    character_problem,
)
from cfgtool.rendering.template import (
    MAC_COLUMN,
    MODEL_COLUMN,
    NULL_CELL,
    SAFE_PART,
    Layout,
    RowProblem,
    Template,
    TemplateError,
    TemplateProblem,
)
from cfgtool.suggest import did_you_mean

# --- planning the batch -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Columns:
    """Which cells of a row are variables and which set keys: one object for every job."""

    variables: tuple[tuple[int, str], ...]
    keys: tuple[tuple[int, str], ...]


@dataclass(slots=True, eq=False)
class Job:
    """One row, ready to render in any process (treat it as read-only).

    It holds the row's cells (the inventory's own tuple) and builds the
    variables and key overrides when the row is rendered, so that planning
    100,000 rows adds little to the memory the inventory takes. (Not frozen: a
    frozen dataclass takes four times as long to make, and a batch makes one per row.)
    """

    index: int
    row: int
    mac: str
    model: str | None  # the catalog's name
    label: str  # the model as the row (or --model) spells it: {{ model }}
    cells: tuple[str, ...]
    columns: Columns
    relative_path: str

    @property
    def variables(self) -> dict[str, str]:
        """The placeholders' values: the variable cells, ``mac`` and ``model``."""
        cells = self.cells
        found = {name: cells[i] for i, name in self.columns.variables}
        found[MAC_COLUMN] = self.mac
        found[MODEL_COLUMN] = self.label
        return found

    @property
    def overrides(self) -> dict[str, str]:
        """The keys the row's key-columns set (``%NULL%``: an empty value; empty: none)."""
        cells = self.cells
        return {
            key: "" if cells[i] == NULL_CELL else cells[i]
            for i, key in self.columns.keys
            if cells[i]
        }


class InventoryLike(Protocol):
    """What planning reads of an inventory: an :class:`Inventory` or a stream of one."""

    @property
    def path(self) -> str:
        """The inventory's file name."""
        ...

    @property
    def columns(self) -> tuple[str, ...]:
        """The header's names."""
        ...

    @property
    def header_row(self) -> int:
        """The header's line."""
        ...

    def column_index(self, name: str) -> int | None:
        """0-based index of column ``name``."""
        ...


def _suggest(name: str, choices: Iterable[str]) -> str:
    hint = did_you_mean(name, choices)
    return f"; {hint}" if hint else ""


def _model_names() -> list[str]:
    return [model.name for model in load_models()]


def _model_directory(model: Model, label: str) -> str | None:
    """The ``$PN`` directory of ``model``: the catalog's name that ``label`` spells, else
    its first one (T23P/G reads ``T23P`` or ``T23G``); None when there is no safe one."""
    name = pn_name(model, label) if model.pn_names else ""
    return name if SAFE_PART.fullmatch(name) else None


def _undefined_names(template: Template, inventory: InventoryLike) -> list[TemplateProblem]:
    known = {column for column in inventory.columns if column and "." not in column}
    known |= {MAC_COLUMN, MODEL_COLUMN}
    problems = []
    everything = (*template.placeholders, *template.conditions)
    for placeholder in sorted(everything, key=lambda p: (p.line, p.column)):
        if placeholder.name not in known:
            message = (
                f"{placeholder.name!r} is no column of {inventory.path} "
                f"(header on row {inventory.header_row})" + _suggest(placeholder.name, known)
            )
            problems.append(
                TemplateProblem(placeholder.line, placeholder.column, message, template.path)
            )
    return problems


def _find_model(cell: str) -> tuple[Model | None, str]:
    """The model a model cell names, or None and what is wrong with the cell."""
    if reason := character_problem(cell):
        return None, reason
    model = find_model(cell)
    if model is None:
        message = f"unknown model {cell!r}" + _suggest(cell.upper(), _model_names())
        return None, message + " (`cfgtool models` lists the known ones)"
    return model, ""


class _RowChecker:
    """Row-level checks before rendering: MAC, model, duplicates."""

    def __init__(self, inventory: InventoryLike, layout: Layout, default_model: str | None) -> None:
        self.inventory = inventory
        self.layout = layout
        self.mac_index = inventory.column_index(MAC_COLUMN)
        self.model_index = inventory.column_index(MODEL_COLUMN)
        self.default = find_model(default_model) if default_model else None
        self.default_label = default_model or ""
        self.models: dict[str, tuple[Model | None, str]] = {}  # cell -> model, or why none
        if default_model and self.default is None:
            message = f"--model {default_model!r} is not a known model" + _suggest(
                default_model, _model_names()
            )
            raise CfgValueError(message + " (`cfgtool models` lists the known ones)")

    def problem(
        self, row: int, index: int | None, message: str, mac: str | None = None
    ) -> RowProblem:
        name = self.inventory.columns[index] if index is not None else None
        column = index + 1 if index is not None else None
        return RowProblem(self.inventory.path, row, column, name, message, mac)

    def mac(self, row: InventoryRow) -> tuple[str | None, RowProblem | None]:
        assert self.mac_index is not None
        cell = row.cells[self.mac_index]
        if not cell.strip():
            return None, self.problem(row.row, self.mac_index, "the MAC is missing")
        mac = normalize_mac(cell)
        if mac is None:
            message = character_problem(cell) or not_a_mac(cell)
            return None, self.problem(row.row, self.mac_index, message)
        return mac, None

    def model(self, row: InventoryRow) -> tuple[Model | None, str, RowProblem | None]:
        cell = row.cells[self.model_index] if self.model_index is not None else ""
        if not cell:
            return self.default, self.default_label, None
        found = self.models.get(cell)
        if found is None:
            found = self.models[cell] = _find_model(cell)
        model, message = found
        if model is None:
            return None, cell, self.problem(row.row, self.model_index, message)
        return model, cell, None

    def path(
        self, row: InventoryRow, mac: str, model: Model | None, label: str
    ) -> tuple[str, RowProblem | None]:
        name = f"{mac}.cfg"
        if self.layout == "flat":
            return name, None
        if model is None:
            message = "the $PN layout needs the model: fill the model column or give --model"
            return name, self.problem(row.row, self.model_index, message, mac)
        directory = _model_directory(model, label)
        if directory is None:
            message = f"the catalog has no $PN directory name for {model.name}"
            return name, self.problem(row.row, self.model_index, message, mac)
        return f"{directory}/{name}", None


class Planner:
    """Turns inventory rows into jobs, a chunk at a time, and collects row-level mistakes.

    Rows with a duplicate MAC still become jobs, so that all their problems are
    reported (:meth:`finish` adds the duplicates); the batch writes no row that has a
    problem. What it keeps per row is the MAC and its first row, for the duplicates.
    """

    def __init__(
        self,
        template: Template,
        inventory: InventoryLike,
        *,
        layout: Layout,
        default_model: str | None,
    ) -> None:
        undefined = _undefined_names(template, inventory)
        if undefined:
            raise TemplateError(undefined)
        self.checker = checker = _RowChecker(inventory, layout, default_model)
        columns = inventory.columns
        skip = {checker.mac_index, checker.model_index}
        variable_columns = [
            (i, c) for i, c in enumerate(columns) if c and "." not in c and i not in skip
        ]
        key_columns = [(i, c) for i, c in enumerate(columns) if "." in c]
        self.shared = Columns(tuple(variable_columns), tuple(key_columns))
        self.problems: list[RowProblem] = []
        self.planned = 0
        # Each row's MAC (as a number) and row, for the duplicates: 8 bytes a row (the
        # rows mostly count up by one: kept as their runs).
        self._macs = Numbers("Q")
        self._mac_rows = Runs()

    def plan(self, rows: Iterable[InventoryRow]) -> list[Job]:
        """The jobs of ``rows`` (their indexes follow on from the jobs planned before)."""
        checker, shared = self.checker, self.shared
        macs, mac_rows = self._macs, self._mac_rows
        mac_index, model_index = checker.mac_index, checker.model_index
        assert mac_index is not None
        models, flat = checker.models, checker.layout == "flat"
        jobs: list[Job] = []
        for row in rows:
            # The rows that plan plainly (a MAC, a known model or none, a flat file name)
            # in a few steps; any other row takes _plan_row, which says what is wrong.
            cells = row.cells
            mac = normalize_mac(cells[mac_index])
            cell = cells[model_index] if model_index is not None else ""
            found = models.get(cell) if cell else (checker.default, "")
            if mac is None or found is None or (cell and found[0] is None) or not flat:
                job = self._plan_row(row)
                if job is not None:
                    jobs.append(job)
                continue
            model = found[0]
            macs.append(int(mac, 16))
            mac_rows.append(row.row)
            label = cell or checker.default_label
            name = model.name if model else None
            jobs.append(Job(self.planned, row.row, mac, name, label, cells, shared, f"{mac}.cfg"))
            self.planned += 1
        return jobs

    def _plan_row(self, row: InventoryRow) -> Job | None:
        """The job of ``row``, or None: its problems are added to :attr:`problems`."""
        checker = self.checker
        mac, mac_problem = checker.mac(row)
        model, label, model_problem = checker.model(row)
        row_problems = [p for p in (mac_problem, model_problem) if p]
        relative = ""
        if mac is not None:
            self._macs.append(int(mac, 16))
            self._mac_rows.append(row.row)
            if not row_problems:
                relative, path_problem = checker.path(row, mac, model, label)
                row_problems += [path_problem] if path_problem else []
        if row_problems:
            self.problems.extend(replace(p, mac=mac) for p in row_problems)
            return None
        assert mac is not None
        name = model.name if model else None
        job = Job(self.planned, row.row, mac, name, label, row.cells, self.shared, relative)
        self.planned += 1
        return job

    def finish(self) -> list[RowProblem]:
        """Every row-level problem: those :meth:`plan` found, then the duplicate MACs."""
        checker, macs = self.checker, self._macs
        rows_of_mac: dict[int, list[int]] = {}
        repeated = _repeated(macs)
        if repeated:
            for value, number in zip(macs, self._mac_rows, strict=True):
                if value in repeated:
                    rows_of_mac.setdefault(value, []).append(number)
        for value, rows in rows_of_mac.items():
            mac = f"{value:012x}"
            for number in rows:
                others = ", ".join(str(n) for n in rows if n != number)
                message = (
                    f"duplicate MAC {mac}, also on row {others}; each phone needs exactly one row"
                )
                self.problems.append(checker.problem(number, checker.mac_index, message, mac))
        self._macs, self._mac_rows = Numbers("Q"), Runs()
        return self.problems


def _repeated(macs: Numbers) -> set[int]:
    """The MACs that occur more than once in ``macs``, without a set of every MAC (100,000
    of them would take 7 MB): a bitmap of their hashes, 16 bits a MAC, finds the few that
    may repeat, and those are counted."""
    size = max(1 << 16, 1 << (16 * len(macs)).bit_length())
    mask, seen = size - 1, bytearray(size >> 3)
    maybe: set[int] = set()
    for mac in macs:
        bit = (mac ^ (mac >> 24)) & mask
        if seen[bit >> 3] & (1 << (bit & 7)):
            maybe.add(mac)
        else:
            seen[bit >> 3] |= 1 << (bit & 7)
    if not maybe:
        return maybe
    counts = dict.fromkeys(maybe, 0)
    for mac in macs:
        if mac in counts:
            counts[mac] += 1
    return {mac for mac, count in counts.items() if count > 1}


def plan_jobs(
    template: Template, inventory: Inventory, *, layout: Layout, default_model: str | None
) -> tuple[list[Job], list[RowProblem]]:
    """Turn inventory rows into jobs and collect row-level mistakes (see :class:`Planner`)."""
    planner = Planner(template, inventory, layout=layout, default_model=default_model)
    jobs = planner.plan(inventory.rows)
    return jobs, planner.finish()
