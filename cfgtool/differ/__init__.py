"""Semantic diff of settings: two files, two phones' effective configurations, two trees.

A text diff of provisioning files is noise: phones apply the *last* value of each
key and ignore order, spacing, comments and blank lines. This package compares
what phones apply::

    changes = cfgtool.diff(cfgtool.load("old.cfg"), cfgtool.load("new.cfg"))
    patched = apply_changes(cfgtool.load("old.cfg"), changes)   # settings now equal new.cfg's

- :mod:`~cfgtool.differ.settings`: :class:`Change`, :func:`diff`, :func:`apply_changes`.
- :mod:`~cfgtool.differ.tree`: :func:`diff_paths`, what ``cfgtool diff`` wraps: two
  files, or two provisioning trees compared file by file (MD5, as phones compare
  what they download) or, with ``effective=True``, phone by phone (Common, then
  MAC file, then MAC-local file).
- :mod:`~cfgtool.differ.output`: the text, JSON and unified output.
"""

from __future__ import annotations

from cfgtool.differ.output import Segment, text_lines, to_json, unified
from cfgtool.differ.settings import (
    Change,
    ChangeKind,
    RebootLookup,
    Status,
    apply_changes,
    diff,
    diff_settings,
    mark_reboot,
    mask_changes,
)
from cfgtool.differ.tree import DiffResult, FileDiff, PhoneDiff, diff_paths, diff_trees

__all__ = [
    "Change",
    "ChangeKind",
    "DiffResult",
    "FileDiff",
    "PhoneDiff",
    "RebootLookup",
    "Segment",
    "Status",
    "apply_changes",
    "diff",
    "diff_paths",
    "diff_settings",
    "diff_trees",
    "mark_reboot",
    "mask_changes",
    "text_lines",
    "to_json",
    "unified",
]
