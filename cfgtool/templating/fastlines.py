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
Smarty, Jinja and Twig) goes through the general path on its own, and its
variants are put on the path around it. It gives up (None) on anything else,
and the caller takes the general path for the whole template, which stays the
reference: whitespace control, literal and raw blocks, macros, captures,
inheritance blocks, includes, a Mustache section inside a written line, a tag
that does not balance, a tag it does not know, and any line the general path
would report a problem for. For every template it reads, its result equals the
general path's (``tests/test_templating_fastlines.py`` holds it to that).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, cast

from cfgtool.templating.flatten import MAX_VARIANTS, classify
from cfgtool.templating.inline_lines import smarty_variants
from cfgtool.templating.jinja import jinja_syntax_problems, parse_jinja_family
from cfgtool.templating.model import (
    Branch,
    Dialect,
    Loop,
    OutputLine,
    PathStep,
    Placeholder,
    Reference,
    ReferenceKind,
    TemplateStructure,
)
from cfgtool.templating.smarty import parse_smarty
from cfgtool.templating.tag_lines import (
    BLANK,
    BLOCK,
    BRANCH,
    CLOSE,
    HIDDEN,
    IF,
    INLINE,
    INVERTED,
    LOOP,
    READING,
    REFERENCE,
    STRIP_AFTER,
    STRIP_BEFORE,
    Found,
    LoopParts,
    Names,
    Op,
    Target,
    Unsupported,
    smarty_lead,
)


class _Frame:
    """An open conditional or loop: what the general path's tree node and walk know of it."""

    __slots__ = (
        "arm_ends",
        "arms",
        "blocks",
        "condition",
        "entering",
        "exhaustive",
        "is_loop",
        "iterable",
        "name",
        "node",
        "otherwise",
        "outer",
        "wrapper",
    )

    def __init__(
        self, name: str, node: int, outer: tuple[PathStep, ...], entering: int, is_loop: bool
    ) -> None:
        self.name = name
        self.node = node
        self.outer = outer  # the path around it
        self.entering = entering  # variants of the line it opens on (the general path's states)
        self.is_loop = is_loop
        self.arms = 1
        self.arm_ends = 0  # variants at the ends of the arms (or loop bodies) read so far
        self.exhaustive = False
        self.otherwise = False
        self.condition = ""
        self.iterable = ""
        self.wrapper = (
            ""  # "block" or "hidden": a frame with no arms (jinja.py's BlockNode, Hidden)
        )
        self.blocks: tuple[str, ...] = ()  # the blocks around it


