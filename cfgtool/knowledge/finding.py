"""The one result type of the knowledge checks: what is wrong, how sure, and the fix."""

from __future__ import annotations

from typing import Literal, NamedTuple

Grade = Literal["error", "warning", "info"]


class Finding(NamedTuple):
    """One problem a knowledge check found.

    ``grade`` is ``error`` for closed facts (the phone cannot read the value),
    ``warning`` for open ones (public lists lag behind firmware) and ``info`` for
    facts correct real files contradict. ``expected`` says what would be valid;
    ``fix`` is the replacement text when one is certain (a value or a key).
    """

    grade: Grade
    message: str
    expected: str
    fix: str | None = None
