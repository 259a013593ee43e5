"""Templates, inventories and batch rendering (cfgtool.rendering)."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cfgtool
from cfgtool import rendering
from cfgtool.errors import CfgError
from cfgtool.rendering import (
    Filter,
    RenderError,
    TemplateError,
    compile_template,
    parse_inventory,
    render,
    render_batch,
    template_placeholders,
    template_problems,
)

HEADER = "#!version:1.0.0.1\n"
TEMPLATE = (
    HEADER
    + "account.1.enable = 1\n"
    + "account.1.label = {{ label }}\n"
    + "account.1.user_name = {{ ext }}\n"
    + 'account.1.sip_server.1.address = {{ pbx | default("pbx.example.com") }}\n'
    + "# cfgtool: if=ext2\n"
    + "account.2.enable = 1\n"
    + "account.2.user_name = {{ ext2 }}\n"
    + "# cfgtool: endif\n"
    + "lang.gui = English\n"
)
MAC1, MAC2, MAC3 = "001565113001", "001565113002", "001565113003"


def template(text: str = TEMPLATE, name: str = "phones.cfg.tmpl") -> cfgtool.Document:
    return cfgtool.loads(text, filename=name)


def inventory(*rows: str, header: str = "mac,model,label,ext,pbx,ext2") -> rendering.Inventory:
    return parse_inventory("\n".join([header, *rows]) + "\n", "phones.csv")


def variables(**values: str) -> dict[str, str]:
    return {"label": "Desk", "ext": "1001", "pbx": "", "ext2": "", **values}


def problem_texts(result: rendering.BatchResult) -> list[str]:
    return [str(problem) for problem in result.problems]


# --- placeholders -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name", "filters"),
    [
        ("{{ name }}", "name", ()),
        ("{{name}}", "name", ()),
        ("{{ a_b-2 }}", "a_b-2", ()),
        ("{{ x | lower }}", "x", (Filter("lower"),)),
        ("{{ x|upper }}", "x", (Filter("upper"),)),
        ('{{ x | default("pbx") }}', "x", (Filter("default", "pbx"),)),
        ("{{ x | default('a b') }}", "x", (Filter("default", "a b"),)),
        ('{{ x | default("say \\"hi\\" \\\\") }}', "x", (Filter("default", 'say "hi" \\'),)),
        ('{{ x | default("}}") }}', "x", (Filter("default", "}}"),)),
        ('{{ x | default("A") | lower }}', "x", (Filter("default", "A"), Filter("lower"))),
    ],
)
def test_placeholder_syntax(value: str, name: str, filters: tuple[Filter, ...]) -> None:
    (placeholder,) = template_placeholders(template(HEADER + f"k.v = {value}\n"))
    assert (placeholder.name, placeholder.filters) == (name, filters)
    assert (placeholder.line, placeholder.column, placeholder.key) == (2, 7, "k.v")
    assert placeholder.end_column == 7 + len(value)


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("k.v = {{ }}", 10, "expected a column name"),
        ("k.v = {{ 1x }}", 10, "expected a column name"),
        ("k.v = {{ x }", 12, "expected '}}' or '|'"),
        ("k.v = {{ x y }}", 12, "expected '}}' or '|'"),
        ("k.v = {{ x | title }}", 14, "unknown filter 'title'"),
        ("k.v = {{ x | default }}", 22, "default needs a text"),
        ("k.v = {{ x | default(pbx) }}", 22, "quoted text"),
        ('k.v = {{ x | default("pbx }}', 22, "no closing quote"),
        ('k.v = {{ x | default("a" }}', 26, "expected ')'"),
        ("k.v = {{ account.1.label }}", 17, "cannot contain '.'"),
        ("account.{{ n }}.label = x", 9, "values only"),
        ("{{ x }}", 1, "template tag"),
        ("# cfgtool: if=", 1, "if=COLUMN"),
        ("# cfgtool: endif", 1, "without an opening"),
        ("# cfgtool: endif x", 1, "nothing after it"),
    ],
)
def test_template_problems(line: str, column: int, message: str) -> None:
    (problem,) = template_problems(template(HEADER + line + "\n"))
    assert (problem.line, problem.column) == (2, column)
    assert message in problem.message
    assert str(problem).startswith(f"phones.cfg.tmpl:2:{column}: ")


def test_blocks_cannot_nest_and_must_close() -> None:
    text = HEADER + "# cfgtool: if=a\n# cfgtool: if=b\nk.v = 1\n"
    problems = template_problems(template(text))
    assert [(p.line, p.message.split(";")[0]) for p in problems] == [
        (3, "if= blocks cannot be nested"),
        (2, "this block has no '# cfgtool: endif'"),
    ]
    with pytest.raises(TemplateError) as caught:
        compile_template(template(text))
    assert len(caught.value.problems) == 2


def test_template_placeholders_include_block_names_in_file_order() -> None:
    found = template_placeholders(template())
    assert [(p.name, p.line) for p in found] == [
        ("label", 3),
        ("ext", 4),
        ("pbx", 5),
        ("ext2", 6),
        ("ext2", 8),
    ]
    assert found[3].key is None  # the if= directive


def test_placeholders_in_comments_are_left_alone() -> None:
    text = HEADER + "# set {{ label }} here\nk.v = 1\n"
    assert template_placeholders(template(text)) == []
    assert cfgtool.dumps(render(template(text), {})) == text


# --- render() -------------------------------------------------------------------------------


def test_render_substitutes_filters_and_blocks() -> None:
    doc = render(template(), variables(pbx="", ext2=""))
    assert doc.to_dict() == {
        "account.1.enable": "1",
        "account.1.label": "Desk",
        "account.1.user_name": "1001",
        "account.1.sip_server.1.address": "pbx.example.com",
        "lang.gui": "English",
    }
    assert cfgtool.dumps(doc).startswith(HEADER)
    assert "cfgtool:" not in cfgtool.dumps(doc)
    with_second = render(template(), variables(pbx="pbx2", ext2="1900"))
    assert with_second.get("account.2.user_name") == "1900"
    assert with_second.get("account.1.sip_server.1.address") == "pbx2"


def test_render_keeps_the_template_and_every_fixed_byte() -> None:
    text = HEADER + "# note\r\n\r\n  k.a   =   {{ a }}  \r\nk.b=x\r\n"
    doc = template(text)
    rendered = render(doc, {"a": "v"})
    assert cfgtool.dumps(doc) == text
    assert cfgtool.dumps(rendered) == HEADER + "# note\r\n\r\n  k.a   =   v  \r\nk.b=x\r\n"


def test_empty_value_renders_without_trailing_space() -> None:
    assert cfgtool.dumps(render(template(HEADER + "k.a = {{ a }}\n"), {"a": ""})) == (
        HEADER + "k.a =\n"
    )


@pytest.mark.parametrize(
    ("filters", "value", "expected"),
    [
        ("", "MiXed", "MiXed"),
        ("| lower", "MiXed", "mixed"),
        ("| upper", "MiXed", "MIXED"),
        ('| default("d")', "", "d"),
        ('| default("d")', "v", "v"),
        ('| default("D") | lower', "", "d"),
        ('| lower | default("D")', "", "D"),
    ],
)
def test_filters(filters: str, value: str, expected: str) -> None:
    doc = render(template(HEADER + f"k.a = {{{{ a {filters} }}}}\n"), {"a": value})
    assert doc.get("k.a") == expected


def test_mac_and_model_are_variables_in_batches(tmp_path: Path) -> None:
    doc = template(HEADER + "k.a = {{ mac | upper }}\nk.b = {{ model }}\n")
    result = render_batch(doc, inventory("00:15:65:11:30:f9,t46g,,,,"), tmp_path)
    assert not result.problems
    text = (tmp_path / "0015651130f9.cfg").read_text()
    assert "k.a = 0015651130F9\nk.b = t46g\n" in text


@pytest.mark.parametrize(
    ("overrides", "expected", "last_line"),
    [
        ({"account.1.label": "Boss"}, "Boss", "lang.gui = English"),
        ({"account.1.label": "%NULL%"}, "", "lang.gui = English"),
        ({"account.1.label": ""}, "Desk", "lang.gui = English"),
        ({"account.3.label": "New"}, None, "account.3.label = New"),
        ({"account.3.label": "%NULL%"}, None, "account.3.label ="),
    ],
)
def test_key_overrides(overrides: dict[str, str], expected: str | None, last_line: str) -> None:
    doc = render(template(), variables(**overrides))
    if expected is not None:
        assert doc.get("account.1.label") == expected
        assert len(doc.find("account.1.label")) == 1
    assert cfgtool.dumps(doc).splitlines()[-1] == last_line
    for key, value in overrides.items():
        if value:
            assert doc.get(key) == ("" if value == "%NULL%" else value)


def test_override_after_a_last_line_without_line_ending(tmp_path: Path) -> None:
    doc = template(HEADER + "k.a = {{ label }}\nk.b = 1")
    header = "mac,label,custom.key"
    inv = inventory(f"{MAC1},a,x", f"{MAC2},b,", f"{MAC3},c,y", header=header)
    render_batch(doc, inv, tmp_path)
    assert (tmp_path / f"{MAC1}.cfg").read_text() == HEADER + "k.a = a\nk.b = 1\ncustom.key = x"
    assert (tmp_path / f"{MAC2}.cfg").read_text() == HEADER + "k.a = b\nk.b = 1"
    assert (tmp_path / f"{MAC3}.cfg").read_text() == HEADER + "k.a = c\nk.b = 1\ncustom.key = y"
    assert cfgtool.dumps(doc) == HEADER + "k.a = {{ label }}\nk.b = 1"


def test_override_of_a_placeholder_line_replaces_it_in_place() -> None:
    doc = render(template(), variables(**{"account.1.label": "Boss"}))
    assert cfgtool.dumps(doc).splitlines()[2] == "account.1.label = Boss"


def test_missing_variable_is_an_error_never_a_blank() -> None:
    with pytest.raises(RenderError) as caught:
        render(template(), {"label": "x", "ext": "1", "pbx": ""})
    assert caught.value.problems == (("ext2", "no variable 'ext2' for the placeholder"),)


BAD_CHARACTERS = ["\n", "\r", "\r\n", "\x00", "\t", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("char", BAD_CHARACTERS)
def test_line_breaks_and_control_characters_are_refused_not_cleaned(char: str) -> None:
    evil = f"Desk{char}account.1.password = stolen"
    with pytest.raises(RenderError) as caught:
        render(template(), variables(label=evil))
    ((name, message),) = caught.value.problems
    assert name == "label"
    assert f"U+{ord(char[0]):04X}" in message and "position 5" in message


@pytest.mark.parametrize("char", BAD_CHARACTERS)
def test_control_characters_in_key_overrides_are_refused(char: str) -> None:
    with pytest.raises(RenderError) as caught:
        render(template(), variables(**{"account.1.label": f"x{char}y"}))
    assert caught.value.problems[0][0] == "account.1.label"


@pytest.mark.parametrize(
    ("text", "values", "blamed", "message"),
    [
        ("k.a = {{ a }}", {"a": " x"}, "a", "start with a space"),
        ("k.a = {{ a }}", {"a": "x\t"}, "a", "control character"),
        ("k.a = {{ a }}", {"a": "x "}, "a", "end with a space"),
        ("k.a = {{ a }}{{ b }}", {"a": "", "b": " x"}, "b", "start with a space"),
        ("k.a = {{ a }}{{ b }}", {"a": "x ", "b": ""}, "a", "end with a space"),
        ("k.a ={{ a }}", {"a": "=x"}, "a", "cannot write"),
    ],
)
def test_values_the_format_cannot_hold_are_refused(
    text: str, values: dict[str, str], blamed: str, message: str
) -> None:
    with pytest.raises(RenderError) as caught:
        render(template(HEADER + text + "\n"), values)
    ((name, reason),) = caught.value.problems
    assert name == blamed and message in reason


def test_inner_spaces_and_special_characters_survive_exactly() -> None:
    value = "  a = b # c %NULL% {x} ü  "
    doc = render(template(HEADER + "k.a = [{{ a }}]\n"), {"a": value})
    assert doc.get("k.a") == f"[{value}]"


def test_a_key_starting_with_a_bom_character_is_rendered_exactly() -> None:
    # The rendered lines are parsed together; a leading U+FEFF there would read
    # as a BOM, so such a line is parsed alone.
    text = HEADER + "\ufeffk.a = {{ a }}\n"
    assert cfgtool.dumps(render(template(text), {"a": "x"})) == HEADER + "\ufeffk.a = x\n"


def test_render_refuses_invalid_override_keys() -> None:
    with pytest.raises(RenderError, match="not a valid key"):
        render(template(), variables(**{"account..label": "x"}))


def test_render_refuses_a_broken_template() -> None:
    with pytest.raises(TemplateError, match="unknown filter"):
        render(template(HEADER + "k.a = {{ a | nope }}\n"), {"a": "x"})


def test_render_is_exported_as_cfgtool_render() -> None:
    assert cfgtool.render is render


def test_the_render_function_is_no_module_once_the_batch_is_loaded() -> None:
    """No module of the package is named like a name it exports: importing the batch
    modules first (as a test module may) once left ``cfgtool.rendering.render`` a module."""
    import importlib

    import cfgtool.rendering.batch  # noqa: F401

    assert callable(importlib.import_module("cfgtool.rendering").render)


# --- the hypothesis property ------------------------------------------------------------------

NAMES = ("v1", "v2", "v3")
KEYS = ("custom.k1", "custom.k2")


def representable(value: str) -> bool:
    """What a value must be for the format to hold it exactly as a whole value."""
    one_line = all(
        not (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029") for c in value
    )
    return one_line and value == value.strip(" \t")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.fixed_dictionaries({name: st.text(max_size=12) for name in NAMES}),
    overrides=st.fixed_dictionaries({key: st.text(max_size=8) for key in KEYS}),
)
def test_property_outputs_hold_exactly_the_input_values(
    values: dict[str, str], overrides: dict[str, str]
) -> None:
    text = HEADER + "custom.k1 = fixed\n" + "".join(f"set.{n} = {{{{ {n} }}}}\n" for n in NAMES)
    doc = template(text)
    given_overrides = {k: v for k, v in overrides.items() if v}
    expected_overrides = {k: "" if v == "%NULL%" else v for k, v in given_overrides.items()}
    unrepresentable = {n for n, v in values.items() if not representable(v)}
    unrepresentable |= {k for k, v in expected_overrides.items() if not representable(v)}
    try:
        rendered = render(doc, {**values, **overrides})
    except RenderError as exc:
        # Refused: exactly the values the format cannot hold, each named.
        assert {name for name, _ in exc.problems} <= unrepresentable
        assert unrepresentable
        return
    assert not unrepresentable
    # What the phone reads back from the written text:
    read_back = cfgtool.loads(cfgtool.dumps(rendered)).to_dict()
    expected = {"custom.k1": "fixed", **{f"set.{n}": v for n, v in values.items()}}
    expected.update(expected_overrides)
    assert read_back == expected
    assert set(read_back) == {"custom.k1", *(f"set.{n}" for n in NAMES), *given_overrides}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.lists(st.text(max_size=10), min_size=2, max_size=2))
def test_property_through_a_csv_inventory(tmp_path: Path, cells: list[str]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["mac", "v1", "custom.k2"], [MAC1, *cells]])
    inv = parse_inventory(buffer.getvalue(), "inv.csv")
    doc = template(HEADER + "set.v1 = {{ v1 }}\n")
    out = Path(tempfile.mkdtemp(dir=tmp_path)) / "out"
    result = render_batch(doc, inv, out, validate=False)
    value, override = cells
    ok = representable(value) and (not override or representable(override))
    if not ok:
        assert result.problems and not out.exists()
        assert all(p.row == 2 and p.column in (2, 3) for p in result.problems)
        return
    assert not result.problems
    read_back = cfgtool.load(out / f"{MAC1}.cfg").to_dict()
    expected = {"set.v1": value}
    if override:
        expected["custom.k2"] = "" if override == "%NULL%" else override
    assert read_back == expected


# --- inventories ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mac,label\n0015651130F9,Desk\n",
        "\ufeffmac,label\n0015651130F9,Desk\n",
        "mac;label\n0015651130F9;Desk\n",
        "MAC ; label\r\n0015651130F9;Desk\r\n",
        '"mac","label"\n"0015651130F9","Desk"\n',
        "\nmac,label\n\n0015651130F9,Desk\n,\n",
    ],
)
def test_inventory_dialects(text: str) -> None:
    inv = parse_inventory(text, "x.csv")
    assert inv.columns[inv.column_index("mac") or 0].lower() == "mac"
    assert [row.cells[1] for row in inv.rows] == ["Desk"]
    assert not inv.problems


def test_inventory_semicolon_cells_keep_commas_and_quotes() -> None:
    inv = parse_inventory('mac;label\n0015651130F9;"a,b; ""c"""\n')
    assert inv.rows[0].cells[1] == 'a,b; "c"'


