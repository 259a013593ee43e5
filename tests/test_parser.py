"""The grammar and the lossless AST (issue 2, point 2)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import cfgtool
from cfgtool.errors import CfgValueError
from cfgtool.nodes import Blank, Comment, Entry, Header, Invalid, MisplacedHeader, Node
from cfgtool.parser import (
    BOM,
    _node,
    build_entry,
    check_grammar,
    lark_parse,
    parse_line,
    tokenize,
)

QUIRKS = [
    "",
    "#!version:1.0.0.1\n",
    "#!version:1.0.0.1\r\nkey = value\r\n",
    "#!version:1.0.0.1\nkey = value\r\nother = 2\rlast = 3",
    "#!version:1.0.0.1\nkey = value",
    "\ufeff#!version:1.0.0.1\nkey = value\n",
    "key\t=\tvalue\t\n",
    "   \n\t\n \t \n",
    "features.dtmf.transfer = #\n",
    "ldap.user = cn=x,dc=y\n",
    "remote_phonebook.data.1.url = http://h/x.xml?name=#SEARCH\n",
    "k =\n",
    "k = %NULL%\n",
    "no equals here\n",
    "key value\n",
    "[ section ]\n",
    "{if $line.enable}\n",
    "{/if}\n",
    "Please configure the phone as follows.\n",
    "key = va\x00lue\n",
    "\x00\x01\x02\n",
    "k = \x1b[31m\n",
    "lang.gui = Русский\n",
    "label = 日本語 ☎\n",
    "k == v\n",
    "<<<<<<< HEAD\n=======\n>>>>>>> branch\n",
    "  #!version:1.0.0.1\n",
    "#!version:1.0.0.1\n#!version:1.0.0.1\n",
    "\r\n\r\n\n\r",
    "=\n",
    "= value\n",
    "\u2028k = v\u2028\n",
    "k = v \x85 w\n",
]


@pytest.mark.parametrize("text", QUIRKS)
def test_round_trip_quirks(text: str) -> None:
    assert cfgtool.dumps(cfgtool.loads(text)) == text


@pytest.mark.parametrize("text", QUIRKS)
def test_fast_scanner_matches_lark_lalr_parse(text: str) -> None:
    assert list(tokenize(text.removeprefix("\ufeff"))) == lark_parse(text.removeprefix("\ufeff"))


def test_grammar_has_no_terminal_collisions() -> None:
    pytest.importorskip("interegular")
    check_grammar()  # Lark strict=True raises on any same-priority collision


def test_strict_mode_would_catch_a_collision(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Guard the guard: a grammar with overlapping terminals must be refused."""
    pytest.importorskip("interegular")
    import lark

    from cfgtool.resources import grammar_text

    broken = grammar_text().replace("VERSION.3:", "VERSION.2:")
    with pytest.raises(lark.exceptions.LexError):
        lark.Lark(broken, parser="lalr", lexer="basic", strict=True)


def scanner_nodes(text: str) -> list[Node]:
    """The nodes of ``text`` built from the scanner's tokens alone: what loads must give."""
    nodes = []
    for line, (kind, token) in enumerate(tokenize(text.removeprefix(BOM)), start=1):
        ending = "\r\n" if token.endswith("\r\n") else token[-1:] if token[-1:] in "\r\n" else ""
        nodes.append(_node(kind, token[: len(token) - len(ending)], ending, line))
    return nodes


