"""Document queries and edits, load/dump (issue 2, point 3)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cfgtool

TEXT = (
    "#!version:1.0.0.1\r\n"
    "# comment\r\n"
    "account.1.label = First\r\n"
    "lang.gui = English\r\n"
    "account.1.label   =   Second  \r\n"
    "\r\n"
)


def test_get_returns_last_occurrence() -> None:
    doc = cfgtool.loads(TEXT)
    assert doc.get("account.1.label") == "Second"
    assert doc.get("missing") is None
    assert doc.get("missing", "x") == "x"


def test_keys_and_to_dict() -> None:
    doc = cfgtool.loads(TEXT)
    assert doc.keys() == ["account.1.label", "lang.gui"]
    assert doc.to_dict() == {"account.1.label": "Second", "lang.gui": "English"}
    assert [e.line for e in doc.entries()] == [3, 4, 5]
    assert doc.newline == "\r\n"


def test_set_replaces_last_occurrence_in_place_keeping_spacing() -> None:
    doc = cfgtool.loads(TEXT)
    doc.set("account.1.label", "Third")
    out = cfgtool.dumps(doc)
    assert out == TEXT.replace("=   Second  ", "=   Third  ")


def test_set_appends_with_file_newline() -> None:
    doc = cfgtool.loads(TEXT)
    doc.set("new.key", "1")
    assert cfgtool.dumps(doc) == TEXT + "new.key = 1\r\n"
    assert doc.items[-1].line == len(doc.items)


def test_set_appends_to_file_without_final_newline() -> None:
    doc = cfgtool.loads("#!version:1.0.0.1\na = 1")
    doc.set("b", "2")
    assert cfgtool.dumps(doc) == "#!version:1.0.0.1\na = 1\nb = 2"


def test_set_on_empty_value_adds_a_space() -> None:
    doc = cfgtool.loads("k =\n")
    doc.set("k", "v")
    assert cfgtool.dumps(doc) == "k = v\n"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("k", "a\nb"),
        ("k", "a\rb"),
        ("k", "a\x00b"),
        ("k", " padded"),
        ("", "v"),
        ("a=b", "v"),
        ("#k", "v"),
        ("k\n", "v"),
    ],
)
def test_set_refuses_what_cannot_be_one_line(key: str, value: str) -> None:
    doc = cfgtool.loads(TEXT)
    with pytest.raises(cfgtool.CfgValueError):
        doc.set(key, value)
    assert cfgtool.dumps(doc) == TEXT


def test_delete_removes_every_occurrence_and_renumbers() -> None:
    doc = cfgtool.loads(TEXT)
    assert doc.delete("account.1.label") == 2
    assert cfgtool.dumps(doc) == "#!version:1.0.0.1\r\n# comment\r\nlang.gui = English\r\n\r\n"
    assert [item.line for item in doc.items] == [1, 2, 3, 4]
    assert doc.delete("absent") == 0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["a = 1", "b = 2", "# c", "", "a = 3", "x"]), max_size=12),
    st.sampled_from(["a", "b", "z"]),
    st.from_regex(r"[A-Za-z0-9=]([A-Za-z0-9 =]{0,6}[A-Za-z0-9])?", fullmatch=True),
)
def test_edits_leave_other_lines_byte_identical(lines: list[str], key: str, value: str) -> None:
    text = "\n".join(lines) + "\n"
    doc = cfgtool.loads(text)
    untouched = [i.raw for i in doc.items if not (isinstance(i, cfgtool.Entry) and i.key == key)]
    doc.set(key, value)
    assert doc.get(key) == value
    after = cfgtool.loads(cfgtool.dumps(doc))
    assert after.get(key) == value
    assert [i.raw for i in after.items if not (isinstance(i, cfgtool.Entry) and i.key == key)] == (
        untouched
    )


def test_load_and_dump_keep_bom_and_newlines(tmp_path: Path) -> None:
    path = tmp_path / "y000000000028.cfg"
    path.write_bytes(b"\xef\xbb\xbf#!version:1.0.0.1\r\nk = v\r\n")
    doc = cfgtool.load(path)
    assert doc.bom and doc.filename == str(path)
    doc.set("k", "w")
    cfgtool.dump(doc, path)
    assert path.read_bytes() == b"\xef\xbb\xbf#!version:1.0.0.1\r\nk = w\r\n"
    assert not [p for p in tmp_path.iterdir() if p.name != path.name]


def test_dump_keeps_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.cfg"
    path.write_text("k = v\n")
    os.chmod(path, 0o600)
    cfgtool.dump(cfgtool.load(path), path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_load_invalid_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "bad.cfg"
    path.write_bytes(b"#!version:1.0.0.1\nk = \xff\n")
    with pytest.raises(cfgtool.CfgDecodeError) as info:
        cfgtool.load(path)
    assert info.value.offset == 22
    assert "offset 22" in str(info.value)


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_load_io_errors_are_cfg_errors(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.cfg" if kind == "missing" else tmp_path
    with pytest.raises(cfgtool.CfgIOError):
        cfgtool.load(path)


def test_examples_parse_cleanly(examples_dir: Path) -> None:
    files = sorted(examples_dir.glob("*.cfg"))
    assert len(files) >= 4
    for path in files:
        doc = cfgtool.load(path)
        assert doc.header is not None and doc.header.version == "1.0.0.1"
        assert not [i for i in doc.items if isinstance(i, cfgtool.Invalid)], path


def test_set_value_starting_with_equals_after_tight_separator() -> None:
    doc = cfgtool.loads("k=v\n")
    doc.set("k", "=x")
    assert cfgtool.dumps(doc) == "k= =x\n"
    assert cfgtool.loads(cfgtool.dumps(doc)).get("k") == "=x"
