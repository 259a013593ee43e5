"""Small fake lint rules, so that engine, config, reporter and CLI tests do not
depend on what the real rules report (those have their own tests)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from cfgtool.linting import rules as registry
from cfgtool.linting.rule import LintContext, Problem, Rule
from cfgtool.linting.rules import cfg100_unused_suppression
from cfgtool.nodes import Document, Entry
from cfgtool.parser import BOM, loads


def _no_x(doc: Document, context: LintContext) -> Iterable[Problem]:
    for item in doc.items:
        if isinstance(item, Entry) and item.value == "x":
            yield context.problem(item, f"{item.key} is x", column=item.value_column)


def _trailing(doc: Document, context: LintContext) -> Iterable[Problem]:
    for item in doc.items:
        if item.raw != item.raw.rstrip(" "):
            column = len(item.raw.rstrip(" ")) + 1
            yield context.problem(item, "trailing spaces", column=column)


def _fix_trailing(doc: Document, context: LintContext) -> Document:
    text = "".join(item.raw.rstrip(" ") + item.eol for item in doc.items)
    return loads((BOM if doc.bom else "") + text, filename=doc.filename)


def _header(doc: Document, context: LintContext) -> Iterable[Problem]:
    if doc.header is None:
        yield context.problem(1, "no header")


NO_X = Rule("CFG901", "no-x", "warning", "value x", "No x.\n\nFails: `k = x`.", _no_x)
TRAILING = Rule(
    "CFG902", "trailing", "info", "trailing spaces", "Trailing.", _trailing, _fix_trailing
)
HEADER = Rule("CFG903", "header", "error", "no header", "Header.", _header)
UNUSED = Rule.from_module(cfg100_unused_suppression)
FAKE_RULES: tuple[Rule, ...] = (UNUSED, NO_X, TRAILING, HEADER)


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch) -> tuple[Rule, ...]:
    """Replace the rule registry with :data:`FAKE_RULES` for one test."""
    monkeypatch.setattr(registry, "RULES", FAKE_RULES)
    monkeypatch.setattr(registry, "RULES_BY_CODE", {rule.code: rule for rule in FAKE_RULES})
    return FAKE_RULES
