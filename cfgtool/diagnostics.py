"""The single problem type every check in cfgtool reports."""

from __future__ import annotations

import operator
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a rule ``code`` at a 1-based ``line``/``column`` of ``path``.

    ``end_line``/``end_column`` close the range (inclusive end column, like
    editors show it); ``hint`` says what to change, when the rule knows.
    """

    code: str
    severity: Severity
    message: str
    path: str | None = None
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    hint: str | None = None

    def __reduce__(self) -> tuple[type[Diagnostic], tuple[Any, ...]]:
        # Rebuilt by the constructor when pickled (a fleet's worker processes send
        # thousands back): half the cost of the dataclass's own state.
        return (Diagnostic, _DIAGNOSTIC_FIELDS(self))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready mapping with every field."""
        return asdict(self)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path or "", self.line, self.column, self.code)


_DIAGNOSTIC_FIELDS = operator.attrgetter(*Diagnostic.__match_args__)
