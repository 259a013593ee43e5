"""What the fast path (:mod:`.fastlines`) sees in a line: a tag line's operations, or placeholders.

For each of Smarty, Jinja/Twig and Mustache: a function that gives the
operations of a line made of tags and blanks only (None for any other line),
and one that gives the placeholders of a line the template writes. Both raise
:class:`Unsupported` on anything the general path reads differently, or reports
a problem for; the tag meanings (conditions, loop variables) come from the
dialect modules, so both paths read a tag alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from cfgtool.templating.jinja import SILENT_TAGS as JINJA_SILENT_TAGS
from cfgtool.templating.jinja import STRING_LITERAL, TAG_WORD, for_loop, jinja_target
from cfgtool.templating.jinja import TRANSPARENT_TAGS as JINJA_TRANSPARENT
from cfgtool.templating.names import bare_names, sigil_names
from cfgtool.templating.smarty import SILENT_TAGS as SMARTY_SILENT_TAGS
from cfgtool.templating.smarty import TAG_NAME, foreach_loop

# A tag line's operations: open a conditional or a loop, an elif/else, a close.
IF, LOOP, BRANCH, CLOSE, INVERTED = range(5)
# Jinja and Twig: a block or transparent wrapper (`{% block b %}`, `{% with %}`), an
# extends/include/import, a body that writes nothing in place (macro, call, block set),
# and the whitespace control (`{%-`, `-%}`) of a tag line's outer ends.
BLOCK, REFERENCE, HIDDEN, STRIP_BEFORE, STRIP_AFTER = range(5, 10)
# Blanks before a tag line's first tag ("lead") or after its last ("trail") that no
# modifier strips: the general path keeps them in the line they end up on.
BLANK = 10
BLANK_OR_STRIP = STRIP_BEFORE  # the kinds from here on are about whitespace, not structure
LoopParts = tuple[tuple[str, ...], str]  # a loop's variables and iterable
Target = tuple[str, int]  # a block, reference or macro name, and the tag's column
Op = tuple[int, str, str | LoopParts | Target | None]
Found = list[tuple[int, int, str]]  # a written line's placeholders: start, end, expression


class Unsupported(Exception):
    """A line the fast path does not read: the general path reads the template."""


# --- Smarty ---------------------------------------------------------------------------
# A tag or comment as grammar/smarty.lark's TAG and COMMENT cut it, on one line; a tag
# may hold `{…}` one deep (`{if $account.{$row.line_number}.sip_transport == 'udp'}`).
_SMARTY_ITEM = (
    r"\{\*(?:[^*]|\*(?!\}))*\*\}"
    r"|\{(?![\s}*])(?:[^{}'\"\r\n]|'[^'\r\n]*'|\"[^\"\r\n]*\"|\{[^{}\r\n]*\})*\}"
)
SMARTY_ITEM = _SMARTY_ITEM
_SMARTY_ITEMS = re.compile(_SMARTY_ITEM)
_SMARTY_TAG_LINE = re.compile(rf"[ \t]*((?:{_SMARTY_ITEM})+)[ \t]*\r?")
# In a written line: a `{$…}` placeholder, or a brace that is anything else.
_SMARTY_WRITTEN = re.compile(
    r"\{\$(?:[^{}'\"\r\n]|'[^'\r\n]*'|\"[^\"\r\n]*\"|\{[^{}\r\n]*\})*\}|[{}]"
)
_SMARTY_CLOSERS = frozenset({"if", "foreach"})
_SMARTY_EXPRESSION_STARTS = ("$", "#", "`", "'", '"')


def _smarty_ops(raw: str) -> list[Op] | None:
    """The operations of a Smarty tag line, or None when ``raw`` is a written line."""
    match = _SMARTY_TAG_LINE.fullmatch(raw)
    if match is None:
        return None
    ops: list[Op] = []
    for item in _SMARTY_ITEMS.findall(match.group(1)):
        if item.startswith("{*"):
            continue
        inner = item[1:-1]
        if inner.startswith(_SMARTY_EXPRESSION_STARTS) or inner[:1].isdigit():
            return None  # a placeholder
        parts = TAG_NAME.match(inner)
        if parts is None:
            return None
        closing, name, rest = parts.groups()
        if closing:
            if name not in _SMARTY_CLOSERS:
                raise Unsupported(f"tag {{/{name}}}")
            ops.append((CLOSE, name, None))
        elif name == "if":
            ops.append((IF, "if", rest))
        elif name in ("elseif", "elsif") or (name == "else" and rest.startswith("if ")):
            ops.append((BRANCH, "", rest[3:] if name == "else" else rest))
        elif name in ("else", "foreachelse", "sectionelse"):
            ops.append((BRANCH, "", None))
        elif name == "foreach":
            ops.append((LOOP, "foreach", foreach_loop(rest)))
        elif name not in SMARTY_SILENT_TAGS:
            raise Unsupported(f"tag {{{name}}}")
    if match.start(1):
        ops.append((BLANK, "lead", None))
    return ops


_SMARTY_LEAD = re.compile(rf"(?:{_SMARTY_ITEM})+")


def smarty_lead(text: str) -> tuple[list[Op], int] | None:
    """A written line that starts with tags (``{/if} =``): their operations, and where the
    text starts; None when it does not start with tags only (blanks before them stay on
    the arm they end, so those lines go through the general parser)."""
    match = _SMARTY_LEAD.match(text)
    if match is None:
        return None
    ops = _smarty_ops(match.group())
    return None if ops is None else (ops, match.end())


def _smarty_written(text: str) -> Found:
    found: Found = []
    for match in _SMARTY_WRITTEN.finditer(text):
        piece = match.group()
        if len(piece) == 1:
            raise Unsupported("a brace that is no placeholder")
        found.append((match.start(), match.end(), piece[1:-1]))
    return found


_SMARTY_PIECES = re.compile(f"{_SMARTY_ITEM}|[{{}}]")
_SMARTY_OPENERS = frozenset({"if", "foreach"})
_SMARTY_BRANCHES = frozenset({"elseif", "elsif", "else", "foreachelse", "sectionelse"})


def _smarty_inline(text: str) -> int:
    """How many conditionals and loops a written line with tags in it opens.

    Raises :class:`Unsupported` for a tag that the whole file may give another
    meaning than the line alone does (a block, a function, a literal).
    """
    opened = 0
    for piece in _SMARTY_PIECES.findall(text):
        if len(piece) == 1:
            raise Unsupported("a brace that is no tag")
        inner = piece[1:-1]
        if piece.startswith("{*") or inner.startswith(_SMARTY_EXPRESSION_STARTS):
            continue
        parts = TAG_NAME.match(inner)
        if parts is None or inner[:1].isdigit():
            continue  # a placeholder
        closing, name, _ = parts.groups()
        if closing:
            if name not in _SMARTY_CLOSERS:
                raise Unsupported(f"tag {{/{name}}} in a written line")
        elif name in _SMARTY_OPENERS:
            opened += 1
        elif name not in _SMARTY_BRANCHES and name not in SMARTY_SILENT_TAGS:
            raise Unsupported(f"tag {{{name}}} in a written line")
    return opened


# --- Jinja and Twig -------------------------------------------------------------------
# A `{% %}` tag or `{# #}` comment as jinja_scan cuts it, on one line, quotes without `\`.
_JINJA_BLOCK = r"\{%(?:[^'\"%]|%(?!\})|'[^'\\\n]*'|\"[^\"\\\n]*\")*%\}"
_JINJA_COMMENT = r"\{#(?:[^#]|#(?!\}))*#\}"
_JINJA_ITEMS = re.compile(f"{_JINJA_BLOCK}|{_JINJA_COMMENT}")
_JINJA_TAG_LINE = re.compile(rf"[ \t]*((?:{_JINJA_BLOCK}|{_JINJA_COMMENT})+)[ \t]*\r?")
_JINJA_OPEN = re.compile(r"\{[{%#]")
_JINJA_VARIABLE = re.compile(r"\{\{((?:[^'\"}]|\}(?!\})|'[^'\\\n]*'|\"[^\"\\\n]*\")*)\}\}")
_MODIFIERS = "-~+"


def _has_modifier(body: str) -> bool:
    return bool(body) and (body[0] in _MODIFIERS or body[-1] in _MODIFIERS)


def _modifiers(body: str) -> tuple[str, str, str]:
    """``body``'s left modifier, inner text and right modifier, as jinja_scan cuts them."""
    left = body[0] if body[:1] and body[0] in _MODIFIERS else ""
    right = body[-1] if len(body) > len(left) and body[-1] in _MODIFIERS else ""
    return left, body[len(left) : len(body) - len(right)], right


