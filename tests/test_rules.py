"""Every lint rule against its data-driven cases (tests/rules/cases.toml).

Rules are called directly (``rule.check(doc, context)``), not through the
engine: a case pins one rule's findings, and a second run of every rule pins
that nothing else fires (one mistake, one diagnostic).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cfgtool.diagnostics import Diagnostic
from cfgtool.filenames import basename
from cfgtool.linting.rule import LintContext, Rule
from cfgtool.linting.rules import RULES, RULES_BY_CODE
from cfgtool.parser import dumps, loads

CASES_FILE = Path(__file__).parent / "rules" / "cases.toml"
DEFAULT_FILE = "0015651130f9.cfg"
# Rules the engine runs itself (CFG100) or only under `cfgtool validate` (model scope).
ENGINE_RULES = frozenset({"CFG100"})
LINT_RULES = tuple(r for r in RULES if r.scope == "lint" and r.code not in ENGINE_RULES)


@dataclass(frozen=True)
class Case:
    rule: str
    name: str
    text: str
    expect: tuple[str, ...]
    contains: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    file: str = DEFAULT_FILE
    template: bool = False
    variables: frozenset[str] | None = None
    known: frozenset[str] = frozenset()
    also: frozenset[str] = field(default_factory=frozenset)
    fixed: str | None = None
    remaining: int = 0
    firmware: int | None = None

    @property
    def id(self) -> str:
        return f"{self.rule} {self.name}"


def load_cases() -> list[Case]:
    data = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))
    cases = []
    for raw in data["case"]:
        item: dict[str, Any] = dict(raw)
        item["expect"] = tuple(item["expect"])
        item["contains"] = tuple(item.get("contains", ()))
        item["absent"] = tuple(item.get("absent", ()))
        item["also"] = frozenset(item.get("also", ()))
        item["known"] = frozenset(item.get("known", ()))
        if "variables" in item:
            item["variables"] = frozenset(item["variables"])
        cases.append(Case(**item))
    return cases


CASES = load_cases()


def context_for(case: Case) -> LintContext:
    return LintContext(
        path=case.file,
        filename=basename(case.file),
        template=case.template,
        template_variables=case.variables,
        extra_known_keys=case.known,
        firmware=case.firmware,
    )


def run(rules: Sequence[Rule], text: str, context: LintContext) -> list[Diagnostic]:
    doc = loads(text, filename=context.path)
    found: list[Diagnostic] = []
    for rule in rules:
        found.extend(rule.check(doc, context))
    return found


def matches(expected: str, found: Diagnostic) -> bool:
    where, severity = expected.split()
    line, _, column = where.partition(":")
    return (
        found.line == int(line)
        and (not column or found.column == int(column))
        and found.severity == severity
    )


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case) -> None:
    rule = RULES_BY_CODE[case.rule]
    context = context_for(case)
    found = run([rule], case.text, context)
    assert all(d.code == case.rule for d in found)
    shown = [f"{d.line}:{d.column} {d.severity} {d.message}" for d in found]
    assert len(found) == len(case.expect), shown
    for expected, diagnostic in zip(
        case.expect, sorted(found, key=lambda d: (d.line, d.column)), strict=True
    ):
        assert matches(expected, diagnostic), (expected, shown)
    messages = " | ".join(d.message for d in found)
    for text in case.contains:
        assert text in messages, (text, shown)
    everything = messages + " | " + " | ".join(d.hint or "" for d in found)
    for text in case.absent:
        assert text not in everything, (text, shown)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_no_other_rule_fires(case: Case) -> None:
    """One mistake, one diagnostic: other rules stay silent unless the case says so."""
    allowed = case.also | ({case.rule} if case.expect else set())
    found = run(LINT_RULES, case.text, context_for(case))
    others = sorted({f"{d.code} {d.line}: {d.message}" for d in found if d.code not in allowed})
    assert others == []


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.fixed is not None], ids=lambda case: case.id
)
def test_fix(case: Case) -> None:
    rule = RULES_BY_CODE[case.rule]
    assert rule.fix is not None
    context = context_for(case)
    doc = loads(case.text, filename=case.file)
    fixed = rule.fix(doc, context)
    assert dumps(fixed) == case.fixed
    assert dumps(doc) == case.text, "fix() must not change the document it was given"
    assert dumps(rule.fix(fixed, context)) == case.fixed, "fixing twice changes nothing more"
    assert len(list(rule.check(fixed, context))) == case.remaining


def test_every_case_names_a_registered_rule() -> None:
    assert {case.rule for case in CASES} <= set(RULES_BY_CODE)


def test_every_lint_rule_has_failing_and_passing_cases() -> None:
    for rule in LINT_RULES:
        mine = [case for case in CASES if case.rule == rule.code]
        assert any(case.expect for case in mine), f"{rule.code} has no failing case"
        assert any(not case.expect for case in mine), f"{rule.code} has no passing case"


def test_every_fixable_rule_has_fix_cases() -> None:
    for rule in LINT_RULES:
        if rule.fixable:
            assert any(case.rule == rule.code and case.fixed for case in CASES), rule.code


def test_fixable_rules() -> None:
    fixable = {rule.code for rule in LINT_RULES if rule.fixable}
    assert {"CFG101", "CFG107", "CFG108"} <= fixable


def test_registry_is_in_code_order_without_gaps_in_families() -> None:
    codes = [rule.code for rule in RULES]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    for rule in RULES:
        assert rule.severity in ("error", "warning", "info")
        assert rule.name == rule.name.lower() and " " not in rule.name
        assert rule.summary and len(rule.summary) <= 100


@pytest.mark.parametrize(
    ("code", "name", "severity"),
    [
        ("CFG101", "missing-header", "error"),
        ("CFG102", "misplaced-header", "error"),
        ("CFG103", "malformed-line", "error"),
        ("CFG104", "invalid-key", "error"),
        ("CFG105", "duplicate-key", "error"),
        ("CFG106", "legacy-format", "error"),
        ("CFG107", "encoding", "error"),
        ("CFG108", "whitespace", "info"),
        ("CFG201", "unknown-key", "warning"),
        ("CFG202", "invalid-value", "error"),
        ("CFG401", "secret-in-common-file", "warning"),
        ("CFG402", "invalid-aes-key", "error"),
        ("CFG501", "template-placeholder", "error"),
    ],
)
def test_fixed_codes_from_the_issue(code: str, name: str, severity: str) -> None:
    """Codes and names users put in suppressions and CI scripts never change."""
    rule = RULES_BY_CODE[code]
    assert (rule.name, rule.severity) == (name, severity)
