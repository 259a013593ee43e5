"""A PBX template as the lint sees it: its output lines as a cfg document, and the way back.

Each output line of the :class:`~cfgtool.templating.TemplateStructure` becomes one
line of a cfg text that the ordinary parser reads, so the grammar stays the one
place lines are taken apart and every rule runs unchanged on the static parts:

- a placeholder in a key index (``account.{$row.line_number}.enable``) stands
  in as ``1``, which the catalog reads as its ``X``;
- a placeholder in a value stands in as ``1``; the value is unknown, so what a
  rule says about it is dropped (:func:`TemplateView.drops`), except for what
  the static part alone shows (see ``template_checks``);
- a line that is one placeholder (Wazo's ``{{ XX_fkeys }}``), or that has a
  placeholder inside a key segment, becomes a comment line: nothing about it can
  be checked except that placeholder (CFG501).

Line ``n`` of the document is output line ``n``; :meth:`TemplateView.source`
maps a position back to the template (or the base template it came from).
"""

from __future__ import annotations

from dataclasses import dataclass

from cfgtool.nodes import Document, Entry
from cfgtool.parser import loads
from cfgtool.templating import OutputLine, Placeholder, TemplateStructure

STAND_IN = "1"
SKIPPED_LINE = "#"
# Codes that say something about a line's text that a placeholder in the value
# does not change (trailing spaces, a second setting run into the value, a marker).
KEPT_ON_UNKNOWN_VALUES = frozenset({"CFG108", "CFG109", "CFG111"})


@dataclass(frozen=True)
class TemplateView:
    """The document a template's output lines make, with what each line came from.

    ``lines[n - 1]`` is the output line behind document line ``n``; ``skipped``
    the document lines that stand for a whole-line or in-key placeholder;
    ``unknown_values`` the document lines whose value holds a placeholder (with
    the document column the value starts at).
    """

    structure: TemplateStructure
    doc: Document
    lines: tuple[OutputLine, ...]
    skipped: frozenset[int]
    unknown_values: dict[int, int]
    path: str | None

    @property
    def standalone(self) -> bool:
        """True when the file extends a base that was not read (its blocks alone are linted)."""
        return self.structure.extends is not None and not any(
            line.origin and line.origin != self.structure.origin for line in self.lines
        )

    def output_line(self, doc_line: int) -> OutputLine | None:
        """The output line behind document line ``doc_line``."""
        if 1 <= doc_line <= len(self.lines):
            return self.lines[doc_line - 1]
        return None

    def drops(self, doc_line: int, column: int) -> bool:
        """True when a finding at this position is about an unknown value (a placeholder's)."""
        start = self.unknown_values.get(doc_line)
        return start is not None and column >= start

    def source(self, doc_line: int, column: int) -> tuple[str | None, int, int]:
        """``(path, line, column)`` in the template for a document position."""
        line = self.output_line(doc_line)
        if line is None:
            return self.path, doc_line, column
        path = self.path
        if line.origin and line.origin != self.structure.origin:
            path = line.origin
        return path, line.line, source_column(line, column)


def source_column(line: OutputLine, column: int) -> int:
    """The template column of document column ``column`` (1-based) of ``line``'s stand-in text."""
    offset = column - 1  # into the stand-in text
    shift = 0
    before: Placeholder | None = None
    for placeholder in line.placeholders:
        start = placeholder.start - shift
        if offset < start:
            break
        width = len(_stand_in(placeholder))
        if offset < start + width:
            return placeholder.column
        shift += (placeholder.end - placeholder.start) - width
        before = placeholder
    text_offset = offset + shift
    if before is None:
        first = line.placeholders[0] if line.placeholders else None
        if first is not None:
            return max(1, first.column - (first.start - text_offset))
        return text_offset + 1
    return before.column + (text_offset - before.start)


def _stand_in(placeholder: Placeholder) -> str:
    return STAND_IN


def build_view(structure: TemplateStructure, path: str | None) -> TemplateView:
    """The :class:`TemplateView` of ``structure`` (the template at ``path``)."""
    texts: list[str] = []
    skipped: set[int] = set()
    valued: list[int] = []
    for number, line in enumerate(structure.lines, start=1):
        if not line.placeholders:
            texts.append(line.text)
            continue
        static = line.static_text(STAND_IN)
        if line.text.lstrip(" \t").startswith(("#", "[")):
            texts.append(static)  # a comment or a [ section ] line
            continue
        positions = {p.position for p in line.placeholders}
        if "line" in positions or ("key" in positions and "=" in static):
            texts.append(SKIPPED_LINE)
            skipped.add(number)
            continue
        texts.append(static)
        if "value" in positions:
            valued.append(number)
    doc = loads("\n".join(texts) + "\n" if texts else "", filename=path)
    unknown: dict[int, int] = {}
    for number in valued:
        node = doc.items[number - 1] if number <= len(doc.items) else None
        if isinstance(node, Entry):
            unknown[number] = node.value_column
    return TemplateView(structure, doc, structure.lines, frozenset(skipped), unknown, path)
