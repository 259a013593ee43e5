"""A key set more than once in one file.

The phone applies the lines in order, so the last one wins and the earlier
ones are dead text that misleads the next reader: an error when the values
differ (the message says which line wins), a warning when they are the same.
``security.user_password`` and ``static.security.user_password`` take
``user:password`` once per user (``admin``, ``user``, ``var``), so they count
as duplicates only when the same user appears twice.

Failing example::

    #!version:1.0.0.1
    account.1.label = Reception
    account.1.label = Front desk

Passing example::

    #!version:1.0.0.1
    account.1.label = Front desk
    security.user_password = admin:Adm1n-pw
    security.user_password = user:Us3r-pw
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import PER_USER_KEYS
from cfgtool.masking import mask_value
from cfgtool.nodes import Document, Entry

CODE = "CFG105"
NAME = "duplicate-key"
SEVERITY: Severity = "error"
SUMMARY = "a key set twice (error when the values differ, warning when identical)"
TRIGGERS = ("repeated",)


def _identity(entry: Entry) -> tuple[str, str | None]:
    if entry.key in PER_USER_KEYS:
        user, colon, _ = entry.value.partition(":")
        if colon:
            return entry.key, user.strip(" \t")
    return entry.key, None


def _shown(entry: Entry) -> str:
    return repr(mask_value(entry.key, entry.value))


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    entries = facts(doc, context).entries
    if len({entry.key for entry in entries}) == len(entries):
        return  # the usual case: no key twice
    seen: dict[tuple[str, str | None], list[Entry]] = {}
    repeated: list[tuple[str, str | None]] = []
    for node in entries:
        identity = _identity(node)
        group = seen.get(identity)
        if group is None:
            seen[identity] = [node]
        else:
            if len(group) == 1:
                repeated.append(identity)
            group.append(node)
    findings: list[Problem] = []
    for identity in repeated:
        group = seen[identity]
        last = group[-1]
        subject = f"{identity[0]} for user {identity[1]!r}" if identity[1] else identity[0]
        for position, entry in enumerate(group[1:], start=1):
            earlier = group[:position]
            first = earlier[0]
            if all(other.value == entry.value for other in earlier):
                findings.append(
                    context.problem(
                        entry,
                        f"{subject} is set again to the same value (first on line {first.line})",
                        column=entry.key_column,
                        severity="warning",
                        hint="delete one of the lines",
                    )
                )
                continue
            if entry is last:
                winner = "this line wins"
            else:
                winner = f"line {last.line} wins with {_shown(last)}"
            findings.append(
                context.problem(
                    entry,
                    f"{subject} is set again, to {_shown(entry)} (line {first.line} sets "
                    f"{_shown(first)}); the phone keeps the last value: {winner}",
                    column=entry.key_column,
                    hint="keep one line with the value you want",
                )
            )
    findings.sort(key=lambda d: d.line)
    yield from findings
