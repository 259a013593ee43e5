"""Templates: cfg files whose values hold ``{{ placeholders }}`` and ``# cfgtool: if=`` blocks.

The syntax is described in :mod:`cfgtool.rendering`; :func:`compile_template`
checks a template once, :func:`template_problems` lists its mistakes (lint's CFG501).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from cfgtool.directives import ENDIF, IF, Directive, parse_directive
from cfgtool.errors import CfgValueError
from cfgtool.format import NULL_VALUE
from cfgtool.nodes import Comment, Document, Entry, Invalid, Node

if TYPE_CHECKING:
    pass

FILTERS = ('default("text")', "lower", "upper")
NULL_CELL = NULL_VALUE
MAC_COLUMN = "mac"
MODEL_COLUMN = "model"
Layout = Literal["flat", "pn"]
Status = Literal["written", "unchanged", "new", "changed"]
ProgressCallback = Callable[[str, int, int], None]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
KEY_COLUMN = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+")
MAC_FILE = re.compile(r"[0-9a-f]{12}\.cfg")
SAFE_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
ONE_LINE = re.compile(r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]*")
# Worker processes pay off only from this many rows (start-up, shipping results back).


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
class Slot:
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
class TemplateLine:
    node: Node
    slot: Slot | None
    block: int | None  # index into Template.conditions
    directive: bool


@dataclass(frozen=True)
class Template:
    """A compiled template: its lines, placeholders and ``if=`` blocks."""

    document: Document
    lines: tuple[TemplateLine, ...]
    placeholders: tuple[Placeholder, ...]
    conditions: tuple[Placeholder, ...]

    @property
    def path(self) -> str | None:
        return self.document.filename

    @property
    def names(self) -> frozenset[str]:
        """Every variable the template refers to (placeholders and ``if=`` names)."""
        return frozenset(p.name for p in (*self.placeholders, *self.conditions))


def _block_directive(node: Comment) -> Directive | None:
    """The ``# cfgtool: if=`` or ``endif`` directive ``node`` is, or None."""
    directive = parse_directive(node)
    return directive if directive is not None and directive.verb in (IF, ENDIF) else None


def _directive(
    node: Comment, directive: Directive, block: int | None, conditions: list[Placeholder]
) -> str | None:
    """Handle an ``if=``/``endif`` comment; return a problem message, if any."""
    verb, argument = directive.verb, directive.rest.strip(" \t")
    column = node.raw.index("#") + 1
    if verb == ENDIF:
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
    lines: list[TemplateLine] = []
    placeholders: list[Placeholder] = []
    conditions: list[Placeholder] = []
    problems: list[TemplateProblem] = []
    block: int | None = None
    for node in doc.items:
        if isinstance(node, Comment) and (directive := _block_directive(node)) is not None:
            count = len(conditions)
            message = _directive(node, directive, block, conditions)
            if message:
                problems.append(TemplateProblem(node.line, node.raw.index("#") + 1, message))
            elif len(conditions) > count:
                block = count
            elif block is not None:
                block = None
            lines.append(TemplateLine(node, None, None, True))
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
                slot = Slot(node.key, prefix, tuple(parts), suffix, first)
                placeholders.extend(slot.placeholders)
        elif isinstance(node, Invalid):
            problems.append(TemplateProblem(node.line, node.column, node.reason))
        lines.append(TemplateLine(node, slot, block, False))
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
