"""The rules that use the vendor facts, end to end (issue 17, phase B).

Rule cases are data (tests/rules/cases.toml); here: the correct corpus through
the real engine under lint and validate, the five kinds of mistake of the issue,
``--firmware`` and ``firmware =``, ``--fix``, and the start-up cost.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main
from cfgtool.diagnostics import Diagnostic
from cfgtool.errors import ConfigError
from cfgtool.linting.config import ConfigResolver, config_from_table
from cfgtool.linting.engine import lint_paths
from cfgtool.linting.rules import RULES_BY_CODE
from cfgtool.linting.rules.cfg307_value_range import GUIDE_KEYS
from cfgtool.provisioning import validate_paths
from tests.test_rules import CASES

ROOT = Path(__file__).resolve().parent.parent
CORRECT = ROOT / "tests" / "data" / "correct"
NOISE_LIMIT = 0.005  # unknown-key warnings on correct files, per entry


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _entries() -> int:
    return sum(
        1
        for path in CORRECT.rglob("*.cfg")
        for line in path.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    )


def _lint() -> list[Diagnostic]:
    results = lint_paths([str(CORRECT)], resolver=ConfigResolver(), jobs=1)
    return [d for result in results for d in result.diagnostics]


def _validate() -> list[Diagnostic]:
    return validate_paths([str(CORRECT)], resolver=ConfigResolver(), jobs=1).diagnostics


def test_the_examples_validate_without_errors_or_warnings() -> None:
    """MAC files take their Common file's firmware generation: they must use its key names."""
    found = validate_paths([str(ROOT / "examples")], resolver=ConfigResolver(), jobs=1)
    assert [f"{d.path}:{d.line}: {d.code}" for d in found.diagnostics if d.severity != "info"] == []


@pytest.mark.parametrize("run", [_lint, _validate], ids=["lint", "validate"])
def test_correct_files_give_no_error_and_no_warning(run: object) -> None:
    found = run()  # type: ignore[operator]
    loud = [f"{d.path}:{d.line}: {d.code} {d.message}" for d in found if d.severity != "info"]
    assert loud == []
    unknown = [d for d in found if d.code == "CFG201"]
    assert len(unknown) <= NOISE_LIMIT * _entries()


KINDS = {
    1: "CFG202",  # a boolean or numeric key set to a word
    2: "CFG202",  # an enumerated key given by its name where the phone wants the number
    3: "CFG205",  # a value of the wrong shape where the vendor documents one
    4: "CFG315",  # a key a firmware generation renamed, on a phone that runs the newer one
    5: "CFG303",  # a firmware image for another model in a model's Common file
}


@pytest.mark.parametrize(("kind", "code"), KINDS.items())
def test_each_kind_of_mistake_in_the_issue_has_a_failing_rule_case(kind: int, code: str) -> None:
    cases = [c for c in CASES if f"issue 17, kind {kind}" in c.name]
    assert [c.rule for c in cases] == [code] and cases[0].expect


def test_value_checks_leave_the_guide_ranges_to_cfg307(in_tmp: Path) -> None:
    assert "static.zero_touch.wait_time" in GUIDE_KEYS
    text = "#!version:1.0.0.1\nstatic.auto_provision.dhcp_option.list_user_options = 66\n"
    runner = CliRunner()
    Path("y000000000028.cfg").write_text(text)
    result = runner.invoke(main, ["validate", "--format", "json", "y000000000028.cfg"])
    assert [d["code"] for d in json.loads(result.stdout)] == ["CFG307"]


RENAMED = "#!version:1.0.0.1\naccount.1.transport = 1\n"


@pytest.mark.parametrize("option", ["84", "v84", "V84", "28.84.0.10", "84.x"])
def test_firmware_option_accepts_each_form(option: str, in_tmp: Path) -> None:
    runner = CliRunner()
    Path("0015651130f9.cfg").write_text(RENAMED)
    result = runner.invoke(main, ["lint", "--format", "json", "--firmware", option, "."])
    assert [d["code"] for d in json.loads(result.stdout)] == ["CFG315"]
    assert result.exit_code == 0  # a warning


