"""A key that is not in the parameter catalog, near a key that is (did you mean ...?).

The phone ignores settings it does not know, without a word, so a misspelled
key is a setting that silently never happens. Index numbers match the
catalog's ``X`` (``account.3.label`` is ``account.X.label``). This rule takes
the unknown keys that a known key is near to: the same segments but for a few
alike ones, or one segment missing; the message names that key. This is a
warning: the public catalog lags behind new firmware, so add site-specific or
newer keys to ``extend-known-keys`` in the configuration. A key one slip away
from a common key is CFG204 (error); an unknown key with dotted segments that
no known key is near to is CFG206 (info).

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
from cfgtool.linting.rules._misspelling import misspelling, near_suggestion, shown_key
from cfgtool.nodes import Document

CODE = "CFG201"
NAME = "unknown-key"
SEVERITY: Severity = "warning"
SUMMARY = "a key the parameter catalog does not know, near one it does (did you mean ...?)"
TRIGGERS = ("unknown",)


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node in facts(doc, context).unknown:
        key = node.key
        suggestion = near_suggestion(key)
        if suggestion is not None:
            message = f"unknown key {shown_key(key)!r}; did you mean {suggestion}?"
        elif "." not in key and misspelling(key) is None:
            message = (
                f"unknown key {shown_key(key)!r}: the keys of the 'key = value' format"
                " have dotted segments (a setting of the v6x '[ section ]' layout?)"
            )
        else:
            continue  # CFG204 (a misspelling) or CFG206 (nothing near)
        yield context.problem(
            node,
            message,
            column=node.key_column,
            end_column=node.key_column + len(key) - 1,
            hint="fix the spelling, or add the key to extend-known-keys if your phones use it",
        )
