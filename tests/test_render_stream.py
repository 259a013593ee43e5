"""The streamed inventory and the compact phone list give what the plain ones give."""

from __future__ import annotations

import collections
import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfgtool import reading, rendering
from cfgtool.blocks import Numbers
from cfgtool.errors import CfgError
from cfgtool.rendering.inventory import InventoryStream, parse_inventory, stream_inventory
from cfgtool.rendering.inventory_file import InventoryFile, text_lines
from cfgtool.rendering.plan import _repeated
from cfgtool.rendering.results import Phone, Phones
from cfgtool.rendering.row_problems import RowProblems
from cfgtool.rendering.template import RowProblem

CELL = st.text(alphabet='ab ,;"\r\n', max_size=4)


@given(text=st.text(alphabet='ab\r\n",;', max_size=30))
def test_lines_are_what_a_stringio_gives(text: str) -> None:
    assert list(text_lines(text)) == list(io.StringIO(text, newline=""))


@settings(max_examples=200, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=4), max_size=8), size=st.integers(1, 3))
def test_a_stream_reads_the_rows_and_problems_parse_inventory_reads(
    rows: list[list[str]], size: int
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["mac", "label", "ext"], *rows])
    text = buffer.getvalue() + 'x,"broken\n'
    whole = parse_inventory(text, "p.csv")
    stream = InventoryStream(text, "p.csv")
    read = [row for chunk in stream.chunks(size) for row in chunk]
    assert (stream.columns, stream.header_row) == (whole.columns, whole.header_row)
    assert tuple(read) == whole.rows and tuple(stream.problems) == whole.problems
    assert stream.rows_read == len(whole.rows) <= stream.estimate


@settings(max_examples=200, suppress_health_check=list(HealthCheck))
@given(
    text=st.text(alphabet="ab\r\n,;\u00e9\u20ac\U0001f600", max_size=40),
    bom=st.booleans(),
    chunk=st.integers(1, 7),
)
def test_a_file_read_a_line_at_a_time_gives_the_lines_of_its_text(
    tmp_path_factory: pytest.TempPathFactory, text: str, bom: bool, chunk: int
) -> None:
    path = tmp_path_factory.mktemp("inv") / "p.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "_CHUNK", chunk)  # pieces that split lines and characters
        source = InventoryFile(str(path))
        lines = list(source.lines())
    assert lines == list(text_lines(text))
    assert source.newlines == text.count("\n")
    head = text.split("\n", 1)[0]
    assert (source.semicolons, source.commas) == (head.count(";"), head.count(","))


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"mac\n00156511\xff30f9\n", "not valid UTF-8 text (byte 0xff at offset 12)"),
        (b"mac\n\xe2\x82", "not valid UTF-8 text (byte 0xe2 at offset 4)"),
        (b"mac\n" + b"0015651130f9\n" * 10, "larger than the maximum file size of 64 bytes"),
    ],
)
def test_a_streamed_inventory_is_refused_as_a_whole_one_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, error: str
) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(data)
    monkeypatch.setattr(reading, "_CHUNK", 3)
    monkeypatch.setitem(reading._limit, "bytes", 64)
    with pytest.raises(CfgError) as whole:
        rendering.read_inventory(path)
    with pytest.raises(CfgError) as streamed:
        stream_inventory(path)
    assert error in str(whole.value)
    assert (type(streamed.value), str(streamed.value)) == (type(whole.value), str(whole.value))


def test_a_streamed_file_reads_the_rows_parse_inventory_reads(tmp_path: Path) -> None:
    text = '\ufeffmac;label\r\n0015651130f9;a\r0015651130fa;"b\nc"\n;\nx;"broken\n'
    path = tmp_path / "p.csv"
    path.write_text(text, newline="")
    whole = parse_inventory(text, str(path))
    stream = stream_inventory(path)
    assert isinstance(stream, InventoryStream)
    read = [row for chunk in stream.chunks(1) for row in chunk]
    assert (stream.columns, stream.header_row, stream.estimate) == (
        whole.columns,
        whole.header_row,
        InventoryStream(text, str(path)).estimate,
    )
    assert tuple(read) == whole.rows and tuple(stream.problems) == whole.problems


def test_a_column_without_a_name_is_checked_on_every_row_first(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("mac,,label\n0015651130f9,x,a\n")
    with pytest.raises(rendering.TemplateError, match="values but no header"):
        stream_inventory(path)
    path.write_text("mac,label\n0015651130f9,a\n")
    assert isinstance(stream_inventory(path), InventoryStream)


PHONES = [
    Phone("0015651130f9", "T46G", "0015651130f9.cfg", "0" * 32, "written"),
    Phone("0015651130fa", None, "T46G/0015651130fa.cfg", "ab" * 16, "unchanged"),
    Phone("0015651130fb", "T54W", "odd name.cfg", "", "new"),
    Phone("0015651130FC", "T54W", "0015651130FC.cfg", "c" * 32, "changed"),
]


def test_phones_keep_every_field() -> None:
    phones = Phones(PHONES)
    assert list(phones) == PHONES and phones == PHONES and len(phones) == 4
    assert phones[-1] == PHONES[-1] and phones[1:3] == PHONES[1:3]
    assert list(phones.paths()) == [phone.path for phone in PHONES]
    assert phones.count_status("unchanged") == 1 and phones.count_status("new", "changed") == 2
    assert phones.select([True, False, True, False]) == [PHONES[0], PHONES[2]]
    with pytest.raises(IndexError):
        phones[4]


PROBLEMS = [
    RowProblem("p.csv", 2, 3, "ext", "too short", "0015651130f9", "CFG205"),
    RowProblem("p.csv", 3, 3, "ext", "too short", "0015651130fa", "CFG205"),
    RowProblem("p.csv", 4, None, None, "unknown model", None, None),
    RowProblem("q.csv", 5, 1, "mac", "not a MAC", "00:15:65", None),
]


def test_row_problems_keep_every_field() -> None:
    problems = RowProblems(PROBLEMS)
    assert list(problems) == PROBLEMS and problems == PROBLEMS and len(problems) == 4
    assert problems[-1] == PROBLEMS[-1] and problems[1:3] == PROBLEMS[1:3]
    assert list(problems.rows()) == [2, 3, 4, 5] and problems != PROBLEMS[:3]
    with pytest.raises(IndexError):
        problems[4]


@given(macs=st.lists(st.one_of(st.integers(0, 40), st.integers(0, 2**48 - 1)), max_size=300))
def test_the_repeated_macs_are_those_a_counter_finds(macs: list[int]) -> None:
    counts = collections.Counter(macs)
    assert _repeated(Numbers("Q", macs)) == {mac for mac, n in counts.items() if n > 1}
