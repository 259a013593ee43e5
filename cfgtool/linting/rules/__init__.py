"""The explicit rule registry: every rule module, in code order."""

from __future__ import annotations

from cfgtool.linting.rule import Rule
from cfgtool.linting.rules import cfg100_unused_suppression

# Import each rule module here and add it to _MODULES (keep code order).
_MODULES: list[object] = [
    cfg100_unused_suppression,
]

RULES: tuple[Rule, ...] = tuple(Rule.from_module(m) for m in _MODULES)  # type: ignore[arg-type]
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