def test_inventory_rows_are_numbered_by_file_line() -> None:
    inv = parse_inventory('mac,label\n1,"two\nlines"\n\n2,x\n')
    assert [row.row for row in inv.rows] == [2, 5]


def test_inventory_row_with_wrong_cell_count_is_a_row_problem() -> None:
    inv = parse_inventory("mac,label\n1,a,b\n2\n3,c\n", "x.csv")
    assert [row.row for row in inv.rows] == [4]
    assert [(p.row, p.column) for p in inv.problems] == [(2, 3), (3, 2)]
    assert str(inv.problems[0]) == "x.csv:2:3: this row has 3 cells, the header has 2"
    assert str(inv.problems[1]) == "x.csv:3:2: this row has 1 cell, the header has 2"


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("label,ext\nx,1\n", None, "no 'mac' column"),
        ("mac,label,label\n1,a,b\n", 3, "a second column of this name (the first is column 2)"),
        ("mac,MAC\n1,2\n", 2, "a second column"),
        ("mac,account..label\n1,a\n", 2, "not a valid key"),
        ("mac,account.1.la bel\n1,a\n", 2, "not a valid key"),
        ("mac,.label\n1,a\n", 2, "not a valid key"),
        ("mac,,x\n1,a,b\n", 2, "has values but no header"),
        ("", None, "no header row"),
    ],
)
def test_inventory_header_problems(text: str, column: int | None, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_inventory(text, "inv.csv")
    (problem,) = caught.value.problems
    assert isinstance(problem, rendering.RowProblem)
    assert (problem.path, problem.column) == ("inv.csv", column)
    assert message in problem.message


def test_empty_header_column_without_values_is_ignored() -> None:
    assert parse_inventory("mac,label,\n1,a,\n").columns == ("mac", "label", "")


def test_read_inventory_errors_are_cfg_errors(tmp_path: Path) -> None:
    with pytest.raises(CfgError, match="no such file"):
        rendering.read_inventory(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"mac,label\n1,\xff\n")
    with pytest.raises(CfgError, match="offset 12"):
        rendering.read_inventory(bad)


# --- batches: MACs, rows, duplicates -------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    ["0015651130F9", "00:15:65:11:30:f9", "00-15-65-11-30-F9", "0015.6511.30f9", " 0015651130f9 "],
)
def test_accepted_mac_spellings(tmp_path: Path, cell: str) -> None:
    result = render_batch(template(), inventory(f'"{cell}",T46G,Desk,1,,'), tmp_path)
    assert not result.problems
    assert [p.path for p in result.phones] == ["0015651130f9.cfg"]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("", "the MAC is missing"),
        ("zz", "is not a MAC address"),
        ("00:15:65:11:30", "is not a MAC address"),
        ("00:15-65:11:30:F9", "is not a MAC address"),
        ("0015651130F9A", "is not a MAC address"),
        ("../../etc/passwd", "is not a MAC address"),
        ("0015651130f9/../../x", "is not a MAC address"),
        ("/tmp/0015651130f9", "is not a MAC address"),
        ("0015651130f9\x00", "control character (U+0000)"),
        ('0015651130f9\n"', "line break (U+000A)"),
    ],
)
def test_bad_macs_name_row_and_column(tmp_path: Path, cell: str, message: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["label", "mac", "ext"], ["x", cell, "1"]])
    inv = parse_inventory(buffer.getvalue(), "phones.csv")
    result = render_batch(template(HEADER + "k.a = {{ label }}\n"), inv, tmp_path / "out")
    (problem,) = result.problems
    assert (problem.path, problem.row, problem.column, problem.column_name) == (
        "phones.csv",
        2,
        2,
        "mac",
    )
    assert message in problem.message
    assert str(problem).startswith('phones.csv:2:2: column "mac": ')
    assert not (tmp_path / "out").exists()


