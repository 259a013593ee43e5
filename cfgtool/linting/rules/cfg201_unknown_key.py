"""A key that is not in the parameter catalog.

The phone ignores settings it does not know, without a word, so a misspelled
key is a setting that silently never happens. Index numbers match the
catalog's ``X`` (``account.3.label`` is ``account.X.label``) and the message
names the closest known key. This is a warning: the public catalog lags behind
new firmware, so add site-specific or newer keys to ``extend-known-keys`` in
the configuration. A key one slip away from a common key is CFG204 (error).

Failing example::

    #!version:1.0.0.1
    account.1.sip_server.1.server_address = pbx.example.com

Passing example::

    #!version:1.0.0.1
    account.1.sip_server.1.address = pbx.example.com
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._misspelling import misspelling
from cfgtool.nodes import Document

CODE = "CFG201"
NAME = "unknown-key"
SEVERITY: Severity = "warning"
SUMMARY = "a key the parameter catalog does not know (did you mean ...?)"
TRIGGERS = ("unknown",)


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    catalog = context.catalog
    for node in facts(doc, context).unknown:
        key = node.key
        if misspelling(key) is not None:
            continue  # CFG204
        suggestion = catalog.suggest(key)
        message = f"unknown key {key!r}"
        if suggestion:
            message += f"; did you mean {suggestion}?"
        yield context.problem(
            node,
            message,
            column=node.key_column,
            end_column=node.key_column + len(key) - 1,
            hint="fix the spelling, or add the key to extend-known-keys if your phones use it",
        )
