"""Mustache: ``grammar/mustache.lark`` cuts, this reads the tags.

``{{name}}``, ``{{{name}}}`` and ``{{&name}}`` are placeholders; ``{{#name}}``…
``{{/name}}`` a section and ``{{^name}}``…``{{/name}}`` an inverted one. An
inverted section that directly follows a section of the same name is the
``else`` arm of that section, so the two are mutually exclusive. ``{{! }}`` is a
comment, ``{{> partial}}`` an include. Changing delimiters (``{{=<% %>=}}``) is
reported: the lines after it cannot be read.
"""

from __future__ import annotations

from cfgtool.templating.builder import TreeBuilder
from cfgtool.templating.flatten import flatten
from cfgtool.templating.lark_cache import tokens
from cfgtool.templating.model import TemplateStructure
from cfgtool.templating.names import bare_names
from cfgtool.templating.tree import Conditional, Tag, Text


def _follows_section(builder: TreeBuilder, name: str) -> Conditional | None:
    """The section ``name`` closed just before (with only blanks and tags between), if any."""
    for node in reversed(builder.body):
        if isinstance(node, Conditional):
            if node.arms[0].condition == name and len(node.arms) == 1:
                return node
            return None
        if isinstance(node, Text) and not node.text.strip():
            continue
        if isinstance(node, Tag):
            continue
        return None
    return None


def parse_mustache(source: str, origin: str = "") -> TemplateStructure:
    """The output lines and structure of a Mustache template."""
    builder = TreeBuilder(source)
    for kind, text, offset in tokens("mustache", source):
        if kind == "TEXT":
            builder.text(text, offset)
        elif kind == "COMMENT":
            builder.tag(offset)
        elif kind == "OPEN":
            builder.problem(offset, "'{{' opens a tag that no '}}' closes on its line")
            builder.text(text, offset)
        elif kind == "TRIPLE":
            inner = text[3:-3].strip()
            builder.expression(text, inner, offset, bare_names(inner))
        else:
            _tag(builder, text, offset)
    nodes = builder.finish()
    lines, problems = flatten(nodes, source, origin)
    return TemplateStructure(
        "mustache", lines, tuple(builder.references), tuple(builder.problems) + problems, origin
    )


def _tag(builder: TreeBuilder, text: str, offset: int) -> None:
    inner = text[2:-2].strip()
    sigil, name = inner[:1], inner[1:].strip()
    if sigil == "#":
        builder.open_conditional(name, name, offset, text)
    elif sigil == "^":
        section = _follows_section(builder, name)
        if section is None:
            builder.open_conditional(name, f"not {name}", offset, text)
            return
        builder.reopen_else(section, name, offset, text)
    elif sigil == "/":
        builder.close(name, offset, text)
    elif sigil == ">":
        builder.reference("include", name, offset)
        builder.tag(offset)
    elif sigil == "=":
        builder.problem(
            offset,
            "changing the delimiters is not supported; the lines after it are read as text",
        )
        builder.tag(offset)
    elif sigil == "&":
        builder.expression(text, name, offset, bare_names(name))
    elif not inner:
        builder.problem(offset, "an empty '{{}}'")
        builder.text(text, offset)
    else:
        builder.expression(text, inner, offset, bare_names(inner))
