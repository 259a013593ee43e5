"""Model support and per-model index ranges (issue 17), from the catalog's facts."""

from __future__ import annotations

import json

import pytest

from cfgtool.catalog import Model, find_model, load_models
from cfgtool.knowledge import (
    KeyFacts,
    check_indexes,
    check_model_support,
    explain_facts,
    index_limits,
    key_facts,
    value_spec,
)
from cfgtool.knowledge.store import _facts

MODELS = {model.name: model for model in load_models()}
SUPPORTED = sorted(k for k, item in _facts().items() if "models_supported" in item)
EXCLUDED = sorted(
    k
    for k, item in _facts().items()
    if set(item.get("models_excluded", ())) - set(item.get("models_supported", ()))
)
WITH_INDEX = sorted(k for k, item in _facts().items() if "index" in item)


def test_the_catalog_has_cases_of_each_kind() -> None:
    assert len(SUPPORTED) >= 50 and len(EXCLUDED) >= 15 and len(WITH_INDEX) >= 100


def test_model_lists_use_models_json_names() -> None:
    for pattern in (*SUPPORTED, *EXCLUDED, *WITH_INDEX):
        facts = key_facts(pattern)
        for name in (*facts.models_supported, *facts.models_excluded, *facts.index_ranges):
            assert name == "*" or name in MODELS, (pattern, name)


@pytest.mark.parametrize("pattern", SUPPORTED)
def test_only_the_listed_models_support_it(pattern: str) -> None:
    facts = key_facts(pattern)
    for name in facts.models_supported:
        assert check_model_support(facts, name) is None
    others = sorted(set(MODELS) - set(facts.models_supported))
    finding = check_model_support(facts, others[0])
    assert finding is not None and finding.grade == "warning"
    assert facts.models_supported[0] in finding.message


@pytest.mark.parametrize("pattern", EXCLUDED)
def test_an_excluded_model_gets_a_warning(pattern: str) -> None:
    facts = key_facts(pattern)
    excluded = sorted(set(facts.models_excluded) - set(facts.models_supported))
    finding = check_model_support(facts, excluded[0])
    assert finding is not None and finding.grade == "warning"
    assert "does not support" in finding.message


def test_no_model_list_means_unknown_not_none() -> None:
    facts = KeyFacts(key="x.y")
    assert all(check_model_support(facts, name) is None for name in MODELS)


def _account_cases() -> list[tuple[str, Model]]:
    patterns = ("account.X.enable", "account.X.sip_server.X.address", "account.X.100rel_enable")
    return [(p, m) for p in patterns for m in MODELS.values() if m.accounts]


@pytest.mark.parametrize(
    ("pattern", "model"), _account_cases(), ids=lambda v: v if isinstance(v, str) else v.name
)
def test_accounts_follow_the_models_count_as_errors(pattern: str, model: Model) -> None:
    spec = value_spec(pattern)
    assert spec is not None and spec.bounded == (1, "accounts")
    limits = index_limits(pattern, key_facts(pattern), spec.bounded, model)
    assert limits[0].segment == 1 and limits[0].spans == ((1, model.accounts),)
    count = model.accounts
    assert count is not None
    key = pattern.replace("X", "1")
    assert check_indexes(key, limits) == ()
    last = pattern.replace("X", str(count), 1).replace("X", "1")
    assert check_indexes(last, limits) == ()
    beyond = pattern.replace("X", str(count + 1), 1).replace("X", "1")
    found = check_indexes(beyond, limits)
    assert len(found) == 1 and found[0].grade == "error"
    assert f"{count} accounts" in found[0].message


def test_the_comments_account_range_is_not_used_where_models_tsv_counts() -> None:
    """T42U: a comment says X1-6, models.tsv says 12 accounts (../shared/README.md)."""
    model = find_model("T42U")
    assert model is not None and model.accounts == 12
    pattern = "account.X.100rel_enable"
    spec = value_spec(pattern)
    assert spec is not None
    limits = index_limits(pattern, key_facts(pattern), spec.bounded, model)
    assert check_indexes("account.12.100rel_enable", limits) == ()