def _jinja_ops(raw: str) -> list[Op] | None:
    """The operations of a Jinja or Twig tag line, or None when ``raw`` is a written line.

    Whitespace control reaches beyond the line only through ``-`` on the line's
    outer ends (``~`` and ``+`` strip nothing but blanks the line drops anyway):
    :data:`STRIP_BEFORE` first, :data:`STRIP_AFTER` last say the reader must strip.
    """
    match = _JINJA_TAG_LINE.fullmatch(raw)
    if match is None:
        return None
    ops: list[Op] = []
    items = list(_JINJA_ITEMS.finditer(raw, match.start(1), match.end(1)))
    first_left = last_right = ""
    for index, item in enumerate(items):
        left, body, right = _modifiers(item.group()[2:-2])
        if index == 0:
            first_left = left
        if index == len(items) - 1:
            last_right = right
        if item.group()[1] == "#":
            continue
        word = TAG_WORD.match(body)
        if word is None:
            raise Unsupported("a tag without a name")
        name, rest = word.group(1), word.group(2).strip()
        if name == "if":
            ops.append((IF, "if", rest))
        elif name in ("elif", "elseif"):
            ops.append((BRANCH, "", rest))
        elif name == "else":
            ops.append((BRANCH, "", None))
        elif name == "for":
            loop = for_loop(rest)
            if loop is None:
                raise Unsupported("a for tag it cannot read")
            ops.append((LOOP, "for", loop))
        elif name in ("endif", "endfor") or (name[:3] == "end" and name[3:] in _JINJA_WRAPPERS):
            ops.append((CLOSE, name[3:], None))
        elif not ((name == "set" and "=" in rest) or name in JINJA_SILENT_TAGS):
            ops.append(_jinja_structure(name, rest, item.start() + 1))
    if first_left == "-":
        ops.insert(0, (STRIP_BEFORE, "", None))
    if match.start(1) and first_left not in ("-", "~"):
        ops.append((BLANK, "lead", None))
    if raw[match.end(1) :].rstrip("\r") and last_right not in ("-", "~"):
        ops.append((BLANK, "trail", None))
    if last_right == "-":
        ops.append((STRIP_AFTER, "", None))
    return ops


