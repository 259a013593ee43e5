"""Rendering one row: a compiled template plus variables → a document, values never cleaned."""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cfgtool.errors import CfgValueError
from cfgtool.nodes import Document, Entry, Node
from cfgtool.parser import build_entry, parse_line
from cfgtool.rendering.template import (
    KEY_COLUMN,
    NULL_CELL,
    ONE_LINE,
    RenderError,
    Slot,
    Template,
    compile_template,
)

if TYPE_CHECKING:
    pass

# --- rendering one row -------------------------------------------------------------------


def character_problem(value: str) -> str | None:
    """Why ``value`` can never be a value (a control or line-separator character), or None."""
    if ONE_LINE.fullmatch(value):
        return None
    for position, char in enumerate(value, start=1):
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            kind = "a line break" if char in "\r\n\x85\u2028\u2029" else "a control character"
            return (
                f"the value contains {kind} (U+{ord(char):04X}) at position {position}; "
                "a value must stay on one line, and cfgtool never cleans values: fix the cell"
            )
    return None  # pragma: no cover - ONE_LINE and the categories agree


# A value the parser reads back unchanged after "key = ": no space, tab or '=' first,
# no space or tab last, nothing that could end the line (controls are refused earlier).
PLAIN_VALUE = re.compile(r"[^\s=](?:[^\x00-\x1f\x7f-\x9f\u2028\u2029]*[^\s])?")
PLAIN_KEY_START = re.compile(r"[A-Za-z0-9_]")


def _first_contributor(slot: Slot, variables: Mapping[str, str], from_end: bool) -> str | None:
    """The placeholder that puts the first (or last) text into a rendered value."""
    for part in reversed(slot.parts) if from_end else slot.parts:
        if isinstance(part, str):
            if part:
                return None
        elif part.apply(variables[part.name]):
            return part.name
    return None


