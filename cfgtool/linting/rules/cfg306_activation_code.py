"""An activation-code provisioning entry the phone cannot use.

``autoprovision.N.*`` sets up provisioning on demand: the user dials the
activation code ``autoprovision.N.code`` and the phone provisions from
``autoprovision.N.url``. N runs from 1 to 50; a code is made of digits,
``#`` and ``*`` only, at most 32 characters, and two entries cannot share a
code (the phone would only ever use one of them). Runs under ``cfgtool validate``.

Failing example::

    #!version:1.0.0.1
    autoprovision.1.code = *99
    autoprovision.2.code = *99
    autoprovision.51.code = 12ab

Passing example::

    #!version:1.0.0.1
    autoprovision.1.code = *99
    autoprovision.2.code = *98#
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.format import EMPTY_VALUES
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._shared import value_owner
from cfgtool.nodes import Document, Entry

CODE = "CFG306"
NAME = "activation-code"
SEVERITY: Severity = "error"
SUMMARY = "autoprovision.N with N outside 1..50, or a code that is not digits/#/* or repeats"
SCOPE = "model"

_KEY = re.compile(r"(?:static\.)?autoprovision\.([0-9]+)\.(\w+)")
_CODE_VALUE = re.compile(r"[0-9#*]+")
FIRST, LAST = 1, 50
MAX_CODE_LENGTH = 32


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    codes: dict[str, Entry] = {}  # index -> its last `.code` line
    for node in doc.items:
        if type(node) is not Entry or "autoprovision" not in node.key:
            continue
        match = _KEY.fullmatch(node.key)
        if match is None:
            continue
        index, field = match.group(1), match.group(2)
        if not FIRST <= int(index) <= LAST:
            yield context.problem(
                node,
                f"{node.key}: activation-code entries are numbered {FIRST} to {LAST}, "
                f"so the phone ignores entry {index}",
                column=node.key_column,
                end_column=node.key_column + len(node.key) - 1,
                hint=f"renumber it to an unused index from {FIRST} to {LAST}",
            )
            continue
        if field != "code" or node.value in EMPTY_VALUES:
            continue
        if value_owner(node, context.extra_known_keys) is not None:
            continue
        problem = _code_problem(node.value)
        if problem:
            yield context.value_problem(
                node,
                f"{node.key}: {problem}",
                hint="use digits, # and * only, at most 32 characters (e.g. *99#)",
            )
        codes[index] = node
    yield from _repeated(codes, context)


def _code_problem(value: str) -> str | None:
    if not _CODE_VALUE.fullmatch(value):
        bad = next(char for char in value if char not in "0123456789#*")
        return f"{bad!r} cannot be dialled as part of an activation code"
    if len(value) > MAX_CODE_LENGTH:
        return f"the code has {len(value)} characters, more than {MAX_CODE_LENGTH}"
    return None


def _repeated(codes: dict[str, Entry], context: LintContext) -> Iterator[Problem]:
    first: dict[str, Entry] = {}
    for entry in sorted(codes.values(), key=lambda e: e.line):
        earlier = first.setdefault(entry.value, entry)
        if earlier is entry:
            continue
        yield context.problem(
            entry,
            f"{entry.key} repeats the code {entry.value} of {earlier.key} (line {earlier.line}); "
            "dialling it starts only one of them",
            column=entry.value_column,
            end_column=entry.value_end_column - 1,
            hint="give each activation-code entry its own code",
        )
