"""Phone uploads: ``<mac>-local.cfg`` and ``<mac>-contact.xml`` only, atomic, nothing lost.

A phone with ``auto_provision.custom.sync = 1`` uploads its ``<mac>-local.cfg``
(HTTP PUT, FTP STOR, TFTP write); ``<mac>-contact.xml`` is its local
directory. The rules, the same for every protocol:

* the name is one of those two, with 12 lowercase hex digits;
* when the client says its MAC (the User-Agent), it is the MAC of the name;
* at most ``max_upload`` bytes (1 MiB by default), else 413;
* written atomically under ``--uploads`` (same sub-directory as in the
  request, created if missing) or, by default, next to the phone's files;
* the previous version is kept as ``<name>.<UTC time>.bak`` (for example
  ``0015651130f9-local.cfg.20261201T091500Z.bak``) — nothing a phone
  uploaded is ever lost; an identical upload writes nothing;
* an uploaded ``-local.cfg`` is linted and the findings are logged.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import cfgtool
from cfgtool.errors import CfgError
from cfgtool.fsutil import atomic_write_bytes
from cfgtool.linting.config import config_for
from cfgtool.server.paths import Refusal, upload_target
from cfgtool.server.requestlog import Record

UPLOAD_NAME = re.compile(r"([0-9a-f]{12})-(?:local\.cfg|contact\.xml)")
MAX_FINDINGS = 50


@dataclass(frozen=True)
class Stored:
    """What an upload did: the file, the previous version kept (if any), lint findings."""

    path: Path
    md5: str
    size: int
    previous: Path | None
    unchanged: bool
    findings: list[str] = field(default_factory=list)

    def details(self) -> dict[str, object]:
        return {
            "stored": str(self.path),
            "previous": str(self.previous) if self.previous else None,
            "unchanged": self.unchanged,
            "lint": self.findings,
        }


def upload_mac(parts: tuple[str, ...], agent_mac: str | None) -> str:
    """The MAC of an allowed upload name; :class:`Refusal` (403) for anything else."""
    name = parts[-1] if parts else ""
    match = UPLOAD_NAME.fullmatch(name)
    if match is None:
        raise Refusal(403, "uploads are <mac>-local.cfg and <mac>-contact.xml only")
    if agent_mac is not None and agent_mac != match.group(1):
        raise Refusal(403, f"the User-Agent's MAC {agent_mac} is not the file's {match.group(1)}")
    return match.group(1)


def _backup_name(target: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = target.with_name(f"{target.name}.{stamp}.bak")
    counter = 1
    while candidate.exists():
        candidate = target.with_name(f"{target.name}.{stamp}-{counter}.bak")
        counter += 1
    return candidate


def _lint(path: Path, data: bytes) -> list[str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ["not UTF-8 text: the phone will not read this file"]
    try:
        doc = cfgtool.loads(text, filename=str(path))
        found = cfgtool.lint(doc, config_for(path))
    except CfgError as exc:
        return [str(exc)]
    return [f"{d.line}:{d.column}: {d.code} {d.severity}: {d.message}" for d in found][
        :MAX_FINDINGS
    ]


class UploadBuffer(io.RawIOBase):
    """An FTP or TFTP upload collected in memory: its record, its name, at most ``limit`` bytes."""

    def __init__(self, record: Record, parts: tuple[str, ...], name: str, limit: int) -> None:
        self.record = record
        self.parts = parts
        self.name = name
        self.limit = limit
        self.buffer = bytearray()
        self.too_big = False

    def writable(self) -> bool:
        return True

    def take(self, chunk: bytes) -> bool:
        """Add ``chunk``; False (and ``too_big``) when it would pass the limit."""
        if len(self.buffer) + len(chunk) > self.limit:
            self.too_big = True
            return False
        self.buffer += chunk
        return True


class UploadStore:
    """Stores uploads under ``base`` (``--uploads``, or ROOT)."""

    def __init__(self, base: Path, max_size: int, *, create: bool) -> None:
        self.base = base
        self.max_size = max_size
        self.create = create
        if create:
            base.mkdir(parents=True, exist_ok=True)

    def target(self, parts: tuple[str, ...]) -> Path:
        return upload_target(self.base, parts, create=self.create)

    def too_large(self) -> Refusal:
        """The refusal (413) of an upload larger than ``max_size``."""
        return Refusal(413, f"upload larger than {self.max_size} bytes")

    def store(self, parts: tuple[str, ...], data: bytes) -> Stored:
        """Write ``data`` for the (already checked) name ``parts``."""
        if len(data) > self.max_size:
            raise self.too_large()
        target = self.target(parts)
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        findings = _lint(target, data) if target.name.endswith("-local.cfg") else []
        previous: Path | None = None
        if target.exists():
            if target.read_bytes() == data:
                return Stored(target, md5, len(data), None, True, findings)
            previous = _backup_name(target)
            try:
                os.link(target, previous)
            except OSError:
                shutil.copy2(target, previous)
        try:
            # A new upload may hold the phone's passwords: not world-readable; a replaced one
            # keeps its mode.
            atomic_write_bytes(target, data, mode=None if previous else 0o640)
        except CfgError as exc:
            raise Refusal(500, str(exc)) from None
        return Stored(target, md5, len(data), previous, False, findings)