# Lines of every shape, and of the everyday shapes loads reads without the scanner
# (settings, comments, blanks) next to their near misses: a header, `==`, a control
# character or an odd key character in them, blanks before and after, every ending.
EVERYDAY_PIECES = st.sampled_from(
    [
        "account.1.enable = 1",
        "  lang.gui=English  ",
        "k-1_x.Y\t=\tv a l\t",
        "k =",
        "k = ",
        "k = =v",
        "k ==v",
        "k == v",
        "=v",
        "k.é = v",
        "k = v\x01",
        "k\x00 = v",
        "k = v\x85",
        "# comment",
        "  #!version:1.0.0.1",
        "#!version:1.0.0.1",
        "#!version",
        "# a\x7f",
        "",
        " \t ",
        "[ s ]",
        "{x}",
        "<<<<<<< HEAD",
        "=======",
        "no equals",
    ]
)
EVERYDAY_TEXT = st.lists(
    st.tuples(EVERYDAY_PIECES, st.sampled_from(["\n", "\r\n", "\r", ""])), max_size=12
).map(lambda parts: "".join(piece + ending for piece, ending in parts))


@pytest.mark.parametrize("text", QUIRKS)
def test_loads_gives_the_nodes_of_the_scanner_tokens(text: str) -> None:
    assert cfgtool.loads(text).items == scanner_nodes(text)


