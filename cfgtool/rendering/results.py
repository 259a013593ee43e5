"""What a batch did: one :class:`Phone` per rendered file, and the :class:`BatchResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cfgtool.rendering.template import RowProblem, Status


@dataclass(frozen=True, slots=True)
class Phone:
    """One rendered phone file. ``path`` is relative to the output directory.

    ``status``: ``written`` or ``unchanged``; in a dry run ``new``, ``changed``
    or ``unchanged``.
    """

    mac: str
    model: str | None
    path: str
    md5: str
    status: Status


@dataclass
class BatchResult:
    """What :func:`render_batch` did or, in a dry run, would do."""

    out_dir: str
    rows: int = 0
    phones: list[Phone] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # Lint warnings of the files written (an invisible character from a cell...).
    warnings: list[RowProblem] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    manifest: str | None = None
    dry_run: bool = False
    wrote_nothing: bool = False

    @property
    def failed_rows(self) -> list[int]:
        """The inventory rows that were refused."""
        return sorted({problem.row for problem in self.problems})

    @property
    def written(self) -> list[Phone]:
        """Files written (in a dry run: that would be written)."""
        return [phone for phone in self.phones if phone.status != "unchanged"]

    @property
    def unchanged(self) -> list[Phone]:
        return [phone for phone in self.phones if phone.status == "unchanged"]

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data (``cfgtool render --format json``)."""
        return {
            "out_dir": self.out_dir,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "written": len(self.written),
            "unchanged": len(self.unchanged),
            "failed": len(self.failed_rows),
            "wrote_nothing": self.wrote_nothing,
            "stale": self.stale,
            "pruned": self.pruned,
            "manifest": self.manifest,
            "problems": [problem.to_dict() for problem in self.problems],
            "warnings": [warning.to_dict() for warning in self.warnings],
            "files": [
                {"mac": p.mac, "model": p.model, "file": p.path, "md5": p.md5, "status": p.status}
                for p in self.phones
            ],
        }
