"""Option values as the commands use them, without click (the plain lint path imports none)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from cfgtool.reading import read_stream


def split_codes(values: Sequence[str]) -> tuple[str, ...]:
    """``--select``/``--ignore`` values, each possibly comma-separated, as single codes."""
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def read_stdin() -> bytes:
    """All of standard input, as bytes (``-`` as a path), at most the maximum file size."""
    return read_stream(sys.stdin.buffer)
