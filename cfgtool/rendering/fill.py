"""Filling rows fast: a rendered file as text, its varying lines' nodes cached by value.

:meth:`Renderer.render_row <cfgtool.rendering.row.Renderer.render_row>` builds a
document per row. A batch needs less: the file's text, and the nodes of the
lines the row fills (for the checks). A :class:`Filler` works out, once per
*group* of rows (the same kept ``if=`` blocks, the same key-columns set), the
fixed text between the varying lines; each varying line then caches the node
each value gives it (the node depends on nothing else), so a value many rows
share is built once. A row the filler cannot fill exactly as ``render_row``
would (a refused value, a key-column that sets a line a placeholder fills, a
file without a final line ending that a key-column extends) gets None: the
caller renders it the slow way, which also says what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cfgtool.errors import CfgValueError
from cfgtool.nodes import Document, Entry, Node
from cfgtool.parser import BOM
from cfgtool.rendering.row import (
    PLAIN_KEY_START,
    PLAIN_VALUE,
    Rendered,
    Renderer,
    copy_node,
    set_key,
    slot_entry,
)
from cfgtool.rendering.template import ONE_LINE, Placeholder, Slot

# Values whose nodes each varying line keeps: shared values (a PBX, a language) hit,
# unique ones (a name, a password) would only fill memory.
CACHE_VALUES = 256

_one_line = ONE_LINE.fullmatch
plain_value = PLAIN_VALUE.fullmatch
plain_key = PLAIN_KEY_START.match


@dataclass(eq=False, slots=True)
class VaryingLine:
    """A line a row fills: by a placeholder (``slot``) or by a key-column (``key``).

    ``old`` is the template line a key-column replaces (None: the column appends
    its line); ``blame`` the variable or key-column a finding on it is blamed on.
    """

    number: int
    key: str
    blame: str
    eol: str
    slot: Slot | None = None
    old: Node | None = None
    # value -> (the line's text, its node; None: built when asked, see entry())
    nodes: dict[str, tuple[str, Entry | None]] = field(default_factory=dict)
    # A placeholder line whose key starts plainly: (prefix, suffix, key column), as
    # slot_entry works them out for a plain value.
    plain: tuple[str, str, int] | None = None
    # The variable that is the whole value (one placeholder, no filter), else None.
    name: str | None = None
    # The placeholder that is the whole value (filters or not), else None.
    only: Placeholder | None = None

    def __post_init__(self) -> None:
        slot = self.slot
        if slot is not None and len(slot.parts) == 1:
            only = slot.parts[0]
            if isinstance(only, Placeholder):
                self.only = only
                self.name = None if only.filters else only.name
        if slot is not None and plain_key(slot.key):
            key_part = slot.prefix.partition("=")[0]
            key_column = len(key_part) - len(key_part.lstrip(" \t")) + 1
            self.plain = (slot.prefix, slot.suffix, key_column)

    def node(self, value: str, variables: Mapping[str, str]) -> tuple[str, Entry | None] | None:
        """This line's text (without its line ending) and node with ``value`` (None: a
        plain line, see :meth:`entry`); None when the row must take the slow way."""
        found = self.nodes.get(value)
        if found is not None:
            return found
        plain = self.plain
        if plain is not None and value and plain_value(value):
            # slot_entry's first case, with the line's constant parts worked out once.
            found = (plain[0] + value + plain[1], None)
        elif self.slot is not None:
            entry = slot_entry(self.number, self.slot, self.eol, value, variables)
            if not isinstance(entry, Entry):
                return None
            found = (entry.raw, entry)
        else:
            made = self._set(value)
            if made is None:
                return None
            found = (made.raw, made)
        if len(self.nodes) < CACHE_VALUES:
            self.nodes[value] = found
        return found

    def entry(self, value: str, raw: str) -> Entry:
        """The node of a plain line :meth:`node` gave ``raw`` for (slot_entry's first case)."""
        assert self.plain is not None
        prefix, _, key_column = self.plain
        return Entry(raw, self.eol, self.number, self.key, value, key_column, len(prefix) + 1)

    def _set(self, value: str) -> Entry | None:
        """The line ``Document.set`` makes of this key-column's ``value`` (as render_row does)."""
        if self.old is not None:
            base = copy_node(self.old, self.number)
        else:
            # The key-column appends its line after a line ending with this line's ending.
            base = Entry("x = x", self.eol, 1, "x", "x", 1, 5)
        doc = Document([base])
        try:
            entry = set_key(doc, self.key, value)
        except CfgValueError:
            return None
        if entry.line != self.number:
            moved = copy_node(entry, self.number)
            assert isinstance(moved, Entry)
            entry = moved
        return entry


@dataclass(eq=False, slots=True)
class Group:
    """Rows with the same kept blocks and key-columns set: the same lines around their values."""

    items: tuple[Node, ...]  # the output lines; a varying line holds its template line
    lines: tuple[VaryingLine, ...]  # in line order
    fixed: tuple[str, ...]  # the text before, between and after the varying lines
    origins: tuple[int | None, ...]  # output line -> template line (None: added by a column)
    bom: bool
    varying: dict[int, str] = field(default_factory=dict)  # output line -> what fills it
    varying_index: dict[int, int] = field(default_factory=dict)  # output line -> index
    parts: list[str] = field(default_factory=list)  # fixed texts, "" between for the lines
    # When every varying line is one plain-keyed placeholder without filters: the
    # variables, each line's text before and after its value, and the texts between
    # the values (a row whose values are all plain is then filled in a few steps).
    straight: (
        tuple[
            tuple[tuple[str, Placeholder | None], ...], tuple[str, ...], tuple[str, ...], list[str]
        ]
        | None
    ) = None

    def __post_init__(self) -> None:
        self.parts = [text for fixed in self.fixed for text in (fixed, "")][:-1]
        self.varying = {line.number: line.blame for line in self.lines}
        self.varying_index = {line.number: index for index, line in enumerate(self.lines)}
        plain = [(line.only, line.plain) for line in self.lines]
        if all(only is not None and parts is not None for only, parts in plain):
            names = tuple(
                (only.name, only if only.filters else None) for only, _ in plain if only is not None
            )
            around = [parts for _, parts in plain if parts is not None]
            prefixes = tuple(prefix for prefix, _, _ in around)
            suffixes = tuple(suffix for _, suffix, _ in around)
            between = [*self.fixed]
            for index, (prefix, suffix) in enumerate(zip(prefixes, suffixes, strict=True)):
                between[index] += prefix
                between[index + 1] = suffix + between[index + 1]
            chunks = [text for fixed in between for text in (fixed, "")][:-1]
            self.straight = (names, prefixes, suffixes, chunks)


@dataclass(slots=True)
class Filled:
    """One row filled: its group, its varying lines' values and texts, and the file's text."""

    group: Group
    values: list[str]  # one per group.lines
    raws: list[str]  # each varying line's text, without its line ending
    nodes: list[Entry | None]  # each varying line's node, None until asked for (entry())
    text: str

    def entry(self, index: int) -> Entry:
        """The node of varying line ``index`` (the one ``render_row`` makes)."""
        node = self.nodes[index]
        if node is None:
            node = self.nodes[index] = self.group.lines[index].entry(
                self.values[index], self.raws[index]
            )
        return node

    @property
    def entries(self) -> list[Entry]:
        """The nodes of every varying line."""
        return [self.entry(index) for index in range(len(self.nodes))]

    def item(self, line: int) -> Node | None:
        """The node of output line ``line`` (1-based), or None past the end."""
        index = self.group.varying_index.get(line)
        if index is not None:
            return self.entry(index)
        items = self.group.items
        return items[line - 1] if 0 < line <= len(items) else None

    def document(self, filename: str | None = None) -> Document:
        """The rendered document (the same nodes ``render_row`` gives, fixed lines shared)."""
        group = self.group
        items = list(group.items)
        for line, entry in zip(group.lines, self.entries, strict=True):
            if line.number <= len(items):
                items[line.number - 1] = entry
            else:
                items.append(entry)
        return Document(items, bom=group.bom, filename=filename)

    def rendered(self, filename: str | None = None) -> Rendered:
        """The row as :class:`~cfgtool.rendering.row.Rendered` (for blaming findings)."""
        return Rendered(self.document(filename), dict(self.group.varying), self.group.origins)


class Filler:
    """Fills rows of one compiled template into text (see the module docstring)."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.names = tuple(renderer.names)
        self.conditions = tuple(c.name for c in renderer.template.conditions)
        self.bom = renderer.template.document.bom
        self._groups: dict[tuple[tuple[bool, ...], tuple[str, ...]], Group | None] = {}

    def fill(self, variables: Mapping[str, str], overrides: Mapping[str, str]) -> Filled | None:
        """The row's text and varying lines, or None: render it with ``render_row``."""
        try:
            cells = [variables[name] for name in self.names]
        except KeyError:
            return None
        # One test for every value: the joined text is on one line if each value is.
        if not _one_line("".join(cells)) or (
            overrides and not _one_line("".join(overrides.values()))
        ):
            return None
        kept = tuple([bool(variables[name]) for name in self.conditions])
        key = (kept, tuple(overrides))
        if key in self._groups:
            group = self._groups[key]
        else:
            group = self._groups[key] = self._group(kept, key[1])
        if group is None:
            return None
        straight = group.straight
        if straight is not None:
            names, prefixes, suffixes, chunks = straight
            values = [
                variables[name] if filtered is None else filtered.apply(variables[name])
                for name, filtered in names
            ]
            if all(map(plain_value, values)):
                # VaryingLine.node's plain case for every line at once.
                text = chunks.copy()
                text[1::2] = values
                raws = [
                    prefix + value + suffix
                    for prefix, value, suffix in zip(prefixes, values, suffixes, strict=True)
                ]
                return Filled(group, values, raws, [None] * len(values), "".join(text))
        values = []
        found_lines: list[tuple[str, Entry | None]] = []
        for line in group.lines:
            name = line.name
            if name is not None:
                value = variables[name]
            elif line.slot is not None:
                value = line.slot.value(variables)
            else:
                value = overrides[line.key]
            found = line.nodes.get(value) or line.node(value, variables)
            if found is None:
                return None
            values.append(value)
            found_lines.append(found)
        raws = [found[0] for found in found_lines]
        parts = group.parts.copy()  # the fixed texts, with a place between them for each line
        parts[1::2] = raws
        return Filled(group, values, raws, [found[1] for found in found_lines], "".join(parts))

    def _group(self, kept: tuple[bool, ...], keys: tuple[str, ...]) -> Group | None:
        """The lines of rows that keep ``kept`` and set ``keys``; None: fill them the slow way."""
        shape = self.renderer.shape(kept)
        items = list(shape.items)
        lines = [VaryingLine(n, slot.key, slot.first, eol, slot) for n, slot, eol in shape.slots]
        filled = {line.number for line in lines}
        # A copy to play the key-columns on, as render_row's Document.set would.
        played = Document([copy_node(node, number) for number, node in enumerate(items, 1)])
        for key in keys:
            number = next(
                (
                    node.line
                    for node in reversed(played.items)
                    if isinstance(node, Entry) and node.key == key
                ),
                None,
            )
            if number is not None and number <= len(items):
                if number in filled:
                    return None  # the column sets a line a placeholder fills
                old = played.items[number - 1]
                lines.append(VaryingLine(number, key, key, old.eol, old=old))
                continue
            if played.items and not played.items[-1].eol:
                return None  # appending would change the last line's ending
            try:
                added = played.set(key, "x")
            except CfgValueError:
                return None
            lines.append(VaryingLine(added.line, key, key, added.eol))
        lines.sort(key=lambda line: line.number)
        fixed: list[str] = []
        start = 0
        eol = ""  # the previous varying line's ending starts the next fixed text
        for line in lines:
            end = min(line.number - 1, len(items))
            fixed.append(eol + "".join([node.raw + node.eol for node in items[start:end]]))
            start = max(start, line.number)
            eol = line.eol
        fixed.append(eol + "".join([node.raw + node.eol for node in items[start:]]))
        if self.bom:
            fixed[0] = BOM + fixed[0]
        appended = len(played.items) - len(items)
        origins = shape.origins + (None,) * appended
        return Group(tuple(items), tuple(lines), tuple(fixed), origins, self.bom)
