"""A ``# cfgtool:`` suppression comment that silences nothing, or cannot be read.

A suppression left behind after the problem was fixed hides the next real
problem on that line, so it is reported (as info). The lint engine finds
these after every other rule has run; this module only describes the rule.
Codes of rules that are not selected in the run are not reported.

Failing example::

    #!version:1.0.0.1
    # cfgtool: disable-next-line=CFG201
    account.1.label = Reception

(``account.1.label`` is a known key, so nothing is reported on line 3.)

Passing example::

    #!version:1.0.0.1
    # cfgtool: disable-next-line=CFG201
    custom.site.label = Reception
"""

from __future__ import annotations

from collections.abc import Iterable

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.nodes import Document

CODE = "CFG100"
NAME = "unused-suppression"
SEVERITY: Severity = "info"
SUMMARY = "a suppression comment that silences nothing (or names an unknown rule)"
TRIGGERS = ()


def check(doc: Document, context: LintContext) -> Iterable[Problem]:
    """Nothing to do here: the engine reports unused suppressions (it knows what was silenced)."""
    return ()
