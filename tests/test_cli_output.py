"""What several commands print alike (cfgtool.cli.output, cfgtool.cli.values helpers)."""

from __future__ import annotations

import io
import sys

import pytest

from cfgtool.cli.output import format_table, progress_bar
from cfgtool.cli.values import read_stdin, split_codes


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    with progress_bar() as progress:
        assert progress is None  # pytest's stderr is not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with progress_bar(enabled=False) as progress:
        assert progress is None
    with progress_bar() as progress:
        assert progress is not None
        progress("encrypting", 1, 2)
        progress("writing", 2, 2)


def test_format_table_aligns_columns_without_trailing_blanks() -> None:
    rows = [("DIRECTORY", "MODEL", "PHONES"), ("t46g", "T46G", "3"), ("x", "-", "")]
    assert format_table(rows) == "DIRECTORY  MODEL  PHONES\nt46g       T46G   3\nx          -"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((), ()),
        (("CFG201",), ("CFG201",)),
        (("CFG201, CFG108", "unknown-key"), ("CFG201", "CFG108", "unknown-key")),
        ((" , ,CFG1",), ("CFG1",)),
    ],
)
def test_split_codes(values: tuple[str, ...], expected: tuple[str, ...]) -> None:
    assert split_codes(values) == expected


def test_read_stdin_reads_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xff#!version")))
    assert read_stdin() == b"\xff#!version"
