"""A value that holds another setting: two lines ran together.

When a line break is lost (a bad merge, a template that drops a newline, an
edit in a browser text area), the next setting becomes part of the value:
``sip.listen_mode= sip.listen_port = 5060`` sets ``sip.listen_mode`` to the
text ``sip.listen_port = 5060``, and ``sip.listen_port`` is never set. Public
templates have shipped exactly this. Only known keys count as a setting
inside a value, so ordinary values containing ``=`` are not reported.

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
from cfgtool.linting.rules._shared import JOINED_LINES, facts, joined_setting
from cfgtool.nodes import Document

CODE = "CFG111"
NAME = "joined-lines"
SEVERITY: Severity = "error"
SUMMARY = "a value that holds another 'key = value' setting (two lines ran together)"
OWNS = (JOINED_LINES,)  # one mistake, one diagnostic: see rules/_shared.py


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
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
