"""The scanner caches in ~/.cache/cfgtool are checked before use (issue 16 item 17)."""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from cfgtool import parser
from cfgtool.resources import grammar_text
from cfgtool.scanner_cache import CACHE_FORMAT, cache_path, declared_terminals
from cfgtool.templating import lark_cache


def _line_grammar() -> str:
    return grammar_text()


def _record(table: list[list[str]], grammar_text: str) -> dict[str, object]:
    check = f"{zlib.crc32((grammar_text + json.dumps(table)).encode()):08x}"
    return {"format": CACHE_FORMAT, "grammar": grammar_text, "table": table, "check": check}


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path


def _planted_table() -> list[list[str]]:
    """The real table with NO_EQUALS matching nothing and COMMENT every line: hides errors."""
    table = [list(row) for row in parser._build_table()]
    for row in table:
        if row[0] == "COMMENT":
            row[1] = r"[^\n]*\n?"
    return table


PLANTS: dict[str, Callable[[str], bytes]] = {
    "not json": lambda grammar: b"{not json",
    "the 0.1 format (a bare table)": lambda grammar: json.dumps(parser._build_table()).encode(),
    "a record of another grammar": lambda grammar: json.dumps(
        _record(parser._build_table(), grammar + "\n// another version\n")
    ).encode(),
    "a table digest that does not match": lambda grammar: json.dumps(
        {**_record(parser._build_table(), grammar), "check": "0" * 8}
    ).encode(),
    "a wrong regex, digest recomputed": lambda grammar: json.dumps(
        _record(_planted_table(), grammar)
    ).encode(),
    "a terminal missing": lambda grammar: json.dumps(
        _record(parser._build_table()[:-1], grammar)
    ).encode(),
    "a regex that does not compile": lambda grammar: json.dumps(
        _record([[name, "("] for name, _ in parser._build_table()], grammar)
    ).encode(),
    "a directory": lambda grammar: b"",
}


@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_a_bad_line_scanner_cache_is_rebuilt(cache_home: Path, plant: str) -> None:
    grammar = _line_grammar()
    path = Path(cache_path("line", grammar))
    path.parent.mkdir(parents=True)
    if plant == "a directory":
        path.mkdir()
    else:
        path.write_bytes(PLANTS[plant](grammar))
        path.chmod(0o600)
    assert parser._terminal_table() == parser._build_table()
    parser._scanner.cache_clear()
    try:
        doc = parser.loads("#!version:1.0.0.1\nno equals here\n")
        assert doc.items[1].to_dict()["type"] == "Invalid"
    finally:
        parser._scanner.cache_clear()


def test_a_cache_others_can_write_is_not_trusted(cache_home: Path) -> None:
    grammar = _line_grammar()
    path = Path(cache_path("line", grammar))
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(_record(_planted_table(), grammar)), encoding="utf-8")
    os.chmod(path, 0o666)
    assert parser._terminal_table() == parser._build_table()
    assert path.stat().st_mode & 0o777 == 0o600  # rewritten, the owner's alone


def test_a_good_cache_is_used_without_building(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = parser._terminal_table()  # builds and writes it
    monkeypatch.setattr(parser, "_build_table", lambda: pytest.fail("the cache was rebuilt"))
    assert parser._terminal_table() == table


@pytest.mark.parametrize("name", ["smarty", "mustache"])
def test_template_scanner_caches_are_checked_too(cache_home: Path, name: str) -> None:
    grammar = lark_cache._grammar_text(name)
    real = lark_cache._terminal_table(name)
    path = Path(cache_path(name, grammar))
    planted = [[term, r"[\s\S]+" if term == "TEXT" else regex] for term, regex in real]
    path.write_text(json.dumps(_record(planted, grammar)), encoding="utf-8")
    assert lark_cache._terminal_table(name) == real
    assert {row[0] for row in real} == declared_terminals(grammar)
