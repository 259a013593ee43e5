"""The lint engine: selection, severities, suppressions, undecodable input, batches, fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

import cfgtool
from cfgtool.diagnostics import Diagnostic
from cfgtool.inputs import InputFile
from cfgtool.linting.config import LintConfig, RuleSelection
from cfgtool.linting.engine import (
    LintOptions,
    lint,
    lint_files,
    lint_one,
    lint_source,
    make_context,
)
from cfgtool.parser import loads
from tests.lint_fakes import FAKE_RULES, fake_registry

__all__ = ["fake_registry"]  # the fixture, imported for pytest

GOOD = "#!version:1.0.0.1\naccount.1.label = Reception\n"


def codes(diagnostics: list[Diagnostic]) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in diagnostics]


def run(text: str, config: LintConfig | None = None, path: str = "a.cfg") -> list[Diagnostic]:
    return lint(loads(text, filename=path), config, rules=FAKE_RULES)


def selecting(*layers: tuple[tuple[str, ...] | None, tuple[str, ...]]) -> LintConfig:
    return LintConfig(selections=tuple(RuleSelection(s, i) for s, i in layers))


def test_clean_document_has_no_diagnostics() -> None:
    assert run(GOOD) == []


def test_diagnostics_are_sorted_and_carry_the_path() -> None:
    found = run("k = x  \na = x\n")
    assert codes(found) == [(1, "CFG903"), (1, "CFG901"), (1, "CFG902"), (2, "CFG901")]
    assert {d.path for d in found} == {"a.cfg"}
    assert found[1].column == 5


def test_public_lint_is_the_engine() -> None:
    assert cfgtool.lint is lint


def test_lint_without_rules_argument_uses_the_registry(fake_registry: object) -> None:
    assert codes(lint(loads("k = x\n"))) == [(1, "CFG903"), (1, "CFG901")]


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        ([], {"CFG901", "CFG902", "CFG903"}),
        ([(("CFG901",), ())], {"CFG901"}),
        ([(("CFG9",), ("CFG902",))], {"CFG901", "CFG903"}),
        ([(("ALL",), ("no-x",))], {"CFG902", "CFG903"}),
        ([(None, ("CFG90",))], set()),
        # a later layer (the command line) re-enables what the file ignored
        ([(None, ("CFG902",)), (("CFG902",), ())], {"CFG902"}),
        ([(None, ("CFG902",)), (None, ("CFG901",))], {"CFG903"}),
    ],
)
def test_rule_selection_layers(
    layers: list[tuple[tuple[str, ...] | None, tuple[str, ...]]], expected: set[str]
) -> None:
    assert {d.code for d in run("k = x  \n", selecting(*layers))} == expected


def test_configured_severity_replaces_the_rule_default() -> None:
    config = LintConfig(severity=(("CFG901", "error"), ("CFG903", "info")))
    found = {d.code: d.severity for d in run("k = x\n", config)}
    assert found == {"CFG901": "error", "CFG903": "info"}


# --- suppressions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#!version:1.0.0.1\n# cfgtool: disable-next-line=CFG901\nk = x\nj = x\n", [(4, "CFG901")]),
        ("#!version:1.0.0.1\n# cfgtool: disable-next-line=no-x\nk = x\n", []),
        ("#!version:1.0.0.1\n#cfgtool:disable-next-line = CFG902 , CFG901\nk = x  \n", []),
        ("#!version:1.0.0.1\n# cfgtool: disable-next-line\nk = x  \n", []),
        ("#!version:1.0.0.1\nk = x\n# cfgtool: disable-file=CFG901\nj = x\n", []),
        ("k = x\n# cfgtool: disable-file=CFG901,CFG903\n", []),
        # stacked directives all apply to the next real line
        (
            "#!version:1.0.0.1\n# cfgtool: disable-next-line=CFG901\n"
            "# cfgtool: disable-next-line=CFG902\nk = x  \n",
            [],
        ),
        # an ordinary comment between directive and setting is the "next line"
        (
            "#!version:1.0.0.1\n# cfgtool: disable-next-line=CFG901\n# note\nk = x\n",
            [(2, "CFG100"), (4, "CFG901")],
        ),
        # prose that mentions cfgtool: is not a directive
        ("#!version:1.0.0.1\n# see cfgtool: docs\nk = x\n", [(3, "CFG901")]),
    ],
)
def test_suppressions(text: str, expected: list[tuple[int, str]]) -> None:
    assert codes(run(text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "#!version:1.0.0.1\n# cfgtool: disable-next-line=CFG901\nk = v\n",
            "no CFG901 reported on line 3",
        ),
        ("#!version:1.0.0.1\n# cfgtool: disable-file=CFG902\n", "no CFG902 reported in this file"),
        ("#!version:1.0.0.1\n# cfgtool: disable-next-line\nk = v\n", "nothing reported on line 3"),
        ("#!version:1.0.0.1\n# cfgtool: disable-next-line=CFG901\n", "no line follows"),
        (
            "#!version:1.0.0.1\n# cfgtool: disable-next-line=CFG999\nk = v\n",
            "unknown rule 'CFG999'",
        ),
        ("#!version:1.0.0.1\n# cfgtool: disable-nextline=CFG901\nk = v\n", "unknown directive"),
    ],
)
def test_unused_or_unreadable_suppression_is_reported_as_info(text: str, message: str) -> None:
    [found] = run(text)
    assert (found.code, found.severity, found.line) == ("CFG100", "info", 2)
    assert message in found.message


def test_partly_used_suppression_names_the_unused_code() -> None:
    text = "#!version:1.0.0.1\n# cfgtool: disable-next-line=CFG901,CFG902\nk = x\n"
    [found] = run(text)
    assert found.code == "CFG100" and "no CFG902 reported" in found.message


def test_suppression_of_a_rule_that_did_not_run_is_not_unused() -> None:
    text = "#!version:1.0.0.1\n# cfgtool: disable-next-line=CFG901\nk = v\n"
    assert run(text, selecting((None, ("CFG901",)))) == []


def test_unused_suppressions_can_themselves_be_silenced_or_deselected() -> None:
    text = "#!version:1.0.0.1\n# cfgtool: disable-file=CFG100\n# cfgtool: disable-file=CFG901\n"
    assert run(text) == []
    assert (
        run("#!version:1.0.0.1\n# cfgtool: disable-file=CFG901\n", selecting((None, ("CFG100",))))
        == []
    )


# --- input that is not cfg text ------------------------------------------------------


def test_invalid_utf8_is_one_error_with_the_byte_offset() -> None:
    data = b"#!version:1.0.0.1\nk = \xff\xfe\n" + b"\x80" * 100
    linted = lint_source(data, "bin.cfg", rules=FAKE_RULES)
    [found] = linted.diagnostics
    assert (found.code, found.severity, found.line, found.column) == ("CFG107", "error", 2, 5)
    assert "offset 22" in found.message and found.path == "bin.cfg"
    assert linted.doc is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"#!encrypt:1.0.0.0\r\n#!key_signatue:RSA_256\r\n", "encrypted"),
        (b"#!version:1.0.0.1\nk = v\x00\x00\n", "NUL byte at offset 23"),
    ],
)
def test_encrypted_or_binary_text_is_one_error(data: bytes, words: str) -> None:
    [found] = lint_source(data, "f.cfg", rules=FAKE_RULES).diagnostics
    assert found.code == "CFG107" and words in found.message


def test_not_text_diagnostic_respects_ignore_when_cfg107_is_a_rule() -> None:
    cfg107 = FAKE_RULES[1].__class__("CFG107", "encoding", "error", "enc", "Enc.", lambda d, c: ())
    config = selecting((None, ("CFG107",)))
    assert lint_source(b"\xff", "f.cfg", config, rules=(cfg107,)).diagnostics == []
    assert len(lint_source(b"\xff", "f.cfg", rules=(cfg107,)).diagnostics) == 1


# --- context ---------------------------------------------------------------------


def test_context_marks_templates_by_name_and_collects_variables() -> None:
    config = LintConfig(template_variables=frozenset({"name"}))
    context = make_context(config, "dir/phone.cfg.tmpl", template_variables={"mac"})
    assert context.template and context.filename == "phone.cfg.tmpl"
    assert context.template_variables == {"name", "mac"}
    plain = make_context(LintConfig(), "dir/0015651130f9.cfg")
    assert not plain.template and plain.template_variables is None
    assert make_context(LintConfig(), "x.cfg", template=True).template


# --- files and batches ---------------------------------------------------------------


def test_lint_one_reports_io_errors_instead_of_raising(tmp_path: Path) -> None:
    result = lint_one(InputFile(str(tmp_path / "missing.cfg")), LintConfig(), LintOptions())
    assert result.error and "no such file" in result.error


def test_results_do_not_depend_on_the_batch(tmp_path: Path) -> None:
    texts = [GOOD, "k = x  \n", "#!version:1.0.0.1\n\x01bad\n", "[ section ]\nk=v\tv \n"]
    items = []
    for number in range(240):
        path = tmp_path / f"{number:012x}.cfg"
        path.write_text(texts[number % len(texts)], encoding="utf-8")
        items.append(InputFile(str(path)))
    config = LintConfig()
    batch = lint_files(items, lambda item: config, jobs=2)
    alone = [lint_one(item, config, LintOptions()) for item in items]
    assert [r.path for r in batch] == [item.path for item in items]
    assert [r.diagnostics for r in batch] == [r.diagnostics for r in alone]
    reversed_batch = lint_files(items[::-1], lambda item: config, jobs=1)
    assert [r.diagnostics for r in reversed_batch] == [r.diagnostics for r in alone][::-1]


def test_fix_runs_only_fixes_of_reported_rules_and_keeps_other_bytes(
    tmp_path: Path, fake_registry: object
) -> None:
    original = b"\xef\xbb\xbfk = x  \r\nj = v\n  odd line\t\n"
    path = tmp_path / "a.cfg"
    path.write_bytes(original)
    diff = lint_one(InputFile(str(path)), LintConfig(), LintOptions(fix=True, diff=True))
    assert diff.changed and "\n-\ufeffk = x  \r\n+\ufeffk = x\r\n j = v\n" in diff.diff
    assert path.read_bytes() == original
    fixed = lint_one(InputFile(str(path)), LintConfig(), LintOptions(fix=True))
    assert path.read_bytes() == b"\xef\xbb\xbfk = x\r\nj = v\n  odd line\t\n"
    assert fixed.changed and {d.code for d in fixed.diagnostics} == {"CFG901", "CFG903"}
    again = lint_one(InputFile(str(path)), LintConfig(), LintOptions(fix=True))
    assert not again.changed


def test_fix_of_a_deselected_rule_does_not_run(tmp_path: Path, fake_registry: object) -> None:
    path = tmp_path / "a.cfg"
    path.write_bytes(b"k = x  \n")
    config = selecting((None, ("CFG902",)))
    result = lint_one(InputFile(str(path)), config, LintOptions(fix=True))
    assert not result.changed and path.read_bytes() == b"k = x  \n"


def test_fix_on_stdin_returns_the_text(fake_registry: object) -> None:
    item = InputFile("a.cfg", stdin=True, stdin_filename="a.cfg")
    result = lint_one(item, LintConfig(), LintOptions(fix=True), data=b"k = v  \n")
    assert result.output == "k = v\n" and result.changed
    clean = lint_one(item, LintConfig(), LintOptions(fix=True), data=GOOD.encode())
    assert clean.output == GOOD and not clean.changed


@pytest.mark.parametrize(
    "directive", ["# cfgtool: model=T46G", "# cfgtool: if=ext2", "# cfgtool: endif"]
)
def test_model_and_template_directives_are_not_unknown_suppressions(directive: str) -> None:
    assert run(f"#!version:1.0.0.1\n{directive}\nk = v\n") == []
