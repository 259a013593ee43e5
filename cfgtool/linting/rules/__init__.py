"""The explicit rule registry: every rule module, in code order.

Add a rule by writing its module and naming it here; nothing is discovered
implicitly, so the list below is the complete set of rules.
"""

from __future__ import annotations

import importlib

from cfgtool.linting.rule import Rule

RULE_MODULES: tuple[str, ...] = (
    "cfg100_unused_suppression",
    "cfg101_missing_header",
    "cfg102_misplaced_header",
    "cfg103_malformed_line",
    "cfg104_invalid_key",
    "cfg105_duplicate_key",
    "cfg106_legacy_format",
    "cfg107_encoding",
    "cfg108_whitespace",
    "cfg109_merge_conflict",
    "cfg110_pasted_shell",
    "cfg111_joined_lines",
    "cfg201_unknown_key",
    "cfg202_invalid_value",
    "cfg203_index_placeholder",
    "cfg204_misspelled_key",
    "cfg205_value_shape",
    "cfg301_bad_filename",
    "cfg302_account_out_of_range",
    "cfg303_firmware_mismatch",
    "cfg304_model_unknown",
    "cfg305_provisioning_url",
    "cfg306_activation_code",
    "cfg307_value_range",
    "cfg308_missing_common_file",
    "cfg309_duplicate_phone",
    "cfg310_orphan_local_file",
    "cfg311_missing_resource_file",
    "cfg312_ringtone_not_wav",
    "cfg313_model_unsupported",
    "cfg314_index_out_of_range",
    "cfg315_renamed_key",
    "cfg316_key_newer_than_firmware",
    "cfg401_secret_in_common_file",
    "cfg402_invalid_aes_key",
    "cfg403_default_password",
    "cfg501_template_placeholder",
    "cfg502_template_leftover",
)

RULES: tuple[Rule, ...] = tuple(
    Rule.from_module(importlib.import_module(f"{__name__}.{name}")) for name in RULE_MODULES
)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
# Which rule reports each kind of problem that exactly one rule may report (see _shared).
OWNERS: dict[str, str] = {kind: rule.code for rule in RULES for kind in rule.owns}
