"""The legacy v6x layout: ``[ section ]`` lines and ``path = ...`` selectors.

Firmware before version 70 read files made of sections, each naming the
internal file it changes (``path = /config/voip/sipAccount0.cfg``) followed by
dot-less keys (``Enable = 1``). Firmware 70 and later reads only
``key = value`` lines with full dotted keys and ignores all of this: convert
the file (``account.1.enable = 1``) with Yealink's parameter mapping.

Failing example::

    #!version:1.0.0.1
    [ account ]
    path = /config/voip/sipAccount0.cfg
    Enable = 1

Passing example::

    #!version:1.0.0.1
    account.1.enable = 1
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import LEGACY_FORMAT
from cfgtool.nodes import Document, Entry, Invalid

CODE = "CFG106"
NAME = "legacy-format"
SEVERITY: Severity = "error"
SUMMARY = "'[ section ]' lines or the v6x 'path = ...' layout, which firmware 70+ ignores"
OWNS = (LEGACY_FORMAT,)  # one mistake, one diagnostic: see rules/_shared.py
TRIGGERS = ("invalid", "keys")

_HINT = "rewrite the settings as dotted 'key = value' lines (firmware 70 and later)"


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    found = facts(doc, context)
    lines = [node for node, owner in found.invalid if owner in OWNS]
    paths = [node for node, owner in found.keys if owner in OWNS]
    flagged: list[Invalid | Entry] = [*lines, *paths]
    for node in sorted(flagged, key=lambda node: node.line):
        if not isinstance(node, Entry):
            yield context.problem(
                node,
                f"section line {node.raw.strip()!r} belongs to the legacy v6x format, "
                "which firmware 70 and later ignores",
                column=node.column,
                hint=_HINT,
            )
        else:
            yield context.problem(
                node,
                f"'path = {node.value}' selects an internal file in the legacy v6x format, "
                "which firmware 70 and later ignores",
                column=node.key_column,
                hint=_HINT,
            )
