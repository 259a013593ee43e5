"""The vendor facts of ``params.tsv``'s 13 enrichment columns, ``renames.tsv`` and model firmware.

Used by ``scripts/build_schemas.py`` (dev time only). It decides, once, what the
installed tool may trust, following ``../shared/README.md``:

- ``closed`` (params.json): a value the type rejects is an error. Closed are the
  firm sipxecs ``model`` types bool/int/ip and Yealink's own ``vendor-comment``
  bool and int-range statements. Enums are open (public lists lag firmware), and
  inferred ``values``/``name``/``comment`` types are hints.
- ``also`` (params.json): values accepted besides the type's own, where Yealink's
  comment lists more than the sipxecs model (``account.X.nat.udp_update_enable``
  0..3 though sipxecs says bool) or the same templates set a value outside the
  stated list (``templates also set 0``), or a Yealink guide accepts it
  (``schemas/guide_values.json``: ``-1`` on an outbound proxy's failover
  settings); ``wide`` is the vendor range where it
  is wider than ``range`` (``account.X.dtmf.dtmf_payload`` 96..255).
- ``CONTRADICTED`` below: facts that correct real files contradict. Their value
  lists are kept for ``explain`` but a value outside them is only a hint (info).
- Index ranges of ``account.X``/``linekey.X`` come from models.tsv counts, not the
  comments (the comments were copied between model folders and disagree).
- ``value_shape`` skeletons that start with a URL scheme are dropped: the url
  type check covers them and real files use http(s) where the shape says tftp.
  A shape that the key's own default does not fit is dropped too: the data then
  contradicts itself (``phone_setting.backgrounds`` is shaped ``Config:<file>``
  but defaults to ``Default:Default.png``, and real files use ``Resource:``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Facts of params.tsv that correct real files contradict (tests/data/correct/ holds such
# files; the README's caveats name most of them). The value check downgrades them to info.
CONTRADICTED = {
    "lang.gui": "real files set languages the public list lacks (lang.gui = Russian)",
    "static.lang.gui": "real files set languages the public list lacks (Russian)",
    "lang.wui": "real files set languages the public list lacks",
    "static.lang.wui": "real files set languages the public list lacks",
    "local_time.time_zone_name": "the public list lacks the US zones real files use "
    "(United States-Eastern Time)",
    "phone_setting.ring_type": "real files use the firmware's Resource:Ring1.wav spelling",
    "account.X.ringtone.ring_type": "real files use the firmware's Resource:Ring1.wav spelling",
    "multicast.receive_priority.priority": "real files use 31 though the comment says 0..10",
    "phone_setting.page_tip": "the comment above it is the headset key's (copied comment)",
}

# The first hardware id of a model that only ever shipped with V8x firmware: the T56A
# (hw 56, firmware 58.80) came after V80; every model with a higher hardware id and a
# higher firmware prefix is later still. Older ids (T4xG, T2xP, T19P E2 ...) ran V7x.
FIRST_V8X_ONLY_ID = 56
V8X_GENERATION = 80

_ALSO_SET = re.compile(r"templates also set ([^;}]+)")
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9+.:_-]+")
_RANGE = re.compile(r"(-?\d+)\.\.(-?\d+)")
_INDEX_PART = re.compile(r"([XY])([0-9,\-]+)")
_GENERATION = re.compile(r"v(\d+)")


def _allowed_values(allowed: str) -> tuple[list[str], tuple[int, int] | None]:
    values: list[str] = []
    bounds = None
    for item in allowed.split("|") if allowed else ():
        match = _RANGE.fullmatch(item)
        if match:
            bounds = (int(match[1]), int(match[2]))
        elif item:
            values.append(item)
    return values, bounds


def also_set(evidence: str) -> list[str]:
    """Values the ``{templates also set ...}`` notes of ``evidence`` name (plain ones only)."""
    found: list[str] = []
    for match in _ALSO_SET.finditer(evidence):
        found.extend(v.strip() for v in match[1].split(","))
    return [v for v in found if _PLAIN_VALUE.fullmatch(v)]


def _type_values(row: dict[str, str]) -> set[str]:
    if row["type"] == "bool":
        return {"0", "1"}
    if row["type"] == "enum":
        return set(row["allowed"].split("|"))
    return set()


def check_facts(row: dict[str, str], guide_values: Iterable[str] = ()) -> dict[str, Any]:
    """The compact value-check fields of one params.tsv row for params.json;
    ``guide_values`` are values a Yealink guide accepts besides the type's own."""
    ptype, source = row["type"], row["type_source"]
    record: dict[str, Any] = {}
    vendor_values, vendor_range = _allowed_values(row["vendor_allowed"])
    if row["vendor_type"] == "list":
        vendor_values, vendor_range = [], None  # vendor_allowed describes one item
    own = _type_values(row)
    extra = sorted({*also_set(row["evidence"]), *vendor_values, *guide_values} - own)
    _, own_range = _allowed_values(row["allowed"]) if ptype == "int" else ([], None)
    if ptype == "int" and vendor_range is not None and own_range is not None:
        wide = (min(own_range[0], vendor_range[0]), max(own_range[1], vendor_range[1]))
        if wide != own_range:
            record["wide"] = list(wide)
        if extra:
            extra = [v for v in extra if not _in_range(v, wide)]
    if extra and ptype in ("bool", "int", "enum"):
        record["also"] = extra
    if row["key"] in CONTRADICTED:
        record["contradicted"] = True
    elif _is_closed(ptype, source, row["allowed"]):
        record["closed"] = True
    if row["vendor_max_len"]:
        record["max_len"] = max(int(n) for n in row["vendor_max_len"].split(","))
    shape = value_shape(row)
    if shape is not None:
        record["shape"] = shape  # on params.json too: CFG205 needs no facts.json to check it
    return record


