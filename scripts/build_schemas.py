#!/usr/bin/env python3
"""Build ``schemas/*.json`` (all but the hand-written reboot.json and guide_values.json).

Dev-time only: the installed tool reads the generated JSON, never the TSV files.

    python scripts/build_schemas.py                 # reads ../shared/yealink
    python scripts/build_schemas.py /path/to/yealink --check   # fail if out of date
    python scripts/build_schemas.py --stats         # how many keys have which fact

Files, by when the tool reads them (start-up speed, issue 15):
- ``models.json``, ``params.json``: every lint run. params.json stays compact: type,
  allowed values, default, static twin and the value-check fields of
  ``schema_facts.check_facts`` (``closed``, ``also``, ``wide``, ``contradicted``,
  ``max_len``, ``shape``).
- ``facts.json``: read when a rule needs a vendor fact: enum meanings, model support,
  per-model index ranges (shared sets, referenced by number), value shapes, firmware
  generations, and per model its firmware image prefixes and lowest generation.
- ``evidence.json``: the quoted vendor comments, for ``cfgtool explain`` only.
- ``renames.json``: keys renamed between firmware generations.

The output is deterministic (sorted, one record per line) so a change in the
source data shows up as a readable diff. ``schemas/reboot.json`` is hand-written
and read here to set each parameter's ``reboot`` flag; ``schemas/guide_values.json``
is hand-written too (values Yealink's guides accept that the shared facts lack).
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import schema_facts  # noqa: E402  (scripts/ is on sys.path: this script's folder)

from cfgtool.catalog import model_match_key  # noqa: E402
from cfgtool.fsutil import atomic_write_text  # noqa: E402

SCHEMAS = REPO / "schemas"
DEFAULT_SOURCE = REPO.parent / "shared" / "yealink"
FORMAT_VERSION = 1
ALL_MODELS_COMMON_FILE = "y000000000000.cfg"

# Display names follow Yealink's auto-provisioning guide as quoted in issue 4.
# T23P and T23G are one entry there (same Common file, same account count).
DISPLAY_NAMES = {
    "T19P_E2": "T19(P) E2",
    "T21P_E2": "T21(P) E2",
    "T23P": "T23P/G",
    "T23G": "T23P/G",
}
# Other names the same hardware goes by: the TSV spelling, the variant without
# PoE, sipXecs/FusionPBX folder names, and wazo's VP530 = VP530P.
EXTRA_ALIASES = {
    "T19(P) E2": ["T19 E2"],
    "T21(P) E2": ["T21 E2"],
    "T23P/G": ["T23P", "T23G"],
    "VP-T49G": ["T49G"],
    "VP530": ["VP530P"],
}
# `$PN` in a provisioning URL expands to the phone's static.auto_provision.url_wildcard.pn,
# whose default is the product name without "SIP-" (Yealink's auto-provisioning guide:
# "T42G" for SIP-T42G, "T46G" for SIP-T46G). models.tsv spells each row that way, so a
# model's `pn_names` are its row names, in file order (T23P/G: T23P and T23G).
# Index segments limited by a model attribute: (key prefix, segment position, attribute).
BOUNDED_PREFIXES = (
    ("account.X.", 1, "accounts"),
    ("linekey.X.", 1, "line_keys"),
)


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _int_or_none(text: str) -> int | None:
    return int(text) if text.strip() else None


def build_models(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        tsv_name = row["model"]
        name = DISPLAY_NAMES.get(tsv_name, tsv_name)
        hw_id = _int_or_none(row["hw_id"])
        prefixes = [int(p) for p in row["fw_prefix_wazo"].split(",") if p.strip()]
        if not prefixes and hw_id is not None:
            prefixes = [hw_id]
        record: dict[str, Any] = {
            "name": name,
            "aliases": [],
            "hw_id": hw_id,
            "common_file": row["common_cfg"] or None,
            "accounts": _int_or_none(row["accounts"]),
            "line_keys": _int_or_none(row["linekeys"]),
            "firmware_prefixes": prefixes,
            "source": row["source"],
            "pn_names": [tsv_name],
        }
        aliases = {tsv_name, *EXTRA_ALIASES.get(name, ())}
        if name in merged:
            previous = merged[name]
            facts = ("hw_id", "common_file", "accounts", "line_keys", "firmware_prefixes")
            clash = [f for f in facts if previous[f] != record[f]]
            if clash:
                raise SystemExit(f"models.tsv: rows merged into {name} disagree on {clash}")
            previous["aliases"].extend(aliases)
            previous["pn_names"].append(tsv_name)
            continue
        record["aliases"] = list(aliases)
        merged[name] = record

    seen: dict[str, str] = {}
    for record in merged.values():
        record["aliases"] = sorted(
            {a for a in record["aliases"] if model_match_key(a) != model_match_key(record["name"])}
        )
        for spelling in (record["name"], *record["aliases"]):
            match_key = model_match_key(spelling)
            owner = seen.setdefault(match_key, record["name"])
            if owner != record["name"]:
                raise SystemExit(
                    f"model name {spelling!r} matches both {owner} and {record['name']}"
                )
    return [merged[name] for name in sorted(merged)]


def _parse_allowed(key: str, ptype: str, allowed: str) -> dict[str, Any]:
    if not allowed:
        return {}
    if ptype == "enum":
        return {"enum": allowed.split("|")}
    match = re.fullmatch(r"(-?\d+)\.\.(-?\d+)", allowed)
    if match is None:
        raise SystemExit(f"params.tsv: {key}: cannot read allowed={allowed!r}")
    return {"range": [int(match[1]), int(match[2])]}


def _guide_values(key: str, rules: list[dict[str, Any]]) -> list[str]:
    """The values ``guide_values.json`` accepts for ``key`` besides its type's own."""
    return [
        value
        for rule in rules
        if any(fnmatch.fnmatchcase(key, pattern) for pattern in rule["patterns"])
        for value in rule["also"]
    ]


