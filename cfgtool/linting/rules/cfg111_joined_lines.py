"""A value that holds another setting: two lines ran together.

When a line break is lost (a bad merge, a template that drops a newline, an
edit in a browser text area), the next setting becomes part of the value:
``sip.listen_mode= sip.listen_port = 5060`` sets ``sip.listen_mode`` to the
text ``sip.listen_port = 5060``, and ``sip.listen_port`` is never set. Public
templates have shipped exactly this. Only known keys count as a setting
inside a value, so ordinary values containing ``=`` are not reported.

A line that ends with a carriage return alone (CR, the old Mac ending) runs
into the next line the same way: phones split lines on LF only, so a CR-only
file is one line to them and none of its settings is applied. ``cfgtool
fmt`` rewrites such endings as LF (``fmt --check`` reports the file).

Failing example::

    #!version:1.0.0.1
    static.firmware.url = firmware.url = http://prov.example.com/fw/28.83.0.35.rom

Passing example::

    #!version:1.0.0.1
    static.firmware.url = http://prov.example.com/fw/28.83.0.35.rom
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import JOINED_LINES, joined_setting
from cfgtool.nodes import Document

CODE = "CFG111"
NAME = "joined-lines"
SEVERITY: Severity = "error"
SUMMARY = "a value that holds another 'key = value' setting (two lines ran together)"
OWNS = (JOINED_LINES,)  # one mistake, one diagnostic: see rules/_shared.py
TRIGGERS = ("values", "odd_endings")


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    yield from _lone_carriage_returns(doc, context)
    extra = context.extra_known_keys
    for node, owner in facts(doc, context).values:
        if owner in OWNS:
            match = joined_setting(node.value, extra)
            if match is None:  # pragma: no cover - the scan found one
                continue
            inner = match.group(1)
            yield context.problem(
                node,
                f"the value of {node.key} contains the setting {inner!r}: two lines ran "
                f"together, so {inner} is not set",
                column=node.value_column + match.start(1),
                hint=f"put '{inner} = ...' on a line of its own, or delete the stray '{inner} ='",
            )


def _lone_carriage_returns(doc: Document, context: LintContext) -> Iterator[Problem]:
    """One problem for the lines ending in CR alone: what phones read as joined lines."""
    lone = [item for item in doc.items if item.eol == "\r"]
    if not lone:
        return
    first = lone[0]
    others = f"; {len(lone)} lines in this file end so" if len(lone) > 1 else ""
    yield context.problem(
        first,
        f"line {first.line} ends with a carriage return alone (CR{others}): phones split "
        f"lines on LF only, so they read it and line {first.line + 1} as one line and the "
        "settings after it are not applied",
        column=len(first.raw) + 1,
        hint="run cfgtool fmt to write LF line endings",
    )
