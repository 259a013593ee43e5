r"""Trailing whitespace, tabs, and a missing newline at the end of the file.

None of these changes what the phone reads (it strips spaces and tabs around
keys and values), but they make diffs noisy and hide real changes in review.
``--fix`` removes trailing spaces and tabs, turns tabs before the value into
single spaces, and adds the final line ending; a tab inside a value is part of
the value and is only reported. In the examples ``\t`` is a tab, ``\x20`` a
trailing space.

Failing example::

    #!version:1.0.0.1
    account.1.label =\tReception\x20
    account.1.enable = 1
    \ No newline at end of file

Passing example::

    #!version:1.0.0.1
    account.1.label = Reception
    account.1.enable = 1
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import fix_newline, rebuild
from cfgtool.nodes import Document, Entry, Node

CODE = "CFG108"
NAME = "whitespace"
SEVERITY: Severity = "info"
SUMMARY = "trailing whitespace, tabs, or no newline at the end of the file"
TRIGGERS = ("whitespace", "odd_endings")


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node in facts(doc, context).whitespace:
        raw = node.raw
        if raw[-1] in " \t":
            start = len(raw.rstrip(" \t"))
            yield context.problem(
                node,
                "trailing whitespace",
                column=start + 1,
                end_column=len(raw),
                hint="delete the spaces and tabs at the end of the line",
            )
        if "\t" in raw:
            tab = _reported_tab(node, raw.rstrip(" \t"))
            if tab >= 0:
                yield context.problem(
                    node,
                    "tab character" + (" inside the value" if _in_value(node, tab) else ""),
                    column=tab + 1,
                    hint="use spaces: 'key = value'",
                )
    if doc.items:
        last = doc.items[-1]
        if not last.eol and last.raw:
            yield context.problem(
                last,
                "no newline at the end of the file",
                column=len(last.raw) + 1,
                hint="end the last line with a line break",
            )


def _in_value(node: Node, offset: int) -> bool:
    return isinstance(node, Entry) and node.value_column - 1 <= offset < node.value_end_column - 1


def _reported_tab(node: Node, body: str) -> int:
    """Offset of the first tab worth reporting: indentation, around '=', or in a value."""
    if isinstance(node, Entry):
        return body.find("\t")
    indent = len(body) - len(body.lstrip(" \t"))
    return body.find("\t", 0, indent)


def _fixed_raw(node: Node) -> str:
    raw = node.raw.rstrip(" \t")
    if "\t" not in raw:
        return raw
    if isinstance(node, Entry):
        # Tabs around the key and the '=' become spaces; the value keeps its own.
        head = raw[: node.value_column - 1].replace("\t", " ")
        return head + raw[node.value_column - 1 :]
    indent = len(raw) - len(raw.lstrip(" \t"))
    return raw[:indent].replace("\t", " ") + raw[indent:]


def fix(doc: Document, context: LintContext) -> Document:
    """Strip trailing whitespace, replace tabs outside values, add the final newline."""
    lines = [(_fixed_raw(node), node.eol) for node in doc.items]
    if lines and not lines[-1][1] and lines[-1][0]:
        lines[-1] = (lines[-1][0], fix_newline(doc, context.line_endings))
    if all(
        raw == node.raw and eol == node.eol
        for (raw, eol), node in zip(lines, doc.items, strict=True)
    ):
        return doc
    return rebuild(doc, lines)
