"""A ``#!version`` line that is not on line 1, or is indented.

The header counts only as the very first line, starting in column 1. Anywhere
else the phone treats it as a comment, so a file whose header sits below a
comment or a blank line has no header at all; a second header in the middle
of a file usually means two files were pasted together.

Failing example::

    # Reception phone
    #!version:1.0.0.1
    account.1.enable = 1

Passing example::

    #!version:1.0.0.1
    # Reception phone
    account.1.enable = 1
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.nodes import Document, Header

CODE = "CFG102"
NAME = "misplaced-header"
SEVERITY: Severity = "error"
SUMMARY = "a '#!version' line that is not on line 1, or is indented"
TRIGGERS = ("misplaced",)


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    has_header = bool(doc.items) and isinstance(doc.items[0], Header)
    for node in facts(doc, context).misplaced:
        indent = len(node.raw) - len(node.raw.lstrip(" \t"))
        if node.line == 1:
            yield context.problem(
                node,
                "the header is indented; the phone reads it only from column 1",
                column=1,
                end_column=indent,
                hint="remove the spaces before #!version",
            )
        elif has_header:
            yield context.problem(
                node,
                "a second #!version header (were two files pasted together?)",
                column=indent + 1,
                hint="remove this line; the header belongs on line 1 only",
            )
        else:
            yield context.problem(
                node,
                f"the header is on line {node.line}; the phone reads it only on line 1",
                column=indent + 1,
                hint="move this line to the top of the file",
            )
