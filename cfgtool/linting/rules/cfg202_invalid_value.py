"""A value that the key's catalog type does not allow.

An **error** only where the phone certainly cannot read the value: the type
comes from a typed settings model and the value cannot be of it (a boolean
that is not ``0``/``1``, an integer that is not a number), or a URL has a
scheme other than tftp, ftp, http or https (a bare host or IP is fine: phones
then use TFTP). A **warning** for everything less certain: values outside a
listed integer range, and types inferred from public files. Only an **info** for
a value missing from an enumeration: those lists come from public projects and
are open by nature (real phones take time zones, ring tones and languages they
lack); closed types (bool, integer range, IP, URL) keep their severity.
``%NULL%`` and the empty value are valid for every key. The format has no
inline comments: ``1 # on`` is the value.

Failing example::

    #!version:1.0.0.1
    account.1.enable = yes
    static.firmware.url = smb://files.example.com/fw.rom

Passing example::

    #!version:1.0.0.1
    account.1.enable = 1
    static.firmware.url = https://prov.example.com/fw/28.83.0.35.rom
    account.2.enable = %NULL%
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.catalog import Param, ValueProblem, check_value
from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._shared import facts
from cfgtool.masking import is_secret_key
from cfgtool.nodes import Document

CODE = "CFG202"
NAME = "invalid-value"
SEVERITY: Severity = "error"
SUMMARY = "a value the key's type does not allow (error when certain; outside a public list: info)"

# Typed values repeat across files ("1", "5060", "English"): remember each verdict.
_VERDICTS: dict[tuple[str, str], ValueProblem | None] = {}
_VERDICTS_LIMIT = 200_000
_UNSEEN = object()


def _verdict(param: Param, value: str) -> ValueProblem | None:
    memo = (param.key, value)
    problem = _VERDICTS.get(memo, _UNSEEN)
    if problem is not _UNSEEN:
        return problem  # type: ignore[return-value]
    problem = check_value(param, value)
    if len(_VERDICTS) < _VERDICTS_LIMIT:
        _VERDICTS[memo] = problem
    return problem


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node, param in facts(doc, context).typed:
        problem = _verdict(param, node.value)
        if problem is None:
            continue
        if is_secret_key(node.key):
            message = f"the value of {node.key} is not {problem.expected}"
        else:
            message = f"{node.key}: {problem.message}"
        hint = f"use {problem.expected}"
        if " #" in node.value:
            hint = "the format has no inline comments: move the comment to its own '#' line"
        yield context.value_problem(
            node,
            message,
            severity=problem.severity,
            hint=hint,
        )
