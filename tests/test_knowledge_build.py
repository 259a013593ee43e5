"""How scripts/build_schemas.py turns the shared vendor facts into schemas/ (issue 17)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from typing import Any

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import schema_facts

from cfgtool.knowledge import resolve_pattern, value_spec

SHARED = REPO.parent / "shared" / "yealink"
SCHEMAS = REPO / "schemas"
needs_shared = pytest.mark.skipif(not (SHARED / "params.tsv").exists(), reason="needs ../shared")


def _row(**fields: str) -> dict[str, str]:
    columns = ("key", "type", "allowed", "type_source", "vendor_type", "vendor_allowed")
    columns += ("vendor_max_len", "evidence")
    row = dict.fromkeys(columns, "")
    row["key"] = "a.b"
    row.update(fields)
    return row


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"type": "bool", "type_source": "model"}, {"closed": True}),
        ({"type": "int", "type_source": "model"}, {"closed": True}),
        ({"type": "ip", "type_source": "model"}, {"closed": True}),
        ({"type": "enum", "type_source": "model", "allowed": "0|1|2"}, {}),
        ({"type": "bool", "type_source": "vendor-comment"}, {"closed": True}),
        ({"type": "int", "type_source": "vendor-comment", "allowed": "1..5"}, {"closed": True}),
        ({"type": "int", "type_source": "vendor-comment"}, {}),
        ({"type": "enum", "type_source": "vendor-comment", "allowed": "0|1"}, {}),
        ({"type": "bool", "type_source": "values"}, {}),
        ({"type": "url", "type_source": "name"}, {}),
        ({"type": "int", "type_source": "comment", "allowed": "1..5"}, {}),
        (
            {"type": "bool", "type_source": "model", "vendor_type": "enum",
             "vendor_allowed": "0|1|2|3"},
            {"closed": True, "also": ["2", "3"]},
        ),
        (
            {"type": "int", "type_source": "model", "allowed": "96..127",
             "vendor_type": "int", "vendor_allowed": "96..255"},
            {"closed": True, "wide": [96, 255]},
        ),
        (
            {"type": "int", "type_source": "model", "allowed": "1..9999",
             "evidence": "q {templates also set 0}"},
            {"closed": True, "also": ["0"]},
        ),
        (
            {"type": "string", "type_source": "model", "vendor_type": "list",
             "vendor_allowed": "0..255"},
            {},
        ),
        ({"type": "string", "vendor_max_len": "256,511"}, {"max_len": 511}),
        ({"key": "lang.gui", "type": "enum", "type_source": "model"}, {"contradicted": True}),
    ],
)  # fmt: skip
def test_check_facts(fields: dict[str, str], expected: dict[str, Any]) -> None:
    assert schema_facts.check_facts(_row(**fields)) == expected


@pytest.mark.parametrize(
    ("evidence", "values"),
    [
        ("x {templates also set 31}", ["31"]),
        ("x {value lists differ, union kept; templates also set 6}", ["6"]),
        ("x {templates also set NA; not applied}", ["NA"]),
        ("x {templates also set **; not applied}", []),
        (
            "x {templates also set Config:yealink_t28p.png; not applied}",
            ["Config:yealink_t28p.png"],
        ),
        ("x {defaults differ: 1 (3), 0 (2)}", []),
    ],
)
def test_also_set(evidence: str, values: list[str]) -> None:
    assert schema_facts.also_set(evidence) == values


def test_parse_index_ranges_merges_and_renames_models() -> None:
    display = {"T23G": "T23P/G", "T23P": "T23P/G"}
    text = "T23G,T23P X1-3; T46G X1-6 Y1-20,22-40; * X1-16 Y1-40; T46G Y41-41"
    assert schema_facts.parse_index_ranges(text, display) == {
        "T23P/G": {"X": [[1, 3]]},
        "T46G": {"X": [[1, 6]], "Y": [[1, 20], [22, 41]]},
        "*": {"X": [[1, 16]], "Y": [[1, 40]]},
    }


def test_drop_bounded_letter_keeps_the_second_index() -> None:
    table = {"T46G": {"X": [[1, 6]], "Y": [[1, 2]]}, "T23P/G": {"X": [[1, 3]]}}
    assert schema_facts.drop_bounded_letter(table, True) == {"T46G": {"Y": [[1, 2]]}}
    assert schema_facts.drop_bounded_letter(table, False) == table


@pytest.mark.parametrize(
    ("text", "meanings"),
    [
        ("0=UDP|1=TCP|2=TLS|3=DNS-NAPTR", {"0": "UDP", "1": "TCP", "2": "TLS", "3": "DNS-NAPTR"}),
        ("0=Enabled|1=Disabled", {"0": "Enabled", "1": "Disabled"}),
        ("-1=Off|x", {"-1": "Off"}),
        ("", {}),
    ],
)
def test_meanings(text: str, meanings: dict[str, str]) -> None:
    assert schema_facts.meanings(text) == meanings


def test_model_firmware_adds_hardware_ids_no_other_model_takes() -> None:
    models = [
        {"name": "T20P", "hw_id": 7, "firmware_prefixes": [9]},
        {"name": "T22P", "hw_id": 5, "firmware_prefixes": [7]},
        {"name": "T41S", "hw_id": 68, "firmware_prefixes": [66]},
        {"name": "T46S", "hw_id": 66, "firmware_prefixes": [66]},
        {"name": "Old", "hw_id": None, "firmware_prefixes": []},
    ]
    assert schema_facts.model_firmware(models) == [
        {"name": "T20P", "firmware_prefixes": [9]},
        {"name": "T22P", "firmware_prefixes": [5, 7]},
        {"name": "T41S", "firmware_prefixes": [66, 68], "generation_floor": 80},
        {"name": "T46S", "firmware_prefixes": [66], "generation_floor": 80},
        {"name": "Old", "firmware_prefixes": []},
    ]


def test_every_contradicted_key_is_a_catalog_key() -> None:
    params = {p["key"] for p in json.loads((SCHEMAS / "params.json").read_text())["params"]}
    assert set(schema_facts.CONTRADICTED) <= params


@needs_shared
def test_stats_prints_the_counts_for_the_closing_note() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_schemas.py"), str(SHARED), "--check",
         "--stats"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    counts = {
        label.strip(): int(number)
        for number, _, label in (
            line.strip().partition("  ") for line in result.stdout.splitlines()
        )
    }
    assert counts["keys"] == 2292
    assert counts["firm type (sipxecs model)"] == 506
    assert counts["closed type (violation = error)"] > 350
    assert counts["model list (supported or excluded)"] == 77
    # dropped: the tftp:// shape of a url key, and the backgrounds shape its default breaks
    assert counts["value shape"] == 2
    assert counts["firmware range"] == 874
    assert counts["renames"] == 9


def test_rule_files_stay_small_and_load_fast() -> None:
    """params.json is read on every lint run; the bulky facts live elsewhere (issue 15)."""
    sizes = {name: (SCHEMAS / name).stat().st_size for name in ("params.json", "facts.json")}
    assert sizes["facts.json"] < 200_000 and sizes["params.json"] < 320_000
    # CPU time with the collector off (about 5 ms): not the wall time, which other processes
    # on a loaded machine stretch (a full xdist run failed it at 0.16 s), nor a collector pass
    # over the heap that the suite's earlier tests left in this worker (a lint run starts with
    # an empty one).
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        for name in sizes:
            json.loads((SCHEMAS / name).read_bytes())
        elapsed = time.process_time() - started
    finally:
        gc.enable()
    assert elapsed < 0.1, f"reading the rule files took {elapsed * 1000:.1f} ms"


def test_importing_knowledge_reads_no_schema_file() -> None:
    code = (
        "import cfgtool.knowledge.store as s, cfgtool.knowledge, cfgtool.catalog.params as c;"
        "print(c.load_catalog.cache_info().currsize, s._facts_data.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.split() == ["0", "0"]


@needs_shared
def test_keys_are_carried_exactly_as_written() -> None:
    """Mixed-case keys (``G722_1c_24kpbs``) are never lowercased on the way."""
    tsv = {line.split("\t", 1)[0] for line in (SHARED / "params.tsv").read_text().splitlines()[1:]}
    for name in ("params.json", "facts.json", "evidence.json"):
        data = json.loads((SCHEMAS / name).read_text())
        items = data[{"params.json": "params"}.get(name, name.removesuffix(".json"))]
        assert {item["key"] for item in items} <= tsv, name
    mixed = sorted(k for k in tsv if any(p != "X" and p != p.lower() for p in k.split(".")))
    assert len(mixed) >= 8
    for key in mixed:
        spec = value_spec(key)
        assert spec is not None and spec.key == key


def test_a_key_known_only_through_its_static_twin_gets_the_twins_facts() -> None:
    assert resolve_pattern("network.vpn.mode") == "static.network.vpn.mode"
    assert resolve_pattern("static.network.vpn.mode") == "static.network.vpn.mode"
    assert resolve_pattern("network.1.nope") is None
