"""Two files for the same phone in one provisioning tree.

Phones request their MAC file in lower case from one directory, so of
``0015651130F9.cfg`` and ``0015651130f9.cfg``, or of ``T46G/0015651130f9.cfg``
and ``T48G/0015651130f9.cfg``, only one is ever read and the other silently
holds settings nobody gets. Reported on every file but the first (correctly
named files first, then by path); MAC and MAC-local files are counted
separately. A tree check: runs when ``cfgtool validate`` is given a directory.

Failing example (tree: T48G/0015651130f9.cfg, T46G/0015651130f9.cfg)::

    #!version:1.0.0.1
    account.1.enable = 1

Passing example (tree: T46G/0015651130f9.cfg)::

    #!version:1.0.0.1
    account.1.enable = 1
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.nodes import Document
from cfgtool.provisioning import file_view

CODE = "CFG309"
NAME = "duplicate-phone"
SEVERITY: Severity = "error"
SUMMARY = "two files for the same phone (MAC letter case variants, or two model directories)"
SCOPE = "model"


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    view = file_view(context)
    if view is None or not view.tree.checks or view.name.mac is None:
        return
    paths = view.tree.phones.get((view.name.mac, view.name.kind), ())
    if len(paths) < 2 or paths[0] == view.relative:
        return
    others = [path for path in paths if path != view.relative]
    yield context.problem(
        1,
        f"another file is for the same phone {view.name.mac}: {', '.join(others)}; "
        "the phone reads only one of them",
        hint=f"merge the settings into {paths[0]} and delete this file",
    )
