"""A fragment of template syntax: half a placeholder, a stray ``}}`` or ``{$``.

A template edited by hand, or a merge of two templates, can leave a lone
``}}``, ``{{``, ``{%``, ``%}``, ``{$`` or ``${`` behind, in a value or on a
line of its own. The phone takes the fragment literally. Passwords and AES
keys may contain these characters, so there only a fragment next to a name
and a space (``{{ password``) counts.

Failing example::

    #!version:1.0.0.1
    account.1.label = Reception }}
    }}

Passing example::

    #!version:1.0.0.1
    account.1.label = Reception
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import TEMPLATE_LEFTOVER, leftover_fragment
from cfgtool.masking import is_secret_key
from cfgtool.nodes import Document, Entry, Invalid

CODE = "CFG502"
NAME = "template-leftover"
SEVERITY: Severity = "error"
SUMMARY = "a stray template fragment ('}}', '{{', '{%', '%}', '{$', '${')"
OWNS = (TEMPLATE_LEFTOVER,)  # one mistake, one diagnostic: see rules/_shared.py
TRIGGERS = ("invalid", "keys", "values")

_HINT = "finish or remove the template syntax"


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    found = facts(doc, context)
    flagged: list[tuple[Entry | Invalid, str]] = [
        *[(node, "line") for node, owner in found.invalid if owner in OWNS],
        *[(node, "key") for node, owner in found.keys if owner in OWNS],
        *[(node, "value") for node, owner in found.values if owner in OWNS],
    ]
    for node, where in sorted(flagged, key=lambda item: item[0].line):
        if isinstance(node, Entry) and where == "key":
            match = leftover_fragment(node.key)
            offset = match.start() if match else 0
            yield context.problem(
                node,
                f"stray template fragment {match.group() if match else ''!r} in the key",
                column=node.key_column + offset,
                hint=_HINT,
            )
        elif isinstance(node, Entry):
            match = leftover_fragment(node.value, secret=is_secret_key(node.key))
            if match is None:
                continue
            if context.template and ("{{" in node.value or "}}" in node.value):
                continue  # in a template, the renderer's checks (CFG501) cover {{ }}
            shown = "" if is_secret_key(node.key) else f" {match.group()!r}"
            yield context.problem(
                node,
                f"stray template fragment{shown} in the value of {node.key}",
                column=node.value_column + match.start(),
                hint=_HINT,
            )
        else:
            yield context.problem(
                node,
                f"a line with a stray template fragment: {node.raw.strip()[:40]!r}",
                column=node.column,
                hint=_HINT,
            )
