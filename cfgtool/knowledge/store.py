"""Read the vendor facts of ``schemas/`` into small typed records, each file on first use.

``params.json`` gives every key's :class:`ValueSpec` (the compact value-check
fields); ``facts.json`` the bulky :class:`KeyFacts`, model firmware and index
sets; ``renames.json`` the :class:`Rename` rows; ``evidence.json`` the quoted
vendor comments (only ``explain`` wants them). Keys are matched exactly as
written: case is never folded.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any, NamedTuple

from cfgtool.catalog import load_catalog
from cfgtool.catalog.models import load_json

__all__ = [
    "KeyFacts",
    "ModelFirmware",
    "Rename",
    "ValueSpec",
    "evidence_for",
    "key_facts",
    "load_renames",
    "model_firmware",
    "newest_generation",
    "resolve_pattern",
    "value_spec",
]

Spans = tuple[tuple[int, int], ...]
_NOTHING: Mapping[str, Any] = MappingProxyType({})  # the shared, read-only empty default

# NamedTuple, not a dataclass: the lint rules import this module at start-up, and a
# dataclass costs ~1 ms to create (as Problem in cfgtool.linting.rule).


class ValueSpec(NamedTuple):
    """What a key's value may be, and how sure the catalog is (params.json).

    ``closed``: a value the type rejects is an error (firm bool/int/ip, or Yealink's
    own bool/int-range statement). ``contradicted``: correct real files use values
    outside the list, so a miss is only a hint. ``also``: values accepted besides the
    type's own (``int_range`` is already the widest stated range). ``shape``: how
    templates build the value from parts (also in facts.json; here so that checking
    it needs no facts.json).
    """

    key: str
    type: str
    type_source: str | None = None
    enum: tuple[str, ...] = ()
    int_range: tuple[int, int] | None = None
    also: tuple[str, ...] = ()
    closed: bool = False
    contradicted: bool = False
    max_len: int | None = None
    bounded: tuple[int, str] | None = None
    shape: str | None = None


class KeyFacts(NamedTuple):
    """The vendor's statements about one key pattern (facts.json); empty = not known.

    ``index_ranges`` maps a model name (``*`` = a statement naming no model) to the
    ranges of the key's first (``X``) and second (``Y``) index.
    """

    key: str
    vendor: Mapping[str, str] = _NOTHING
    meanings: Mapping[str, str] = _NOTHING
    models_supported: tuple[str, ...] = ()
    models_excluded: tuple[str, ...] = ()
    index_ranges: Mapping[str, Mapping[str, Spans]] = _NOTHING
    shape: str | None = None
    firmware: tuple[int, int] | None = None
    downgraded: str | None = None


class Rename(NamedTuple):
    """``old`` became ``new`` in the templates from firmware generation ``since`` on."""

    old: str
    new: str
    since: int | None
    source: str
    evidence: str


class ModelFirmware(NamedTuple):
    """The firmware image prefixes a model takes and its lowest firmware generation."""

    name: str
    prefixes: tuple[int, ...]
    generation_floor: int | None = None


@cache
def _facts_data() -> dict[str, Any]:
    return load_json("facts.json")


@cache
def _facts() -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in _facts_data()["facts"]}


def resolve_pattern(key: str) -> str | None:
    """The catalog pattern of a concrete key or pattern (``static.`` twins included)."""
    catalog = load_catalog()
    param = catalog.lookup(key) or catalog.lookup_pattern(key)
    return param.key if param is not None else None


def _pair(value: list[int] | None) -> tuple[int, int] | None:
    return (value[0], value[1]) if value is not None else None


@cache
def value_spec(pattern: str) -> ValueSpec | None:
    """The :class:`ValueSpec` of a catalog pattern exactly as written, or None."""
    item = load_catalog().raw_entry(pattern)
    if item is None:
        return None
    bounded = item.get("bounded")
    return ValueSpec(
        key=pattern,
        type=item["type"],
        type_source=item.get("type_source"),
        enum=tuple(item.get("enum", ())),
        int_range=_pair(item.get("wide") or item.get("range")),
        also=tuple(item.get("also", ())),
        closed=item.get("closed", False),
        contradicted=item.get("contradicted", False),
        max_len=item.get("max_len"),
        bounded=(bounded[0], bounded[1]) if bounded is not None else None,
        shape=item.get("shape"),
    )


@cache
def key_facts(pattern: str) -> KeyFacts:
    """The vendor's statements about a catalog pattern (all empty when none)."""
    item = _facts().get(pattern)
    if item is None:
        return KeyFacts(key=pattern)
    index_ranges: dict[str, dict[str, Spans]] = {}
    number = item.get("index")
    if number is not None:
        for model, letters in _facts_data()["index_sets"][number].items():
            index_ranges[model] = {
                letter: tuple((low, high) for low, high in spans)
                for letter, spans in letters.items()
            }
    return KeyFacts(
        key=pattern,
        vendor=item.get("vendor", {}),
        meanings=item.get("meanings", {}),
        models_supported=tuple(item.get("models_supported", ())),
        models_excluded=tuple(item.get("models_excluded", ())),
        index_ranges=index_ranges,
        shape=item.get("shape"),
        firmware=_pair(item.get("firmware")),
        downgraded=item.get("downgraded"),
    )


@cache
def model_firmware() -> dict[str, ModelFirmware]:
    """Every model's :class:`ModelFirmware`, by model name (as in models.json)."""
    return {
        item["name"]: ModelFirmware(
            name=item["name"],
            prefixes=tuple(item["firmware_prefixes"]),
            generation_floor=item.get("generation_floor"),
        )
        for item in _facts_data()["models"]
    }


@cache
def newest_generation() -> int:
    """The newest firmware generation any template in the facts sets keys for (v87)."""
    return max((item["firmware"][1] for item in _facts().values() if "firmware" in item), default=0)


@cache
def load_renames() -> tuple[Rename, ...]:
    """Every renamed key (renames.json), sorted by old name."""
    return tuple(
        Rename(
            old=item["old"],
            new=item["new"],
            since=item["from"],
            source=item["source"],
            evidence=item["evidence"],
        )
        for item in load_json("renames.json")["renames"]
    )


def evidence_for(pattern: str) -> tuple[str, ...]:
    """The quoted vendor comments about a pattern, each with ``repo@commit:path``."""
    data = load_json("evidence.json")  # explain only: not cached, read once per call
    for item in data["evidence"]:
        if item["key"] == pattern:
            return tuple(part.strip() for part in item["evidence"].split(" | "))
    return ()
