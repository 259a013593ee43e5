"""Properties of the template layer over generated templates."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cfgtool.templating import DIALECTS, Dialect, mutually_exclusive, parse_template
from cfgtool.templating.lark_cache import lark_tokens, tokens

# No braces and no carriage returns: text without a single tag in any dialect.
_PLAIN_CHAR = st.characters(blacklist_characters="{}\r", blacklist_categories=("Cs",))
_PLAIN_LINE = st.text(_PLAIN_CHAR.filter(lambda c: c != "\n"), max_size=30)
_NAME = st.builds(str.__add__, st.sampled_from("abcxyz"), st.text("abcz09_", max_size=6))

_PLACEHOLDER = {
    "smarty": "{{${}}}",
    "jinja": "{{{{ {} }}}}",
    "twig": "{{{{ {} }}}}",
    "mustache": "{{{{{}}}}}",
    "cfgtool": "{{{{ {} }}}}",
}


@settings(deadline=None)  # the first example compiles a grammar or imports Jinja2
@given(st.sampled_from(DIALECTS), st.lists(_PLAIN_LINE, max_size=12), st.booleans())
def test_text_without_tags_is_its_own_output(
    dialect: Dialect, lines: list[str], final_newline: bool
) -> None:
    source = "\n".join(lines) + ("\n" if final_newline and lines else "")
    structure = parse_template(source, dialect)
    text = source.removeprefix("\ufeff")  # a leading byte-order mark is not output
    expected = text.split("\n")
    if text.endswith("\n") or not text:
        expected.pop()
    assert [line.text for line in structure.lines] == expected
    assert [line.line for line in structure.lines] == list(range(1, len(expected) + 1))
    assert structure.problems == ()


@st.composite
def _template_lines(draw: st.DrawFn, dialect: Dialect) -> str:
    parts = draw(st.lists(st.one_of(_NAME, _NAME.map(lambda n: ("ph", n))), min_size=1, max_size=6))
    rendered = [
        _PLACEHOLDER[dialect].format(part[1]) if isinstance(part, tuple) else part for part in parts
    ]
    separators = draw(st.lists(st.sampled_from([".", " = ", "", " "]), min_size=len(parts)))
    return "".join(p + s for p, s in zip(rendered, separators, strict=False))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_placeholder_spans_lie_inside_their_line(data: st.DataObject) -> None:
    dialect: Dialect = data.draw(st.sampled_from(["smarty", "jinja", "twig", "mustache"]))
    lines = data.draw(st.lists(_template_lines(dialect), min_size=1, max_size=5))
    structure = parse_template("\n".join(lines) + "\n", dialect)
    assert [line.text for line in structure.lines] == lines
    for line in structure.lines:
        for placeholder in line.placeholders:
            assert 0 <= placeholder.start < placeholder.end <= len(line.text)
            assert line.text[placeholder.start] == "{"
            assert line.text[placeholder.end - 1] == "}"
        assert "{" not in line.static_text()


@settings(deadline=None)  # the first example compiles a grammar or imports Jinja2
@given(st.lists(st.tuples(_NAME, _NAME), min_size=1, max_size=5))
def test_if_else_arms_are_exclusive_everywhere(pairs: list[tuple[str, str]]) -> None:
    text = "".join(
        f"{{if $c{index}}}\n{a} = 1\n{{else}}\n{a} = {b}\n{{/if}}\n"
        for index, (a, b) in enumerate(pairs)
    )
    lines = parse_template(text, "smarty").lines
    assert len(lines) == 2 * len(pairs)
    for index, first in enumerate(lines):
        for other, second in enumerate(lines):
            same_conditional = index // 2 == other // 2
            assert mutually_exclusive(first, second) is (same_conditional and index != other)


_TEMPLATE_CHAR = st.sampled_from([*"{}$*#!^/%=ab \n.'\"", "literal", "{*", "*}", "{{", "}}"])


@settings(deadline=None)  # the first example compiles a grammar or imports Jinja2
@given(st.sampled_from(["smarty", "mustache"]), st.lists(_TEMPLATE_CHAR, max_size=40).map("".join))
def test_grammar_scanner_is_lark(grammar: str, text: str) -> None:
    assert tokens(grammar, text) == lark_tokens(grammar, text)


@settings(deadline=None)  # the first example compiles a grammar or imports Jinja2
@given(st.sampled_from(DIALECTS), st.lists(_TEMPLATE_CHAR, max_size=40).map("".join))
def test_any_text_parses_without_raising(dialect: Dialect, text: str) -> None:
    structure = parse_template(text, dialect)
    for line in structure.lines:
        assert line.line >= 1
        for placeholder in line.placeholders:
            assert 0 <= placeholder.start < placeholder.end <= len(line.text)