def test_duplicate_macs_after_normalisation_reject_every_copy(tmp_path: Path) -> None:
    inv = inventory(
        "00:15:65:11:30:01,T46G,a,1,,",
        f"{MAC2},T46G,b,2,,",
        "0015.6511.3001,T46G,c,3,,",
    )
    result = render_batch(template(), inv, tmp_path, keep_going=True)
    assert [(p.row, p.column) for p in result.problems] == [(2, 1), (4, 1)]
    assert "also on row 4" in result.problems[0].message
    assert "also on row 2" in result.problems[1].message
    assert [p.mac for p in result.phones] == [MAC2]


def test_refused_rows_staged_files_are_dropped_and_the_others_committed(tmp_path: Path) -> None:
    render_batch(template(), inventory(f"{MAC2},T46G,b,2,,"), tmp_path)
    inv = inventory(
        f"{MAC2},T46G,b,2,,",  # unchanged: nothing staged
        "00:15:65:11:30:01,T46G,a,1,,",
        f"{MAC3},T46G,c,3,,",
        "0015.6511.3001,T46G,d,4,,",
    )
    result = render_batch(template(), inv, tmp_path, keep_going=True)
    assert [(p.mac, p.status) for p in result.phones] == [(MAC2, "unchanged"), (MAC3, "written")]
    assert sorted(os.listdir(tmp_path)) == sorted([f"{MAC2}.cfg", f"{MAC3}.cfg"])


