"""Smarty (FusionPBX, provisioner.net): ``grammar/smarty.lark`` cuts, this reads the tags.

Understood: ``{$var}``, ``{$var|modifier}``, ``{#config#}``, ``{if}``/``{elseif}``/
``{else}``/``{/if}``, ``{foreach}`` (both spellings) with ``{foreachelse}``,
``{section}``, ``{for}``, ``{while}``, ``{capture}``/``{function}`` (bodies that
write nothing in place), ``{block}``/``{extends}``/``{include}``, ``{literal}``,
``{* comments *}``, ``{ldelim}``/``{rdelim}``, ``{strip}``, and provisioner.net's
``{line_loop}`` / ``{loop_<name>}`` loops. Any other ``{name …}`` with a matching
``{/name}`` is a block; without one it is a function call, whose output is unknown.
"""

from __future__ import annotations

import re

from cfgtool.templating.builder import TreeBuilder
from cfgtool.templating.flatten import flatten
from cfgtool.templating.lark_cache import tokens
from cfgtool.templating.model import ReferenceKind, TemplateStructure
from cfgtool.templating.names import sigil_names

TAG_NAME = re.compile(r"(/?)([A-Za-z_]\w*)\s*(.*)", re.S)
_FOREACH_AS = re.compile(r"(\S+)\s+as\s+\$(\w+)(?:\s*=>\s*\$(\w+))?")
_ATTRIBUTE = re.compile(r"(\w+)\s*=\s*(?:'([^']*)'|\"([^\"]*)\"|(\S+))")
_BROKEN_PLACEHOLDER = re.compile(r"\$[A-Za-z_][\w.\[\]'\"]*$")
_LITERAL_OPEN, _LITERAL_CLOSE = "{literal}", "{/literal}"
_UNCLOSED_START = re.compile(r"[$#/A-Za-z_]")

#: provisioner.net's loops and the per-iteration variables its PHP side sets.
_PROVISIONER_LOOP_VARIABLES = {
    "line_loop": ("line", "line_m1", "number"),
}
_LOOP_VARIABLES_DEFAULT = ("number", "line")
_HIDDEN = frozenset({"capture", "function"})
SILENT_TAGS = frozenset(
    {"assign", "append", "config_load", "nocache", "strip", "/strip", "debug", "setfilter"}
)


def _attributes(text: str) -> dict[str, str]:
    return {
        m.group(1): next(g for g in m.groups()[1:] if g is not None)
        for m in _ATTRIBUTE.finditer(text)
    }


def _quoted_target(text: str) -> str:
    attributes = _attributes(text)
    if "file" in attributes:
        return attributes["file"]
    return text.strip().strip("'\"")


class _SmartyReader:
    def __init__(self, source: str) -> None:
        self.builder = TreeBuilder(source)
        self.closers: set[str] = set()

    def read(self, source: str) -> None:
        items = tokens("smarty", source) if source else []
        self.closers = {
            match.group(2)
            for kind, text, _ in items
            if kind == "TAG" and (match := TAG_NAME.match(text[1:-1])) and match.group(1)
        }
        previous_text = ""
        for index, (kind, text, offset) in enumerate(items):
            if kind == "TEXT":
                self.builder.text(text, offset)
            elif kind == "LITERAL":
                self.builder.tag(offset)
                body = text[len(_LITERAL_OPEN) : -len(_LITERAL_CLOSE)]
                self.builder.text(body, offset + len(_LITERAL_OPEN))
                self.builder.tag(offset + len(text) - len(_LITERAL_CLOSE))
            elif kind == "COMMENT":
                self.builder.tag(offset)
            elif kind == "OPEN_BRACE":
                following = items[index + 1][1] if index + 1 < len(items) else ""
                if _UNCLOSED_START.match(following):
                    self.builder.problem(offset, "'{' opens a tag that no '}' closes on its line")
                self.builder.text(text, offset)
            elif kind == "CLOSE_BRACE":
                broken = _BROKEN_PLACEHOLDER.search(previous_text)
                if broken is not None:
                    start = offset - len(broken.group())
                    self.builder.problem(start, "placeholder without its opening '{'")
                self.builder.text(text, offset)
            else:
                self.tag(text, offset)
            previous_text = text

    def tag(self, text: str, offset: int) -> None:
        inner = text[1:-1]
        builder = self.builder
        if inner.startswith(("$", "#", "`")) or inner[:1].isdigit() or inner.startswith(("'", '"')):
            builder.expression(text, inner, offset, sigil_names(inner))
            return
        match = TAG_NAME.match(inner)
        if match is None:
            builder.expression(text, inner, offset, sigil_names(inner))
            return
        closing, name, rest = match.groups()
        if closing:
            builder.close(name, offset, text)
        elif name == "if":
            builder.open_conditional("if", rest, offset, text)
        elif name in ("elseif", "elsif") or (name == "else" and rest.startswith("if ")):
            builder.branch(rest[3:] if name == "else" else rest, offset, text)
        elif name in ("else", "foreachelse", "sectionelse"):
            builder.branch(None, offset, text)
        elif name == "foreach":
            self.foreach(rest, offset, text)
        elif name == "section":
            attributes = _attributes(rest)
            variable = attributes.get("name", "")
            builder.open_loop("section", (variable,), attributes.get("loop", ""), offset, text)
        elif name in ("for", "while"):
            builder.open_loop(name, sigil_names(rest.split(" to ")[0]), rest, offset, text)
        elif name == "block":
            builder.open_block(
                "block", _quoted_target(rest.split()[0] if rest else ""), offset, text
            )
        elif name in ("extends", "include"):
            kind: ReferenceKind = "extends" if name == "extends" else "include"
            builder.reference(kind, _quoted_target(rest), offset)
            builder.tag(offset)
        elif name == "ldelim":
            builder.text("{", offset)
        elif name == "rdelim":
            builder.text("}", offset)
        elif name in _HIDDEN and name in self.closers:
            builder.open_hidden(name, rest, offset, text)
        elif name in SILENT_TAGS:
            builder.tag(offset)
        elif name in self.closers:
            variables = _PROVISIONER_LOOP_VARIABLES.get(name, _LOOP_VARIABLES_DEFAULT)
            builder.open_loop(name, variables, name, offset, text)
        else:
            builder.expression(text, inner, offset, sigil_names(inner))

    def foreach(self, rest: str, offset: int, text: str) -> None:
        variables, iterable = foreach_loop(rest)
        self.builder.open_loop("foreach", variables, iterable, offset, text)


def foreach_loop(rest: str) -> tuple[tuple[str, ...], str]:
    """The variables and the iterable of ``{foreach REST}``, in either spelling."""
    match = _FOREACH_AS.match(rest)
    if match:
        return tuple(v for v in match.groups()[1:] if v), match.group(1)
    attributes = _attributes(rest)
    variables = tuple(attributes[k] for k in ("key", "item") if k in attributes)
    return variables, attributes.get("from", rest)


def parse_smarty(source: str, origin: str = "") -> TemplateStructure:
    """The output lines and structure of a Smarty template."""
    reader = _SmartyReader(source)
    reader.read(source)
    nodes = reader.builder.finish()
    lines, problems = flatten(nodes, source, origin)
    return TemplateStructure(
        "smarty",
        lines,
        tuple(reader.builder.references),
        tuple(reader.builder.problems) + problems,
        origin,
    )
