"""Every rule is documented where users look for it: the README and `cfgtool rules`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cfgtool.cli import main
from cfgtool.linting.rules import RULES
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_is_in_the_readme_table(rule) -> None:  # type: ignore[no-untyped-def]
    assert f"| `{rule.code}` | {rule.name} |" in README


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
