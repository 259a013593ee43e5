"""Render's fast check equals validating each rendered file in full (issue 15).

A batch checks the template's fixed lines once per shape and, per row, only
the lines its values fill with the per-line rules (plus the whole-file rules):
these properties render random inventories both ways and compare every finding.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cfgtool
from cfgtool.linting import engine
from cfgtool.parser import parse_line
from cfgtool.rendering import compile_template, parse_inventory
from cfgtool.rendering.batch import FilledRowValidator
from cfgtool.rendering.plan import plan_jobs
from cfgtool.rendering.row import Renderer
from cfgtool.runners.render_batch import LINE_RULES, RenderedFileValidator

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
    *("http://user:pw@h/x", "ftp:///x", "\tx", "a\tb", "[s]", "<<<<<<< x"),
]
CELL = st.one_of(st.sampled_from(VALUES), st.text(max_size=5))
MODELS = st.sampled_from(["T46G", "T19P E2", "T54W", "CP860", ""])
ROW = st.tuples(MODELS, *[CELL] * 7)
HEADER = ["mac", "model", "a", "b", "c", "d", "e", "account.1.label", "account.3.label"]


def _rows_both_ways(tmp_path: Path, rows: list[tuple[str, ...]]) -> int:
    table = [[f"{0x001565000000 + i:012x}", *row] for i, row in enumerate(rows)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *table])
    compiled = compile_template(cfgtool.loads(TEMPLATE, filename="t.cfg.tmpl"))
    jobs, _ = plan_jobs(
        compiled, parse_inventory(buffer.getvalue(), "inv.csv"), layout="flat", default_model=None
    )
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
