"""A pasted shell prompt or command.

Files assembled from a terminal session or a how-to page pick up lines such as
``$ cat y000000000028.cfg``, ``root@pbx:~# tftp ...`` or a setting copied with
its prompt (``$ account.1.enable = 1``, whose key the phone never matches).
Lines that start with ``#`` are comments, so ``# `` prompts are not reported.

Failing example::

    #!version:1.0.0.1
    $ cat /tftpboot/0015651130f9.cfg
    $ account.1.enable = 1

Passing example::

    #!version:1.0.0.1
    account.1.enable = 1
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import PASTED_SHELL
from cfgtool.nodes import Document, Entry, Invalid

CODE = "CFG110"
NAME = "pasted-shell"
SEVERITY: Severity = "error"
SUMMARY = "a shell prompt or command pasted into the file ('$ ...', 'user@host:~# ...')"
OWNS = (PASTED_SHELL,)  # one mistake, one diagnostic: see rules/_shared.py
TRIGGERS = ("invalid", "keys")


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    found = facts(doc, context)
    lines = [node for node, owner in found.invalid if owner in OWNS]
    keys = [node for node, owner in found.keys if owner in OWNS]
    flagged: list[Invalid | Entry] = [*lines, *keys]
    for node in sorted(flagged, key=lambda node: node.line):
        if isinstance(node, Entry):
            yield context.problem(
                node,
                f"the key {node.key!r} starts with a pasted shell prompt or command",
                column=node.key_column,
                hint="remove the prompt so that the line starts with the key",
            )
        else:
            yield context.problem(
                node,
                f"a pasted shell prompt or command: {node.raw.strip()[:40]!r}",
                column=node.column,
                hint="delete the line",
            )
