"""A merge conflict marker left in the file.

``<<<<<<<``, ``|||||||``, ``=======`` and ``>>>>>>>`` lines mean a git merge
or rebase stopped with a conflict and both sides were committed. The phone
skips the marker lines and applies *both* versions of every conflicting
setting, the later one winning, which is rarely the intended result.

Failing example::

    #!version:1.0.0.1
    <<<<<<< HEAD
    account.1.label = Reception
    =======
    account.1.label = Front desk
    >>>>>>> branch

Passing example::

    #!version:1.0.0.1
    account.1.label = Front desk
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import MERGE_CONFLICT
from cfgtool.nodes import Document

CODE = "CFG109"
NAME = "merge-conflict"
SEVERITY: Severity = "error"
SUMMARY = "a '<<<<<<<', '=======' or '>>>>>>>' merge conflict marker left in the file"
OWNS = (MERGE_CONFLICT,)  # one mistake, one diagnostic: see rules/_shared.py
TRIGGERS = ("invalid",)

_MARKERS = {
    "<": "start of a merge conflict",
    "|": "common ancestor of a merge conflict",
    "=": "middle of a merge conflict",
    ">": "end of a merge conflict",
}


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node, owner in facts(doc, context).invalid:
        if owner in OWNS:
            what = _MARKERS.get(node.raw[:1], "merge conflict marker")
            yield context.problem(
                node,
                f"{what} ({node.raw[:7]}): a merge conflict was committed unresolved",
                column=node.column,
                hint="resolve the conflict: keep one version of each setting, "
                "delete the marker lines",
            )