def _linekey_models() -> list[Model]:
    return [m for m in MODELS.values() if m.line_keys]


@pytest.mark.parametrize("model", _linekey_models(), ids=lambda m: m.name)
def test_line_keys_beyond_the_count_are_warnings(model: Model) -> None:
    spec = value_spec("linekey.X.type")
    assert spec is not None and spec.bounded == (1, "line_keys")
    limits = index_limits("linekey.X.type", key_facts("linekey.X.type"), spec.bounded, model)
    assert model.line_keys is not None
    assert check_indexes(f"linekey.{model.line_keys}.type", limits) == ()
    found = check_indexes(f"linekey.{model.line_keys + 1}.type", limits)
    assert len(found) == 1 and found[0].grade == "warning"


def _index_cases() -> list[tuple[str, str]]:
    cases = []
    for pattern in WITH_INDEX:
        for name in key_facts(pattern).index_ranges:
            if name != "*":
                cases.append((pattern, name))
    return cases


@pytest.mark.parametrize(("pattern", "name"), _index_cases())
def test_a_models_stated_index_range(pattern: str, name: str) -> None:
    facts = key_facts(pattern)
    spec = value_spec(pattern)
    assert spec is not None
    model = MODELS[name]
    limits = {limit.segment: limit for limit in index_limits(pattern, facts, spec.bounded, model)}
    positions = [n for n, part in enumerate(pattern.split(".")) if part == "X"]
    for letter, segment in zip(("X", "Y"), positions, strict=False):
        spans = facts.index_ranges[name].get(letter)
        if not spans or (spec.bounded and spec.bounded[0] == segment):
            continue
        limit = limits[segment]
        assert limit.spans == spans and limit.grade == "warning"
        parts = ["1" if p == "X" else p for p in pattern.split(".")]
        parts[segment] = str(spans[-1][1])
        assert check_indexes(".".join(parts), (limit,)) == ()
        parts[segment] = str(spans[-1][1] + 1)
        found = check_indexes(".".join(parts), (limit,))
        assert len(found) == 1 and found[0].grade == "warning" and name in found[0].message


def test_a_model_not_named_takes_the_statement_without_a_model() -> None:
    pattern = "expansion_module.X.key.X.label"
    facts = key_facts(pattern)
    assert "*" in facts.index_ranges
    unnamed = next(m for m in MODELS.values() if m.name not in facts.index_ranges)
    limits = index_limits(pattern, facts, None, unnamed)
    assert limits and all("no model named" in limit.source for limit in limits)


def test_non_numeric_and_short_keys_are_skipped() -> None:
    model = find_model("T46G")
    assert model is not None
    spec = value_spec("account.X.enable")
    assert spec is not None
    limits = index_limits("account.X.enable", key_facts("account.X.enable"), spec.bounded, model)
    assert check_indexes("account.X.enable", limits) == ()
    assert check_indexes("account", limits) == ()


def test_explain_facts_shows_every_fact_with_its_source() -> None:
    facts = explain_facts("account.1.sip_server.1.transport_type")
    assert facts is not None and facts["pattern"] == "account.X.sip_server.X.transport_type"
    assert facts["meanings"]["2"] == "TLS"
    assert facts["value_check"]["grade"].startswith("open")
    assert facts["firmware"] == {"first": "v80", "last": "v87", "source": "Wazo"}
    assert facts["renames"][0]["old"] == "account.X.transport"
    assert facts["evidence"] and "@" in facts["evidence"][0]
    json.dumps(facts)
    wifi = explain_facts("wifi.1.ssid")
    assert wifi is not None and "T54S" in wifi["models_supported"]
    lang = explain_facts("lang.gui")
    assert lang is not None and lang["downgraded"]
    assert lang["value_check"]["grade"].startswith("hint")
    assert explain_facts("no.such.key") is None
