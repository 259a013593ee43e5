"""What encrypting or decrypting many files did: per file, and for the batch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from cfgtool.crypto.keys import Mode, Status


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one input file. ``status``: ``ok``, ``refused`` (wrong key,
    not encrypted, lint errors: exit 1) or ``error`` (unreadable, no key: exit 2)."""

    source: str
    status: Status
    mode: Mode | None = None
    output: str | None = None
    security_file: str | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "mode": self.mode,
            "output": self.output,
            "security_file": self.security_file,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The outcome of :func:`encrypt_paths` or :func:`decrypt_paths`.

    Files are written only when every input succeeded (``written``); keys are
    never part of it, except ``phone_config`` when it was asked for.
    """

    command: Literal["encrypt", "decrypt"]
    out_dir: str
    files: tuple[FileResult, ...]
    written: bool
    mode: Mode | None = None
    keys_file: str | None = None
    warnings: tuple[str, ...] = ()
    phone_config: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """0 all done, 2 when a file had an error, 1 when a file was refused."""
        statuses = {result.status for result in self.files}
        return 2 if "error" in statuses else 1 if "refused" in statuses else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "out_dir": self.out_dir,
            "mode": self.mode,
            "written": self.written,
            "exit_code": self.exit_code,
            "keys_file": self.keys_file,
            "warnings": list(self.warnings),
            "phone_config": list(self.phone_config),
            "files": [result.to_dict() for result in self.files],
        }
