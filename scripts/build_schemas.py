#!/usr/bin/env python3
"""Build ``schemas/models.json`` and ``schemas/params.json`` from the shared Yealink facts.

Dev-time only: the installed tool reads the generated JSON, never the TSV files.

    python scripts/build_schemas.py                 # reads ../shared/yealink
    python scripts/build_schemas.py /path/to/yealink --check   # fail if out of date

The output is deterministic (sorted, one record per line) so a change in the
source data shows up as a readable diff. ``schemas/reboot.json`` is hand-written
and read here to set each parameter's ``reboot`` flag.
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


def build_params(
    rows: list[dict[str, str]], reboot_rules: list[dict[str, str]]
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


def build(source: Path) -> dict[str, str]:
    reboot = json.loads((SCHEMAS / "reboot.json").read_text(encoding="utf-8"))
    models = build_models(read_tsv(source / "models.tsv"))
    params = build_params(read_tsv(source / "params.tsv"), reboot["rules"])
    source_note = "../shared/yealink/{} (public facts; SOURCES.md there says where they come from)"
    models_header = {
        "about": "Generated by scripts/build_schemas.py; do not edit by hand.",
        "all_models_common_file": ALL_MODELS_COMMON_FILE,
        "format": FORMAT_VERSION,
        "source": source_note.format("models.tsv"),
    }
    params_header = {
        "about": "Generated by scripts/build_schemas.py; do not edit by hand. X = any index.",
        "format": FORMAT_VERSION,
        "source": source_note.format("params.tsv"),
        "static_families": static_families(params),
    }
    return {
        "models.json": render(models_header, "models", models),
        "params.json": render(params_header, "params", params),
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
    args = parser.parse_args(argv)
    outputs = build(args.source)
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
