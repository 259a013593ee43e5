"""A resource file the configuration points into the tree for, that is not there.

Settings such as ``firmware.url`` (``.rom``), ``ringtone.url``,
``auto_dst.url`` (``AutoDST.xml``), ``dialplan_replace_rule.url``
(``dialplan.xml``), ``dialplan_dialnow.url`` (``dialnow.xml``),
``gui_lang.url``/``wui_lang.url`` (language packs),
``local_contact.data.url`` (``contact.xml``), ``lcd_logo.url`` and
``wallpaper_upload.url`` make the phone download a file. When the URL points
into the tree being checked (a relative path, resolved from the file's
directory, or a URL under ``--server-url``), the file must exist there,
otherwise the download fails at every provisioning. A tree check: runs when
``cfgtool validate`` is given a directory.

Failing example (tree: y000000000028.cfg)::

    #!version:1.0.0.1
    static.firmware.url = fw/28.83.0.50.rom

Passing example (tree: y000000000028.cfg, fw/28.83.0.50.rom)::

    #!version:1.0.0.1
    static.firmware.url = fw/28.83.0.50.rom
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.format import EMPTY_VALUES
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.nodes import Document, Entry
from cfgtool.provisioning import file_view, resource_kind, tree_file, tree_target

CODE = "CFG311"
NAME = "missing-resource-file"
SEVERITY: Severity = "error"
SUMMARY = "a firmware, ring tone, XML or image URL into the tree whose file does not exist"
SCOPE = "model"


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    view = file_view(context)
    if view is None or not view.tree.checks or context.template:
        return
    for node in doc.items:
        if type(node) is not Entry or not node.key.endswith("url") or node.value in EMPTY_VALUES:
            continue
        kind = resource_kind(node.key)
        if kind is None:
            continue
        target = tree_target(view, node.value)
        if target is None or os.path.isfile(tree_file(view, target)):
            continue
        path = tree_file(view, target)
        yield context.value_problem(
            node,
            f"{node.key}: the {kind} {path} does not exist, so the phone's download will fail",
            hint=f"put the {kind} at {path}, or correct the URL",
        )
