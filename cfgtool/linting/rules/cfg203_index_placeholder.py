"""A literal index placeholder where a number belongs.

Guides and templates write ``account.X.label`` or ``linekey.x.type`` for
"any account" or "any key", and printf-style generators leave ``%d``; copied
as they are, such keys match nothing and the phone ignores them. Public
templates have shipped ``autoprovision.X.name`` and ``template.*.name``. A
letter counts as a placeholder only where a number makes a known key.

Failing example::

    #!version:1.0.0.1
    account.X.label = Reception
    linekey.%d.type = 15

Passing example::

    #!version:1.0.0.1
    account.1.label = Reception
    linekey.1.type = 15
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import INDEX_PLACEHOLDER, index_placeholder
from cfgtool.nodes import Document

CODE = "CFG203"
NAME = "index-placeholder"
SEVERITY: Severity = "error"
SUMMARY = "a placeholder such as 'X', '*' or '%d' where the key needs an index number"
OWNS = (INDEX_PLACEHOLDER,)  # one mistake, one diagnostic: see rules/_shared.py
TRIGGERS = ("keys",)


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    extra = context.extra_known_keys
    for node, owner in facts(doc, context).keys:
        if owner not in OWNS or node.key in extra:
            continue
        found = index_placeholder(node.key)
        if found is None:  # pragma: no cover - the scan found one
            continue
        position, segment = found
        parts = node.key.split(".")
        offset = len(".".join(parts[:position])) + (1 if position else 0)
        example = ".".join([*parts[:position], "1", *parts[position + 1 :]])
        yield context.problem(
            node,
            f"{segment!r} in {node.key!r} is a placeholder, not an index: "
            "the phone matches no such key",
            column=node.key_column + offset,
            end_column=node.key_column + offset + len(segment) - 1,
            hint=f"write the index number, e.g. {example}",
        )
