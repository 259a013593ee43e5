"""The one did-you-mean helper (cfgtool.suggest), and its bound on long input (issue 16, item 1)."""

from __future__ import annotations

import time

import pytest

from cfgtool.catalog import load_catalog
from cfgtool.linting.engine import lint
from cfgtool.parser import loads
from cfgtool.suggest import close_matches, could_match, did_you_mean, similarity


@pytest.mark.parametrize(
    ("word", "choices", "kwargs", "expected"),
    [
        ("selct", ["select", "ignore"], {}, "did you mean 'select'?"),
        ("CFG9O1", ["CFG901", "unknown-key"], {"quote": False}, "did you mean CFG901?"),
        (
            "T46X",
            ["T46G", "T46S", "T48G"],
            {"n": 3, "quote": False},
            "did you mean T46S or T46G?",
        ),
        ("zzzz", ["select"], {}, None),
        ("select", [], {}, None),
    ],
)
def test_did_you_mean(
    word: str, choices: list[str], kwargs: dict[str, object], expected: str | None
) -> None:
    assert did_you_mean(word, choices, **kwargs) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("length", [1, 5, 10, 14, 15, 16, 30, 100])
def test_the_length_bound_never_drops_a_match_difflib_would_find(length: int) -> None:
    from difflib import get_close_matches

    word = "a" * length
    choices = ["a" * 5, "b" * 5]
    assert close_matches(word, choices, n=2) == get_close_matches(word, choices, n=2)
    if length >= 5:  # the bound is tight: every character of the shorter one matches
        assert could_match(word, 5) == bool(get_close_matches(word, choices[:1], cutoff=0.6))


def test_similarity_ignores_case() -> None:
    assert similarity("ABC", "abc") == 1.0
    assert similarity("abc", "xyz") == 0.0


@pytest.mark.parametrize(
    "key",
    [
        "a." * 500_000 + "x",  # one key of many dots, 1 MB
        "account.1." + "a" * 1_000_000,  # one huge segment
        "account.1.label." + "x." * 50,
    ],
)
def test_a_huge_key_gets_no_suggestion_in_milliseconds(key: str) -> None:
    catalog = load_catalog()
    catalog.suggest("acount.1.enable")  # build the index first
    # CPU time: the refusal takes microseconds, but a loaded machine can leave this process
    # waiting for a core for longer than the bound, and wall time would count that wait.
    start = time.process_time()
    assert catalog.suggest(key) is None
    assert time.process_time() - start < 0.05


def test_ordinary_suggestions_are_unchanged() -> None:
    catalog = load_catalog()
    assert catalog.suggest("acount.1.enable") == "account.1.enable"
    assert catalog.suggest("account.2.sip_server.1.adress") == "account.2.sip_server.1.address"


def test_linting_a_file_with_a_huge_dotted_key_stays_fast() -> None:
    """Issue 16 item 1: one key of 500,000 segments took minutes (quadratic did-you-mean)."""
    doc = loads("#!version:1.0.0.1\n" + "a." * 500_000 + "x = 1\n")
    start = time.process_time()  # CPU time, as above
    assert [d.code for d in lint(doc)] == ["CFG206"]
    assert time.process_time() - start < 5  # about 0.3 s; linear in the key's length