def value_shape(row: dict[str, str]) -> str | None:
    """The documented ``value_shape`` of a row, unless a URL shape or one its default breaks."""
    shape = row.get("value_shape", "")
    if not shape or re.match(r"[a-z]+://", shape):
        return None
    skeleton = re.compile(".*".join(re.escape(part) for part in re.split(r"<[^<>]*>", shape)))
    defaults = [row.get(name, "") for name in ("default", "vendor_default")]
    if any(default and not skeleton.fullmatch(default) for default in defaults):
        return None
    return shape


def _in_range(value: str, bounds: tuple[int, int]) -> bool:
    return value.lstrip("+-").isdigit() and bounds[0] <= int(value) <= bounds[1]


def _is_closed(ptype: str, source: str, allowed: str) -> bool:
    if source == "model":
        return ptype in ("bool", "int", "ip")
    if source == "vendor-comment":
        return ptype == "bool" or (ptype == "int" and bool(allowed))
    return False


def meanings(text: str) -> dict[str, str]:
    """``0=UDP|1=TCP`` as a mapping; items without ``=`` are skipped."""
    pairs = (item.partition("=") for item in text.split("|") if "=" in item)
    return {value.strip(): meaning.strip() for value, _, meaning in pairs}


def parse_index_ranges(text: str, display: dict[str, str]) -> dict[str, dict[str, list[list[int]]]]:
    """``T46G,T48G X1-6 Y1-40; * X1-16`` -> {model: {"X": [[1, 6]], "Y": [[1, 40]]}}."""
    table: dict[str, dict[str, list[list[int]]]] = {}
    for statement in filter(None, (s.strip() for s in text.split(";"))):
        names, _, ranges = statement.partition(" ")
        letters: dict[str, list[list[int]]] = {}
        for letter, spans in _INDEX_PART.findall(ranges):
            for span in spans.split(","):
                low, _, high = span.partition("-")
                letters.setdefault(letter, []).append([int(low), int(high or low)])
        for name in names.split(","):
            model = display.get(name, name)
            merged = table.setdefault(model, {})
            for letter, spans in letters.items():
                merged[letter] = _merge([*merged.get(letter, []), *spans])
    return table


