"""Numbers, records and strings kept in blocks give back what was put in, in order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfgtool import blocks
from cfgtool.blocks import Numbers, Records, Runs, Strings


@given(values=st.lists(st.integers(0, 2**64 - 1), max_size=40))
def test_numbers(values: list[int]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocks, "BLOCK_BYTES", 16)  # a few items a block
        numbers = Numbers("Q", values[:3])
        numbers.extend(values[3:7])
        for value in values[7:]:
            numbers.append(value)
    assert list(numbers) == values and len(numbers) == len(values)
    assert [numbers[i] for i in range(len(values))] == values
    with pytest.raises(IndexError):
        numbers[len(values)]


@given(values=st.lists(st.binary(min_size=6, max_size=6), max_size=20))
def test_records(values: list[bytes]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocks, "BLOCK_BYTES", 16)
        records = Records(6)
        for value in values:
            records.append(value)
    assert [records[i] for i in range(len(values))] == values and len(records) == len(values)
    with pytest.raises(ValueError, match="6 bytes"):
        records.append(b"12345")


@given(values=st.lists(st.binary(max_size=16), max_size=30))
def test_strings(values: list[bytes]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocks, "BLOCK_BYTES", 16)
        strings = Strings()
        strings.extend(values[:5])
        for value in values[5:10]:
            strings.append(value)
        strings.extend(values[10:])
        with pytest.raises(ValueError, match="at most 16 bytes"):
            strings.append(bytes(17))
    assert list(strings) == values and len(strings) == len(values)
    assert [strings[i] for i in range(len(values))] == values


@pytest.mark.parametrize(
    "values",
    [[], [7], [1, 2, 3], [3, 5, 6, 7, 2, 2, 9], list(range(5, 70_000)), [0, -1, -2, 10**12]],
)
def test_runs_give_back_what_they_were_given(values: list[int]) -> None:
    runs = Runs(values)
    assert list(runs) == values and len(runs) == len(values)


@given(st.lists(st.integers(min_value=-(2**62), max_value=2**62)))
def test_runs_give_back_any_numbers(values: list[int]) -> None:
    assert list(Runs(values)) == values


def test_runs_keep_consecutive_numbers_as_one_run() -> None:
    runs = Runs(range(2, 100_002))
    assert len(runs._starts) == 1 and len(runs._firsts) == 1