_JINJA_WRAPPERS = frozenset({"block", "macro", "call", "set", *JINJA_TRANSPARENT})


def _jinja_structure(name: str, rest: str, column: int) -> Op:
    """A block, a reference, a hidden body or a transparent wrapper, as jinja.py reads it."""
    if name == "block":
        return (BLOCK, "block", (jinja_target(rest), column))
    if name in ("extends", "include"):
        return (REFERENCE, name, (jinja_target(rest), column))
    if name in ("import", "from"):
        return (REFERENCE, "import", (jinja_target(rest), column))
    if name == "macro":
        return (HIDDEN, name, (jinja_target(rest.split("(")[0]), column))
    if name in ("call", "set"):  # a `set` without `=` is a block set
        return (HIDDEN, name, None)
    if name in JINJA_TRANSPARENT:
        return (BLOCK, name, None)
    raise Unsupported(f"tag {name}")


def _jinja_written(text: str) -> Found:
    found: Found = []
    position = 0
    while (opener := _JINJA_OPEN.search(text, position)) is not None:
        start = opener.start()
        variable = _JINJA_VARIABLE.match(text, start) if text[start + 1] == "{" else None
        if variable is None or _has_modifier(variable.group(1)):
            raise Unsupported("a tag or modifier in a written line")
        expression = variable.group(1).strip()
        if STRING_LITERAL.fullmatch(expression):
            raise Unsupported("a string literal placeholder")  # written as text, not a placeholder
        position = variable.end()
        found.append((start, position, expression))
    return found


_JINJA_PIECE = re.compile(
    f"{_JINJA_BLOCK}|{_JINJA_COMMENT}"
    r"|\{\{(?:[^'\"}]|\}(?!\})|'[^'\\\n]*'|\"[^\"\\\n]*\")*\}\}"
)
_JINJA_BRANCHES = frozenset({"elif", "elseif", "else", "endif", "endfor"})