class _Reader:
    """The output lines read so far and the structures open around the next one."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.lines: list[OutputLine] = []
        self.stack: list[_Frame] = []
        self.path: tuple[PathStep, ...] = ()
        self.nodes = 0
        # Within a tag line, how many variants of it the general path carries (it reports
        # more than MAX_VARIANTS; this never does).
        self.variants = 1
        # Mustache: the section that closed last at this level, with only blank lines and
        # comments after it (the output lines from `closed_at` on): an inverted section of
        # its name that comes now is its else arm, and those blank lines move into it.
        self.closed: _Frame | None = None
        self.closed_at = 0
        # Jinja and Twig: the blocks around the next line, the references and macros so
        # far, and how many hidden bodies (macros…) are open: their lines are not output.
        self.blocks: tuple[str, ...] = ()
        self.references: list[Reference] = []
        self.macros: list[str] = []
        self.hidden = 0
        self.unseen: list[OutputLine] = []  # a hidden body's lines

    def sink(self) -> list[OutputLine]:
        """Where the next output line goes."""
        return self.unseen if self.hidden else self.lines

    def apply(self, ops: list[Op], number: int, joined: bool) -> bool:
        """Take one tag line's operations in turn; False where the general path has a problem.

        ``joined``: no line break is left between this line's tags and the last
        tag line's (whitespace control took it), so the variants go on.
        """
        if not joined:
            self.variants = 1  # the line break ended every variant
        for kind, name, argument in ops:
            if kind == IF:
                condition = cast(str, argument)
                self.open(name, False).condition = condition
                self.path = (*self.path, Branch(self.nodes, 0, condition, self.origin))
            elif kind == LOOP:
                variables, iterable = cast(LoopParts, argument)
                frame = self.open(name, True)
                frame.iterable = iterable
                runs = Branch(self.nodes, 0, iterable, self.origin)
                self.path = (*self.path, runs, Loop(self.nodes, variables, iterable, self.origin))
            elif kind == BRANCH:
                if not self.branch(cast(str | None, argument)):
                    return False
            elif kind == CLOSE:
                if not self.stack or self.stack[-1].name != name:
                    return False
                self.close()
            elif kind == INVERTED:
                if not self.inverted(name):
                    return False
            elif kind == REFERENCE:
                target, column = cast(Target, argument)
                kind_name = cast(ReferenceKind, name)
                self.references.append(Reference(kind_name, target, number, column))
            elif kind in (BLOCK, HIDDEN):
                self.wrap(kind, name, argument, number)
            if self.variants > MAX_VARIANTS:
                return False
        return True

    def wrap(self, kind: int, name: str, argument: object, number: int) -> None:
        """Open a block, a transparent wrapper or a hidden body (their ops are BLOCK, HIDDEN)."""
        frame = _Frame(name, 0, self.path, self.variants, False)
        frame.wrapper, frame.blocks = ("block" if kind == BLOCK else "hidden"), self.blocks
        if argument is not None:
            target, column = cast(Target, argument)
            if kind == BLOCK:
                self.references.append(Reference("block", target, number, column))
                self.blocks = (*self.blocks, target)
            else:
                self.macros.append(target)
        if kind == HIDDEN:
            self.hidden += 1
        self.stack.append(frame)
        self.closed = None

    def open(self, name: str, is_loop: bool) -> _Frame:
        self.nodes += 1
        frame = _Frame(name, self.nodes, self.path, self.variants, is_loop)
        self.stack.append(frame)
        self.closed = None
        return frame

    def branch(self, condition: str | None) -> bool:
        if not self.stack:
            return False
        frame = self.stack[-1]
        if frame.wrapper:
            return False
        if frame.is_loop:
            if condition is not None or frame.otherwise:
                return False
            frame.otherwise = True
            never = Branch(frame.node, 1, f"no {frame.iterable}", self.origin)
            self.path = (*frame.outer, never)
        else:
            if frame.exhaustive:
                return False
            frame.exhaustive = condition is None
            label = "else" if condition is None else condition
            step = Branch(frame.node, frame.arms, label, self.origin)
            frame.arms += 1
            self.path = (*frame.outer, step)
        frame.arm_ends += self.variants
        self.variants = frame.entering
        return True

    def close(self) -> None:
        frame = self.stack.pop()
        if frame.wrapper:
            self.blocks = frame.blocks
            if frame.wrapper == "hidden":
                self.hidden -= 1
                self.variants = frame.entering  # the body was walked apart from the line
            return
        frame.arm_ends += self.variants
        skipped = frame.otherwise if frame.is_loop else frame.exhaustive
        self.variants = frame.arm_ends + (0 if skipped else frame.entering)
        self.path = frame.outer
        self.closed = frame
        self.closed_at = len(self.lines)

    def inverted(self, name: str) -> bool:
        """Mustache ``{{^name}}``: the else arm of the section just closed, or a section."""
        frame = self.closed
        if frame is None or frame.is_loop or frame.arms != 1 or frame.condition != name:
            self.open(name, False).condition = f"not {name}"
            self.path = (*self.path, Branch(self.nodes, 0, f"not {name}", self.origin))
            return True
        self.variants = frame.entering  # the else arm starts as the section did
        frame.arms, frame.exhaustive = 2, True
        self.stack.append(frame)
        self.path = (*frame.outer, Branch(frame.node, 1, "else", self.origin))
        self.closed = None
        lines = self.lines
        for index in range(self.closed_at, len(lines)):
            lines[index] = lines[index]._replace(path=self.path)
        return True


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
    try:
        braces: Literal["{}", "{"] = "{}" if dialect == "smarty" else "{"
        reader = _read(source, origin, *reading, braces, _inline_reading(dialect))
    except Unsupported as reason:
        return str(reason)
    problems = tuple(jinja_syntax_problems(source)) if dialect == "jinja" else ()
    references, macros = tuple(reader.references), tuple(reader.macros)
    lines = tuple(reader.lines)
    return TemplateStructure(dialect, lines, references, problems, origin, macros)


def _read(
    source: str,
    origin: str,
    tag_ops: Callable[[str], list[Op] | None],
    written: Callable[[str], Found],
    names: Names,
    braces: Literal["{}", "{"],
    inline: _Inline | None,
) -> _Reader:
    reader = _Reader(origin)
    out = reader.lines
    append = out.append
    pieces = source.split("\n")
    if not pieces[-1]:
        pieces.pop()  # the text ends with a line break (or is empty)
    last = len(pieces) if not source.endswith("\n") else 0
    closing = "}" if braces == "{}" else "{"
    crlf = "\r" in source
    known: dict[str, list[Op]] = {}  # tag lines repeat: {% else %}, {/if}…
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
    reader: _Reader, text: str, number: int, ops: list[Op], start: int
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
    reader: _Reader, inline: _Inline, raw: str, number: int, line_break: bool, cut: int
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