def test_every_problem_of_a_row_is_reported(tmp_path: Path) -> None:
    inv = inventory(f'{MAC1},T46G,"a\nb",1\x00,,', f"{MAC1},T46G,ok,2,,")
    result = render_batch(template(), inv, tmp_path)
    assert [(p.row, p.column_name) for p in result.problems] == [
        (2, "mac"),
        (2, "label"),
        (2, "ext"),
        (4, "mac"),
    ]


def test_unknown_model_and_path_tricks_in_model_cells(tmp_path: Path) -> None:
    inv = inventory(
        f"{MAC1},T46G,a,1,,",
        f"{MAC2},../../etc,b,2,,",
        f"{MAC3},T46X,c,3,,",
    )
    result = render_batch(template(), inv, tmp_path / "out", layout="pn", keep_going=True)
    assert [(p.row, p.column_name) for p in result.problems] == [(3, "model"), (4, "model")]
    assert "unknown model '../../etc'" in result.problems[0].message
    assert "unknown model 'T46X'; did you mean" in result.problems[1].message
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.cfg")) == [
        f"out/T46G/{MAC1}.cfg"
    ]


def test_model_from_option_and_pn_directories(tmp_path: Path) -> None:
    inv = inventory(
        f"{MAC1},,a,1,,",
        f"{MAC2},sip-t19p e2,b,2,,",
        f"{MAC3},T23G,c,3,,",
    )
    result = render_batch(template(), inv, tmp_path, layout="pn", model="T42G")
    assert not result.problems, problem_texts(result)
    assert sorted(p.path for p in result.phones) == [
        f"T19P_E2/{MAC2}.cfg",
        f"T23G/{MAC3}.cfg",
        f"T42G/{MAC1}.cfg",
    ]
    assert {p.model for p in result.phones} == {"T42G", "T19(P) E2", "T23P/G"}


