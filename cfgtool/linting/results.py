"""What linting or formatting did to one file: the engine's and ``fmt``'s common result."""

from __future__ import annotations

from dataclasses import dataclass, field

from cfgtool.diagnostics import Diagnostic


@dataclass
class FileResult:
    """The outcome for one file.

    ``diagnostics`` are those left after ``--fix``; ``changed`` says the fixes
    changed the file (written, unless ``--diff``); ``diff`` is the unified diff
    for ``--diff``; ``output`` the resulting text for standard input with
    ``--fix``; ``error`` a message when the file could not be read or written.
    """

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    changed: bool = False
    diff: str = ""
    output: str | None = None
    error: str | None = None
