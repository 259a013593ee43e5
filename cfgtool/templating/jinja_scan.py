"""Cuts a Jinja or Twig template into text, ``{{ }}``, ``{% %}`` and ``{# #}``, with exact offsets.

Quotes inside a tag are honoured (``{{ "}}" }}``), tags may span lines,
``{% raw %}``/``{% verbatim %}`` bodies are text, and whitespace control is
applied the way both engines do: ``-`` strips all whitespace on that side,
Twig's ``~`` strips blanks but keeps line breaks.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

PieceKind = Literal["text", "variable", "block", "comment"]

_OPEN = re.compile(r"\{[{%#]")
_CLOSERS = {"{": "}}", "%": "%}", "#": "#}"}
_KINDS: dict[str, PieceKind] = {"{": "variable", "%": "block", "#": "comment"}
_RAW = re.compile(r"\s*(raw|verbatim)\s*")
_MODIFIERS = "-~+"


class Piece(NamedTuple):
    """One piece of the template; for tags ``inner`` is between delimiters and modifiers."""

    kind: PieceKind
    start: int
    end: int
    inner: str
    left: str = ""
    right: str = ""

    @property
    def inner_offset(self) -> int:
        return self.start + 2 + len(self.left)


# A tag with no quote before its first closer ends at that closer: no need to walk it.
_PLAIN_TAGS = {
    "{": re.compile(r"\{\{[^'\"]*?\}\}"),
    "%": re.compile(r"\{%[^'\"]*?%\}"),
}
_QUOTE_ENDS = {"'": re.compile(r"\\.|'", re.DOTALL), '"': re.compile(r'\\.|"', re.DOTALL)}
_TAG_STOPS: dict[str, re.Pattern[str]] = {}


def _tag_end(source: str, position: int, closer: str) -> int:
    """Offset just past ``closer``, skipping quoted strings; -1 if it never comes."""
    stops = _TAG_STOPS.get(closer)
    if stops is None:
        stops = _TAG_STOPS[closer] = re.compile("['\"]|" + re.escape(closer))
    index = position
    while (stop := stops.search(source, index)) is not None:
        token = stop.group()
        if token == closer:
            return stop.end()
        quote_end = _QUOTE_ENDS[token]  # skip the quoted string, \-escapes included
        index = stop.end()
        while True:
            found = quote_end.search(source, index)
            if found is None:
                return -1
            index = found.end()
            if found.group() == token:
                break
    return -1


def scan(source: str) -> tuple[list[Piece], list[tuple[int, str]]]:
    """The pieces of ``source`` in order, and ``(offset, message)`` for each broken tag."""
    pieces: list[Piece] = []
    problems: list[tuple[int, str]] = []
    position = 0
    while (match := _OPEN.search(source, position)) is not None:
        start = match.start()
        marker = source[start + 1]
        closer = _CLOSERS[marker]
        if marker == "#":
            end = source.find("#}", start + 2)
            end = end + 2 if end >= 0 else end
        else:
            plain = _PLAIN_TAGS[marker].match(source, start)
            end = plain.end() if plain is not None else _tag_end(source, start + 2, closer)
        if end < 0:
            problems.append((start, f"'{match.group()}' is never closed by '{closer}'"))
            pieces.append(Piece("text", position, start + 2, source[position : start + 2]))
            position = start + 2
            continue
        if start > position:
            pieces.append(Piece("text", position, start, source[position:start]))
        body = source[start + 2 : end - 2]
        left = body[0] if body[:1] and body[0] in _MODIFIERS else ""
        right = body[-1] if len(body) > len(left) and body[-1] in _MODIFIERS else ""
        inner = body[len(left) : len(body) - len(right)]
        piece = Piece(_KINDS[marker], start, end, inner, left, right)
        pieces.append(piece)
        position = end
        raw = (
            _RAW.fullmatch(inner)
            if marker == "%" and ("raw" in inner or "verbatim" in inner)
            else None
        )
        if raw:
            end_tag = re.compile(r"\{%[-~+]?\s*end" + raw.group(1) + r"\s*[-~+]?%\}")
            closing = end_tag.search(source, position)
            if closing is None:
                problems.append((start, f"'{{% {raw.group(1)} %}}' is never closed"))
                closing_start = closing_end = len(source)
            else:
                closing_start, closing_end = closing.start(), closing.end()
            pieces.append(Piece("text", position, closing_start, source[position:closing_start]))
            if closing is not None:
                text = closing.group()
                left_mod = text[2] if text[2] in _MODIFIERS else ""
                right_mod = text[-3] if text[-3] in _MODIFIERS else ""
                pieces.append(
                    Piece(
                        "block",
                        closing_start,
                        closing_end,
                        f"end{raw.group(1)}",
                        left_mod,
                        right_mod,
                    )
                )
            position = closing_end
    if position < len(source):
        pieces.append(Piece("text", position, len(source), source[position:]))
    return _apply_whitespace_control(pieces), problems


def _apply_whitespace_control(pieces: list[Piece]) -> list[Piece]:
    result = list(pieces)
    for index, piece in enumerate(result):
        if piece.kind != "text":
            continue
        text, start = piece.inner, piece.start
        before = result[index - 1] if index > 0 else None
        after = result[index + 1] if index + 1 < len(result) else None
        if before is not None and before.kind != "text" and before.right in "-~" and before.right:
            stripped = text.lstrip() if before.right == "-" else text.lstrip(" \t")
            start += len(text) - len(stripped)
            text = stripped
        if after is not None and after.kind != "text" and after.left in "-~" and after.left:
            text = text.rstrip() if after.left == "-" else text.rstrip(" \t")
        if text != piece.inner:
            result[index] = Piece("text", start, start + len(text), text)
    return result