def test_pn_layout_needs_a_model(tmp_path: Path) -> None:
    result = render_batch(template(), inventory(f"{MAC1},,a,1,,"), tmp_path, layout="pn")
    assert "needs the model" in result.problems[0].message


def test_unknown_default_model_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CfgError, match="--model 'T99' is not a known model"):
        render_batch(template(), inventory(f"{MAC1},,a,1,,"), tmp_path, model="T99")


def test_undefined_placeholder_names_template_line_and_inventory(tmp_path: Path) -> None:
    inv = inventory(f"{MAC1},T46G,a,1", header="mac,model,label,ext")
    with pytest.raises(TemplateError) as caught:
        render_batch(template(), inv, tmp_path)
    messages = [str(problem) for problem in caught.value.problems]
    assert messages[0].startswith("phones.cfg.tmpl:5:34: 'pbx' is no column of phones.csv")
    assert "header on row 1" in messages[0]
    assert [m.split(":")[1:3] for m in messages] == [["5", "34"], ["6", "1"], ["8", "23"]]
    assert not any(tmp_path.iterdir())


def test_undefined_placeholder_suggests_a_column(tmp_path: Path) -> None:
    inv = inventory(f"{MAC1},a", header="mac,label")
    with pytest.raises(TemplateError, match="did you mean 'label'"):
        render_batch(template(HEADER + "k.a = {{ lable }}\n"), inv, tmp_path)