def _jinja_inline(text: str) -> int:
    """How many conditionals and loops a written line with tags in it opens (see Smarty's)."""
    opened = 0
    position = 0
    while (opener := _JINJA_OPEN.search(text, position)) is not None:
        piece = _JINJA_PIECE.match(text, opener.start())
        if piece is None or _has_modifier(piece.group()[2:-2]):
            raise Unsupported("a piece it cannot cut in a written line")
        position = piece.end()
        if piece.group()[1] != "%":
            continue  # a placeholder or a comment
        word = TAG_WORD.match(piece.group()[2:-2])
        if word is None:
            raise Unsupported("a tag without a name in a written line")
        name = word.group(1)
        if name in ("if", "for"):
            opened += 1
        elif name not in _JINJA_BRANCHES and not (
            (name == "set" and "=" in word.group(2)) or name in JINJA_SILENT_TAGS
        ):
            raise Unsupported(f"tag {name} in a written line")
    return opened


# --- Mustache -------------------------------------------------------------------------
_MUSTACHE_ITEM = r"\{\{!(?:[^}]|\}(?!\}))*\}\}|\{\{[^{}\r\n]*\}\}"
_MUSTACHE_ITEMS = re.compile(_MUSTACHE_ITEM)
_MUSTACHE_TAG_LINE = re.compile(rf"[ \t]*((?:{_MUSTACHE_ITEM})+)[ \t]*\r?")
_MUSTACHE_TAG = re.compile(r"\{\{[^{}\r\n]*\}\}")
_MUSTACHE_TRIPLE = re.compile(r"\{\{\{[^{}\r\n]*\}\}\}")


def _mustache_ops(raw: str) -> list[Op] | None:
    """The operations of a Mustache tag line, or None when ``raw`` is a written line."""
    match = _MUSTACHE_TAG_LINE.fullmatch(raw)
    if match is None:
        return None
    ops: list[Op] = []
    for item in _MUSTACHE_ITEMS.findall(match.group(1)):
        if item.startswith("{{!"):
            continue
        inner = item[2:-2].strip()
        sigil, name = inner[:1], inner[1:].strip()
        if sigil == "#":
            ops.append((IF, name, name))
        elif sigil == "^":
            ops.append((INVERTED, name, None))
        elif sigil == "/":
            ops.append((CLOSE, name, None))
        elif not inner or sigil in (">", "="):
            raise Unsupported("a partial, delimiter change or empty tag")
        else:
            return None  # a placeholder
    return ops


def _mustache_written(text: str) -> Found:
    found: Found = []
    position = 0
    while (start := text.find("{{", position)) >= 0:
        third = text[start + 2 : start + 3]
        if third == "{":
            tag = _MUSTACHE_TRIPLE.match(text, start)
            if tag is None:
                raise Unsupported("a broken triple mustache")
            expression = tag.group()[3:-3].strip()
        else:
            tag = _MUSTACHE_TAG.match(text, start) if third != "!" else None
            if tag is None:
                raise Unsupported("a comment or broken tag in a written line")
            inner = tag.group()[2:-2].strip()
            if not inner or inner[0] in "#^/>=":
                raise Unsupported("a section, partial or empty tag in a written line")
            expression = inner[1:].strip() if inner[0] == "&" else inner
        position = tag.end()
        found.append((start, position, expression))
    return found


# Templates write one expression on many lines: its names are worked out once.
@lru_cache(maxsize=4096)
def _sigil_names(expression: str) -> tuple[str, ...]:
    return sigil_names(expression)


@lru_cache(maxsize=4096)
def _bare_names(expression: str) -> tuple[str, ...]:
    return bare_names(expression)


# --- per dialect ----------------------------------------------------------------------
Names = Callable[[str], tuple[str, ...]]
#: A dialect's tag-line operations, its written-line placeholders, and the names an
#: expression reads.
READING: dict[str, tuple[Callable[[str], list[Op] | None], Callable[[str], Found], Names]] = {
    "smarty": (_smarty_ops, _smarty_written, _sigil_names),
    "jinja": (_jinja_ops, _jinja_written, _bare_names),
    "twig": (_jinja_ops, _jinja_written, _bare_names),
    "mustache": (_mustache_ops, _mustache_written, _bare_names),
}
#: For a written line with tags in it (``key = {if $a}1{else}0{/if}``): how many
#: structures it opens. Mustache has none: whether ``{{^x}}`` is the else of a section
#: depends on the lines before it.
INLINE: dict[str, Callable[[str], int]] = {
    "smarty": _smarty_inline,
    "jinja": _jinja_inline,
    "twig": _jinja_inline,
}
