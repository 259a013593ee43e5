"""cfgtool.setting_lines.read_entries and read_settings: the settings of a text, equal to
loads(...)'s entries."""

from __future__ import annotations

import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import cfgtool
from cfgtool.nodes import Entry
from cfgtool.setting_lines import read_entries, read_settings


def entries_of_loads(text: str) -> list[tuple[str, str, int]]:
    return [(e.key, e.value, e.line) for e in cfgtool.loads(text).items if type(e) is Entry]


def assert_reads_like_loads(text: str) -> None:
    entries = entries_of_loads(text)
    assert read_entries(text) == entries
    settings = read_settings(text)
    expected = {key: value for key, value, _ in entries}
    assert settings == expected and list(settings) == list(expected)


# Characters that make lines of every kind: separators, comment and header marks,
# section/template/merge-marker openers, blanks, line breaks, control characters
# and a few non-ASCII ones (U+0085 and U+2028 are line breaks for str.splitlines).
ALPHABET = "ab1_.=# \t\r\n[]{}<>|!:\x00\x0b\x0c\x1c\x7f\x85\x9f\u2028\ufeffé"
LINE_PIECES = st.sampled_from(
    [
        "#!version:1.0.0.1",
        "account.1.enable = 1",
        "  lang.gui=English  ",
        "key\t=\tvalue",
        "= value",
        "key ==",
        "key = = x",
        "key =",
        "[ section ]",
        "{$mac}",
        "<<<<<<< HEAD",
        "=======",
        "# comment",
        "",
        "   ",
        "k\x00 = v",
        "k = v\x85",
        "k = a\u2028b",
    ]
)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "#!version:1.0.0.1\naccount.1.enable = 1\n",
        "\ufeff#!version:1.0.0.1\na = 1\n",
        "a = 1\r\nb = 2\r\n",
        "a = 1\rb = 2",
        "x = 1\n\n\n y = 2 \n#c = 3\n",
        "a = 1\nb == 2\nc = =3\n= 4\n[s]\n{x=y}\n",
        "a = 1\x0bb = 2\n",
        "a = 1\u2028b = 2\n",
        "k\t =\t v\tw \t\n",
        "a = 1\nb = 2\na = 3\n# c = 4\n\n",
        "a = 1\n[s]\na = 2\n",
    ],
)
def test_read_entries_examples(text: str) -> None:
    assert_reads_like_loads(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80))
@example("a=1\n\ufeffb=2")
def test_read_entries_equals_loads_on_any_text(text: str) -> None:
    assert_reads_like_loads(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(LINE_PIECES, st.text(alphabet=ALPHABET, max_size=12)), max_size=12),
    st.sampled_from(["\n", "\r\n"]),
)
def test_read_entries_equals_loads_on_lines(lines: list[str], eol: str) -> None:
    text = eol.join(lines)
    assert_reads_like_loads(text)


@pytest.mark.parametrize(
    "text",
    [
        "k = " + " " * 50_000 + "\x01",
        " " * 50_000 + "k = v" + " " * 50_000 + "\x01",
        "k" + " " * 50_000 + "=\x01",
        "k = a " * 20_000 + "\x01",
    ],
)
def test_read_entries_is_linear_on_long_lines_that_are_no_setting(text: str) -> None:
    started = time.perf_counter()
    assert read_entries(text) == entries_of_loads(text)
    assert time.perf_counter() - started < 1.0  # backtracking into blanks took minutes
