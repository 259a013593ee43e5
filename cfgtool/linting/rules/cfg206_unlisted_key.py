"""A key that is not in the parameter catalog, and that no known key is near to.

The catalog lists the keys of public provisioning templates (about 2,300
patterns); Yealink's firmware knows more, and each new release adds some. A
key with dotted segments that is neither in the catalog nor near a key that
is (see CFG201 and CFG204) is most likely one of those, or a key of the
site's own: nothing suggests a slip. So this is an info, not a warning. Add
the keys your phones use to ``extend-known-keys`` in the configuration; to
hold every key to the catalog, set this rule to ``warning`` or ``error``
(``CFG206 = "warning"``).

Failing example::

    #!version:1.0.0.1
    custom.site.building = 3

Passing example::

    #!version:1.0.0.1
    account.1.label = Reception
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._misspelling import misspelling, near_suggestion, shown_key
from cfgtool.nodes import Document

CODE = "CFG206"
NAME = "unlisted-key"
SEVERITY: Severity = "info"
SUMMARY = "a key the parameter catalog does not know, and no known key is near to"
TRIGGERS = ("unknown",)


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node in facts(doc, context).unknown:
        key = node.key
        if "." not in key or misspelling(key) is not None or near_suggestion(key) is not None:
            continue  # CFG201, CFG204
        yield context.problem(
            node,
            f"key {shown_key(key)!r} is not in the catalog, and no known key is near it"
            " (newer firmware, or a key of your own?)",
            column=node.key_column,
            end_column=node.key_column + len(key) - 1,
            hint="if your phones use it, add it to extend-known-keys in the configuration",
        )
