"""A key one slip away from a common catalog key.

One wrong, missing, extra or swapped letter (``ccount.1.expires``,
``account.1.sip_server.1.adress``), a missing index
(``expansion_module.key.1.type`` for ``expansion_module.1.key.1.type``), a
stray or missing ``static.`` prefix, or a doubled index segment. Such keys
appear even in public templates, and the phone ignores them. An error,
because the intended key is clear. Other unknown keys, including ones that
differ from a known key only in letter case (public sources spell some keys
both ways), are CFG201.

Failing example::

    #!version:1.0.0.1
    ccount.1.expires = 3600

Passing example::

    #!version:1.0.0.1
    account.1.expires = 3600
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._misspelling import misspelling
from cfgtool.nodes import Document

CODE = "CFG204"
NAME = "misspelled-key"
SEVERITY: Severity = "error"
SUMMARY = "a key one slip away from a common catalog key (ccount.1.expires)"
TRIGGERS = ("unknown",)


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node in facts(doc, context).unknown:
        key = node.key
        found = misspelling(key)
        if found is None:
            continue
        yield context.problem(
            node,
            f"{key!r} is not a key; did you mean {found.meant}? ({found.slip})",
            column=node.key_column,
            end_column=node.key_column + len(key) - 1,
            hint=f"write {found.meant}",
        )