def _checked_entry(
    slot: Slot, value: str, raw: str, eol: str, line: int, variables: Mapping[str, str]
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


def slot_entry(
    number: int, slot: Slot, eol: str, value: str, variables: Mapping[str, str]
) -> Entry | tuple[str | None, str]:
    """The line ``number`` that ``slot`` renders with ``value`` (its rendered value), or
    ``(variable to blame, message)`` when it would not read back as that setting.

    The line must read back (:func:`~cfgtool.parser.parse_line`) as exactly its
    key and value; one that does not is checked again to say why. The node
    depends only on ``value`` (``variables`` name the culprit of a refusal).
    """
    # An empty value is written "key =", not "key = " with a trailing space.
    raw = (slot.prefix if value else slot.prefix.rstrip(" \t")) + value + slot.suffix
    if value and PLAIN_VALUE.fullmatch(value) and PLAIN_KEY_START.match(slot.key):
        # The line reads back as exactly this key and value, as parse_line would
        # find it: the first '=' is the prefix's, the value has no edge spaces,
        # and no higher-priority line shape ([section], {tag}, ==, marker)
        # can start with a letter or digit. Saves parsing each line again.
        key_part = slot.prefix.partition("=")[0]
        key_column = len(key_part) - len(key_part.lstrip(" \t")) + 1
        return Entry(raw, eol, number, slot.key, value, key_column, len(slot.prefix) + 1)
    node = parse_line(raw, eol, number)
    if type(node) is Entry and node.key == slot.key and node.value == value:
        return node
    return _checked_entry(slot, value, raw, eol, number, variables)


def _render_slots(
    slots: Sequence[tuple[int, Slot, str]], variables: Mapping[str, str]
) -> list[Entry | tuple[str | None, str]]:
    """Render the settings ``(line number, slot, line ending)`` of one row."""
    return [
        slot_entry(number, slot, eol, slot.value(variables), variables)
        for number, slot, eol in slots
    ]


def set_key(doc: Document, key: str, value: str) -> Entry:
    """``doc.set(key, value)`` (a key-column's value), writing an empty value as ``key =``."""
    entry = doc.set(key, value)
    if value or entry.raw == entry.raw.rstrip(" \t"):
        return entry
    trimmed = build_entry(entry.raw.rstrip(" \t"), entry.eol, entry.line, key, "")
    for index in range(len(doc.items) - 1, -1, -1):
        if doc.items[index] is entry:
            doc.items[index] = trimmed
    return trimmed


def copy_node(node: Node, line: int) -> Node:
    """A copy of ``node`` as line ``line``."""
    duplicate = copy.copy(node)
    duplicate.line = line
    return duplicate


@dataclass(frozen=True, slots=True)
class Shape:
    """The output lines for one set of kept blocks; fixed nodes are shared between rows.

    ``items`` holds the fixed nodes (and, at slot positions, the template's
    node); ``slots`` is ``(line number, slot, line ending)`` per setting to render.
    """

    items: tuple[Node, ...]
    slots: tuple[tuple[int, Slot, str], ...]
    origins: tuple[int, ...]  # the template line of each output line


@dataclass(slots=True)
class Rendered:
    doc: Document
    varying: dict[int, str]  # output line -> the variable or key-column it comes from
    origins: tuple[int | None, ...]  # output line -> template line (None: added by a column)


class Renderer:
    """Renders rows of one compiled template."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.names = sorted(template.names)
        self._shapes: dict[tuple[bool, ...], Shape] = {}

    def shape(self, kept: tuple[bool, ...]) -> Shape:
        found = self._shapes.get(kept)
        if found is None:
            items: list[Node] = []
            slots: list[tuple[int, Slot, str]] = []
            origins: list[int] = []
            for item in self.template.lines:
                if item.directive or (item.block is not None and not kept[item.block]):
                    continue
                number = len(items) + 1
                items.append(item.node if item.slot else copy_node(item.node, number))
                if item.slot:
                    slots.append((number, item.slot, item.node.eol))
                origins.append(item.node.line)
            found = self._shapes[kept] = Shape(tuple(items), tuple(slots), tuple(origins))
        return found

    def render_row(
        self,
        variables: Mapping[str, str],
        overrides: Mapping[str, str],
        *,
        filename: str | None = None,
        share: bool = True,
    ) -> Rendered | list[tuple[str | None, str]]:
        """Render one row, or return ``[(variable or key, message)]``.

        ``overrides`` maps keys to values (``%NULL%`` already turned into "").
        With ``share`` the fixed lines are the same node objects in every row.
        """
        problems: list[tuple[str | None, str]] = []
        for name in self.names:
            if name not in variables:
                problems.append((name, f"no variable {name!r} for the placeholder"))
            elif reason := character_problem(variables[name]):
                problems.append((name, reason))
        for key, value in overrides.items():
            if reason := character_problem(value):
                problems.append((key, reason))
        if problems:
            return problems
        kept = tuple(bool(variables[c.name]) for c in self.template.conditions)
        shape = self.shape(kept)
        items = list(shape.items)
        if not share:
            items = [copy_node(node, number) for number, node in enumerate(items, start=1)]
        elif items and not items[-1].eol:
            # Document.set gives a last line without a line ending one: not the shared node.
            items[-1] = copy_node(items[-1], len(items))
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
                entry = set_key(doc, key, value)
            except CfgValueError as exc:
                problems.append((key, str(exc)))
            else:
                varying[entry.line] = key
        if problems:
            return problems
        origins = shape.origins + (None,) * (len(doc.items) - len(shape.origins))
        return Rendered(doc, varying, origins)


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
    bad_keys = [(key, "is not a valid key") for key in overrides if not KEY_COLUMN.fullmatch(key)]
    if bad_keys:
        raise RenderError(bad_keys)
    rendered = Renderer(compiled).render_row(plain, overrides, share=False)
    if isinstance(rendered, list):
        raise RenderError(rendered)
    rendered.doc.filename = None
    return rendered.doc
