"""Jinja2 (Wazo provd) and Twig (Tancredi): tags read into the template tree.

:mod:`jinja_scan` cuts the template; this reads each tag: ``if``/``elif``
(Twig ``elseif``)/``else``, ``for`` (its targets and ``loop`` are the loop's
variables) with its ``else``, ``block``, ``extends``/``include``/``import``/
``from``/``embed``, ``macro`` and block ``set`` (bodies that write nothing in
place), and transparent wrappers (``filter``, ``apply``, ``with``,
``autoescape``, ``spaceless``). For the Jinja dialect the template is also
parsed by Jinja2 itself, so any syntax error Jinja2 would raise is reported.
Twig's expression syntax (``?:``, ``??``, ``#{}``) is not Jinja's, so Twig
expressions are kept as written and only the tags are checked.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import Any, Literal

from cfgtool.templating.builder import TreeBuilder
from cfgtool.templating.flatten import flatten
from cfgtool.templating.jinja_scan import Piece, scan
from cfgtool.templating.model import Problem, ReferenceKind, TemplateStructure
from cfgtool.templating.names import bare_names

TAG_WORD = re.compile(r"\s*([A-Za-z_]\w*)\s*(.*)", re.S)
_FOR = re.compile(r"(.+?)\s+in\s+(.+?)(?:\s+if\s+.*|\s+recursive)?\s*$", re.S)
_TARGET = re.compile(r"\s*['\"]?([^'\"\s]+)['\"]?")
STRING_LITERAL = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")
TRANSPARENT_TAGS = frozenset(
    {"filter", "apply", "with", "autoescape", "spaceless", "sandbox", "trans"}
)
_HIDDEN = frozenset({"macro", "call", "embed"})
SILENT_TAGS = frozenset({"do", "flush", "use", "deprecated", "break", "continue", "guard", "cache"})


def jinja_target(text: str) -> str:
    """The name in a block, extends, import or macro tag (quotes dropped)."""
    match = _TARGET.match(text)
    return match.group(1) if match else text.strip()


def for_loop(rest: str) -> tuple[tuple[str, ...], str] | None:
    """The variables (its targets and ``loop``) and the iterable of ``{% for REST %}``."""
    loop = _FOR.match(rest)
    if loop is None:
        return None
    targets = tuple(t.strip().strip("()") for t in loop.group(1).split(","))
    return (*targets, "loop"), loop.group(2)


def _read_block(builder: TreeBuilder, piece: Piece, source: str, macros: list[str]) -> None:
    text = source[piece.start : piece.end]
    match = TAG_WORD.match(piece.inner)
    if match is None:
        builder.problem(piece.start, f"'{text}' has no tag name")
        builder.tag(piece.start)
        return
    name, rest = match.group(1), match.group(2).strip()
    offset = piece.start
    if name == "if":
        builder.open_conditional("if", rest, offset, text)
    elif name in ("elif", "elseif"):
        builder.branch(rest, offset, text)
    elif name == "else":
        builder.branch(None, offset, text)
    elif name == "for":
        loop = for_loop(rest)
        if loop is None:
            builder.problem(offset, f"'{text}' is not 'for NAME in EXPRESSION'")
            loop = ("loop",), rest
        builder.open_loop("for", *loop, offset, text)
    elif name == "block":
        builder.open_block("block", jinja_target(rest), offset, text)
    elif name in ("extends", "include"):
        kind: ReferenceKind = "extends" if name == "extends" else "include"
        builder.reference(kind, jinja_target(rest), offset)
        builder.tag(offset)
    elif name in ("import", "from"):
        builder.reference("import", jinja_target(rest), offset)
        builder.tag(offset)
    elif name in _HIDDEN:
        if name == "macro":
            macros.append(jinja_target(rest.split("(")[0]))
        if name == "embed":
            builder.reference("include", jinja_target(rest), offset)
        builder.open_hidden(name, rest, offset, text)
    elif name == "set":
        if "=" in rest:
            builder.tag(offset)
        else:
            builder.open_hidden("set", rest, offset, text)
    elif name in ("raw", "verbatim"):
        builder.tag(offset)
    elif name in TRANSPARENT_TAGS:
        builder.open_transparent(name, offset, text)
    elif name.startswith("end"):
        closed = name[3:]
        if closed in ("raw", "verbatim"):
            builder.tag(offset)
        else:
            builder.close(closed, offset, text)
    elif name in SILENT_TAGS:
        builder.tag(offset)
    else:
        builder.problem(offset, f"unknown tag '{name}'")
        builder.tag(offset)


def jinja_syntax_problems(source: str) -> list[Problem]:
    """What Jinja2's own parser says about ``source``, remembered by content.

    Jinja2's parse costs more than the rest of template lint on a large template,
    and a run often meets one text many times (a base read through each child, the
    same template in several trees, repeated runs in one process).
    """
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).digest()
    found = _SYNTAX_CHECKED.get(digest)
    if found is None:
        found = _SYNTAX_CHECKED[digest] = tuple(_parse_with_jinja2(source))
    return list(found)


_SYNTAX_CHECKED: dict[bytes, tuple[Problem, ...]] = {}


def clear_syntax_cache() -> None:
    """Forget the remembered Jinja2 results (benchmarks measure a cold check with it)."""
    _SYNTAX_CHECKED.clear()


@cache
def _environment() -> Any:
    # jinja2 is imported here: only Jinja templates need it, and it costs start-up time.
    import jinja2

    return jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])


def _parse_with_jinja2(source: str) -> list[Problem]:
    # jinja2 is imported here: only Jinja templates need it, and it costs start-up time.
    try:
        import jinja2
    except ImportError:  # without the 'templates' extra the tags are still checked, not expressions
        return []
    try:
        _environment().parse(source)
    except jinja2.TemplateSyntaxError as error:
        return [Problem(error.lineno or 1, 1, f"Jinja2: {error.message}")]
    return []


def parse_jinja_family(
    source: str, dialect: Literal["jinja", "twig"], origin: str = ""
) -> TemplateStructure:
    """The output lines and structure of a Jinja2 or Twig template."""
    builder = TreeBuilder(source)
    pieces, scan_problems = scan(source)
    for offset, message in scan_problems:
        builder.problem(offset, message)
    macros: list[str] = []
    for piece in pieces:
        if piece.kind == "text":
            builder.text(piece.inner, piece.start)
        elif piece.kind == "comment":
            builder.tag(piece.start)
        elif piece.kind == "variable":
            expression = piece.inner.strip()
            literal = STRING_LITERAL.fullmatch(expression)
            if literal is not None:
                builder.tag(piece.start)
                builder.text(literal.group(1) or literal.group(2), piece.start)
                continue
            source_text = source[piece.start : piece.end]
            builder.expression(source_text, expression, piece.start, bare_names(expression))
        else:
            _read_block(builder, piece, source, macros)
    nodes = builder.finish()
    lines, flatten_problems = flatten(nodes, source, origin)
    problems = [*builder.problems, *flatten_problems]
    if dialect == "jinja" and not scan_problems:
        problems.extend(jinja_syntax_problems(source))
    return TemplateStructure(
        dialect,
        lines,
        tuple(builder.references),
        tuple(problems),
        origin,
        tuple(macros),
    )
