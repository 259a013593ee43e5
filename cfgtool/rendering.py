"""Per-phone files from a template and an inventory: strict, injection-proof, validated.

A **template** is a cfg file, parsed by the same grammar as every other file,
whose *values* may hold placeholders::

    #!version:1.0.0.1
    account.1.label = {{ label }}
    account.1.user_name = {{ ext }}
    account.1.sip_server.1.address = {{ pbx | default("pbx.example.com") }}
    # cfgtool: if=ext2
    account.2.enable = 1
    account.2.user_name = {{ ext2 }}
    # cfgtool: endif

- ``{{ name }}`` is replaced by the row's ``name`` cell, exactly as written. A
  name that is no column of the inventory is an error, never a blank.
- Filters, applied left to right: ``default("text")`` (used when the value is
  empty), ``lower`` and ``upper``. There are no others.
- ``# cfgtool: if=name`` … ``# cfgtool: endif`` keeps the lines between them
  only for rows whose ``name`` cell is not empty (a second account, say). The
  two directive lines never reach the output; blocks do not nest.
- Placeholders work in values only; comments are copied as they are.
- ``{{ mac }}`` is the normalised MAC (12 lowercase hex digits), ``{{ model }}``
  the row's model (its cell, else ``--model``).

An **inventory** is CSV (UTF-8, BOM tolerated, ``,`` or ``;``) with a header
row, a required ``mac`` column and an optional ``model`` column. A column whose
header contains a dot is a *key-column*: it sets that key for its row (an
empty cell keeps the template's line, ``%NULL%`` sets an empty value). Every
other column is a variable.

Values are never cleaned: a value with a line break or any other control
character, or one the format cannot hold as it is (surrounding spaces), rejects
its row, naming the file, row and column.

:func:`render_batch` plans every row (MAC, model, output path), renders it
through the AST, and lints each rendered file with every lint and model rule,
exactly as ``cfgtool validate`` would check the written file, before it writes
anything: one refused row stops the batch unless ``keep_going``. Files are
written atomically, and not at all when their bytes would not change.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import difflib
import hashlib
import io
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cfgtool.errors import CfgIOError, CfgValueError
from cfgtool.fsutil import atomic_write_bytes, atomic_write_many, read_bytes
from cfgtool.inputs import inventory_delimiter
from cfgtool.nodes import Comment, Document, Entry, Invalid, Node
from cfgtool.parser import build_entry, decode, dumps, load, parse_line

if TYPE_CHECKING:
    from cfgtool.catalog import Model
    from cfgtool.diagnostics import Diagnostic
    from cfgtool.linting.config import LintConfig
    from cfgtool.linting.rule import LintContext, Rule

__all__ = [
    "FILTERS",
    "NULL_CELL",
    "BatchResult",
    "Filter",
    "Inventory",
    "InventoryRow",
    "Phone",
    "Placeholder",
    "RenderError",
    "RowProblem",
    "Template",
    "TemplateError",
    "TemplateProblem",
    "compile_template",
    "parse_inventory",
    "read_inventory",
    "render",
    "render_batch",
    "render_files",
    "template_placeholders",
    "template_problems",
]

FILTERS = ('default("text")', "lower", "upper")
NULL_CELL = "%NULL%"
MAC_COLUMN = "mac"
MODEL_COLUMN = "model"
Layout = Literal["flat", "pn"]
Status = Literal["written", "unchanged", "new", "changed"]
ProgressCallback = Callable[[str, int, int], None]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_KEY_COLUMN = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+")
_DIRECTIVE = re.compile(r"cfgtool:[ \t]*(if|endif)\b[ \t]*(.*)")
_MAC_FILE = re.compile(r"[0-9a-f]{12}\.cfg")
_SAFE_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
_ONE_LINE = re.compile(r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]*")
# Worker processes pay off only from this many rows (start-up, shipping results back).
_PARALLEL_MIN_ROWS = 2000
_CHUNK_MAX = 1000
_WRITE_CHUNK_MIN = 200


# --- problems ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """A mistake at a 1-based ``line``/``column`` of a template (``path``)."""

    line: int
    column: int
    message: str
    path: str | None = None

    def __str__(self) -> str:
        return f"{self.path or '<template>'}:{self.line}:{self.column}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why an inventory row cannot be rendered: ``row`` is its 1-based line in ``path``.

    ``column`` (1-based) and ``column_name`` name the CSV column to blame, when
    one is; ``code`` is the lint code when the rendered file failed validation.
    """

    path: str
    row: int
    column: int | None
    column_name: str | None
    message: str
    mac: str | None = None
    code: str | None = None

    def __str__(self) -> str:
        column = f'column "{self.column_name}": ' if self.column_name is not None else ""
        code = f"{self.code} " if self.code else ""
        return f"{self.path}:{self.row}:{self.column or 1}: {code}{column}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "row": self.row,
            "column": self.column,
            "column_name": self.column_name,
            "mac": self.mac,
            "code": self.code,
            "message": self.message,
        }


