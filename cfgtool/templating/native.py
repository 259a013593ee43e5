"""cfgtool's own template syntax (``cfgtool render``): ``{{ name | filter }}`` in values.

``# cfgtool: if=name`` … ``# cfgtool: endif`` keeps the lines between them for
rows whose ``name`` is set; the two directive lines are structure. Comment
lines are copied as they are, so a ``{{`` in a comment is text. A placeholder
takes a name and the filters ``lower``, ``upper`` and ``default("text")``.
"""

from __future__ import annotations

import re

from cfgtool.templating.builder import TreeBuilder
from cfgtool.templating.flatten import flatten
from cfgtool.templating.model import TemplateStructure

_DIRECTIVE = re.compile(r"[ \t]*#[ \t]*cfgtool:[ \t]*(if|endif)\b[ \t]*(?:=[ \t]*)?(.*?)[ \t]*\r?$")
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
_VALID = re.compile(
    r"\s*([A-Za-z_][A-Za-z0-9_-]*)\s*"
    r"(?:\|\s*(?:lower|upper|default\(\s*\"[^\"]*\"\s*\))\s*)*"
)


def parse_native(source: str, origin: str = "") -> TemplateStructure:
    """The output lines and structure of a ``cfgtool render`` template."""
    builder = TreeBuilder(source)
    offset = 0
    for line in source.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        directive = _DIRECTIVE.fullmatch(body)
        if directive is not None:
            if directive.group(1) == "if":
                builder.open_conditional("if", directive.group(2), offset, body.strip())
            else:
                builder.close("if", offset, body.strip())
            builder.text(line[len(body) :], offset + len(body))
        elif body.lstrip(" \t").startswith("#"):
            builder.text(line, offset)
        else:
            _placeholders(builder, line, offset)
        offset += len(line)
    nodes = builder.finish()
    lines, problems = flatten(nodes, source, origin)
    return TemplateStructure(
        "cfgtool", lines, tuple(builder.references), tuple(builder.problems) + problems, origin
    )


def _placeholders(builder: TreeBuilder, line: str, offset: int) -> None:
    position = 0
    for match in _PLACEHOLDER.finditer(line):
        builder.text(line[position : match.start()], offset + position)
        inner = match.group(1)
        valid = _VALID.fullmatch(inner)
        if valid is None:
            builder.problem(
                offset + match.start(),
                f"'{match.group()}' is not '{{{{ name }}}}'"
                ' with the filters lower, upper, default("…")',
            )
        names = (valid.group(1),) if valid else ()
        builder.expression(match.group(), inner.strip(), offset + match.start(), names)
        position = match.end()
    rest = line[position:]
    if "{{" in rest:
        builder.problem(offset + position + rest.index("{{"), "'{{' is never closed by '}}'")
    elif "}}" in rest:
        builder.problem(offset + position + rest.index("}}"), "'}}' closes no '{{'")
    builder.text(rest, offset + position)
