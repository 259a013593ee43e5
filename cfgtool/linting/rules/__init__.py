"""The explicit rule registry: every rule module, in code order."""

from __future__ import annotations

from cfgtool.linting.rule import Rule
from cfgtool.linting.rules import (
    cfg100_unused_suppression,
    cfg101_missing_header,
    cfg102_misplaced_header,
    cfg103_malformed_line,
    cfg104_invalid_key,
    cfg105_duplicate_key,
    cfg106_legacy_format,
    cfg107_encoding,
    cfg108_whitespace,
    cfg109_merge_conflict,
    cfg110_pasted_shell,
    cfg111_joined_lines,
    cfg201_unknown_key,
    cfg202_invalid_value,
    cfg203_index_placeholder,
    cfg204_misspelled_key,
    cfg401_secret_in_common_file,
    cfg402_invalid_aes_key,
    cfg403_default_password,
    cfg501_template_placeholder,
    cfg502_template_leftover,
)

# Import each rule module here and add it to _MODULES (keep code order).
_MODULES: list[object] = [
    cfg100_unused_suppression,
    cfg101_missing_header,
    cfg102_misplaced_header,
    cfg103_malformed_line,
    cfg104_invalid_key,
    cfg105_duplicate_key,
    cfg106_legacy_format,
    cfg107_encoding,
    cfg108_whitespace,
    cfg109_merge_conflict,
    cfg110_pasted_shell,
    cfg111_joined_lines,
    cfg201_unknown_key,
    cfg202_invalid_value,
    cfg203_index_placeholder,
    cfg204_misspelled_key,
    cfg401_secret_in_common_file,
    cfg402_invalid_aes_key,
    cfg403_default_password,
    cfg501_template_placeholder,
    cfg502_template_leftover,
]

RULES: tuple[Rule, ...] = tuple(Rule.from_module(m) for m in _MODULES)  # type: ignore[arg-type]
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
