"""An ``account.N`` setting beyond the phone model's number of accounts.

Each model has a fixed number of SIP accounts (``cfgtool models``): a T42G
has 12, a T40P 3, a T19(P) E2 one. The phone ignores ``account.N.*`` for N
outside 1..accounts, so the line registers nothing. Runs under
``cfgtool validate`` when the model is known.

Failing example (file T42G/0015651130f9.cfg)::

    #!version:1.0.0.1
    account.13.enable = 1

Passing example (file T42G/0015651130f9.cfg)::

    #!version:1.0.0.1
    account.12.enable = 1
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.nodes import Document, Entry
from cfgtool.provisioning import model_of

CODE = "CFG302"
NAME = "account-out-of-range"
SEVERITY: Severity = "error"
SUMMARY = "account.N with N outside 1..the model's account count"
SCOPE = "model"

_PREFIX = "account."


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    model = None
    count = 0
    for node in doc.items:
        if type(node) is not Entry:
            continue
        index = _INDEXES.get(node.key, _MISSING)
        if index is _MISSING:
            index = _account_index(node.key)
        if index is None:
            continue
        if model is None:
            model = model_of(doc, context)
            if model is None or model.accounts is None:
                return
            count = model.accounts
        if 1 <= index <= count:
            continue
        accounts = "1 account" if count == 1 else f"{count} accounts"
        allowed = "account.1" if count == 1 else f"account.1 to account.{count}"
        yield context.problem(
            node,
            f"account.{index} is out of range: the {model.name} has {accounts} ({allowed}), "
            "so the phone ignores this setting",
            column=node.key_column,
            end_column=node.key_column + len(_PREFIX) + len(str(index)) - 1,
            hint=f"use an account number from 1 to {count}, or check the phone model",
        )


_MISSING = -1
_INDEXES: dict[str, int | None] = {}  # key -> its account number; files repeat keys


def _account_index(key: str) -> int | None:
    index = None
    if key.startswith(_PREFIX):
        segment = key.split(".", 2)[1]
        if segment.isdigit() and segment.isascii():
            index = int(segment)
    if len(_INDEXES) < 100_000:
        _INDEXES[key] = index
    return index
