"""Each dialect's fixtures become the output lines, placeholders and problems expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfgtool.templating import Dialect, OutputLine, load_template, parse_template
from cfgtool.templating.lark_cache import lark_tokens, tokens

TEMPLATES = Path(__file__).resolve().parent / "data" / "templates"
T46S = TEMPLATES / "smarty" / "yealink" / "t46s" / "{$mac}.cfg"
KEY = "account.{$row.line_number}"


def _lines(lines: tuple[OutputLine, ...]) -> list[tuple[int, str]]:
    return [(line.line, line.text) for line in lines]


OUTPUT_CASES: list[tuple[str, Dialect, list[tuple[int, str]]]] = [
    (
        "smarty/yealink/t46s/{$mac}.cfg",
        "smarty",
        [
            (1, "#!version:1.0.0.1"),
            (5, f"{KEY}.enable = 1"),
            (7, f"{KEY}.enable = 0"),
            (9, f"{KEY}.label = {{$row.label|escape}}"),
            (10, f"{KEY}.transport = 1"),
            (10, f"{KEY}.transport = 0"),
            (11, f"{KEY}.outbound_proxy_enable = 1"),
            (11, f"{KEY}.outbound_proxy_enable = 0"),
            (14, "# {$kept} as written"),
            (16, "local_time.ntp_server1 = {$ntp_server_primary}"),
            (17, "local_time.time_zone = {$time_zone}0"),
        ],
    ),
    (
        "smarty/provisioner/t4x/$mac.cfg",
        "smarty",
        [
            (1, "#!version:1.0.0.1"),
            (3, "account.{$line}.enable = 1"),
            (4, "account.{$line}.user_name = {$username}"),
            (7, "linekey.{$number}.type = {$type|15}"),
        ],
    ),
    (
        "jinja/templates/base.tpl",
        "jinja",
        [
            (1, "#!version:1.0.0.1"),
            (3, "static.auto_provision.server.url = {{ XX_server_url }}/"),
            (5, "account.{{ line_no }}.enable = 1"),
            (6, "account.{{ line_no }}.label = {{ line['display_name']|d('%NULL%') }}"),
            (9, "linekey.{{ loop.index }}.type = {{ key.type }}"),
            (11, "linekey.1.type = 0"),
            (14, "local_time.ntp_server1 = {{ ntp_ip }}"),
            (16, "local_time.ntp_server1 = {{ ntp_pool }}"),
            (18, "local_time.ntp_server1 = pool.ntp.org"),
            (21, "# {{ kept }} as written"),
            (25, "features.dnd.enable = 0"),
        ],
    ),
    (
        "jinja/templates/T46G.tpl",
        "jinja",
        [
            (4, "gui_lang.url = {{ XX_server_url }}/lang/T46G.lang"),
            (5, "lang.gui = {{ XX_lang|d('English') }}"),
        ],
    ),
    (
        "twig/yealink.tmpl",
        "twig",
        [
            (2, "#!version:1.0.0.1"),
            (
                9,
                "account.{{ line }}.dtmf.type ="
                " {{ yealink.dtmf(_context[prefix ~ 'dtmf_' ~ line]) }}",
            ),
            (
                10,
                "account.{{ line }}.label = {{ _context['account_label_' ~ line] | default('') }}",
            ),
            (12, "static.network.vlan.internet_port_enable = {{ vlan_id_phone > 0 ? '1' : '0' }}"),
            (13, "static.auto_provision.pnp_enable = {{ pnp_enable ?? '0' }}"),
            (15, "# {{ kept }} as written"),
            (17, "ldap.tls_mode =1"),
            (17, "ldap.tls_mode =2"),
            (17, "ldap.tls_mode =0"),
        ],
    ),
    (
        "mustache/phone.mustache",
        "mustache",
        [
            (1, "#!version:1.0.0.1"),
            (3, "account.1.label = {{label}}"),
            (4, "account.1.display_name = {{{display_name}}}"),
            (6, "account.2.enable = 1"),
            (9, "account.2.enable = 0"),
            (12, "features.dnd.enable = {{&dnd}}"),
        ],
    ),
    (
        "cfgtool/template.cfg",
        "cfgtool",
        [
            (1, "#!version:1.0.0.1"),
            (2, "# {{ not_a_placeholder }} in a comment"),
            (3, "account.1.label = {{ label }}"),
            (4, 'account.1.sip_server.1.address = {{ pbx | default("pbx.example.com") }}'),
            (6, "account.2.enable = 1"),
            (7, "account.2.user_name = {{ ext2 | lower }}"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "dialect", "expected"), OUTPUT_CASES, ids=[c[0] for c in OUTPUT_CASES]
)
def test_fixture_output_lines(name: str, dialect: Dialect, expected: list[tuple[int, str]]) -> None:
    structure = load_template(TEMPLATES / name)
    assert structure.dialect == dialect
    assert _lines(structure.lines) == expected
    assert structure.problems == ()


PROBLEM_CASES: list[tuple[str, list[tuple[int, int, str]]]] = [
    (
        "smarty/broken.cfg",
        [
            (2, 34, "no '}' closes"),
            (3, 31, "without its opening '{'"),
            (4, 1, "'{/if}' closes nothing"),
            (5, 1, "'{if $x}' is never closed"),
        ],
    ),
    ("jinja/broken.tpl", [(2, 19, "'{{' is never closed"), (4, 1, "'{% endif %}' closes nothing")]),
    ("jinja/syntax.j2", [(2, 1, "Jinja2: expected token 'name'")]),
    ("twig/broken.tmpl", [(2, 1, "never closed"), (4, 1, "'{% endfor %}' closes nothing")]),
    (
        "mustache/broken.mustache",
        [(2, 19, "no '}}' closes"), (3, 1, "'{{#second}}' is never closed")],
    ),
    (
        "cfgtool/broken.cfg",
        [
            (2, 19, "filters lower, upper, default"),
            (3, 23, "'{{' is never closed"),
            (4, 1, "'# cfgtool: endif' closes nothing"),
        ],
    ),
]


@pytest.mark.parametrize(("name", "expected"), PROBLEM_CASES, ids=[c[0] for c in PROBLEM_CASES])
def test_fixture_problems(name: str, expected: list[tuple[int, int, str]]) -> None:
    problems = load_template(TEMPLATES / name).problems
    assert [(p.line, p.column) for p in problems] == [
        (line, column) for line, column, _ in expected
    ]
    for problem, (_, _, fragment) in zip(problems, expected, strict=True):
        assert fragment in problem.message


# --- one structure at a time, in each dialect that has it -----------------------------------

STRUCTURE_CASES: list[tuple[str, Dialect, str, list[str]]] = [
    # comments are structure
    ("smarty comment", "smarty", "a = 1\n{* gone *}\nb = 2\n", ["a = 1", "b = 2"]),
    ("smarty multi-line comment", "smarty", "{* one\ntwo *}\nb = 2\n", ["b = 2"]),
    ("jinja comment", "jinja", "a = 1\n{# gone #}\nb = 2\n", ["a = 1", "b = 2"]),
    ("twig comment", "twig", "{# gone #}\nb = 2\n", ["b = 2"]),
    ("mustache comment", "mustache", "a = 1\n{{! gone }}\nb = 2\n", ["a = 1", "b = 2"]),
    # raw / literal blocks are text
    ("smarty literal", "smarty", "{literal}\nx = {$y}\n{/literal}\n", ["x = {$y}"]),
    ("jinja raw", "jinja", "{% raw %}\nx = {{ y }}\n{% endraw %}\n", ["x = {{ y }}"]),
    ("twig verbatim", "twig", "{% verbatim %}\nx = {% y %}\n{% endverbatim %}\n", ["x = {% y %}"]),
    # whitespace control
    ("jinja strips a line break", "jinja", "a =\n{{- ' 1' }}\n", ["a = 1"]),
    ("jinja strips after", "jinja", "{% if x -%}\n  a = 1\n{% endif %}\n", ["a = 1"]),
    ("twig tilde keeps the line break", "twig", "a = 1   {{~ b }}\n", ["a = 1{{~ b }}"]),
    # tag-only lines are structure, blank lines are output
    ("smarty tag-only lines", "smarty", "{if $a}\n\na = 1\n{/if}\n", ["", "a = 1"]),
    ("mustache standalone section", "mustache", "  {{#a}}  \na = 1\n  {{/a}}\n", ["a = 1"]),
    (
        "jinja set and macro",
        "jinja",
        "{% set x = 1 %}\n{% macro m() %}\nhidden = 1\n{% endmacro %}\na = 1\n",
        ["a = 1"],
    ),
    ("twig block set", "twig", "{% set x %}\nhidden = 1\n{% endset %}\na = 1\n", ["a = 1"]),
    ("smarty capture", "smarty", "{capture name=x}\nhidden = 1\n{/capture}\na = 1\n", ["a = 1"]),
    ("smarty ldelim", "smarty", "a = {ldelim}1{rdelim}\n", ["a = {1}"]),
    ("smarty brace with a blank is text", "smarty", "a = { 1 }\n", ["a = { 1 }"]),
    ("no newline at the end", "jinja", "a = 1\nb = 2", ["a = 1", "b = 2"]),
    ("crlf line endings", "smarty", "a = 1\r\n{if $x}\r\nb = 2\r\n{/if}\r\n", ["a = 1", "b = 2"]),
]


@pytest.mark.parametrize(
    ("dialect", "text", "expected"),
    [c[1:] for c in STRUCTURE_CASES],
    ids=[c[0] for c in STRUCTURE_CASES],
)
def test_structures(dialect: Dialect, text: str, expected: list[str]) -> None:
    structure = parse_template(text, dialect)
    assert [line.text for line in structure.lines] == expected
    assert structure.problems == ()


POSITION_CASES: list[tuple[Dialect, str, list[str]]] = [
    ("smarty", "account.{$row.line_number}.enable = {$x}\n", ["key-index", "value"]),
    ("smarty", "{$prefix}.enable = 1\n", ["key"]),
    ("smarty", "account.1.{$name}_x = 1\n", ["key"]),
    ("smarty", "{$whole_line}\n", ["line"]),
    ("smarty", "a.b = {$port}x\n", ["value"]),
    ("jinja", "account.{{ line_no }}.label = {{ label }}\n", ["key-index", "value"]),
    ("jinja", "linekey.{{ loop.index }}.type = 15\n", ["key-index"]),
    ("jinja", "{{ XX_fkeys }}\n", ["line"]),
    ("jinja", "a.{{ x }} = {{ '=' ~ y }}\n", ["key-index", "value"]),
    ("twig", "account.{{ line }}.enable = {{ a ? '1' : '0' }}\n", ["key-index", "value"]),
    ("mustache", "account.{{n}}.label = {{label}}\n", ["key-index", "value"]),
    ("cfgtool", "account.1.label = {{ label }}\n", ["value"]),
]


@pytest.mark.parametrize(("dialect", "text", "expected"), POSITION_CASES)
def test_placeholder_positions(dialect: Dialect, text: str, expected: list[str]) -> None:
    (line,) = parse_template(text, dialect).lines
    assert [p.position for p in line.placeholders] == expected
    for placeholder in line.placeholders:
        assert line.text[placeholder.start : placeholder.end].startswith("{")


def test_placeholder_source_position() -> None:
    (line,) = parse_template("{if $a}\n  x.{$n}.y = {$v}\n{/if}\n", "smarty").lines
    assert [(p.line, p.column) for p in line.placeholders] == [(2, 5), (2, 14)]
    assert line.static_text("N") == "  x.N.y = N"


def test_references_are_recorded() -> None:
    structure = load_template(TEMPLATES / "jinja" / "templates" / "base.tpl")
    kinds = [(r.kind, r.target, r.line) for r in structure.references]
    assert kinds == [("include", "common_keys.tpl", 23), ("block", "model_specific_parameters", 24)]
    assert load_template(TEMPLATES / "jinja" / "templates" / "T46G.tpl").extends == "base.tpl"


def test_twig_macros_are_recorded_and_write_nothing() -> None:
    structure = load_template(TEMPLATES / "twig" / "yealink.tmpl")
    assert structure.macros == ("dtmf",)
    assert not any("'inband'" in line.text for line in structure.lines)


def test_loop_variables() -> None:
    structure = load_template(TEMPLATES / "jinja" / "templates" / "base.tpl")
    loops = {
        step.variables
        for line in structure.lines
        for step in line.path
        if hasattr(step, "variables")
    }
    assert loops == {("line_no", "line", "loop"), ("key", "loop")}


def test_smarty_foreach_spellings() -> None:
    for text in (
        "{foreach $lines as $row}\nx = 1\n{/foreach}\n",
        "{foreach from=$lines item=row}\nx = 1\n{/foreach}\n",
    ):
        (line,) = parse_template(text, "smarty").lines
        loops = [step for step in line.path if hasattr(step, "variables")]
        assert [loop.variables for loop in loops] == [("row",)]  # type: ignore[attr-defined]


def test_inline_branch_variants_are_capped() -> None:
    text = "a = " + "{if $x}1{else}0{/if}" * 8 + "\n"
    structure = parse_template(text, "smarty")
    assert len(structure.lines) == 64
    assert "more than 64 variants" in structure.problems[0].message


@pytest.mark.parametrize(
    ("grammar", "name"),
    [
        ("smarty", "smarty/yealink/t46s/{$mac}.cfg"),
        ("smarty", "smarty/broken.cfg"),
        ("smarty", "smarty/provisioner/t4x/$mac.cfg"),
        ("mustache", "mustache/phone.mustache"),
        ("mustache", "mustache/broken.mustache"),
    ],
)
def test_scanner_matches_lark(grammar: str, name: str) -> None:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    assert tokens(grammar, text) == lark_tokens(grammar, text)
    assert "".join(token[1] for token in tokens(grammar, text)) == text
