"""No noise on correct files, fixes that touch nothing else, and the shared scan.

``tests/rules/good/`` holds realistic correct files (Common, all-models, MAC,
MAC-local, a template); they and ``examples/`` must give no finding at all.
Hypothesis checks that each fix changes only what its rule is about.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfgtool.diagnostics import Diagnostic
from cfgtool.filenames import basename
from cfgtool.linting import engine
from cfgtool.linting.engine import lint_source
from cfgtool.linting.rule import LintContext
from cfgtool.linting.rules import OWNERS, RULES, RULES_BY_CODE, _facts, _shared
from cfgtool.linting.rules._facts import facts, scan
from cfgtool.nodes import Document, Header, MisplacedHeader
from cfgtool.parser import decode, dumps, loads

ROOT = Path(__file__).resolve().parent.parent
GOOD = sorted((ROOT / "tests" / "rules" / "good").iterdir())
EXAMPLES = sorted((ROOT / "examples").glob("*.cfg"))
LINT_RULES = tuple(r for r in RULES if r.scope == "lint")
TEMPLATE_COLUMNS = frozenset(
    {"mac", "label", "ext", "password", "pbx", "ext2", "label2", "password2", "language"}
)


def lint_file(path: Path) -> list[Diagnostic]:
    template = path.name.endswith(".tmpl")
    context = LintContext(
        path=str(path),
        filename=path.name,
        template=template,
        template_variables=TEMPLATE_COLUMNS if template else None,
    )
    doc = loads(decode(path.read_bytes()), filename=str(path))
    return [d for rule in LINT_RULES for d in rule.check(doc, context)]


@pytest.mark.parametrize("path", GOOD + EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_correct_files_give_no_finding(path: Path) -> None:
    found = lint_file(path)
    assert [f"{d.line}: {d.code} {d.message}" for d in found] == []


def test_the_good_corpus_covers_each_kind_of_file() -> None:
    names = {path.name for path in GOOD}
    assert {"y000000000028.cfg", "y000000000000.cfg", "0015651130f9.cfg"} <= names
    assert "0015651130f9-local.cfg" in names
    assert any(name.endswith(".tmpl") for name in names)
    assert any(b"\r\n" in path.read_bytes() for path in GOOD)


@pytest.mark.parametrize(
    "line",
    [
        "lang.gui = Russian",
        "local_time.time_zone_name = United States-Eastern Time",
        "phone_setting.ring_type = Resource:Ring1.wav",
        "multicast.receive_priority.priority = 31",
    ],
)
def test_values_public_lists_miss_are_never_errors(line: str) -> None:
    """Real phones take these; the public enum lists are open, range lists lag (issues 3, 10)."""
    doc = loads(f"#!version:1.0.0.1\n{line}\n")
    found = list(RULES_BY_CODE["CFG202"].check(doc, LintContext()))
    # each is a fact correct real files contradict (scripts/schema_facts.py CONTRADICTED)
    assert [d.severity for d in found] == ["info"]


def test_scan_is_shared_and_follows_edits() -> None:
    doc = loads("#!version:1.0.0.1\naccount.1.lable = A\n")
    context = LintContext(facts=scan(doc))
    first = facts(doc, context)
    assert first is context.facts
    assert [e.key for e in first.unknown] == ["account.1.lable"]
    doc.set("account.1.lable", "B")  # replaces the node in place
    assert facts(doc, context) is not first
    doc.delete("account.1.lable")
    assert facts(doc, context).unknown == []
    known = LintContext(extra_known_keys=frozenset({"x.y"}), facts=scan(doc))
    assert facts(doc, known) is not known.facts


def test_the_engine_sorts_each_document_once_for_all_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    scans: list[object] = []

    def counting_scan(doc: Document, extra: frozenset[str] = frozenset()) -> _facts.Facts:
        scans.append(doc)
        return scan(doc, extra)

    monkeypatch.setattr(engine, "scan", counting_scan)
    monkeypatch.setattr(_facts, "scan", lambda *args: pytest.fail("a rule scanned again"))
    doc = loads("#!version:1.0.0.1\naccount.1.lable = A\n$ ls\n")
    assert {d.code for d in engine.lint(doc)} >= {"CFG110", "CFG204"}
    assert scans == [doc]


def test_every_owned_kind_of_problem_has_exactly_one_rule() -> None:
    owned = [kind for rule in RULES for kind in rule.owns]
    assert sorted(owned) == sorted(_shared.OWNED_KINDS)
    assert OWNERS[_shared.PASTED_SHELL] == "CFG110"


def test_scan_results_do_not_leak_between_documents() -> None:
    one = loads("#!version:1.0.0.1\ncustom.one = 1\n")
    two = loads("#!version:1.0.0.1\ncustom.two = 1\n")
    assert [e.key for e in facts(one).unknown] == ["custom.one"]
    assert [e.key for e in facts(two).unknown] == ["custom.two"]
    assert [e.key for e in facts(one).unknown] == ["custom.one"]


def test_key_facts_are_memoised() -> None:
    assert _facts.key_facts("account.1.label") is _facts.key_facts("account.1.label")


# --- fixes change only what their rule is about -------------------------------------

_LINE = st.one_of(
    st.sampled_from(
        [
            "account.1.label = Reception",
            "account.1.label =\tReception",
            "  lang.gui = English  ",
            "# comment\t",
            "\t# indented comment",
            "",
            "   ",
            "[ section ]",
            "key value",
            "#!version:1.0.0.1",
            "account.1.password = a\tb ",
        ]
    ),
    st.text(alphabet=st.sampled_from("ab =.#\t[]{}$"), max_size=12),
)
_EOL = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.tuples(_LINE, _EOL), max_size=8))
    text = "".join(raw + eol for raw, eol in lines)
    if draw(st.booleans()) and text:
        text = text.rstrip("\r\n")
    return ("\ufeff" if draw(st.booleans()) else "") + text


def _fix(code: str, text: str, line_endings: str = "keep") -> str:
    rule = RULES_BY_CODE[code]
    assert rule.fix is not None
    return dumps(rule.fix(loads(text), LintContext()))


@settings(max_examples=300, deadline=None)
@given(documents())
def test_whitespace_fix_only_removes_spaces_and_tabs(text: str) -> None:
    fixed = _fix("CFG108", text)
    assert re.sub(r"[ \t]", "", fixed).rstrip("\r\n") == re.sub(r"[ \t]", "", text).rstrip("\r\n")
    again = loads(fixed)
    assert [
        d for d in RULES_BY_CODE["CFG108"].check(again, LintContext()) if "value" not in d.message
    ] == []
    assert _fix("CFG108", fixed) == fixed


@settings(max_examples=300, deadline=None)
@given(documents())
def test_header_fix_only_adds_or_replaces_line_one(text: str) -> None:
    doc = loads(text)
    fixed = loads(_fix("CFG101", text))
    assert fixed.bom == doc.bom
    if dumps(fixed) != text:
        header = fixed.items[0]
        assert (header.raw, type(header).__name__) == ("#!version:1.0.0.1", "Header")
        rest = [(node.raw, node.eol) for node in fixed.items[1:]]
        old = [(node.raw, node.eol) for node in doc.items]
        assert rest in (old, old[1:]), "every other line is kept as it was"
        assert list(RULES_BY_CODE["CFG101"].check(fixed, LintContext())) == []
    else:  # nothing to insert: there is a header, maybe in the wrong place (CFG102)
        assert any(isinstance(node, Header | MisplacedHeader) for node in doc.items)


@settings(max_examples=300, deadline=None)
@given(documents())
def test_encoding_fix_only_drops_the_bom_and_unifies_line_endings(text: str) -> None:
    fixed = _fix("CFG107", text)
    assert not fixed.startswith("\ufeff")
    assert len(loads(fixed).line_endings) <= 1
    unify = re.compile(r"\r\n|\r|\n")
    assert unify.sub("\n", fixed) == unify.sub("\n", text.removeprefix("\ufeff"))


@pytest.mark.parametrize(("choice", "newline"), [("lf", "\n"), ("crlf", "\r\n")])
def test_encoding_fix_follows_the_configured_line_ending(choice: str, newline: str) -> None:
    class Config:
        line_endings = choice

    context = LintContext(config=Config())  # type: ignore[arg-type]
    doc = loads("#!version:1.0.0.1\r\na = 1\nb = 2\r\n")
    fixed = RULES_BY_CODE["CFG107"].fix(doc, context)  # type: ignore[misc]
    assert dumps(fixed) == f"#!version:1.0.0.1{newline}a = 1{newline}b = 2{newline}"
    header = RULES_BY_CODE["CFG101"].fix(loads("a = 1\n"), context)  # type: ignore[misc]
    assert dumps(header) == f"#!version:1.0.0.1{newline}a = 1\n"


def test_fixes_keep_the_file_name() -> None:
    doc = loads("a = 1 ", filename="x/0015651130f9.cfg")
    for code in ("CFG101", "CFG107", "CFG108"):
        fix = RULES_BY_CODE[code].fix
        assert fix is not None
        assert fix(doc, LintContext()).filename == "x/0015651130f9.cfg"
    assert basename("x/0015651130f9.cfg") == "0015651130f9.cfg"


def test_undecodable_input_is_one_cfg107_at_the_bad_byte() -> None:
    data = b"#!version:1.0.0.1\naccount.1.label = \xff\n"
    (found,) = lint_source(data, "a.cfg").diagnostics
    assert (found.code, found.severity, found.line, found.column) == ("CFG107", "error", 2, 19)
    assert "byte 0xff at offset 36" in found.message
    assert found.path == "a.cfg"
