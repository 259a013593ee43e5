"""PBX template lint against its data-driven cases (tests/rules/template_cases.toml).

Unlike tests/test_rules.py, each case runs the whole engine on a template file
(every lint rule, the template view, the model from the path), because what a
template means is the engine's business: which rule reports a line depends on
the structure around it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cfgtool.inputs import InputFile
from cfgtool.linting.config import LintConfig
from cfgtool.linting.engine import LintOptions, lint_one
from cfgtool.templating import DIALECTS

CASES_FILE = Path(__file__).parent / "rules" / "template_cases.toml"


@dataclass(frozen=True)
class TemplateCase:
    dialect: str
    name: str
    file: str
    text: str
    expect: tuple[str, ...]
    contains: tuple[str, ...] = ()
    files: dict[str, str] = field(default_factory=dict)
    root: bool = False
    syntax: str = "auto"

    @property
    def id(self) -> str:
        return f"{self.dialect}: {self.name}"


def load_cases() -> list[TemplateCase]:
    data = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))
    cases = []
    for raw in data["case"]:
        item: dict[str, Any] = dict(raw)
        item["expect"] = tuple(item["expect"])
        item["contains"] = tuple(item.get("contains", ()))
        cases.append(TemplateCase(**item))
    return cases


CASES = load_cases()


def lint_case(case: TemplateCase, tmp_path: Path) -> list[str]:
    path = tmp_path / case.file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(case.text.removeprefix("\n"), encoding="utf-8")
    for name, text in case.files.items():
        (path.parent / name).write_text(text, encoding="utf-8")
    config = LintConfig(
        template_syntax=case.syntax, template_root=str(path.parent) if case.root else None
    )
    result = lint_one(InputFile(str(path)), config, LintOptions())
    assert result.error is None, result.error
    return [f"{d.line} {d.code} {d.severity} {d.message}" for d in result.diagnostics]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_template_case(case: TemplateCase, tmp_path: Path) -> None:
    found = lint_case(case, tmp_path)
    assert [" ".join(line.split(" ")[:3]) for line in found] == list(case.expect), found
    messages = " | ".join(found)
    for text in case.contains:
        assert text in messages, (text, found)


def test_every_dialect_has_failing_and_passing_cases() -> None:
    for dialect in DIALECTS:
        mine = [case for case in CASES if case.dialect == dialect]
        assert any(case.expect for case in mine), f"{dialect} has no failing case"
        assert any(not case.expect for case in mine), f"{dialect} has no passing case"
