"""A key that cannot be a real setting name.

Real keys are ASCII letters, digits and ``_`` in dot-separated segments
(``account.1.sip_server.1.address``). An empty key (``= 1``), a space inside
the key, characters real keys never use (``account.1.label!``, a Cyrillic
letter that looks like a Latin one), or a leading, trailing or doubled dot
make a key the phone never matches. Index placeholders such as ``account.X``
are CFG203; template syntax in a key is CFG501/CFG502.

Failing example::

    #!version:1.0.0.1
    account.1 .label = Reception
    account..1.enable = 1
    = 1

Passing example::

    #!version:1.0.0.1
    account.1.label = Reception
    account.1.enable = 1
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import INVALID_KEY, describe_char
from cfgtool.nodes import Document

CODE = "CFG104"
NAME = "invalid-key"
SEVERITY: Severity = "error"
SUMMARY = "empty key, space inside the key, odd characters, or a stray dot"
OWNS = (INVALID_KEY,)  # one mistake, one diagnostic: see rules/_shared.py
TRIGGERS = ("keys",)

_BAD_CHAR = re.compile(r"[^A-Za-z0-9_.\-]")


def _problem(key: str) -> tuple[str, int]:
    """Message and 0-based offset in the key of the first problem."""
    if not key:
        return "empty key before '='", 0
    space = re.search(r"[ \t]", key)
    if space:
        return f"space inside the key {key!r}", space.start()
    bad = _BAD_CHAR.search(key)
    if bad:
        return (
            f"character {describe_char(bad.group())} is not used in setting names",
            bad.start(),
        )
    if key.startswith("."):
        return "the key starts with a dot", 0
    if key.endswith("."):
        return "the key ends with a dot", len(key) - 1
    double = key.find("..")
    return "two dots in a row in the key", max(double, 0)


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node, owner in facts(doc, context).keys:
        if owner in OWNS:
            message, offset = _problem(node.key)
            yield context.problem(
                node,
                message,
                column=node.key_column + offset,
                hint="setting names use only A-Z a-z 0-9 _ and single dots",
            )
