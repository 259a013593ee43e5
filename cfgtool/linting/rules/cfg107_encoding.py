r"""Bytes and characters the phone does not expect.

- a UTF-8 byte-order mark before the header (warning: some firmware then does
  not see ``#!version`` on line 1);
- control characters other than tab (error: the line is unreadable);
- invisible characters in a value, such as a no-break space or a zero-width
  space pasted from a web page (warning: the phone keeps them in the value);
- a mix of line endings, LF and CRLF (warning: a sign of a file edited on two
  systems, and a trap for diff and MD5-based re-provisioning);
- a file that is not UTF-8 at all (one error with the byte offset; usually an
  encrypted or binary file), reported when the file is read.

``--fix`` removes the BOM and gives every line the file's main line ending
(or the one the configuration asks for). In the examples ``\uFEFF`` is a BOM
and ``\x01`` a control character.

Failing example::

    \uFEFF#!version:1.0.0.1
    account.1.label = Recep\x01tion

Passing example::

    #!version:1.0.0.1
    account.1.label = Reception
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import (
    CONTROL_CHARACTER,
    INVISIBLE,
    describe_char,
    fix_newline,
    rebuild,
)
from cfgtool.nodes import Document, Entry, Invalid, Node

CODE = "CFG107"
NAME = "encoding"
SEVERITY: Severity = "error"
SUMMARY = "BOM, control characters, invisible characters, mixed line endings, invalid UTF-8"
OWNS = (CONTROL_CHARACTER,)  # one mistake, one diagnostic: see rules/_shared.py
TRIGGERS = ("bom", "invalid", "invisible", "odd_endings")

_ENDING_NAMES = {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    if doc.bom:
        yield context.problem(
            1,
            "the file starts with a UTF-8 byte-order mark (BOM) before the header",
            severity="warning",
            hint="save the file as UTF-8 without BOM (cfgtool lint --fix removes it)",
        )
    found = facts(doc, context)
    controls = [node for node, owner in found.invalid if owner in OWNS]
    flagged: list[Invalid | Entry] = [*controls, *found.invisible]
    for node in sorted(flagged, key=lambda node: node.line):
        if isinstance(node, Entry):
            invisible = INVISIBLE.search(node.value)
            if invisible:
                yield context.problem(
                    node,
                    f"invisible character {describe_char(invisible.group())} in the value "
                    f"of {node.key}; the phone keeps it as part of the value",
                    column=node.value_column + invisible.start(),
                    severity="warning",
                    hint="retype the value; it was probably pasted from a web page or PDF",
                )
        else:
            yield context.problem(
                node,
                node.reason + "; the phone cannot read this line",
                column=node.column,
                hint="delete the control character (only tab is allowed)",
            )
    yield from _mixed_line_endings(doc, context)


def _mixed_line_endings(doc: Document, context: LintContext) -> Iterator[Problem]:
    endings = doc.line_endings
    if len(endings) < 2:
        return
    main = doc.newline
    counts = {ending: 0 for ending in endings}
    first_other: Node | None = None
    for node in doc.items:
        if node.eol:
            counts[node.eol] += 1
            if first_other is None and node.eol != main:
                first_other = node
    summary = ", ".join(
        f"{count} {_ENDING_NAMES[ending]}" for ending, count in sorted(counts.items())
    )
    assert first_other is not None
    yield context.problem(
        first_other,
        f"mixed line endings ({summary}); line {first_other.line} ends with "
        f"{_ENDING_NAMES[first_other.eol]}, the file's main line ending is {_ENDING_NAMES[main]}",
        column=len(first_other.raw) + 1,
        severity="warning",
        hint="use one line ending throughout (cfgtool lint --fix does it)",
    )


def fix(doc: Document, context: LintContext) -> Document:
    """Drop the BOM and give every line ending the same style; nothing else changes."""
    choice = context.line_endings
    mixed = len(doc.line_endings) > 1
    if not doc.bom and not mixed and choice == "keep":
        return doc
    target = fix_newline(doc, choice)
    if not mixed and choice == "keep":
        target = ""
    lines = [(node.raw, target if node.eol and target else node.eol) for node in doc.items]
    return rebuild(doc, lines, bom=False)
