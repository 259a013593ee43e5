"""A Smarty written line with conditionals in it, read without the general parser.

FusionPBX writes many values as ``key = {if isset($x)}{$x}{else}0{/if}``. The
general path reads such a line as a tree and forks it into one output line per
arm (:mod:`.flatten`); :func:`smarty_variants` does the same for a line that
holds only text, placeholders, comments and
``{if}``/``{elseif}``/``{else}``/``{/if}`` that balance on the line, and gives
up (None) on anything else, which then goes through the general parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cfgtool.templating.flatten import MAX_VARIANTS, classify
from cfgtool.templating.model import Branch, OutputLine, PathStep, Placeholder
from cfgtool.templating.smarty import TAG_NAME
from cfgtool.templating.tag_lines import SMARTY_ITEM

_PIECES = re.compile(f"{SMARTY_ITEM}|[{{}}]")
_EXPRESSION_STARTS = ("$", "#", "`", "'", '"')

# A piece of the line: written text (text, None), a placeholder (source, expression), or
# a conditional's arms, each (condition, pieces), and whether one is an else.
_Written = tuple[str, str | None, int]  # text or tag source, expression or None, offset
_Arms = tuple[list[tuple[str, list["_Piece"]]], bool]
_Piece = _Written | _Arms


class _GiveUp(Exception):
    """The line is not one :func:`smarty_variants` reads."""


def _cut(text: str) -> list[_Piece]:
    """The line's pieces, conditionals nested; raises :class:`_GiveUp`."""
    stack: list[tuple[list[_Piece], list[tuple[str, list[_Piece]]], bool]] = []
    pieces: list[_Piece] = []
    position = 0
    for match in _PIECES.finditer(text):
        start, item = match.start(), match.group()
        if start > position:
            pieces.append((text[position:start], None, position))
        position = match.end()
        if len(item) == 1:
            raise _GiveUp
        if item.startswith("{*"):
            continue
        inner = item[1:-1]
        parts = TAG_NAME.match(inner)
        if parts is None or inner.startswith(_EXPRESSION_STARTS) or inner[:1].isdigit():
            pieces.append((item, inner, start))  # a placeholder, as smarty.py reads it
            continue
        closing, name, rest = parts.groups()
        if closing:
            if name != "if" or not stack:
                raise _GiveUp
            outer, arms, exhaustive = stack.pop()
            outer.append((arms, exhaustive))
            pieces = outer
        elif name == "if":
            arms = [(rest, [])]
            stack.append((pieces, arms, False))
            pieces = arms[0][1]
        elif stack and (name in ("elseif", "elsif") or name == "else"):
            outer, arms, exhaustive = stack[-1]
            if exhaustive:
                raise _GiveUp
            if name == "else" and not rest.startswith("if "):
                condition, exhaustive = "else", True
            else:
                condition = rest[3:] if name == "else" else rest
            arms.append((condition, []))
            stack[-1] = (outer, arms, exhaustive)
            pieces = arms[-1][1]
        else:
            raise _GiveUp
    if stack:
        raise _GiveUp
    if position < len(text):
        pieces.append((text[position:], None, position))
    return pieces


# One variant of the line: its text parts, its placeholders (offset in the variant's
# text, source, expression, offset in the line) and its path within the line.
_Variant = tuple[tuple[str, ...], tuple[tuple[int, str, str, int], ...], tuple[PathStep, ...]]


class _Walk:
    def __init__(self, origin: str, first_node: int) -> None:
        self.origin = origin
        self.node = first_node

    def walk(self, pieces: list[_Piece], variants: list[_Variant]) -> list[_Variant]:
        for piece in pieces:
            if len(piece) == 3:
                source, expression, offset = piece
                if expression is None:
                    variants = [((*ps, source), ph, path) for ps, ph, path in variants]
                else:
                    variants = [
                        (
                            (*ps, source),
                            (*ph, (sum(map(len, ps)), source, expression, offset)),
                            path,
                        )
                        for ps, ph, path in variants
                    ]
            else:
                variants = self.conditional(piece, variants)
            if len(variants) > MAX_VARIANTS:
                raise _GiveUp
        return variants

    def conditional(self, piece: _Arms, variants: list[_Variant]) -> list[_Variant]:
        arms, exhaustive = piece
        self.node += 1
        node = self.node
        after: list[_Variant] = []
        for index, (condition, body) in enumerate(arms):
            step = Branch(node, index, condition, self.origin)
            after += self.walk(body, [(ps, ph, (*path, step)) for ps, ph, path in variants])
        if not exhaustive:
            none = Branch(node, len(arms), "none", self.origin)
            after += [(ps, ph, (*path, none)) for ps, ph, path in variants]
        if all(not ps for ps, _, _ in after):
            # nothing written yet on any arm: the line goes on on the path around it, once
            if len(variants) != 1:
                raise _GiveUp
            return variants
        return after


def smarty_variants(
    text: str,
    number: int,
    path: tuple[PathStep, ...],
    first_node: int,
    names: Callable[[str], tuple[str, ...]],
    origin: str,
) -> tuple[list[OutputLine], int] | None:
    """The output lines of the written line ``text`` (line ``number``) and its conditionals' count.

    ``path`` is the path around the line and ``first_node`` the number of
    conditionals and loops before it; None when the line is not one this reads.
    """
    try:
        pieces = _cut(text)
        walk = _Walk(origin, first_node)
        variants = walk.walk(pieces, [((), (), ())])
    except _GiveUp:
        return None
    lines = []
    for parts, found, steps in variants:
        written = "".join(parts)
        if not found and not written.strip():
            continue  # a variant that writes nothing: each passed a tag, so no line
        spans = [(start, start + len(source)) for start, source, _, _ in found]
        placeholders = tuple(
            Placeholder(
                start,
                start + len(source),
                expression,
                number,
                offset + 1,
                classify(written, start, start + len(source), spans),
                names(expression),
            )
            for start, source, expression, offset in found
        )
        lines.append(OutputLine(number, written, placeholders, (*path, *steps), (), origin))
    return lines, walk.node - first_node
