"""Line 1 is not ``#!version:1.0.0.1``.

A phone reads a provisioning file only when its first line (after an optional
BOM) is exactly ``#!version:1.0.0.1``; without it the whole file is ignored,
silently. A header that is present but on a later line or indented is CFG102.
``--fix`` inserts the header as line 1 (with the file's own line ending), or
replaces a line 1 that is a near miss such as ``#!Version: 1.0.0.1``.

Failing example::

    account.1.enable = 1

Passing example::

    #!version:1.0.0.1
    account.1.enable = 1
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.format import DEFAULT_VERSION, HEADER, HEADER_PREFIX
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import fix_newline, rebuild
from cfgtool.nodes import Comment, Document, Header, MisplacedHeader, Node

CODE = "CFG101"
NAME = "missing-header"
SEVERITY: Severity = "error"
SUMMARY = "line 1 is not the '#!version:1.0.0.1' header the phone requires"
TRIGGERS = ("bad_header",)

# `#!Version:1.0.0.1`, `# !version 1.0.0.1`, `#version:1.0.0.1`: a header with a slip.
_NEAR_HEADER = re.compile(r"[ \t]*#[ \t]*!?[ \t]*version\b", re.IGNORECASE)


def _near_header(node: Node) -> bool:
    return isinstance(node, Comment) and _NEAR_HEADER.match(node.raw) is not None


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    hint = f"make line 1 exactly {HEADER}"
    if not doc.items:
        yield context.problem(1, f"empty file: no {HEADER} header", hint=hint)
        return
    first = doc.items[0]
    if isinstance(first, Header):
        if first.version != DEFAULT_VERSION:
            yield context.problem(
                first,
                f"header version {first.version!r}: phones read only {HEADER}",
                column=len(HEADER_PREFIX) + 1,
                hint=hint,
            )
        return
    if facts(doc, context).misplaced:
        return  # CFG102 reports the header that is there, but in the wrong place
    if _near_header(first):
        yield context.problem(
            first,
            f"line 1 is not the exact header {HEADER} (found {first.raw.strip()!r})",
            hint=hint,
        )
        return
    yield context.problem(
        1,
        f"missing {HEADER} header on line 1: the phone ignores this file",
        hint=f"insert {HEADER} as line 1",
    )


def fix(doc: Document, context: LintContext) -> Document:
    """Insert the header as line 1 (or replace a near-miss line 1); keep every other byte."""
    items = doc.items
    if items and isinstance(items[0], Header | MisplacedHeader):
        return doc
    if any(isinstance(node, MisplacedHeader) for node in items):
        return doc
    lines = [(node.raw, node.eol) for node in items]
    if items and _near_header(items[0]):
        lines[0] = (HEADER, items[0].eol or fix_newline(doc, context.line_endings))
    else:
        newline = fix_newline(doc, context.line_endings)
        if newline == "\r" and items and not items[0].raw and items[0].eol.startswith("\n"):
            newline = "\r\n"  # a lone CR before an empty LF line would read as one CRLF
        lines.insert(0, (HEADER, newline))
    return rebuild(doc, lines)