@pytest.mark.parametrize("command", ["lint", "validate"])
@pytest.mark.parametrize("option", ["8", "eighty-four", "v", "28.84"])
def test_firmware_option_usage_error_names_the_accepted_forms(
    command: str, option: str, in_tmp: Path
) -> None:
    runner = CliRunner()
    Path("0015651130f9.cfg").write_text(RENAMED)
    result = runner.invoke(main, [command, "--firmware", option, "."])
    assert result.exit_code == 2
    assert "84 or v84" in result.output and "28.84.0.10" in result.output


def test_firmware_in_configuration_and_option_over_it(in_tmp: Path) -> None:
    runner = CliRunner()
    Path(".cfgtool.toml").write_text('firmware = "v84"\n')
    Path("0015651130f9.cfg").write_text(RENAMED)
    configured = runner.invoke(main, ["lint", "--format", "json", "."])
    older = runner.invoke(main, ["lint", "--format", "json", "--firmware", "73", "."])
    assert [d["code"] for d in json.loads(configured.stdout)] == ["CFG315"]
    assert json.loads(older.stdout) == []


@pytest.mark.parametrize(("value", "generation"), [("84", 84), ("v81", 81), (84, 84)])
def test_firmware_setting_forms(value: object, generation: int) -> None:
    assert config_from_table({"firmware": value}).firmware == generation


@pytest.mark.parametrize("value", ["eighty", "", True, ["84"], 8])
def test_bad_firmware_setting_says_what_is_accepted(value: object) -> None:
    with pytest.raises(ConfigError, match="84 or v84"):
        config_from_table({"firmware": value}, source="pyproject.toml")


def test_fix_renames_keys_and_writes_numbers_for_names(in_tmp: Path) -> None:
    text = (
        "#!version:1.0.0.1\n# the office line\naccount.1.transport = TLS\n"
        "account.2.sip_server.1.transport_type = tcp\n"
    )
    runner = CliRunner()
    Path("y000000000096.cfg").write_text(text)
    result = runner.invoke(main, ["lint", "--fix", "y000000000096.cfg"])
    fixed = Path("y000000000096.cfg").read_text()
    assert result.exit_code == 0, result.output
    assert fixed == (
        "#!version:1.0.0.1\n# the office line\naccount.1.sip_server.1.transport_type = 2\n"
        "account.2.sip_server.1.transport_type = 1\n"
    )


def test_rules_registry_has_the_new_codes() -> None:
    for code, scope in [
        ("CFG205", "lint"),
        ("CFG313", "model"),
        ("CFG314", "model"),
        ("CFG315", "lint"),
        ("CFG316", "lint"),
    ]:
        assert RULES_BY_CODE[code].scope == scope
    assert RULES_BY_CODE["CFG315"].fixable and RULES_BY_CODE["CFG202"].fixable


def test_linting_a_clean_file_reads_no_vendor_facts() -> None:
    """facts.json (128 KB) and evidence.json stay off the lint path of a clean file, and of
    a correct one whose infos are facts real files contradict (US time zones)."""
    code = (
        "import cfgtool.knowledge.store as s;"
        "from cfgtool.linting.engine import lint_paths;"
        "lint_paths(['examples/y000000000028.cfg', 'tests/rules/good/0015651130f9.cfg',"
        " 'tests/data/correct/T46G/y000000000028.cfg']);"
        "print(s._facts_data.cache_info().currsize, s.load_renames.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    facts_loaded, _ = result.stdout.split()
    assert facts_loaded == "0"


def test_explain_shows_the_vendor_facts_with_their_sources() -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["explain", "account.1.sip_server.1.transport_type"]).stdout
    assert "0 (UDP), 1 (TCP), 2 (TLS), 3 (DNS-NAPTR)" in text
    assert "type from Yealink's comment" in text
    assert "renamed:         from account.X.transport in v80 (wazo generations)" in text
    assert "first set in v80, last in v87 (Wazo templates)" in text
    assert "fusionpbx/fusionpbx@" in text  # the quoted comment and where it is
    expansion = runner.invoke(main, ["explain", "expansion_module.1.key.2.label"]).stdout
    assert "T46G,T46S,T48G,T48S: X1-6 Y1-40" in expansion and "other models: X1-16" in expansion
    assert "only T27G, T27P" in expansion
    shape = runner.invoke(main, ["explain", "static.security.user_password"]).stdout
    assert "shape:           <admin_name>:<admin_password>" in shape


