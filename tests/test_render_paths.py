"""Render's fast check equals validating each rendered file in full (issue 15).

A batch checks the template's fixed lines once per shape and, per row, only
the lines its values fill with the per-line rules (plus the whole-file rules):
these properties render random inventories both ways and compare every finding.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cfgtool
from cfgtool import rendering
from cfgtool.diagnostics import Diagnostic
from cfgtool.linting import engine
from cfgtool.linting.rules import _shared
from cfgtool.nodes import Document
from cfgtool.parser import parse_line
from cfgtool.rendering import compile_template, parse_inventory
from cfgtool.rendering.batch import FilledRowValidator, FillValidator, render_inventory
from cfgtool.rendering.fill import Filler
from cfgtool.rendering.plan import plan_jobs
from cfgtool.rendering.row import Renderer
from cfgtool.runners.render_batch import LINE_RULES, RenderedFileValidator
from cfgtool.runners.render_checks import KEY_RULES, NOT_PLAIN, WHITESPACE_RULE, value_rule_gates

TEMPLATE = (
    "#!version:1.0.0.1\n"
    "account.1.enable = {{ a }}\n"
    "account.1.label = {{ b }}\n"
    "account.1.display_name =\t{{ b }}  \n"
    "account.1.auth_name = {{ a }}\t\n"
    "path = {{ b }}\n"
    "static.auto_provision.server.url = tftp://{{ c }}/$PN\n"
    "account.17.label = {{ a }}\n"
    "account.2.label = {{ b | upper }}\n"
    "account.1.sip_server.1.port = {{ c }}\n"
    "# cfgtool: if=d\n"
    "static.auto_provision.server.url = {{ c }}\n"
    "static.auto_provision.aes_key.com = {{ d }}\n"
    "# cfgtool: endif\n"
    "static.security.user_password = {{ d }}\n"
    "linekey.40.type = {{ c }}\n"
    "account.1.codec.pcmu.enable = {{ e }}\n"
    "account.17.label = fixed\n"
    "firmware.url = {{ e }}\n"
    "ringtone.url = {{ e }}\n"
    "features.dtmf.transfer = 1\n"
    "lang.gui = English\n"
)
VALUES = [
    *("", "1", "0", "17", "yes", "5061", "99999", "abc", "ü", "%NULL%", "a\u200bb"),
    *("}}", "{{ x }}", "${HOME}", "x = y", "account.1.label = z", "0123456789abcdef"),
    *("admin:admin", "tftp://h/x", "gopher://h/x", "http://h/T46-28.83.0.50.rom", "r.mp3"),
    *("http://user:pw@h/x", "ftp:///x", "\tx", "a\tb", "[s]", "<<<<<<< x", "9" * 101),
    *("admin:x", "*99#", "user:user", "ring.wav"),
]
CELL = st.one_of(st.sampled_from(VALUES), st.text(max_size=5))
MODELS = st.sampled_from(["T46G", "T19P E2", "T54W", "CP860", ""])
ROW = st.tuples(MODELS, *[CELL] * 7)
HEADER = ["mac", "model", "a", "b", "c", "d", "e", "account.1.label", "account.3.label"]


# A second template: a key-column that replaces a fixed line (features.dtmf.transfer),
# activation codes, a key set by a placeholder and a fixed line, a BOM, a last line
# without a line ending.
TEMPLATE_2 = (
    "\ufeff#!version:1.0.0.1\n"
    "account.1.label = {{ a }}\n"
    "autoprovision.1.code = {{ b }}\n"
    "autoprovision.2.code = {{ c }}\n"
    "features.dtmf.transfer = 1\n"
    "account.1.user_name = {{ e }}\n"
    "account.1.user_name = 1001\n"
    "# cfgtool: if=d\n"
    "account.2.label = x{{ d }}\n"
    "# cfgtool: endif\n"
    "static.firmware.url = http://h/T46-28.83.0.{{ c }}.rom\n"
    "lang.gui = {{ b | lower }}"
)
HEADER_2 = ["mac", "model", "a", "b", "c", "d", "e", "features.dtmf.transfer", "account.4.label"]
# A third: every filled line one placeholder on a plain key (the straight fill), some
# with filters; a key-column set on some rows only (rows without it stay straight).
TEMPLATE_3 = (
    "#!version:1.0.0.1\n"
    "account.1.label = {{ a }}\n"
    "account.1.display_name={{ b | upper }}\n"
    "account.1.user_name = {{ c }}  \n"
    "# cfgtool: if=d\n"
    "account.2.label = {{ d | lower }}\n"
    "# cfgtool: endif\n"
    'account.1.sip_server.1.address = {{ e | default("pbx.example.com") }}\n'
    "static.security.user_password = {{ b }}\n"
    "lang.gui = English\n"
)
HEADER_3 = ["mac", "model", "a", "b", "c", "d", "e", "lang.gui", "account.4.label"]
TEMPLATES = [(TEMPLATE, HEADER), (TEMPLATE_2, HEADER_2), (TEMPLATE_3, HEADER_3)]


def _inventory(rows: list[tuple[str, ...]], header: list[str]) -> rendering.Inventory:
    table = [[f"{0x001565000000 + i:012x}", *row] for i, row in enumerate(rows)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *table])
    return parse_inventory(buffer.getvalue(), "inv.csv")


def _rows_both_ways(tmp_path: Path, rows: list[tuple[str, ...]]) -> int:
    return _rows_both_ways_text(tmp_path, TEMPLATE, rows)


def _rows_both_ways_text(tmp_path: Path, text: str, rows: list[tuple[str, ...]]) -> int:
    compiled = compile_template(cfgtool.loads(text, filename="t.cfg.tmpl"))
    jobs, _ = plan_jobs(compiled, _inventory(rows, HEADER), layout="flat", default_model=None)
    renderer = Renderer(compiled)
    validator = RenderedFileValidator(str(tmp_path))
    compared = 0
    for job in jobs:
        rendered = renderer.render_row(job.variables, job.overrides, filename=job.relative_path)
        if isinstance(rendered, list):
            continue
        fast = validator.check_filled(
            rendered.doc, job.relative_path, job.model, rendered.varying, rendered.origins
        )
        whole = validator.check(rendered.doc, job.relative_path, job.model)
        assert fast == whole, (job, cfgtool.dumps(rendered.doc))
        compared += 1
    return compared


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(ROW, min_size=1, max_size=6))
def test_random_inventories_give_the_same_findings_both_ways(
    tmp_path: Path, rows: list[tuple[str, ...]]
) -> None:
    _rows_both_ways(tmp_path, rows)


def _filled_both_ways(
    tmp_path: Path, text: str, header: list[str], rows: list[tuple[str, ...]]
) -> int:
    """Each row filled (text, nodes) and checked the fast way equals render_row + check."""
    compiled = compile_template(cfgtool.loads(text, filename="t.cfg.tmpl"))
    jobs, _ = plan_jobs(compiled, _inventory(rows, header), layout="flat", default_model=None)
    renderer = Renderer(compiled)
    filler = Filler(renderer)
    validator = RenderedFileValidator(str(tmp_path))
    compared = 0
    for job in jobs:
        name = job.relative_path
        rendered = renderer.render_row(job.variables, job.overrides, filename=name)
        filled = filler.fill(job.variables, job.overrides)
        if filled is None:
            continue
        assert not isinstance(rendered, list), (job, rendered)
        again = filled.rendered(name)
        assert filled.text == cfgtool.dumps(rendered.doc)
        assert again.doc.items == rendered.doc.items
        assert (again.varying, again.origins) == (rendered.varying, rendered.origins)
        fast = validator.check_fill(filled, name, job.model)
        if fast is None:
            continue
        whole = validator.check(rendered.doc, name, job.model)
        path = validator.context(name, job.model).path
        assert [replace(d, path=path) for d in fast] == whole, (job, filled.text)
        compared += 1
    return compared


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(ROW, min_size=1, max_size=8), which=st.sampled_from([0, 1, 2]))
def test_filled_rows_give_the_same_files_and_findings_as_rendered_ones(
    tmp_path: Path, rows: list[tuple[str, ...]], which: int
) -> None:
    _filled_both_ways(tmp_path, *TEMPLATES[which], rows)


class _WholeFileValidator:
    """The reference: every rendered file linted in full, nothing cached."""

    def __init__(self, out_dir: str) -> None:
        self.validator = RenderedFileValidator(out_dir)

    def check(self, doc: Document, relative_path: str, model: str | None) -> list[Diagnostic]:
        return self.validator.check(doc, relative_path, model)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    rows=st.lists(ROW, min_size=1, max_size=8),
    which=st.sampled_from([0, 1, 2]),
    keep=st.booleans(),
    layout=st.sampled_from(["flat", "pn"]),
)
def test_a_batch_writes_and_reports_what_checking_every_file_in_full_gives(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, ...]],
    which: int,
    keep: bool,
    layout: rendering.Layout,
) -> None:
    text, header = TEMPLATES[which]
    doc = cfgtool.loads(text, filename="t.cfg.tmpl")
    inventory = _inventory(rows, header)
    fast_dir, whole_dir = tmp_path_factory.mktemp("fast"), tmp_path_factory.mktemp("whole")
    results = [
        render_inventory(
            doc, inventory, out, validator=factory, keep_going=keep, jobs=1, layout=layout
        )
        for out, factory in ((fast_dir, RenderedFileValidator), (whole_dir, _WholeFileValidator))
    ]
    fast, whole = (result.to_dict() for result in results)
    for summary in (fast, whole):
        summary.pop("out_dir")
    assert fast == whole
    assert _tree(fast_dir) == _tree(whole_dir)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_fill_path_is_taken_and_compares_something(tmp_path: Path) -> None:
    rows = [("T46G", "1", "Desk", "5060", "", "", "", ""), ("T54W", "x", "", "", "k", "", "", "")]
    assert _filled_both_ways(tmp_path, TEMPLATE, HEADER, rows) == 2
    rows = [("T46G", "1", "12", "34", "", "u", "0", "")]
    assert _filled_both_ways(tmp_path, TEMPLATE_2, HEADER_2, rows) == 1
    rows = [("T46G", "x", "y", "z", "", "", "", ""), ("T54W", "a", "b:c", "c", "D", "", "", "")]
    assert _filled_both_ways(tmp_path, TEMPLATE_3, HEADER_3, rows) == 2


def test_the_straight_fill_is_taken() -> None:
    compiled = compile_template(cfgtool.loads(TEMPLATE_3, filename="t.cfg.tmpl"))
    filler = Filler(Renderer(compiled))
    variables = {"a": "x", "b": "y", "c": "z", "d": "", "e": "", "mac": "m", "model": "T46G"}
    filled = filler.fill(variables, {})
    assert filled is not None and filled.group.straight is not None


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n"])
def test_lines_ending_in_a_carriage_return_alone_are_counted_in_the_whole_file(
    tmp_path: Path, eol: str
) -> None:
    text = TEMPLATE.replace("\n", eol)
    rows = [("T46G", "1", "Desk", "5060", "", "", "", ""), ("T54W", "x", "", "", "k", "", "", "")]
    _filled_both_ways(tmp_path, text, HEADER, rows)
    mixed = TEMPLATE.replace("path = {{ b }}\n", f"path = {{{{ b }}}}{eol}")
    _rows_both_ways_text(tmp_path, mixed, rows)


def test_a_batch_uses_the_fill_check_of_a_validator_that_has_one() -> None:
    assert isinstance(RenderedFileValidator("."), FillValidator)


def test_key_rules_are_line_rules() -> None:
    assert KEY_RULES <= LINE_RULES


def test_the_fast_path_is_taken_and_compares_something(tmp_path: Path) -> None:
    rows = [("T46G", "1", "Desk", "5060", "", "", "", ""), ("T54W", "x", "", "", "k", "", "", "")]
    assert _rows_both_ways(tmp_path, rows) == 2


def test_a_batch_uses_the_fast_check_of_a_validator_that_has_one() -> None:
    assert isinstance(RenderedFileValidator("."), FilledRowValidator)


def test_every_line_rule_is_a_registered_rule() -> None:
    """A renamed or removed rule must leave the list, or the fast path checks too little."""
    codes = {rule.code for rule in engine.registered_rules(("lint", "model"))}
    assert codes >= LINE_RULES


SLOT_LINES = st.sampled_from(
    [
        "k.v = {{ x }}",
        "  k.v\t=\t{{ x }}  ",
        "k.v={{ x }}",
        "a_1.b = pre {{ x }} post",
        "k = {{ x }}",
    ]
)
VALUE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Zl", "Zp", "Cs")), min_size=0, max_size=8
)


@settings(max_examples=300, deadline=None)
@given(line=SLOT_LINES, value=st.one_of(VALUE_TEXT, st.sampled_from(["=x", " x", "x ", "[x]"])))
def test_rendered_lines_are_the_nodes_the_parser_makes(line: str, value: str) -> None:
    """A rendered setting is built without parsing it again when that is safe: the node
    must be exactly the one the parser makes of the line (or the row is refused)."""
    compiled = compile_template(cfgtool.loads("#!version:1.0.0.1\n" + line + "\n"))
    rendered = Renderer(compiled).render_row({"x": value}, {})
    if isinstance(rendered, list):
        return
    node = rendered.doc.items[1]
    assert node == parse_line(node.raw, node.eol, node.line)


def test_every_line_rule_is_a_key_rule_or_has_a_gate_or_is_the_whitespace_rule() -> None:
    """A line rule added later runs on every filled line (safe); this keeps the list honest."""
    entry = cfgtool.loads("#!version:1.0.0.1\naccount.1.label = x\n").items[1]
    assert isinstance(entry, cfgtool.Entry)
    gated = set(value_rule_gates(entry, RenderedFileValidator(".").context("a.cfg", "T46G")))
    assert KEY_RULES | gated | {WHITESPACE_RULE} == LINE_RULES
    assert not KEY_RULES & gated


def test_a_plain_value_has_nothing_the_scan_treats_as_suspect() -> None:
    """A value the lint scan looks at twice (template syntax, joined lines, invisible
    characters) is never plain: the cross-line rules may read it."""
    suspect = _shared.VALUE_SUSPECT
    chars = [chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF]
    assert [c for c in chars if suspect.search(c) and not NOT_PLAIN.search(c)] == []


def test_a_last_line_without_a_line_ending_is_checked_on_every_row(tmp_path: Path) -> None:
    """CFG108's 'no newline at the end of the file' has the line's length as its column:
    a later row's plain value there is never taken from the first one's findings."""
    text, header = TEMPLATES[1]
    assert not text.endswith("\n")
    rows = [("T46G", "", "1", "", "1", "", "1", ""), ("T46G", "", "0", "", "1", "", "1", "")]
    assert _filled_both_ways(tmp_path, text, header, rows) == 2