def build_params(
    rows: list[dict[str, str]],
    reboot_rules: list[dict[str, str]],
    guide_rules: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    keys = {row["key"] for row in rows}
    records = []
    for row in rows:
        key = row["key"]
        record: dict[str, Any] = {"key": key, "type": row["type"]}
        if row["type_source"]:
            record["type_source"] = row["type_source"]
        record.update(_parse_allowed(key, row["type"], row["allowed"]))
        if row["default"]:
            record["default"] = row["default"]
        if row["static_alias"] == "yes":
            twin = key[len("static.") :] if key.startswith("static.") else "static." + key
            if twin not in keys:
                raise SystemExit(f"params.tsv: {key} has static_alias=yes but {twin} is not a row")
            record["static_alias"] = twin
        record["sources"] = int(row["sources"])
        if row["seen"] != "active":
            record["seen"] = row["seen"]
        if row["models"]:
            record["models"] = row["models"].split(",")
        if any(fnmatch.fnmatchcase(key, rule["pattern"]) for rule in reboot_rules):
            record["reboot"] = True
        for prefix, position, attribute in BOUNDED_PREFIXES:
            if key.startswith(prefix):
                record["bounded"] = [position, attribute]
        record.update(schema_facts.check_facts(row, _guide_values(key, guide_rules)))
        records.append(record)
    return sorted(records, key=lambda r: r["key"])


def static_families(params: list[dict[str, Any]]) -> list[str]:
    """First segments where public files use both ``static.K`` and ``K`` for the same K."""
    return sorted(
        {
            p["key"].split(".")[1]
            for p in params
            if p["key"].startswith("static.") and "static_alias" in p
        }
    )


def render(header: dict[str, Any], list_name: str, items: list[dict[str, Any]]) -> str:
    """Pretty enough to diff: header fields one per line, then one item per line."""
    lines = ["{"]
    for field in sorted(header):
        lines.append(f"  {json.dumps(field)}: {json.dumps(header[field], sort_keys=True)},")
    lines.append(f"  {json.dumps(list_name)}: [")
    rendered = [json.dumps(item, separators=(",", ":")) for item in items]
    lines.extend(f"    {text}," for text in rendered[:-1])
    lines.append(f"    {rendered[-1]}")
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def build_facts(
    rows: list[dict[str, str]], models: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """facts.json's header (index sets, model firmware) and items, and evidence.json's items."""
    display = {}
    for model in models:
        for tsv_name in model["pn_names"]:
            display[tsv_name] = model["name"]
    known_names = {*display.values(), "*"}
    index_sets: list[dict[str, Any]] = []
    set_numbers: dict[str, int] = {}
    facts, evidence = [], []
    for row in rows:
        bounded = any(row["key"].startswith(prefix) for prefix, _, _ in BOUNDED_PREFIXES)
        table = schema_facts.drop_bounded_letter(
            schema_facts.parse_index_ranges(row["index_ranges"], display), bounded
        )
        named = [*row["models_supported"].split(","), *row["models_excluded"].split(",")]
        for name in (*table, *named):
            if name and display.get(name, name) not in known_names:
                raise SystemExit(f"params.tsv: {row['key']}: model {name!r} is not in models.tsv")
        number = None
        if table:
            text = json.dumps(table, sort_keys=True)
            number = set_numbers.setdefault(text, len(index_sets))
            if number == len(index_sets):
                index_sets.append(table)
        record = schema_facts.key_facts(row, display, number)
        if record is not None:
            facts.append(record)
        if row["evidence"]:
            evidence.append({"key": row["key"], "evidence": row["evidence"]})
    header = {
        "index_sets": index_sets,
        "models": schema_facts.model_firmware(models),
    }
    return header, sorted(facts, key=lambda r: r["key"]), sorted(evidence, key=lambda r: r["key"])


def build(source: Path) -> dict[str, str]:
    reboot = json.loads((SCHEMAS / "reboot.json").read_text(encoding="utf-8"))
    models = build_models(read_tsv(source / "models.tsv"))
    param_rows = read_tsv(source / "params.tsv")
    guide = json.loads((SCHEMAS / "guide_values.json").read_text(encoding="utf-8"))
    params = build_params(param_rows, reboot["rules"], guide["rules"])
    facts_header, facts, evidence = build_facts(param_rows, models)
    renames = schema_facts.renames(read_tsv(source / "renames.tsv"), {r["key"] for r in param_rows})
    source_note = "../shared/yealink/{} (public facts; SOURCES.md there says where they come from)"
    about = "Generated by scripts/build_schemas.py; do not edit by hand."
    models_header = {
        "about": about,
        "all_models_common_file": ALL_MODELS_COMMON_FILE,
        "format": FORMAT_VERSION,
        "source": source_note.format("models.tsv"),
    }
    params_header = {
        "about": about + " X = any index.",
        "format": FORMAT_VERSION,
        "source": source_note.format("params.tsv"),
        "static_families": static_families(params),
    }
    facts_header.update(
        {
            "about": about + " Vendor facts read only when a rule or explain needs them;"
            " index = a number into index_sets.",
            "format": FORMAT_VERSION,
            "source": source_note.format("params.tsv and models.tsv"),
        }
    )
    evidence_header = {
        "about": about + " Vendor comments quoted, with repo@commit:path.",
        "format": FORMAT_VERSION,
        "source": source_note.format("params.tsv"),
    }
    renames_header = {
        "about": about + " from = first firmware generation with the new name (null: none).",
        "format": FORMAT_VERSION,
        "source": source_note.format("renames.tsv"),
    }
    return {
        "models.json": render(models_header, "models", models),
        "params.json": render(params_header, "params", params),
        "facts.json": render(facts_header, "facts", facts),
        "evidence.json": render(evidence_header, "evidence", evidence),
        "renames.json": render(renames_header, "renames", renames),
    }


def stats(outputs: dict[str, str]) -> dict[str, int]:
    """How many key patterns carry each kind of fact (for the issue's closing note)."""
    params = json.loads(outputs["params.json"])["params"]
    facts_data = json.loads(outputs["facts.json"])
    facts = facts_data["facts"]
    return {
        "keys": len(params),
        "typed (not unknown)": sum(p["type"] != "unknown" for p in params),
        "firm type (sipxecs model)": sum(p.get("type_source") == "model" for p in params),
        "closed type (violation = error)": sum("closed" in p for p in params),
        "vendor-comment type": sum(p.get("type_source") == "vendor-comment" for p in params),
        "downgraded (contradicted by correct files)": sum("contradicted" in p for p in params),
        "enum meanings": sum("meanings" in f for f in facts),
        "model list (supported or excluded)": sum(
            "models_supported" in f or "models_excluded" in f for f in facts
        ),
        "value shape": sum("shape" in f for f in facts),
        "firmware range": sum("firmware" in f for f in facts),
        "index range (comments)": sum("index" in f for f in facts),
        "index range (models.tsv counts)": sum("bounded" in p for p in params),
        "index range (either)": len(
            {f["key"] for f in facts if "index" in f} | {p["key"] for p in params if "bounded" in p}
        ),
        "renames": len(json.loads(outputs["renames.json"])["renames"]),
        "models with a lowest generation": sum(
            "generation_floor" in m for m in facts_data["models"]
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        default=DEFAULT_SOURCE,
        help=f"folder with models.tsv and params.tsv (default: {DEFAULT_SOURCE})",
    )
    parser.add_argument("--check", action="store_true", help="only report out-of-date files")
    parser.add_argument("--stats", action="store_true", help="print how many keys have each fact")
    args = parser.parse_args(argv)
    outputs = build(args.source)
    if args.stats:
        for label, count in stats(outputs).items():
            print(f"{count:6d}  {label}")
    stale = []
    for name, text in outputs.items():
        target = SCHEMAS / name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            atomic_write_text(target, text)
            print(f"wrote {target.relative_to(REPO)}")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)}; run scripts/build_schemas.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
