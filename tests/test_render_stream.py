"""The streamed inventory and the compact phone list give what the plain ones give."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfgtool import rendering
from cfgtool.rendering.inventory import InventoryStream, _lines, parse_inventory, stream_inventory
from cfgtool.rendering.results import Phone, Phones

CELL = st.text(alphabet='ab ,;"\r\n', max_size=4)


@given(text=st.text(alphabet='ab\r\n",;', max_size=30))
def test_lines_are_what_a_stringio_gives(text: str) -> None:
    assert list(_lines(text)) == list(io.StringIO(text, newline=""))


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
