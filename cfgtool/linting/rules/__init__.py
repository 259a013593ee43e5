"""The explicit rule registry: every rule module, in code order.

Add a rule by writing its module and naming it here; nothing is discovered
implicitly, so the list below is the complete set of rules. A rule whose module
sets ``SCOPE = "model"`` (it runs only under ``cfgtool validate``) is also named
in :data:`MODEL_SCOPE_MODULES`, so that ``cfgtool lint`` never imports it (nor
the provisioning layer it needs); a test keeps the two in step.

Rule modules load on first use: :func:`rules_in_scopes` imports the modules of
the scopes asked for, and ``RULES``, ``RULES_BY_CODE`` and ``OWNERS`` (the whole
registry) import every module the first time one of them is read.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from cfgtool.linting.rule import Rule

if TYPE_CHECKING:
    RULES: tuple[Rule, ...]
    RULES_BY_CODE: dict[str, Rule]
    # Which rule reports each kind of problem that exactly one rule may report (see _shared).
    OWNERS: dict[str, str]

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
    "cfg206_unlisted_key",
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

MODEL_SCOPE_MODULES: frozenset[str] = frozenset(
    {
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
    }
)

_loaded: dict[str, Rule] = {}
_partial: dict[frozenset[str], tuple[Rule, ...]] = {}


def _rule(module_name: str) -> Rule:
    rule = _loaded.get(module_name)
    if rule is None:
        module = importlib.import_module(f"{__name__}.{module_name}")
        rule = _loaded[module_name] = Rule.from_module(module)
    return rule


def rules_in_scopes(scopes: Iterable[str]) -> tuple[Rule, ...]:
    """The registered rules of the given scopes, in code order, importing only their modules.

    Once the whole registry is loaded (or a test replaced ``RULES``), its rules are used.
    """
    wanted = frozenset(scopes)
    everything: tuple[Rule, ...] | None = globals().get("RULES")
    if everything is not None:
        return _of_scopes(everything, wanted)
    found = _partial.get(wanted)
    if found is None:
        names = [n for n in RULE_MODULES if "model" in wanted or n not in MODEL_SCOPE_MODULES]
        found = _partial[wanted] = _of_scopes(tuple(_rule(name) for name in names), wanted)
    return found


def codes_and_names() -> dict[str, str]:
    """Every registered rule's code -> name, read off the module names (``cfg201_unknown_key``).

    Configuration checks its selectors with this, so that a `.cfgtool.toml` costs no import
    of the rules; once the registry is loaded (or a test replaced it), its rules answer.
    """
    everything: dict[str, Rule] | None = globals().get("RULES_BY_CODE")
    if everything is not None:
        return {code: rule.name for code, rule in everything.items()}
    return _names_from_modules()


def _names_from_modules() -> dict[str, str]:
    return {name[:6].upper(): name[7:].replace("_", "-") for name in RULE_MODULES}


@lru_cache(maxsize=16)
def _of_scopes(rules: tuple[Rule, ...], scopes: frozenset[str]) -> tuple[Rule, ...]:
    return tuple(rule for rule in rules if rule.scope in scopes)


def __getattr__(name: str) -> object:
    """``RULES``, ``RULES_BY_CODE`` and ``OWNERS``: the whole registry, loaded on first use."""
    if name not in ("RULES", "RULES_BY_CODE", "OWNERS"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    rules = tuple(_rule(module_name) for module_name in RULE_MODULES)
    everything = {
        "RULES": rules,
        "RULES_BY_CODE": {rule.code: rule for rule in rules},
        "OWNERS": {kind: rule.code for rule in rules for kind in rule.owns},
    }
    globals().update(everything)
    return everything[name]
