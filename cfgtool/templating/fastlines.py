"""The fast path of :func:`~cfgtool.templating.parse_template`: tags on lines of their own.

Most templates put each ``{if}``/``{else}``/``{/if}``, ``{% for %}``/``{% endfor %}``,
``{{#x}}``/``{{/x}}`` and comment on a line of its own, and placeholders only in
the lines they write. Such a template's output lines are its other lines, each
on the path of the tags around it, so they can be read a line at a time instead
of through the tree and its flattening (:mod:`.flatten`), which cost more than
the whole lint of a plain file of the same size.

:func:`line_structure` reads a Smarty, Jinja, Twig or Mustache template whose
every line is either tags and blanks only, or text and placeholders only; a
written line with conditionals or loops in it (``key = {if $a}1{else}0{/if}``,
Smarty, Jinja and Twig) is forked into its variants (:mod:`.inline_lines`, or
the general path on the line alone), and a Smarty line may start with tags
(``{/if} =``). Jinja and Twig tag lines may carry whitespace control
(``{%- if %}``, ``{% endif -%}``), blocks, ``extends``/``import``/``from``/
``include`` and macros. It gives up (None) on anything else, and the caller
takes the general path for the whole template, which stays the reference:
whitespace control that would join two written lines or carry one into another
structure, literal and raw blocks, captures, Smarty blocks and includes, a
Mustache section inside a written line, a tag that does not balance, a tag it
does not know, and any line the general path would report a problem for
(:func:`fallback_reason` says which). For every template it reads, its result
equals the general path's (``tests/test_templating_fastlines.py`` holds it to
that).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from cfgtool.templating.flatten import classify
from cfgtool.templating.inline_lines import smarty_variants
from cfgtool.templating.jinja import jinja_syntax_problems, parse_jinja_family
from cfgtool.templating.line_reader import LineReader
from cfgtool.templating.model import (
    Dialect,
    OutputLine,
    PathStep,
    Placeholder,
    TemplateStructure,
)
from cfgtool.templating.smarty import parse_smarty
from cfgtool.templating.tag_lines import (
    BLANK,
    BLANK_OR_STRIP,
    CLOSE,
    INLINE,
    READING,
    STRIP_AFTER,
    STRIP_BEFORE,
    Found,
    Names,
    Op,
    Unsupported,
    smarty_lead,
)


def _placeholders(
    text: str, number: int, found: Found, names: Callable[[str], tuple[str, ...]], cut: int = 0
) -> tuple[Placeholder, ...]:
    """The placeholders of the written line ``text`` (line ``number``), as flatten makes them."""
    spans = [(start, end) for start, end, _ in found]
    return tuple(
        Placeholder(
            start,
            end,
            expression,
            number,
            start + 1 + cut,
            classify(text, start, end, spans),
            names(expression),
        )
        for start, end, expression in found
    )


def line_structure(source: str, dialect: Dialect, origin: str = "") -> TemplateStructure | None:
    """The structure of ``source`` read a line at a time, or None when it needs the general path.

    ``source`` is as :func:`~cfgtool.templating.parse_template` passes it to a
    dialect parser (no byte-order mark); the result equals that parser's.
    """
    structure = _attempt(source, dialect, origin)
    return structure if isinstance(structure, TemplateStructure) else None


def fallback_reason(source: str, dialect: Dialect, origin: str = "") -> str | None:
    """Why :func:`line_structure` leaves ``source`` to the general path (None: it does not).

    For profiling and for developers: ``"line 12: whitespace control"``.
    """
    structure = _attempt(source, dialect, origin)
    return None if isinstance(structure, TemplateStructure) else structure


def _attempt(source: str, dialect: Dialect, origin: str) -> TemplateStructure | str:
    reading = READING.get(dialect)
    if reading is None:
        return f"no fast path for {dialect}"
    for marker in _GIVE_UP_AT_ONCE.get(dialect, ()):
        if marker in source:  # found anywhere (a comment too): cheaper than reading up to it
            return f"whitespace control on a placeholder ({marker})"
    try:
        braces: Literal["{}", "{"] = "{}" if dialect == "smarty" else "{"
        reader = _read(source, origin, *reading, braces, _inline_reading(dialect))
    except Unsupported as reason:
        return str(reason)
    problems = tuple(jinja_syntax_problems(source)) if dialect == "jinja" else ()
    references, macros = tuple(reader.references), tuple(reader.macros)
    lines = tuple(reader.lines)
    return TemplateStructure(dialect, lines, references, problems, origin, macros)


# Jinja and Twig: `{{- x }}`: the fast path never reads it (Tancredi's templates hold a
# few, far down), so it gives up before reading a line. One marker only: each costs a
# scan of the whole text (70 µs for 90 kB), on every template that has none.
_MARKERS = ("{{-",)
_GIVE_UP_AT_ONCE: dict[str, tuple[str, ...]] = {"jinja": _MARKERS, "twig": _MARKERS}


def _read(
    source: str,
    origin: str,
    tag_ops: Callable[[str], list[Op] | None],
    written: Callable[[str], Found],
    names: Names,
    braces: Literal["{}", "{"],
    inline: _Inline | None,
) -> LineReader:
    reader = LineReader(origin)
    out = reader.lines
    append = out.append
    pieces = source.split("\n")
    if not pieces[-1]:
        pieces.pop()  # the text ends with a line break (or is empty)
    last = len(pieces) if not source.endswith("\n") else 0
    closing = "}" if braces == "{}" else "{"
    crlf = "\r" in source
    known: dict[str, list[Op]] = {}  # tag lines repeat: {% else %}, {/if}…
    spaced: set[str] = set()  # those of them with whitespace control or blanks to mind
    path, blocks = reader.path, reader.blocks
    # Whitespace control (jinja_scan._apply_whitespace_control): `-%}` ending the last tag
    # line takes the blank lines after it and the next line's indent; `{%-` takes the blank
    # lines before, and the line break and trailing blanks of the line written before.
    strip_next = False  # the last tag line ended with `-%}`
    # Blanks before a tag stay in the line on its arm until a line break on that arm: a
    # written line `-%}` draws onto a tag line must find none left anywhere.
    blank_lead = False
    joined = False  # this line goes on the last tag line (no line break between them)
    pending = False  # a written line that a `{%-` drew onto a tag line goes on
    since = 0  # the output lines written since the last tag line start here
    inline_at = 0  # the last line read by the general path on its own
    number = 0
    try:
        for number, raw in enumerate(pieces, 1):
            if strip_next:
                if not raw.strip():
                    continue  # taken by the `-%}` before it
                strip_next, joined = False, True
            text = raw[:-1] if crlf and raw.endswith("\r") else raw
            if "{" not in raw and closing not in raw:
                if reader.closed is not None and raw.strip():
                    reader.closed = None
                if joined or pending or blank_lead:
                    if joined:
                        text, _ = _joined(text, pending or blank_lead)
                        joined = False
                    pending = False
                    if blank_lead and not reader.stack and text.strip():
                        blank_lead = False  # a line break with nothing open ends every arm
                append(_new_line(OutputLine, (number, text, (), path, blocks, origin)))
                continue
            ops = known.get(raw)
            if ops is None:
                ops = tag_ops(raw)
                if ops is None:
                    reader.closed = None
                    cut = 0
                    if joined or pending or blank_lead:
                        if joined:
                            text, cut = _joined(text, pending or blank_lead)
                            raw = raw[cut:]
                            joined = False
                        pending = False
                        if blank_lead and not reader.stack and text.strip():
                            blank_lead = False  # a line break with nothing open ends every arm
                    try:
                        found = written(text)
                    except Unsupported:
                        if inline is None:
                            raise
                        # (blanks before a tag may wait on another arm for the text)
                        lead = smarty_lead(text) if braces == "{}" and not blank_lead else None
                        if lead is not None and (line := _after_tags(reader, text, number, *lead)):
                            path = reader.path
                            append(_new_line(OutputLine, (*line, path, blocks, origin)))
                            continue
                        inline_at = number
                        out.extend(_inline_lines(reader, inline, raw, number, number != last, cut))
                        continue
                    placeholders = _placeholders(text, number, found, names, cut) if found else ()
                    append(
                        _new_line(OutputLine, (number, text, placeholders, path, blocks, origin))
                    )
                    continue
                known[raw] = ops
                if any(kind >= BLANK_OR_STRIP for kind, _, _ in ops):
                    spaced.add(raw)
            if raw not in spaced and not joined and not pending:
                # no whitespace control or blanks to mind (most tag lines)
                if not reader.apply(ops, number, False):
                    raise Unsupported("a tag that does not balance or too many variants")
                path, blocks = reader.path, reader.blocks
                if reader.hidden or out is not reader.lines:
                    out = reader.sink()
                    append = out.append
                since = len(out)
                continue
            if ops and ops[0][0] == STRIP_BEFORE and not joined:
                while len(out) > since and not out[-1].text.strip():
                    out.pop()  # blank lines: taken
                if len(out) > since:  # a written line: this line goes on it
                    if out[-1].line == inline_at:
                        raise Unsupported("whitespace control after a line with tags in it")
                    out[-1] = out[-1]._replace(text=out[-1].text.rstrip())
                    pending = True
                else:
                    joined = True
            elif not joined:
                pending = False  # the line break before this line ended the written line
            if pending and any(kind not in _PENDING_OPS for kind, _, _ in ops):
                # the general path would carry the written line into what opens here
                raise Unsupported("a tag other than a close on a written line")
            if _LEAD in ops:
                blank_lead = True
            if not reader.apply(ops, number, joined):
                raise Unsupported("a tag that does not balance or too many variants")
            joined = False
            strip_next = bool(ops) and ops[-1][0] == STRIP_AFTER
            path, blocks = reader.path, reader.blocks
            out = reader.sink()
            append = out.append
            since = len(out)
    except Unsupported as reason:
        raise Unsupported(f"line {number}: {reason}") from None
    if reader.stack:
        raise Unsupported(f"{reader.stack[-1].name} left open")
    return reader


def _after_tags(
    reader: LineReader, text: str, number: int, ops: list[Op], start: int
) -> tuple[int, str, tuple[Placeholder, ...]] | None:
    """Line, text and placeholders of a Smarty line that starts with tags and goes on with
    text only (``{/if} =``), once its tags are applied; None where it holds more tags.

    No line break or blank comes between the tags and the text, and each tag
    leaves the general path with one state that holds nothing yet, so the text is
    one output line on the path after the tags.
    """
    rest = text[start:]
    try:
        found = READING["smarty"][1](rest)
    except Unsupported:
        return None
    if not reader.apply(ops, number, False):
        raise Unsupported("a tag that does not balance")
    reader.closed = None
    names = READING["smarty"][2]
    return number, rest, _placeholders(rest, number, found, names, start) if found else ()


# What a tag line that goes on a written line may hold: closes (the written line keeps
# its path) and the `{%-` that drew it there.
_PENDING_OPS = frozenset({CLOSE, STRIP_BEFORE})


_LEAD = (BLANK, "lead", None)


def _joined(text: str, pending: bool) -> tuple[str, int]:
    """A written line after `-%}`: without its indent, and how long that was."""
    if pending:
        raise Unsupported("two written lines joined into one")
    stripped = text.lstrip()
    return stripped, len(text) - len(stripped)


# A dialect's count of the structures a line opens, its general parser for the line, and
# what reads the line's variants without it (None where it cannot).
_Variants = Callable[
    [str, int, tuple[PathStep, ...], int, str], tuple[list[OutputLine], int] | None
]
_Inline = tuple[Callable[[str], int], Callable[[str, str], TemplateStructure], _Variants | None]


def _inline_reading(dialect: Dialect) -> _Inline | None:
    opened = INLINE.get(dialect)
    if opened is None:
        return None
    if dialect == "smarty":
        names = READING["smarty"][2]
        return (
            opened,
            parse_smarty,
            lambda text, number, path, nodes, origin: smarty_variants(
                text, number, path, nodes, names, origin
            ),
        )
    # "twig": the whole text gets Jinja2's own check, not each line of it
    return opened, lambda text, origin: parse_jinja_family(text, "twig", origin), None


def _inline_lines(
    reader: LineReader, inline: _Inline, raw: str, number: int, line_break: bool, cut: int
) -> list[OutputLine]:
    """A written line with tags in it, read by the general path on its own.

    Its variants are the ones the general path makes of it within the whole
    template, once they sit on the path around the line and number its
    structures after those before it: the line starts and ends on that path, and
    nothing in it looks beyond it (what might, :data:`INLINE` refuses).
    """
    opened, parse_line, variants = inline
    if variants is not None and not cut:
        text = raw[:-1] if raw.endswith("\r") else raw
        read = variants(text, number, reader.path, reader.nodes, reader.origin)
        if read is not None:
            lines_read, opened_here = read
            reader.nodes += opened_here
            return lines_read
    count = opened(raw)
    structure = parse_line(raw + "\n" if line_break else raw, reader.origin)
    if structure.problems or structure.references:
        raise Unsupported("a written line the general path reports or refers from")
    before, path = reader.nodes, reader.path
    reader.nodes += count
    lines = []
    for line in structure.lines:
        if line.line != 1:
            raise Unsupported("a written line that writes more than a line")
        steps = tuple(step._replace(node=step.node + before) for step in line.path)
        placeholders = tuple(
            p._replace(line=number, column=p.column + cut) for p in line.placeholders
        )
        lines.append(
            line._replace(
                line=number, placeholders=placeholders, path=(*path, *steps), blocks=reader.blocks
            )
        )
    return lines


# OutputLine(...) without its generated __new__: half the cost, on every line.
_new_line = tuple.__new__