# --- batches: validation --------------------------------------------------------------------------


def test_lint_errors_in_a_rendered_file_reject_its_row(tmp_path: Path) -> None:
    doc = template(HEADER + "account.1.enable = {{ enable }}\naccount.1.label = {{ label }}\n")
    inv = inventory(
        f"{MAC1},1,a", f"{MAC2},yes,b", f"{MAC3},1,{{{{ x }}}}", header="mac,enable,label"
    )
    result = render_batch(doc, inv, tmp_path, keep_going=True)
    assert [(p.row, p.column_name, p.code) for p in result.problems] == [
        (3, "enable", "CFG202"),
        (4, "label", "CFG501"),
    ]
    assert "(template line 2)" in result.problems[0].message
    assert [p.mac for p in result.phones] == [MAC1]


def test_lint_errors_from_key_columns_name_the_column(tmp_path: Path) -> None:
    inv = inventory(
        f"{MAC1},T46G,a,1,,,maybe", header="mac,model,label,ext,pbx,ext2,account.1.enable"
    )
    result = render_batch(template(), inv, tmp_path)
    (problem,) = result.problems
    assert (problem.column, problem.column_name, problem.code) == (7, "account.1.enable", "CFG202")


def test_template_errors_fail_every_row(tmp_path: Path) -> None:
    doc = template("account.1.label = {{ label }}\n")  # no header
    result = render_batch(doc, inventory(f"{MAC1},T46G,a,1,,"), tmp_path)
    assert [p.code for p in result.problems] == ["CFG101"]
    assert result.problems[0].column_name is None
    assert result.wrote_nothing and not any(tmp_path.iterdir())


def test_model_rules_see_the_row_model(tmp_path: Path) -> None:
    doc = template(HEADER + "account.2.label = {{ label }}\n")
    inv = inventory(f"{MAC1},T46G,a", f"{MAC2},T19P E2,b", header="mac,model,label")
    result = render_batch(doc, inv, tmp_path, keep_going=True, dry_run=True)
    from cfgtool.linting.engine import registered_rules

    if not any(rule.scope == "model" for rule in registered_rules(("model",))):
        pytest.skip("the model rules (cfgtool validate) are not registered yet")
    assert [p.row for p in result.problems] == [3]