@settings(max_examples=400, deadline=None)
@given(st.one_of(EVERYDAY_TEXT, st.text(alphabet=st.sampled_from("ab1_.-=# \t\r\n[]{}!:\x00é"))))
def test_loads_reads_everyday_lines_as_the_scanner_does(text: str) -> None:
    assert cfgtool.loads(text).items == scanner_nodes(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_loads_reads_any_text_as_the_scanner_does(text: str) -> None:
    assert cfgtool.loads(text).items == scanner_nodes(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_round_trip_any_text(text: str) -> None:
    assert cfgtool.dumps(cfgtool.loads(text)) == text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab =#\t\r\n\x00{}[]!.:é")))
def test_scanner_equals_lark_on_dense_alphabet(text: str) -> None:
    assert list(tokenize(text)) == lark_parse(text)


KEY = st.from_regex(r"[a-z][a-z_]{0,8}(\.[a-z0-9_]{1,8}){0,4}", fullmatch=True)
VALUE = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"
    ),
    max_size=30,
).map(lambda s: s.strip(" \t").lstrip("="))  # `k==v` is no entry
LINE = st.one_of(
    st.tuples(KEY, st.sampled_from([" = ", "=", "\t=\t", " =  "]), VALUE).map("".join),
    st.text(alphabet="# abc", max_size=10).map(lambda s: "#" + s),
    st.sampled_from(["", "  ", "\t"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(LINE, max_size=30), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_round_trip_realistic_cfg(lines: list[str], newline: str, final_newline: bool) -> None:
    text = "#!version:1.0.0.1" + newline + newline.join(lines) + (newline if final_newline else "")
    doc = cfgtool.loads(text)
    assert cfgtool.dumps(doc) == text
    assert isinstance(doc.items[0], Header)
    assert not [item for item in doc.items if isinstance(item, Invalid)]


@pytest.mark.parametrize(
    ("line", "node_type", "fields"),
    [
        ("key = value", Entry, {"key": "key", "value": "value"}),
        ("  key\t=\t value  ", Entry, {"key": "key", "value": "value", "key_column": 3}),
        ("features.dtmf.transfer = #", Entry, {"value": "#"}),
        ("ldap.user = cn=x,dc=y", Entry, {"key": "ldap.user", "value": "cn=x,dc=y"}),
        ("a.url = http://h/?name=#SEARCH", Entry, {"value": "http://h/?name=#SEARCH"}),
        ("k =", Entry, {"key": "k", "value": ""}),
        ("k = %NULL%", Entry, {"value": "%NULL%"}),
        ("= v", Entry, {"key": "", "value": "v"}),
        ("acc ount.1 = v", Entry, {"key": "acc ount.1"}),
        ("# a comment", Comment, {"text": "a comment"}),
        ("   # indented comment", Comment, {}),
        ("#", Comment, {"text": ""}),
        ("", Blank, {}),
        (" \t ", Blank, {}),
        ("no equals", Invalid, {"kind": "no-equals"}),
        ("key value", Invalid, {"kind": "no-equals"}),
        ("k == v", Invalid, {"kind": "double-equals"}),
        ("[ section ]", Invalid, {"kind": "section"}),
        ("{if x}", Invalid, {"kind": "template-tag"}),
        ("<<<<<<< HEAD", Invalid, {"kind": "merge-marker"}),
        ("=======", Invalid, {"kind": "merge-marker"}),
        ("k = a\x00b", Invalid, {"kind": "control-character", "column": 6}),
        ("  #!version:1.0.0.1", MisplacedHeader, {"version": "1.0.0.1"}),
    ],
)
def test_line_classification(line: str, node_type: type, fields: dict[str, object]) -> None:
    doc = cfgtool.loads("#!version:1.0.0.1\n" + line + "\n")
    node = doc.items[1]
    assert type(node) is node_type
    assert node.line == 2
    for name, expected in fields.items():
        assert getattr(node, name) == expected


def test_invalid_lines_have_a_reason_and_never_raise() -> None:
    doc = cfgtool.loads("prose without a setting\n{$mac}\n")
    assert all(isinstance(item, Invalid) and item.reason for item in doc.items)


def test_header_only_on_line_one() -> None:
    doc = cfgtool.loads("# comment\n#!version:1.0.0.1\n")
    assert doc.header is None
    assert isinstance(doc.items[1], MisplacedHeader)
    bom_doc = cfgtool.loads("\ufeff#!version:1.0.0.1\n")
    assert bom_doc.bom and bom_doc.header is not None and bom_doc.header.version == "1.0.0.1"


def test_value_column_points_at_value() -> None:
    entry = cfgtool.loads("  k  =   val  \n").items[0]
    assert isinstance(entry, Entry)
    assert entry.raw[entry.key_column - 1 :].startswith("k")
    assert entry.raw[entry.value_column - 1 :].startswith("val")


SPACING = st.text(alphabet=" \t", max_size=2)
# Characters that decide how a line is classified, or whether it is text at all.
TRICKY = st.text(alphabet=st.sampled_from("aZ09_.-= \t#[]{}<>|!:é\u00a0\u2028\x00\x1b\x85\x9f"))
PART = st.one_of(st.text(alphabet="aZ09_.-", min_size=1, max_size=4), TRICKY)
VALUE_PART = st.one_of(PART, st.tuples(PART, TRICKY, PART).map("".join))


@settings(max_examples=400, deadline=None)
@given(SPACING, PART, SPACING, SPACING, VALUE_PART, SPACING)
@example("", "[k", " ", " ", "v]", "")  # a section
@example("", "{k", " ", " ", "v}", "")  # a template tag
@example("", ">>>>>>>k", " ", " ", "v", "")  # a merge marker
@example("", "#k", " ", " ", "v", "")  # a comment
@example("", "k", "", "", "=v", "")  # '==' is no separator
@example("", "k", " ", " ", "a\x00b", "")  # a control character
def test_build_entry_agrees_with_the_scanner(
    indent: str, key: str, before: str, after: str, value: str, trailing: str
) -> None:
    """parse_line and build_entry (and their shortcut for plain lines) agree with loads."""
    raw = f"{indent}{key}{before}={after}{value}{trailing}"
    (expected,) = cfgtool.loads(raw).items
    expected.line, expected.eol = 7, "\n"
    assert parse_line(raw, "\n", 7) == expected
    try:
        built = build_entry(raw, "\n", 7, key.strip(" \t"), value)
    except CfgValueError:
        assert not (
            isinstance(expected, Entry)
            and expected.key == key.strip(" \t")
            and expected.value == value
            and expected.key
            and not any(char.isspace() for char in expected.key)
        )
    else:
        assert built == expected


@pytest.mark.parametrize("raw", ["", "k = v\n", "a\nb = c", "k = v\r"])
def test_parse_line_wants_exactly_one_line(raw: str) -> None:
    assert parse_line(raw) is None