def test_explain_json_has_every_fact_under_knowledge() -> None:
    result = CliRunner().invoke(
        main, ["explain", "--format", "json", "static.security.user_password"]
    )
    knowledge = json.loads(result.stdout)["knowledge"]
    assert knowledge["shape"] == "<admin_name>:<admin_password>"
    assert knowledge["renames"][0]["old"] == "security.user_password"
    assert knowledge["evidence"] and all("@" in item for item in knowledge["evidence"])
    unknown = CliRunner().invoke(main, ["explain", "--format", "json", "no.such.key"])
    assert json.loads(unknown.stdout)["knowledge"] is None


SITE = """
[tool.cfgtool.known-keys]
"custom.X.level" = { type = "int", allowed = "0..5|9" }
"custom.site.mode" = { type = "enum", allowed = "day|night" }
"custom.site.flag" = { type = "bool" }
"custom.site.label" = { type = "string" }
"""


def test_typed_local_keys_are_known_and_their_values_checked(in_tmp: Path) -> None:
    Path("pyproject.toml").write_text(SITE)
    Path("0015651130f9.cfg").write_text(
        "#!version:1.0.0.1\ncustom.1.level = 7\ncustom.2.level = 9\ncustom.3.level = 5\n"
        "custom.site.mode = dusk\ncustom.site.flag = yes\ncustom.site.label = Hello\n"
    )
    result = CliRunner().invoke(main, ["lint", "--format", "json", "."])
    found = [(d["code"], d["line"], d["severity"]) for d in json.loads(result.stdout)]
    assert found == [("CFG202", 2, "error"), ("CFG202", 5, "error"), ("CFG202", 6, "error")]
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ('{ type = "float" }', "type must be one of bool, int, enum"),
        ('{ type = "int", allowed = "low..high" }', 'a range "min..max"'),
        ('{ type = "enum" }', "an enum needs its values"),
        ('{ type = "string", allowed = "a|b" }', "int and enum types only"),
        ('{ type = "int", range = "1..2" }', "{ type = ..., allowed = ... }"),
        ('"int"', "{ type = ..., allowed = ... }"),
    ],
)
def test_bad_typed_local_keys_say_what_to_write(entry: str, words: str) -> None:
    table = tomllib.loads(f'[known-keys]\n"custom.x" = {entry}\n')
    with pytest.raises(ConfigError, match=re.escape(words)):
        config_from_table(table, source=".cfgtool.toml")


def test_typed_local_keys_parse() -> None:
    config = config_from_table(
        {"known-keys": {"custom.X.level": {"type": "int", "allowed": "5..0|9"}}}
    )
    [spec] = config.known_keys
    assert (spec.key, spec.type, spec.int_range, spec.also, spec.closed) == (
        "custom.X.level",
        "int",
        (0, 5),
        ("9",),
        True,
    )
    assert "custom.X.level" in config.extend_known_keys


def test_validate_takes_a_mac_files_generation_from_its_common_file(tmp_path: Path) -> None:
    """The phone runs what its Common file installs: a MAC file naming no image gets that."""
    model = tmp_path / "T46G"
    model.mkdir()
    (model / "y000000000028.cfg").write_text(
        "#!version:1.0.0.1\nstatic.firmware.url = http://prov.example.com/fw/28.84.0.10.rom\n"
    )
    (model / "0015651130f9.cfg").write_text(RENAMED)
    found = validate_paths([str(tmp_path)], resolver=ConfigResolver(), jobs=1).diagnostics
    assert [(Path(d.path or "").name, d.code) for d in found] == [("0015651130f9.cfg", "CFG315")]
    assert "the phones run v84" in found[0].message
    linted = lint_paths([str(tmp_path)], resolver=ConfigResolver(), jobs=1)
    assert [d for result in linted for d in result.diagnostics] == []  # lint reads no other file