INTERESTING_VALUES = [
    *("", "1", "0", "yes", "5061", "99999", "abc", "ü", "%NULL%", " lead", "trail "),
    *("{{ x }}", "}}", "${HOME}", "a\u00a0b", "x = y", "account.1.label = z"),
    *("0123456789abcdef", "short", "admin:admin", "tftp://h/x", "gopher://h/x"),
]
CELL = st.one_of(st.sampled_from(INTERESTING_VALUES), st.text(max_size=6))
ROW = st.tuples(st.sampled_from(["T46G", "T19P E2", ""]), *[CELL] * 6)
VERDICT_TEMPLATE = (
    HEADER
    + "account.1.enable = {{ a }}\n"
    + "account.1.label = {{ b }}\n"
    + "account.2.label = {{ b | upper }}\n"
    + "account.1.sip_server.1.port = {{ c }}\n"
    + "static.auto_provision.server.url = {{ c }}\n"
    + "static.auto_provision.aes_key.com = {{ d }}\n"
    + "static.security.user_password = {{ d }}\n"
)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(ROW, min_size=1, max_size=4))
def test_batch_verdict_equals_linting_each_file(
    tmp_path: Path, rows: list[tuple[str, ...]]
) -> None:
    """A row is refused exactly when its file, rendered and linted alone, has an error."""
    from cfgtool.catalog import find_model
    from cfgtool.linting.config import config_for
    from cfgtool.linting.engine import lint, make_context, registered_rules

    header = ["mac", "model", "a", "b", "c", "d", "account.1.label", "features.dtmf.transfer"]
    table = [[f"{0x001565000000 + i:012x}", *row] for i, row in enumerate(rows)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *table])
    inv = parse_inventory(buffer.getvalue(), "inv.csv")
    doc = template(VERDICT_TEMPLATE)
    out = Path(tempfile.mkdtemp(dir=tmp_path))
    result = render_batch(doc, inv, out, keep_going=True, dry_run=True)
    refused = {problem.mac for problem in result.problems}
    rendered_files = {phone.mac for phone in result.phones}
    for cells in table:
        mac, model = cells[0], cells[1]
        try:
            rendered = render(doc, {**dict(zip(header, cells, strict=True)), "mac": mac})
        except RenderError:
            assert mac in refused
            continue
        path = str(out / f"{mac}.cfg")
        context = make_context(config_for(path), path, template=False)
        if model:
            context = replace(context, model=find_model(model))
        found = lint(rendered, context=context, rules=registered_rules(("lint", "model")))
        has_error = any(diagnostic.severity == "error" for diagnostic in found)
        assert (mac in refused) == has_error, found
        assert (mac in rendered_files) == (not has_error)


# --- batches: writing ---------------------------------------------------------------------------


def test_nothing_is_written_when_a_row_fails(tmp_path: Path) -> None:
    inv = inventory(f"{MAC1},T46G,a,1,,", f'{MAC2},T46G,"b\nc",2,,')
    result = render_batch(template(), inv, tmp_path / "out")
    assert result.wrote_nothing and result.phones == []
    assert not (tmp_path / "out").exists()
    kept = render_batch(template(), inv, tmp_path / "out", keep_going=True)
    assert [p.mac for p in kept.phones] == [MAC1]
    assert kept.failed_rows == [3]
    assert sorted(os.listdir(tmp_path / "out")) == [f"{MAC1}.cfg"]


def test_files_are_written_header_first(tmp_path: Path) -> None:
    render_batch(template(), inventory(f"{MAC1},T46G,a,1,,"), tmp_path)
    assert (tmp_path / f"{MAC1}.cfg").read_text().startswith(HEADER)


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    inv = inventory(f"{MAC1},T46G,a,1,,", f"{MAC2},T46G,b,2,,")
    first = render_batch(template(), inv, tmp_path)
    assert [p.status for p in first.phones] == ["written", "written"]
    old = 1_000_000_000
    for name in os.listdir(tmp_path):
        os.utime(tmp_path / name, (old, old))
    changed = inventory(f"{MAC1},T46G,a,1,,", f"{MAC2},T46G,NEW,2,,")
    second = render_batch(template(), changed, tmp_path)
    assert [(p.mac, p.status) for p in second.phones] == [(MAC1, "unchanged"), (MAC2, "written")]
    assert (tmp_path / f"{MAC1}.cfg").stat().st_mtime == old
    assert (tmp_path / f"{MAC2}.cfg").stat().st_mtime != old
    assert (len(second.written), len(second.unchanged)) == (1, 1)


def test_stale_files_are_listed_and_pruned_only_on_request(tmp_path: Path) -> None:
    for name in (f"{MAC3}.cfg", "y000000000028.cfg", f"{MAC3}-local.cfg", "notes.txt"):
        (tmp_path / name).write_text(HEADER)
    inv = inventory(f"{MAC1},T46G,a,1,,")
    result = render_batch(template(), inv, tmp_path)
    assert result.stale == [f"{MAC3}.cfg"] and result.pruned == []
    assert (tmp_path / f"{MAC3}.cfg").exists()
    pruned = render_batch(template(), inv, tmp_path, prune=True)
    assert pruned.pruned == [f"{MAC3}.cfg"]
    assert sorted(os.listdir(tmp_path)) == sorted(
        [f"{MAC1}.cfg", "y000000000028.cfg", f"{MAC3}-local.cfg", "notes.txt"]
    )


