"""A ring tone that is not a ``.wav`` file.

Yealink phones play custom ring tones only in WAV format (the
auto-provisioning guide's troubleshooting list); an ``.mp3`` is downloaded
and then refused. Checked: ``ringtone.url``, and the ``Custom:`` file names
in ``phone_setting.ring_type`` and ``account.N.ringtone.ring_type``. When
``cfgtool validate`` checks a tree and the ring tone URL points into it, the
file must also start like a WAV file (``RIFF....WAVE``).

Failing example::

    #!version:1.0.0.1
    ringtone.url = http://prov.example.com/tones/office.mp3
    phone_setting.ring_type = Custom:office.mp3

Passing example::

    #!version:1.0.0.1
    ringtone.url = http://prov.example.com/tones/office.wav
    phone_setting.ring_type = Custom:office.wav
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.format import EMPTY_VALUES
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.nodes import Document, Entry
from cfgtool.provisioning import (
    RINGTONE_URL_KEY,
    FileView,
    file_view,
    tree_file,
    tree_target,
)
from cfgtool.reading import read_head

CODE = "CFG312"
NAME = "ringtone-not-wav"
SEVERITY: Severity = "error"
SUMMARY = "a ring tone that is not a .wav file (by name, or by content inside the tree)"
SCOPE = "model"

_RING_TYPE = re.compile(
    r"(?:static\.)?(?:phone_setting\.ring_type|account\.[0-9]+\.ringtone\.ring_type)"
)


def extension(name: str) -> str | None:
    """The lower-case extension of the file a URL or ``Custom:name`` value names, or None."""
    path = name.split("?", 1)[0].split("#", 1)[0]
    if "://" in path:
        path = path.split("://", 1)[1].partition("/")[2]  # not the host name
    last = path.rpartition("/")[2].rpartition(":")[2]
    stem, dot, ext = last.rpartition(".")
    return f".{ext.lower()}" if dot and stem and ext else None


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    view = file_view(context)
    for node in doc.items:
        if type(node) is not Entry or node.value in EMPTY_VALUES:
            continue
        if "ring" not in node.key:
            continue
        is_url = node.key.removeprefix("static.") == RINGTONE_URL_KEY
        if not is_url and not _RING_TYPE.fullmatch(node.key):
            continue
        ext = extension(node.value)
        if ext is not None and ext != ".wav":
            yield context.value_problem(
                node,
                f"{node.key}: phones play .wav ring tones only, not {ext}",
                hint="convert the ring tone to WAV and name it .wav",
            )
        elif is_url and view is not None and view.tree.checks:
            problem = _content_problem(view, node.value)
            if problem:
                yield context.value_problem(
                    node,
                    f"{node.key}: {problem}",
                    hint="convert the ring tone to WAV (PCM) and upload it again",
                )


def _content_problem(view: FileView, value: str) -> str | None:
    target = tree_target(view, value)
    if target is None:
        return None
    head = read_head(tree_file(view, target), 12)
    if head is None:
        return None  # a missing file is CFG311's; a FIFO or device is never opened
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return None
    return f"{target} is named like a WAV file but is not one (no RIFF/WAVE header)"