class TemplateError(CfgValueError):
    """A template or inventory that no row can be rendered from; ``problems`` lists why."""

    def __init__(self, problems: Sequence[TemplateProblem | RowProblem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = tuple(problems)


class RenderError(CfgValueError):
    """Variables :func:`render` cannot use; ``problems`` is ``[(name, message)]``."""

    def __init__(self, problems: Sequence[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(f"{n}: {m}" if n else m for n, m in problems))
        self.problems = tuple(problems)


# --- placeholders ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filter:
    """One filter of a placeholder: ``default`` (with its text), ``lower`` or ``upper``."""

    name: Literal["default", "lower", "upper"]
    argument: str = ""

    def apply(self, value: str) -> str:
        if self.name == "default":
            return value or self.argument
        return value.lower() if self.name == "lower" else value.upper()


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A ``{{ name | filter ... }}`` in a template value, or the name of an ``if=`` block.

    ``line``/``column`` locate ``{{`` (or the directive's ``#``), 1-based;
    ``end_column`` is just past it. ``key`` is the setting whose value holds the
    placeholder, None for an ``if=`` directive.
    """

    name: str
    filters: tuple[Filter, ...]
    line: int
    column: int
    end_column: int
    key: str | None

    def apply(self, value: str) -> str:
        """The text this placeholder renders when its variable is ``value``."""
        for item in self.filters:
            value = item.apply(value)
        return value


class _SyntaxProblem(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


class _Reader:
    """Reads the inside of one ``{{ ... }}`` (names, ``|``, quoted text)."""

    def __init__(self, text: str, position: int) -> None:
        self.text = text
        self.position = position

    def found(self) -> str:
        self.skip_spaces()
        return repr(self.text[self.position]) if self.position < len(self.text) else "the end"

    def skip_spaces(self) -> None:
        while self.position < len(self.text) and self.text[self.position] in " \t":
            self.position += 1

    def take(self, literal: str) -> bool:
        self.skip_spaces()
        if self.text.startswith(literal, self.position):
            self.position += len(literal)
            return True
        return False

    def name(self, what: str) -> str:
        self.skip_spaces()
        match = _NAME.match(self.text, self.position)
        if not match:
            raise _SyntaxProblem(self.position, f"expected {what}, found {self.found()}")
        self.position = match.end()
        return match.group()

    def quoted(self) -> str:
        self.skip_spaces()
        start, quote = self.position, self.text[self.position : self.position + 1]
        if quote not in ('"', "'"):
            raise _SyntaxProblem(start, 'default needs a quoted text: default("x")')
        self.position += 1
        chars: list[str] = []
        while self.position < len(self.text):
            char = self.text[self.position]
            following = self.text[self.position + 1 : self.position + 2]
            if char == "\\" and following in (quote, "\\"):
                chars.append(following)
                self.position += 2
                continue
            self.position += 1
            if char == quote:
                return "".join(chars)
            chars.append(char)
        raise _SyntaxProblem(start, "the text of default(...) has no closing quote")


def _parse_placeholder(text: str, start: int) -> tuple[str, tuple[Filter, ...], int]:
    """Parse the ``{{ ... }}`` at ``text[start]``: name, filters, offset just past ``}}``."""
    reader = _Reader(text, start + 2)
    name = reader.name("a column name after '{{'")
    if text.startswith(".", reader.position):
        raise _SyntaxProblem(
            reader.position,
            "a placeholder name cannot contain '.': a column whose header has a dot is a "
            "key-column, which sets its key without a placeholder",
        )
    filters: list[Filter] = []
    while reader.take("|"):
        reader.skip_spaces()
        filter_start = reader.position
        filter_name = reader.name("a filter name after '|'")
        if filter_name == "default":
            if not reader.take("("):
                raise _SyntaxProblem(reader.position, 'default needs a text: default("x")')
            argument = reader.quoted()
            if not reader.take(")"):
                raise _SyntaxProblem(reader.position, f"expected ')', found {reader.found()}")
            filters.append(Filter("default", argument))
        elif filter_name == "lower":
            filters.append(Filter("lower"))
        elif filter_name == "upper":
            filters.append(Filter("upper"))
        else:
            raise _SyntaxProblem(
                filter_start,
                f"unknown filter {filter_name!r}; the filters are {', '.join(FILTERS)}",
            )
    if not reader.take("}}"):
        raise _SyntaxProblem(reader.position, f"expected '}}}}' or '|', found {reader.found()}")
    return name, tuple(filters), reader.position


def _split_value(entry: Entry) -> tuple[list[str | Placeholder], TemplateProblem | None]:
    """Split a template value into literal text and placeholders."""
    value, position = entry.value, 0
    parts: list[str | Placeholder] = []
    while (start := value.find("{{", position)) >= 0:
        try:
            name, filters, end = _parse_placeholder(value, start)
        except _SyntaxProblem as exc:
            return [], TemplateProblem(entry.line, entry.value_column + exc.offset, exc.message)
        if start > position:
            parts.append(value[position:start])
        column = entry.value_column
        parts.append(
            Placeholder(name, filters, entry.line, column + start, column + end, entry.key)
        )
        position = end
    if position < len(value):
        parts.append(value[position:])
    return parts, None


# --- templates ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Slot:
    """A setting whose value holds placeholders: the pieces to rebuild its line from."""

    key: str
    prefix: str
    parts: tuple[str | Placeholder, ...]
    suffix: str
    first: str = ""  # the first placeholder's name: the column a problem is blamed on

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        return tuple(part for part in self.parts if isinstance(part, Placeholder))

    def value(self, variables: Mapping[str, str]) -> str:
        """The rendered value."""
        parts = self.parts
        if len(parts) == 1:
            only = parts[0]
            if isinstance(only, Placeholder):
                return only.apply(variables[only.name]) if only.filters else variables[only.name]
        return "".join(
            part if isinstance(part, str) else part.apply(variables[part.name]) for part in parts
        )


@dataclass(frozen=True, slots=True)
class _TemplateLine:
    node: Node
    slot: _Slot | None
    block: int | None  # index into Template.conditions
    directive: bool


@dataclass(frozen=True)
class Template:
    """A compiled template: its lines, placeholders and ``if=`` blocks."""

    document: Document
    lines: tuple[_TemplateLine, ...]
    placeholders: tuple[Placeholder, ...]
    conditions: tuple[Placeholder, ...]

    @property
    def path(self) -> str | None:
        return self.document.filename

    @property
    def names(self) -> frozenset[str]:
        """Every variable the template refers to (placeholders and ``if=`` names)."""
        return frozenset(p.name for p in (*self.placeholders, *self.conditions))


def _directive(node: Comment, block: int | None, conditions: list[Placeholder]) -> str | None:
    """Handle an ``if=``/``endif`` comment; return a problem message, if any."""
    match = _DIRECTIVE.fullmatch(node.text)
    assert match is not None
    verb, argument = match.groups()
    column = node.raw.index("#") + 1
    if verb == "endif":
        if argument:
            return "write the end of a block as '# cfgtool: endif', with nothing after it"
        return (
            "'# cfgtool: endif' without an opening '# cfgtool: if=COLUMN'"
            if block is None
            else None
        )
    name = re.fullmatch(r"=[ \t]*([A-Za-z_][A-Za-z0-9_-]*)", argument)
    if block is not None:
        return "if= blocks cannot be nested; close the open one with '# cfgtool: endif' first"
    if not name:
        return "write the start of a block as '# cfgtool: if=COLUMN' (a variable column)"
    conditions.append(Placeholder(name.group(1), (), node.line, column, len(node.raw) + 1, None))
    return None


def _scan(doc: Document) -> tuple[Template, list[TemplateProblem]]:
    lines: list[_TemplateLine] = []
    placeholders: list[Placeholder] = []
    conditions: list[Placeholder] = []
    problems: list[TemplateProblem] = []
    block: int | None = None
    for node in doc.items:
        if isinstance(node, Comment) and _DIRECTIVE.fullmatch(node.text):
            count = len(conditions)
            message = _directive(node, block, conditions)
            if message:
                problems.append(TemplateProblem(node.line, node.raw.index("#") + 1, message))
            elif len(conditions) > count:
                block = count
            elif block is not None:
                block = None
            lines.append(_TemplateLine(node, None, None, True))
            continue
        slot = None
        if isinstance(node, Entry) and "{{" in node.key:
            column = node.key_column + node.key.index("{{")
            problems.append(
                TemplateProblem(node.line, column, "placeholders work in values only, not in keys")
            )
        elif isinstance(node, Entry) and "{{" in node.value:
            parts, problem = _split_value(node)
            if problem:
                problems.append(problem)
            else:
                prefix = node.raw[: node.value_column - 1]
                suffix = node.raw[node.value_end_column - 1 :]
                first = next(part.name for part in parts if isinstance(part, Placeholder))
                slot = _Slot(node.key, prefix, tuple(parts), suffix, first)
                placeholders.extend(slot.placeholders)
        elif isinstance(node, Invalid):
            problems.append(TemplateProblem(node.line, node.column, node.reason))
        lines.append(_TemplateLine(node, slot, block, False))
    if block is not None:
        opening = conditions[block]
        problems.append(
            TemplateProblem(opening.line, opening.column, "this block has no '# cfgtool: endif'")
        )
    template = Template(doc, tuple(lines), tuple(placeholders), tuple(conditions))
    return template, [replace(problem, path=doc.filename) for problem in problems]


def template_placeholders(doc: Document) -> list[Placeholder]:
    """Every well-formed placeholder of ``doc`` and every ``if=`` name, in file order.

    For ``cfgtool lint --template``: a placeholder whose ``name`` is no column
    of the inventory is an error. Malformed ones are in :func:`template_problems`.
    """
    template, _ = _scan(doc)
    found = (*template.placeholders, *template.conditions)
    return sorted(found, key=lambda p: (p.line, p.column))


def template_problems(doc: Document) -> list[TemplateProblem]:
    """Template mistakes: malformed ``{{ }}``, placeholders in keys, unbalanced
    ``if=``/``endif`` blocks, and lines that are not valid at all."""
    return _scan(doc)[1]


def compile_template(doc: Document) -> Template:
    """Compile ``doc`` as a template; raises :class:`TemplateError` listing every mistake."""
    template, problems = _scan(doc)
    if problems:
        raise TemplateError(problems)
    return template


# --- rendering one row -------------------------------------------------------------------


def _character_problem(value: str) -> str | None:
    """Why ``value`` can never be a value (a control or line-separator character), or None."""
    if _ONE_LINE.fullmatch(value):
        return None
    for position, char in enumerate(value, start=1):
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            kind = "a line break" if char in "\r\n\x85\u2028\u2029" else "a control character"
            return (
                f"the value contains {kind} (U+{ord(char):04X}) at position {position}; "
                "a value must stay on one line, and cfgtool never cleans values: fix the cell"
            )
    return None  # pragma: no cover - _ONE_LINE and the categories agree


def _first_contributor(slot: _Slot, variables: Mapping[str, str], from_end: bool) -> str | None:
    """The placeholder that puts the first (or last) text into a rendered value."""
    for part in reversed(slot.parts) if from_end else slot.parts:
        if isinstance(part, str):
            if part:
                return None
        elif part.apply(variables[part.name]):
            return part.name
    return None


def _slot_text(slot: _Slot, variables: Mapping[str, str]) -> tuple[str, str]:
    """The rendered value of ``slot`` and its whole line (without the line ending)."""
    value = slot.value(variables)
    # An empty value is written "key =", not "key = " with a trailing space.
    prefix = slot.prefix if value else slot.prefix.rstrip(" \t")
    return value, prefix + value + slot.suffix


def _checked_entry(
    slot: _Slot, value: str, raw: str, eol: str, line: int, variables: Mapping[str, str]
) -> Entry | tuple[str | None, str]:
    """The line parsed alone, or ``(variable to blame, message)`` when it is not the setting."""
    if value != value.lstrip(" \t"):
        reason = "would start with a space or tab, which the phone strips"
        return _first_contributor(slot, variables, False), f"the value of {slot.key} {reason}"
    if value != value.rstrip(" \t"):
        reason = "would end with a space or tab, which the phone strips"
        return _first_contributor(slot, variables, True), f"the value of {slot.key} {reason}"
    try:
        return build_entry(raw, eol, line, slot.key, value)
    except CfgValueError as exc:
        return _first_contributor(slot, variables, False), str(exc)


def _render_slots(
    slots: Sequence[tuple[int, _Slot, str]], variables: Mapping[str, str]
) -> list[Entry | tuple[str | None, str]]:
    """Render the settings ``(line number, slot, line ending)`` of one row.

    Each line must read back (:func:`~cfgtool.parser.parse_line`) as exactly
    its key and value; one that does not is checked again to say why.
    """
    built: list[Entry | tuple[str | None, str]] = []
    for number, slot, eol in slots:
        value, raw = _slot_text(slot, variables)
        node = parse_line(raw, eol, number)
        if type(node) is Entry and node.key == slot.key and node.value == value:
            built.append(node)
        else:
            built.append(_checked_entry(slot, value, raw, eol, number, variables))
    return built


def _set_key(doc: Document, key: str, value: str) -> Entry:
    """``doc.set(key, value)``, writing an empty value as ``key =``."""
    entry = doc.set(key, value)
    if value or entry.raw == entry.raw.rstrip(" \t"):
        return entry
    trimmed = build_entry(entry.raw.rstrip(" \t"), entry.eol, entry.line, key, "")
    for index in range(len(doc.items) - 1, -1, -1):
        if doc.items[index] is entry:
            doc.items[index] = trimmed
    return trimmed


def _copy_node(node: Node, line: int) -> Node:
    duplicate = copy.copy(node)
    duplicate.line = line
    return duplicate


@dataclass(frozen=True, slots=True)
class _Shape:
    """The output lines for one set of kept blocks; fixed nodes are shared between rows.

    ``items`` holds the fixed nodes (and, at slot positions, the template's
    node); ``slots`` is ``(line number, slot, line ending)`` per setting to render.
    """

    items: tuple[Node, ...]
    slots: tuple[tuple[int, _Slot, str], ...]
    origins: tuple[int, ...]  # the template line of each output line


@dataclass(slots=True)
class _Rendered:
    doc: Document
    varying: dict[int, str]  # output line -> the variable or key-column it comes from
    origins: tuple[int | None, ...]  # output line -> template line (None: added by a column)


class _Renderer:
    """Renders rows of one compiled template."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.names = sorted(template.names)
        self._shapes: dict[tuple[bool, ...], _Shape] = {}

    def shape(self, kept: tuple[bool, ...]) -> _Shape:
        found = self._shapes.get(kept)
        if found is None:
            items: list[Node] = []
            slots: list[tuple[int, _Slot, str]] = []
            origins: list[int] = []
            for item in self.template.lines:
                if item.directive or (item.block is not None and not kept[item.block]):
                    continue
                number = len(items) + 1
                items.append(item.node if item.slot else _copy_node(item.node, number))
                if item.slot:
                    slots.append((number, item.slot, item.node.eol))
                origins.append(item.node.line)
            found = self._shapes[kept] = _Shape(tuple(items), tuple(slots), tuple(origins))
        return found

    def render_row(
        self,
        variables: Mapping[str, str],
        overrides: Mapping[str, str],
        *,
        filename: str | None = None,
        share: bool = True,
    ) -> _Rendered | list[tuple[str | None, str]]:
        """Render one row, or return ``[(variable or key, message)]``.

        ``overrides`` maps keys to values (``%NULL%`` already turned into "").
        With ``share`` the fixed lines are the same node objects in every row.
        """
        problems: list[tuple[str | None, str]] = []
        for name in self.names:
            if name not in variables:
                problems.append((name, f"no variable {name!r} for the placeholder"))
            elif reason := _character_problem(variables[name]):
                problems.append((name, reason))
        for key, value in overrides.items():
            if reason := _character_problem(value):
                problems.append((key, reason))
        if problems:
            return problems
        kept = tuple(bool(variables[c.name]) for c in self.template.conditions)
        shape = self.shape(kept)
        items = list(shape.items)
        if not share:
            items = [_copy_node(node, number) for number, node in enumerate(items, start=1)]
        elif items and not items[-1].eol:
            # Document.set gives a last line without a line ending one: not the shared node.
            items[-1] = _copy_node(items[-1], len(items))
        varying: dict[int, str] = {}
        slots = shape.slots
        for (number, slot, _), built in zip(slots, _render_slots(slots, variables), strict=True):
            if isinstance(built, Entry):
                items[number - 1] = built
                varying[number] = slot.first
            else:
                problems.append(built)
        if problems:
            return problems
        doc = Document(items, bom=self.template.document.bom, filename=filename)
        for key, value in overrides.items():
            try:
                entry = _set_key(doc, key, value)
            except CfgValueError as exc:
                problems.append((key, str(exc)))
            else:
                varying[entry.line] = key
        if problems:
            return problems
        origins = shape.origins + (None,) * (len(doc.items) - len(shape.origins))
        return _Rendered(doc, varying, origins)


def _split_variables(variables: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Plain variables, and key overrides (names with a dot; "" keeps, %NULL% empties)."""
    plain: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for name, value in variables.items():
        if "." not in name:
            plain[name] = value
        elif value:
            overrides[name] = "" if value == NULL_CELL else value
    return plain, overrides


def render(template: Document, variables: Mapping[str, str]) -> Document:
    """Render ``template`` with ``variables`` into a new document (``cfgtool.render``).

    ``variables`` maps placeholder names to values, used exactly as given; a
    name with a dot is a key to set (an empty value keeps the template's line,
    ``%NULL%`` sets the key to an empty value). Raises :class:`TemplateError`
    for a broken template and :class:`RenderError` when a placeholder has no
    variable or a value cannot be written exactly (line breaks, control
    characters, surrounding spaces). The template is left untouched. The
    result is not linted here; :func:`render_batch` lints every file it writes.
    """
    compiled = compile_template(template)
    plain, overrides = _split_variables(variables)
    bad_keys = [(key, "is not a valid key") for key in overrides if not _KEY_COLUMN.fullmatch(key)]
    if bad_keys:
        raise RenderError(bad_keys)
    rendered = _Renderer(compiled).render_row(plain, overrides, share=False)
    if isinstance(rendered, list):
        raise RenderError(rendered)
    rendered.doc.filename = None
    return rendered.doc


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
        if not any(cell.strip() for cell in record):
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
        elif "." in name and not _KEY_COLUMN.fullmatch(name):
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


# --- planning the batch -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Job:
    """One row, ready to render in any process."""

    index: int
    row: int
    mac: str
    model: str | None  # the catalog's name
    variables: dict[str, str]
    overrides: dict[str, str]
    relative_path: str


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _model_names() -> list[str]:
    from cfgtool.catalog import load_models

    return [model.name for model in load_models()]


def _model_directory(model: Model, label: str) -> str | None:
    """The ``$PN`` directory of ``model``: the catalog's name that ``label`` spells, else
    its first one (T23P/G reads ``T23P`` or ``T23G``); None when there is no safe one."""
    from cfgtool.catalog import model_match_key

    names = model.pn_names
    spelled = [name for name in names if model_match_key(name) == model_match_key(label)]
    name = next(iter(spelled or names), "")
    return name if _SAFE_PART.fullmatch(name) else None


def _undefined_names(template: Template, inventory: Inventory) -> list[TemplateProblem]:
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
    from cfgtool.catalog import find_model

    if reason := _character_problem(cell):
        return None, reason
    model = find_model(cell)
    if model is None:
        message = f"unknown model {cell!r}" + _suggest(cell.upper(), _model_names())
        return None, message + " (`cfgtool models` lists the known ones)"
    return model, ""


class _RowChecker:
    """Row-level checks before rendering: MAC, model, duplicates."""

    def __init__(self, inventory: Inventory, layout: Layout, default_model: str | None) -> None:
        from cfgtool.catalog import find_model

        self.inventory = inventory
        self.layout = layout
        self.mac_index = inventory.column_index(MAC_COLUMN)
        self.model_index = inventory.column_index(MODEL_COLUMN)
        self.default = find_model(default_model) if default_model else None
        self.default_label = default_model or ""
        self._models: dict[str, tuple[Model | None, str]] = {}  # cell -> model, or why none
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
        from cfgtool.filenames import normalize_mac

        assert self.mac_index is not None
        cell = row.cells[self.mac_index]
        if not cell.strip():
            return None, self.problem(row.row, self.mac_index, "the MAC is missing")
        mac = normalize_mac(cell)
        if mac is None:
            message = _character_problem(cell) or (
                f"{cell!r} is not a MAC address; write 12 hex digits such as 0015651130F9, "
                "00:15:65:11:30:f9, 00-15-65-11-30-F9 or 0015.6511.30f9"
            )
            return None, self.problem(row.row, self.mac_index, message)
        return mac, None

    def model(self, row: InventoryRow) -> tuple[Model | None, str, RowProblem | None]:
        cell = row.cells[self.model_index] if self.model_index is not None else ""
        if not cell:
            return self.default, self.default_label, None
        found = self._models.get(cell)
        if found is None:
            found = self._models[cell] = _find_model(cell)
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


def _plan_jobs(
    template: Template, inventory: Inventory, *, layout: Layout, default_model: str | None
) -> tuple[list[_Job], list[RowProblem]]:
    """Turn inventory rows into jobs and collect row-level mistakes.

    Rows with a duplicate MAC still become jobs, so that all their problems are
    reported; the batch writes no row that has a problem.
    """
    undefined = _undefined_names(template, inventory)
    if undefined:
        raise TemplateError(undefined)
    checker = _RowChecker(inventory, layout, default_model)
    columns = inventory.columns
    skip = {checker.mac_index, checker.model_index}
    variable_columns = [
        (i, c) for i, c in enumerate(columns) if c and "." not in c and i not in skip
    ]
    key_columns = [(i, c) for i, c in enumerate(columns) if "." in c]
    jobs: list[_Job] = []
    problems: list[RowProblem] = []
    rows_of_mac: dict[str, list[int]] = {}
    for row in inventory.rows:
        mac, mac_problem = checker.mac(row)
        model, label, model_problem = checker.model(row)
        row_problems = [p for p in (mac_problem, model_problem) if p]
        relative = ""
        if mac is not None:
            rows_of_mac.setdefault(mac, []).append(row.row)
            if not row_problems:
                relative, path_problem = checker.path(row, mac, model, label)
                row_problems += [path_problem] if path_problem else []
        if row_problems:
            problems.extend(replace(p, mac=mac) for p in row_problems)
            continue
        assert mac is not None
        variables = {name: row.cells[i] for i, name in variable_columns}
        variables[MAC_COLUMN] = mac
        variables[MODEL_COLUMN] = label
        overrides = {
            key: "" if row.cells[i] == NULL_CELL else row.cells[i]
            for i, key in key_columns
            if row.cells[i]
        }
        name = model.name if model else None
        jobs.append(_Job(len(jobs), row.row, mac, name, variables, overrides, relative))
    duplicated = {mac: rows for mac, rows in rows_of_mac.items() if len(rows) > 1}
    for mac, rows in duplicated.items():
        for number in rows:
            others = ", ".join(str(n) for n in rows if n != number)
            message = f"duplicate MAC {mac}, also on row {others}; each phone needs exactly one row"
            problems.append(checker.problem(number, checker.mac_index, message, mac))
    return jobs, problems


# --- validation ----------------------------------------------------------------------------


class _Validator:
    """Lints each rendered file with the lint engine: every lint rule and every model rule.

    The configuration is the one that applies to files in the output directory
    (as ``cfgtool lint DIR`` would find it), the context names the file that
    will be written and carries the row's model.
    """

    def __init__(self, out_dir: str) -> None:
        from cfgtool.linting.config import config_for
        from cfgtool.linting.engine import registered_rules

        self.out_dir = out_dir
        self.config: LintConfig = config_for(os.path.join(out_dir, "000000000000.cfg"))
        self.rules: tuple[Rule, ...] = registered_rules(("lint", "model"))
        self._contexts: dict[tuple[str, str | None], LintContext] = {}

    def context(self, job: _Job) -> LintContext:
        """The lint context of the file ``job`` renders: its path and the row's model."""
        from cfgtool.catalog import find_model
        from cfgtool.linting.engine import make_context

        path = os.path.join(self.out_dir, job.relative_path)
        directory = os.path.dirname(path)
        base = self._contexts.get((directory, job.model))
        if base is None:
            base = make_context(self.config, path, template=False)
            model = find_model(job.model) if job.model else None
            base = self._contexts[directory, job.model] = replace(base, model=model)
        return replace(base, path=path, filename=os.path.basename(path))

    def check(self, doc: Document, context: LintContext) -> list[Diagnostic]:
        """What ``cfgtool validate`` would report on ``doc`` once written."""
        from cfgtool.linting.engine import lint

        return lint(doc, self.config, context=context, rules=self.rules)


# --- running the rows ------------------------------------------------------------------------


# (variable or key-column to blame, message, template line, lint code)
_Found = tuple[str | None, str, int | None, str | None]


@dataclass(frozen=True, slots=True)
class _Outcome:
    index: int
    data: bytes | None
    problems: tuple[_Found, ...] = ()


_STATE: tuple[_Renderer, _Validator | None, Sequence[_Job]] | None = None


def _start_worker(template: Template, out_dir: str | None, jobs: Sequence[_Job]) -> None:
    global _STATE
    validator = _Validator(out_dir) if out_dir is not None else None
    _STATE = (_Renderer(template), validator, jobs)


def _run_job(renderer: _Renderer, validator: _Validator | None, job: _Job) -> _Outcome:
    filename = job.relative_path.rsplit("/", 1)[-1]
    rendered = renderer.render_row(job.variables, job.overrides, filename=filename)
    if isinstance(rendered, list):
        return _Outcome(
            job.index, None, tuple((name, message, None, None) for name, message in rendered)
        )
    if validator is not None:
        found = validator.check(rendered.doc, validator.context(job))
        errors = [diagnostic for diagnostic in found if diagnostic.severity == "error"]
        if errors:
            return _Outcome(job.index, None, tuple(_blamed(d, rendered) for d in errors))
    return _Outcome(job.index, dumps(rendered.doc).encode("utf-8"))


def _run_chunk(jobs: Sequence[_Job]) -> list[_Outcome]:
    assert _STATE is not None
    renderer, validator, _ = _STATE
    return [_run_job(renderer, validator, job) for job in jobs]


def _run_range(start: int, stop: int) -> list[_Outcome]:
    """Run jobs ``start`` to ``stop`` of the batch: a worker has the job list from its start."""
    assert _STATE is not None
    return _run_chunk(_STATE[2][start:stop])


def _blamed(diagnostic: Diagnostic, rendered: _Rendered) -> _Found:
    """A lint error as (column to blame, message, template line, code).

    A line set by a key-column is that column's; on a line with placeholders,
    a finding inside the value is the first placeholder's column.
    """
    line = diagnostic.line
    item = rendered.doc.items[line - 1] if 0 < line <= len(rendered.doc.items) else None
    blamed = rendered.varying.get(line)
    if (
        blamed
        and "." not in blamed
        and not (isinstance(item, Entry) and diagnostic.column >= item.value_column)
    ):
        blamed = None
    origin = rendered.origins[line - 1] if 0 < line <= len(rendered.origins) else None
    message = f"{diagnostic.message} (line {line} of the rendered file)"
    return blamed, message, origin, diagnostic.code


def _chunks(jobs: Sequence[_Job], size: int) -> list[Sequence[_Job]]:
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


@contextlib.contextmanager
def _worker_pool(
    template: Template, out_dir: str | None, workers: int, jobs: Sequence[_Job]
) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for rendering and writing, when there are enough rows to pay off."""
    _start_worker(template, out_dir, jobs)
    if workers <= 1 or len(jobs) < _PARALLEL_MIN_ROWS:
        yield None
        return
    # Render one row here first: the forked workers inherit the loaded catalog,
    # rules and line scanner instead of each loading them again.
    _run_chunk(jobs[:1])
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(template, out_dir, jobs)
    ) as pool:
        yield pool


def _run_jobs(
    jobs: Sequence[_Job],
    pool: ProcessPoolExecutor | None,
    workers: int,
    progress: ProgressCallback | None,
) -> list[_Outcome]:
    """Render and validate every job, in the worker processes if there are some."""
    total = len(jobs)
    outcomes: list[_Outcome] = []

    def collect(batch: list[_Outcome]) -> None:
        outcomes.extend(batch)
        if progress:
            progress("render", len(outcomes), total)

    if pool is None:
        for chunk in _chunks(jobs, _CHUNK_MAX):
            collect(_run_chunk(chunk))
        return outcomes
    assert _STATE is not None and _STATE[2] is jobs, "the pool was started for other jobs"
    size = max(100, min(_CHUNK_MAX, -(-total // (workers * 4))))
    starts = range(0, total, size)
    for batch in pool.map(_run_range, starts, [start + size for start in starts]):
        collect(batch)
    return outcomes


# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phone:
    """One rendered phone file. ``path`` is relative to the output directory.

    ``status``: ``written`` or ``unchanged``; in a dry run ``new``, ``changed``
    or ``unchanged``.
    """

    mac: str
    model: str | None
    path: str
    md5: str
    status: Status


@dataclass
class BatchResult:
    """What :func:`render_batch` did or, in a dry run, would do."""

    out_dir: str
    rows: int = 0
    phones: list[Phone] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    manifest: str | None = None
    dry_run: bool = False
    wrote_nothing: bool = False

    @property
    def failed_rows(self) -> list[int]:
        """The inventory rows that were refused."""
        return sorted({problem.row for problem in self.problems})

    @property
    def written(self) -> list[Phone]:
        """Files written (in a dry run: that would be written)."""
        return [phone for phone in self.phones if phone.status != "unchanged"]

    @property
    def unchanged(self) -> list[Phone]:
        return [phone for phone in self.phones if phone.status == "unchanged"]

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data (``cfgtool render --format json``)."""
        return {
            "out_dir": self.out_dir,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "written": len(self.written),
            "unchanged": len(self.unchanged),
            "failed": len(self.failed_rows),
            "wrote_nothing": self.wrote_nothing,
            "stale": self.stale,
            "pruned": self.pruned,
            "manifest": self.manifest,
            "problems": [problem.to_dict() for problem in self.problems],
            "files": [
                {"mac": p.mac, "model": p.model, "file": p.path, "md5": p.md5, "status": p.status}
                for p in self.phones
            ],
        }


def _same_content(path: str | os.PathLike[str], data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _write_chunk(
    root: str, files: Sequence[tuple[str, bytes]], dry_run: bool
) -> list[tuple[str, Status]]:
    """Write (or, in a dry run, compare) ``(relative path, data)`` files; return (md5, status)
    of each. Existing identical files are left alone.

    The changed files of a chunk are written together with one disk sync
    (:func:`~cfgtool.fsutil.atomic_write_many`): an fsync per file made the
    batch wait on the disk ten thousand times.
    """
    done: list[tuple[str, Status]] = []
    writes: list[tuple[str, bytes]] = []
    for relative, data in files:
        target = os.path.join(root, relative)
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        status: Status
        if _same_content(target, data):
            status = "unchanged"
        elif dry_run:
            status = "changed" if os.path.exists(target) else "new"
        else:
            writes.append((target, data))
            status = "written"
        done.append((md5, status))
    if writes:
        atomic_write_many(writes)
    return done


def _write_all(
    root: Path,
    planned: Sequence[tuple[_Job, bytes]],
    *,
    dry_run: bool,
    pool: ProcessPoolExecutor | None,
    workers: int,
    progress: ProgressCallback | None,
) -> list[Phone]:
    if not dry_run:
        folders = {os.path.dirname(job.relative_path) for job, _ in planned}
        for directory in sorted({root, *(root / folder for folder in folders)}):
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CfgIOError(f"cannot create {directory}: {exc.strerror or exc}") from None
    total = len(planned)
    size = max(_WRITE_CHUNK_MIN, -(-total // (workers * 4))) if pool else _WRITE_CHUNK_MIN
    # Workers get only what they write: each file's path and bytes.
    files = [(job.relative_path, data) for job, data in planned]
    chunks = [files[i : i + size] for i in range(0, total, size)]
    folder = os.fspath(root)
    results = (
        pool.map(_write_chunk, [folder] * len(chunks), chunks, [dry_run] * len(chunks))
        if pool
        else (_write_chunk(folder, chunk, dry_run) for chunk in chunks)
    )
    phones: list[Phone] = []
    for batch in results:
        for md5, status in batch:
            job = planned[len(phones)][0]
            phones.append(Phone(job.mac, job.model, job.relative_path, md5, status))
        if progress:
            progress("write", len(phones), total)
    return phones


def _existing_mac_files(root: Path, layout: Layout) -> list[str]:
    """``<mac>.cfg`` files in ``root`` (and, for ``pn``, one directory down), relative."""
    found: list[str] = []
    if not root.is_dir():
        return found
    for entry in os.scandir(root):
        if entry.is_file(follow_symlinks=False) and _MAC_FILE.fullmatch(entry.name):
            found.append(entry.name)
        elif layout == "pn" and entry.is_dir(follow_symlinks=False):
            found.extend(
                f"{entry.name}/{inner.name}"
                for inner in os.scandir(entry.path)
                if inner.is_file(follow_symlinks=False) and _MAC_FILE.fullmatch(inner.name)
            )
    return sorted(found)


def _is_safe_relative(relative: str) -> bool:
    parts = relative.split("/")
    return len(parts) <= 2 and all(_SAFE_PART.fullmatch(part) for part in parts)


def _write_manifest(path: Path, phones: Sequence[Phone]) -> None:
    entries = {
        phone.mac: {"file": phone.path, "model": phone.model, "md5": phone.md5}
        for phone in sorted(phones, key=lambda p: p.mac)
    }
    data = (json.dumps(entries, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if not _same_content(path, data):
        atomic_write_bytes(path, data)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def render_batch(
    template: Document,
    inventory: Inventory,
    out_dir: str | os.PathLike[str],
    *,
    layout: Layout = "flat",
    model: str | None = None,
    jobs: int = 0,
    dry_run: bool = False,
    keep_going: bool = False,
    prune: bool = False,
    manifest: str | os.PathLike[str] | None = None,
    validate: bool = True,
    progress: ProgressCallback | None = None,
) -> BatchResult:
    """Render one ``<mac>.cfg`` per inventory row into ``out_dir``: plan, validate, write.

    Every row is rendered and linted (lint rules plus model rules, with the
    configuration that applies to ``out_dir``) before anything is written.
    When any row fails nothing is written, unless ``keep_going``: then the good
    rows are written and the bad ones listed in ``problems``. File names come
    from the normalised MAC only (``layout="pn"``: inside the model's ``$PN``
    directory). A file whose bytes would not change is not rewritten, so its
    mtime is kept. ``<mac>.cfg`` files in ``out_dir`` that this inventory does
    not produce are listed in ``stale`` and deleted only with ``prune``.
    ``manifest`` writes JSON ``{mac: {"file", "model", "md5"}}``. ``jobs`` is
    the number of processes (0: one per CPU). Raises :class:`TemplateError`
    for mistakes that concern every row (template syntax, a placeholder that
    is no column, a bad header).
    """
    compiled = compile_template(template)
    job_list, problems = _plan_jobs(compiled, inventory, layout=layout, default_model=model)
    root = Path(out_dir)
    workers = jobs if jobs > 0 else _cpus()
    result = BatchResult(os.fspath(root), len(inventory.rows) + len(inventory.problems))
    result.dry_run = dry_run
    validate_in = os.fspath(root) if validate else None
    with _worker_pool(compiled, validate_in, workers, job_list) as pool:
        outcomes = _run_jobs(job_list, pool, workers, progress)
        planned = _outcome_problems(outcomes, job_list, inventory, problems)
        result.problems = sorted(
            [*inventory.problems, *problems], key=lambda p: (p.row, p.column or 0)
        )
        failed = {problem.row for problem in result.problems}
        planned = [(job, data) for job, data in planned if job.row not in failed]
        result.stale = _stale_files(root, layout, planned, result.problems)
        if result.problems and not keep_going:
            result.wrote_nothing = True
            return result
        result.phones = _write_all(
            root, planned, dry_run=dry_run, pool=pool, workers=workers, progress=progress
        )
    if prune and not dry_run:
        for name in result.stale:
            with contextlib.suppress(FileNotFoundError):
                (root / name).unlink()
            result.pruned.append(name)
    if manifest is not None and not dry_run:
        _write_manifest(Path(manifest), result.phones)
        result.manifest = os.fspath(manifest)
    return result


def _outcome_problems(
    outcomes: Sequence[_Outcome],
    jobs: Sequence[_Job],
    inventory: Inventory,
    problems: list[RowProblem],
) -> list[tuple[_Job, bytes]]:
    """Add each refused row's problems to ``problems``; return the rendered files."""
    rendered: list[tuple[_Job, bytes]] = []
    for outcome in outcomes:
        job = jobs[outcome.index]
        for name, message, template_line, code in outcome.problems:
            index = inventory.column_index(name) if name else None
            column_name = inventory.columns[index] if index is not None else None
            column = index + 1 if index is not None else None
            if template_line:
                message += f" (template line {template_line})"
            problems.append(
                RowProblem(inventory.path, job.row, column, column_name, message, job.mac, code)
            )
        if outcome.data is not None:
            if not _is_safe_relative(job.relative_path):  # pragma: no cover - defence in depth
                raise CfgValueError(f"refusing to write outside the output: {job.relative_path!r}")
            rendered.append((job, outcome.data))
    return rendered


def _stale_files(
    root: Path, layout: Layout, planned: Sequence[tuple[_Job, bytes]], problems: list[RowProblem]
) -> list[str]:
    """``<mac>.cfg`` files under ``root`` that no row produces (a refused row keeps its file)."""
    produced = {job.relative_path for job, _ in planned}
    refused = {problem.mac for problem in problems if problem.mac}
    return [
        name
        for name in _existing_mac_files(root, layout)
        if name not in produced and name.rsplit("/", 1)[-1][:12] not in refused
    ]


def render_files(
    template_path: str | os.PathLike[str],
    inventory_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    **options: Any,
) -> BatchResult:
    """:func:`render_batch` from a template file and an inventory file (the CLI's call)."""
    return render_batch(load(template_path), read_inventory(inventory_path), out_dir, **options)
