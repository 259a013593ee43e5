"""Every rule is documented where users look for it: the README and `cfgtool rules`."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cfgtool.cli import main
from cfgtool.cli.lint import rule_label
from cfgtool.linting.rules import RULES
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _readme_rule_rows() -> list[list[str]]:
    start = README.index("<!-- rule-table -->")
    end = README.index("<!-- /rule-table -->")
    lines = README[start:end].splitlines()[3:]  # the marker, the header, the --- line
    return [re.split(r"(?<!\\)\|", line.strip())[1:-1] for line in lines]


def test_the_readme_rule_table_matches_the_registry_cell_by_cell() -> None:
    found = [[cell.strip().replace("\\|", "|") for cell in row] for row in _readme_rule_rows()]
    assert len(found) == len(RULES)
    for row, rule in zip(found, RULES, strict=True):
        assert row == [f"`{rule.code}`", rule.name, rule_label(rule), rule.summary], rule.code
    assert {row[2].split(",")[0] for row in found} == {"error", "warning", "info"}


def test_rule_table_script_says_when_the_readme_is_stale() -> None:
    script = REPO / "scripts" / "rule_table.py"
    check = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    table = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True
    ).stdout
    assert table in README
    stale = README.replace(
        "| `CFG301` | bad-filename | warning, validate |", "| `CFG301` | bad-filename |   |"
    )
    assert stale != README
    spec = importlib.util.spec_from_file_location("rule_table", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.with_table(stale) == README


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_is_listed_and_explained_by_cfgtool_rules(rule) -> None:  # type: ignore[no-untyped-def]
    listing = CliRunner().invoke(main, ["rules"])
    assert rule.code in listing.stdout and rule.name in listing.stdout
    explained = CliRunner().invoke(main, ["rules", rule.code])
    assert explained.exit_code == 0
    assert "Failing example" in explained.stdout and "Passing example" in explained.stdout


def test_readme_lists_every_command() -> None:
    from cfgtool.cli import COMMANDS

    for name in COMMANDS:
        assert f"cfgtool {name}" in README, name


def test_registry_names_every_rule_module_once() -> None:
    modules = sorted(path.stem for path in (REPO / "cfgtool/linting/rules").glob("cfg*.py"))
    from cfgtool.linting.rules import RULE_MODULES

    assert list(RULE_MODULES) == modules
    assert len({rule.code for rule in RULES}) == len(modules) >= 30


def test_every_relative_link_in_the_readme_points_at_a_file() -> None:
    links = re.findall(r"\]\(([^)#:]+)\)", README)
    assert "schemas/README.md" in links
    for link in links:
        assert (REPO / link).is_file(), link