def test_failed_rows_keep_their_old_file(tmp_path: Path) -> None:
    (tmp_path / f"{MAC2}.cfg").write_text(HEADER)
    inv = inventory(f"{MAC1},T46G,a,1,,", f'{MAC2},T46G,"b\nc",2,,')
    result = render_batch(template(), inv, tmp_path, keep_going=True, prune=True)
    assert result.stale == [] and (tmp_path / f"{MAC2}.cfg").exists()


def test_pn_layout_stale_files_include_a_phone_that_changed_model(tmp_path: Path) -> None:
    render_batch(template(), inventory(f"{MAC1},T46G,a,1,,"), tmp_path, layout="pn")
    moved = render_batch(template(), inventory(f"{MAC1},T42G,a,1,,"), tmp_path, layout="pn")
    assert moved.stale == [f"T46G/{MAC1}.cfg"]


def test_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    inv = inventory(f"{MAC2},T46G,b,2,,", f"{MAC1},T42G,a,1,,")
    render_batch(template(), inv, tmp_path / "out", manifest=manifest)
    data = json.loads(manifest.read_text())
    assert list(data) == [MAC1, MAC2]
    import hashlib

    content = (tmp_path / "out" / f"{MAC1}.cfg").read_bytes()
    assert data[MAC1] == {
        "file": f"{MAC1}.cfg",
        "model": "T42G",
        "md5": hashlib.md5(content).hexdigest(),
    }


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / f"{MAC1}.cfg").write_text("old")
    inv = inventory(f"{MAC1},T46G,a,1,,", f"{MAC2},T46G,b,2,,")
    result = render_batch(template(), inv, tmp_path, dry_run=True, manifest=tmp_path / "m.json")
    assert [p.status for p in result.phones] == ["changed", "new"]
    assert sorted(os.listdir(tmp_path)) == [f"{MAC1}.cfg"]
    assert result.to_dict()["written"] == 2 and result.manifest is None


@pytest.mark.parametrize("jobs", [2, 3])
def test_parallel_rendering_gives_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    monkeypatch.setattr(rendering.workers, "_PARALLEL_MIN_ROWS", 10)
    monkeypatch.setattr(rendering.workers, "_CHUNK_MAX", 7)
    rows = [f"{0x001565000000 + i:012x},T46G,Desk {i},{i},,{i if i % 2 else ''}" for i in range(40)]
    rows.append("bad,T46G,x,1,,")
    inv = inventory(*rows)
    one = render_batch(template(), inv, tmp_path / "one", jobs=1, keep_going=True)
    two = render_batch(template(), inv, tmp_path / "two", jobs=jobs, keep_going=True)
    assert one.to_dict()["files"] == two.to_dict()["files"]
    assert problem_texts(one) == problem_texts(two) and len(one.problems) == 1
    for name in os.listdir(tmp_path / "one"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_a_batch_syncs_the_disk_once_not_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cfgtool import fsutil

    syncs: list[list[str]] = []
    real_sync = fsutil.sync_filesystems
    monkeypatch.setattr(
        fsutil, "sync_filesystems", lambda dirs: syncs.append(list(dirs)) or real_sync(dirs)
    )
    monkeypatch.setattr(os, "fsync", lambda fd: pytest.fail("one fsync per file"))
    rows = [f"{0x001565000000 + i:012x},T46G,Desk {i},{i},," for i in range(12)]
    result = render_batch(template(), inventory(*rows), tmp_path)
    assert [p.mac for p in result.phones] == [row[:12] for row in rows]
    assert sorted(os.listdir(tmp_path)) == sorted(f"{row[:12]}.cfg" for row in rows)
    assert len(syncs) == 1 and set(syncs[0]) == {str(tmp_path)}


def test_the_batch_sync_flushes_the_output_filesystem_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cfgtool import fsutil

    if fsutil._syncfs() is None:
        pytest.skip("no syncfs here: os.sync() is the fallback")
    monkeypatch.setattr(os, "sync", lambda: pytest.fail("os.sync waits for every filesystem"))
    fsutil.sync_filesystems([str(tmp_path), str(tmp_path)])
    fsutil.sync_filesystems([str(tmp_path)])


def test_progress_callback(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    inv = inventory(f"{MAC1},T46G,a,1,,", f"{MAC2},T46G,b,2,,")
    render_batch(template(), inv, tmp_path, progress=lambda *args: calls.append(args))
    assert calls[-1] == ("write", 2, 2) and ("render", 2, 2) in calls


def test_render_files_reads_both_files(tmp_path: Path) -> None:
    (tmp_path / "t.cfg.tmpl").write_text(TEMPLATE)
    (tmp_path / "p.csv").write_text(f"mac;label;ext;pbx;ext2\n{MAC1};a;1;;\n")
    result = rendering.render_files(tmp_path / "t.cfg.tmpl", tmp_path / "p.csv", tmp_path / "o")
    assert [p.path for p in result.phones] == [f"{MAC1}.cfg"]
