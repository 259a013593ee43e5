"""A non-comment line that is not ``key = value``.

The phone skips such a line without a word: a line with no ``=``
(``account.1.label Reception``), with ``==`` instead of ``=``, a template tag
left over after rendering (``{if $x}``, ``{% for ... %}``), or prose that
should have been a comment. Section lines (CFG106), merge markers (CFG109),
pasted shell prompts (CFG110) and template fragments (CFG502) have their own
rules.

Failing example::

    #!version:1.0.0.1
    account.1.label Reception
    Reception phone settings

Passing example::

    #!version:1.0.0.1
    account.1.label = Reception
    # Reception phone settings
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import MALFORMED_LINE, VALID_KEY
from cfgtool.nodes import Document, Invalid

CODE = "CFG103"
NAME = "malformed-line"
SEVERITY: Severity = "error"
SUMMARY = "a line that is neither a comment nor 'key = value'"
OWNS = (MALFORMED_LINE,)  # one mistake, one diagnostic: see rules/_shared.py
TRIGGERS = ("invalid",)

_KEY_SPACE_VALUE = re.compile(r"(\S+)[ \t]+\S")
_KEY_COLON_VALUE = re.compile(r"([^\s:]+)[ \t]*:[ \t]*\S")


def _describe(node: Invalid) -> tuple[str, str]:
    text = node.raw.strip(" \t")
    if node.kind == "double-equals":
        return node.reason, "use a single '=' between key and value"
    if node.kind == "template-tag":
        return (
            f"template tag left in the file: {text[:40]!r}",
            "render the template, or delete the line",
        )
    pair = _KEY_SPACE_VALUE.match(text)
    if pair and VALID_KEY.fullmatch(pair.group(1)) and "." in pair.group(1):
        return (
            f"no '=' after the key {pair.group(1)!r}",
            f"write it as '{pair.group(1)} = ...'",
        )
    colon = _KEY_COLON_VALUE.match(text)
    if colon and VALID_KEY.fullmatch(colon.group(1)) and "." in colon.group(1):
        return (
            f"':' is not a separator after the key {colon.group(1)!r}",
            f"write it as '{colon.group(1)} = ...'",
        )
    if VALID_KEY.fullmatch(text) and "." in text:
        return f"the key {text!r} has no '= value'", f"write '{text} =' to set an empty value"
    return (
        "not a setting: a line needs 'key = value'",
        "start the line with '#' to make it a comment, or write 'key = value'",
    )


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node, owner in facts(doc, context).invalid:
        if owner in OWNS:
            message, hint = _describe(node)
            yield context.problem(node, message, column=node.column, hint=hint)
