"""A MAC file whose phone model's Common file is not where the phone looks for it.

A phone reads its model's Common file ``y0000000000XX.cfg`` from the same
directory as its ``<mac>.cfg`` (in the ``$PN`` layout, its model directory;
otherwise that directory or the tree root). If it is missing, every
model-wide setting is silently skipped. In a ``$PN`` directory the
directory's model decides, so a T40P directory holding the T41P's Common
file is reported. The all-models ``y000000000000.cfg`` counts as present.
A tree check: runs when ``cfgtool validate`` is given a directory.

Failing example (tree: T46G/0015651130f9.cfg)::

    #!version:1.0.0.1
    account.1.enable = 1

Passing example (tree: T46G/0015651130f9.cfg, T46G/y000000000028.cfg)::

    #!version:1.0.0.1
    account.1.enable = 1
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from cfgtool.catalog import all_models_common_file
from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.nodes import Document
from cfgtool.provisioning import (
    ProvisioningTree,
    TreeDirectory,
    common_search_directories,
    file_view,
    model_for_common_file,
    model_of,
)

CODE = "CFG308"
NAME = "missing-common-file"
SEVERITY: Severity = "error"
SUMMARY = "a MAC file without its model's Common file in the directory the phone reads"
SCOPE = "model"


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    view = file_view(context)
    if view is None or not view.tree.checks or view.name.kind != "mac" or context.template:
        return
    directory = view.directory
    present, where = _around(view.tree, directory)
    mac_name = view.name.name
    if all_models_common_file() in present:
        return
    model = context.model if view.model_source == "--model" else None
    model = model or directory.pn_model or model_of(doc, context)
    if model is None:
        if not present:
            yield context.problem(
                1,
                f"no Common file in {where}: phones read their model's y0000000000XX.cfg "
                f"before {mac_name}",
                hint="add the model's Common file (see `cfgtool models`) or y000000000000.cfg",
            )
        return
    needed = model.common_file
    if needed is None or needed in present:
        return
    notes = []
    for name in sorted(present):
        if name.lower() == needed:
            notes.append(f"{name} there differs in letter case")
        else:
            owner = model_for_common_file(name)
            notes.append(f"{name} there is for the {owner.name if owner else 'unknown model'}")
    note = f" ({'; '.join(notes)})" if notes else ""
    yield context.problem(
        1,
        f"{model.name} phones read {needed} before {mac_name}, but it is not in {where}{note}",
        hint=f"add {needed} to {where}",
    )


def _around(tree: ProvisioningTree, directory: TreeDirectory) -> tuple[frozenset[str], str]:
    """The Common files a phone in ``directory`` finds, and the directory as the user wrote
    it: the same for every MAC file there (remembered while the tree is the same)."""
    memo = (id(tree), directory.relative)
    known = _AROUND.get(memo)
    if known is not None and known[0] is tree:
        return known[1], known[2]
    places = common_search_directories(tree, directory)
    present = frozenset(name for place in places for name in tree.directory(place).commons)
    where = _label(tree.root, directory.relative)
    if len(_AROUND) >= 4096:
        _AROUND.clear()
    _AROUND[memo] = (tree, present, where)
    return present, where


_AROUND: dict[tuple[int, str], tuple[ProvisioningTree, frozenset[str], str]] = {}


def _label(root: str, relative: str) -> str:
    return os.path.join(root, *relative.split("/")) if relative else root