def _merge(spans: list[list[int]]) -> list[list[int]]:
    result: list[list[int]] = []
    for low, high in sorted(spans):
        if result and low <= result[-1][1] + 1:
            result[-1][1] = max(result[-1][1], high)
        else:
            result.append([low, high])
    return result


def drop_bounded_letter(
    table: dict[str, dict[str, list[list[int]]]], bounded: bool
) -> dict[str, dict[str, list[list[int]]]]:
    """Without the first index (``X``) where models.tsv counts bound it (account/linekey)."""
    if not bounded:
        return table
    kept = {m: {k: v for k, v in letters.items() if k != "X"} for m, letters in table.items()}
    return {m: letters for m, letters in kept.items() if letters}


def generation(text: str) -> int | None:
    match = _GENERATION.fullmatch(text.strip())
    return int(match[1]) if match else None


def key_facts(
    row: dict[str, str], display: dict[str, str], index_set: int | None
) -> dict[str, Any] | None:
    """The per-key record of facts.json (None when the row has no vendor fact)."""
    record: dict[str, Any] = {"key": row["key"]}
    vendor = {
        name: row[f"vendor_{name}"]
        for name in ("type", "allowed", "default", "max_len", "format")
        if row[f"vendor_{name}"]
    }
    if vendor:
        record["vendor"] = vendor
    if row["vendor_meanings"]:
        record["meanings"] = meanings(row["vendor_meanings"])
    for column in ("models_supported", "models_excluded"):
        if row[column]:
            record[column] = sorted({display.get(n, n) for n in row[column].split(",")})
    if index_set is not None:
        record["index"] = index_set
    shape = value_shape(row)
    if shape is not None:
        record["shape"] = shape
    first, last = generation(row["fw_first"]), generation(row["fw_last"])
    if first is not None and last is not None:
        record["firmware"] = [first, last]
    if row["key"] in CONTRADICTED:
        record["downgraded"] = CONTRADICTED[row["key"]]
    return record if len(record) > 1 else None


def renames(rows: list[dict[str, str]], keys: set[str]) -> list[dict[str, Any]]:
    """renames.tsv as records; both names must be catalog keys."""
    result = []
    for row in rows:
        for name in (row["old_key"], row["new_key"]):
            if name not in keys:
                raise SystemExit(f"renames.tsv: {name} is not a params.tsv key")
        result.append(
            {
                "old": row["old_key"],
                "new": row["new_key"],
                "from": generation(row["from_generation"]),
                "source": row["source"],
                "evidence": row["evidence"],
            }
        )
    return sorted(result, key=lambda r: (r["old"], r["new"]))


def model_firmware(models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per model: every firmware image prefix it takes, and its lowest firmware generation.

    The Wazo prefixes, plus the hardware id where no other model's Wazo prefix is that
    number (the T41S took 68.x before 66.x; the T20P's hw 7 is the T22P's firmware).
    """
    wazo: dict[int, set[str]] = {}
    for model in models:
        for prefix in model["firmware_prefixes"]:
            wazo.setdefault(prefix, set()).add(model["name"])
    result = []
    for model in models:
        prefixes = set(model["firmware_prefixes"])
        hw_id = model["hw_id"]
        if hw_id and hw_id not in prefixes and not (wazo.get(hw_id, set()) - {model["name"]}):
            prefixes.add(hw_id)
        record: dict[str, Any] = {"name": model["name"], "firmware_prefixes": sorted(prefixes)}
        ids = [*model["firmware_prefixes"], *([hw_id] if hw_id is not None else [])]
        if ids and min(ids) >= FIRST_V8X_ONLY_ID:
            record["generation_floor"] = V8X_GENERATION
        result.append(record)
    return result
