"""A MAC-local file without the phone's MAC file next to it.

``<mac>-local.cfg`` holds what was changed on the phone itself and sits next
to its ``<mac>.cfg``. Without that file the phone is gone, was renamed, or
its MAC file has a typo (check ``cfgtool validate`` for CFG301 on it).
A tree check: runs when ``cfgtool validate`` is given a directory.

Failing example (tree: 0015651130f9-local.cfg)::

    #!version:1.0.0.1
    account.1.label = Reception

Passing example (tree: 0015651130f9-local.cfg, 0015651130f9.cfg)::

    #!version:1.0.0.1
    account.1.label = Reception
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.filenames import mac_filename
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.nodes import Document
from cfgtool.provisioning import file_view

CODE = "CFG310"
NAME = "orphan-local-file"
SEVERITY: Severity = "warning"
SUMMARY = "a <mac>-local.cfg without its <mac>.cfg in the same directory"
SCOPE = "model"


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    view = file_view(context)
    if view is None or not view.tree.checks or view.name.kind != "mac-local":
        return
    assert view.name.mac is not None
    wanted = mac_filename(view.name.mac)
    if wanted in view.directory.names:
        return
    yield context.problem(
        1,
        f"{view.name.name} has no {wanted} next to it: its phone is not provisioned from here",
        hint=f"add {wanted}, or delete this file if the phone is gone",
    )
