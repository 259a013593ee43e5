"""Typed local keys: a site's own settings, with the type their values must have.

``[tool.cfgtool.known-keys]`` (``[known-keys]`` in ``.cfgtool.toml``) maps a key,
with ``X`` for an index, to its type and allowed values::

    [tool.cfgtool.known-keys]
    "custom.X.level" = { type = "int", allowed = "0..5" }
    "custom.site.mode" = { type = "enum", allowed = "day|night" }
    "custom.site.label" = { type = "string" }

The keys are known (no CFG201), and CFG202 checks their values the way it
checks the catalog's closed types: a value the site's type rejects is an error.
A key the catalog also knows takes the site's type.
"""

from __future__ import annotations

import re

from cfgtool.errors import ConfigError
from cfgtool.knowledge import ValueSpec

__all__ = ["LOCAL_TYPES", "parse_known_keys"]

LOCAL_TYPES = ("bool", "int", "enum", "string", "url", "ip", "time")
_KEY = re.compile(r"[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*")
_RANGE = re.compile(r"([+-]?[0-9]+)\.\.([+-]?[0-9]+)")
SOURCE = "configuration"


def parse_known_keys(table: object, where: str) -> tuple[ValueSpec, ...]:
    """The typed local keys of a ``known-keys`` table; raises :class:`ConfigError`."""
    example = '"custom.X.level" = { type = "int", allowed = "0..5" }'
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: known-keys must be a table of keys, e.g. {example}")
    specs = []
    for key, entry in table.items():
        if not _KEY.fullmatch(key):
            raise ConfigError(
                f"{where}: known-keys: {key!r} is not a key (write it as in a cfg file, "
                "X for an index)"
            )
        if not isinstance(entry, dict) or set(entry) - {"type", "allowed"}:
            raise ConfigError(f"{where}: known-keys.{key} must be {{ type = ..., allowed = ... }}")
        specs.append(
            _spec(key, entry.get("type"), entry.get("allowed"), f"{where}: known-keys.{key}")
        )
    return tuple(sorted(specs))


def _spec(key: str, kind: object, allowed: object, where: str) -> ValueSpec:
    if kind not in LOCAL_TYPES:
        raise ConfigError(f"{where}: type must be one of {', '.join(LOCAL_TYPES)}, not {kind!r}")
    if allowed is not None and not isinstance(allowed, str):
        raise ConfigError(f'{where}: allowed must be a string ("0..5" or "a|b|c")')
    if kind == "enum":
        values = tuple(v.strip() for v in (allowed or "").split("|") if v.strip())
        if not values:
            raise ConfigError(f'{where}: an enum needs its values, e.g. allowed = "day|night"')
        return ValueSpec(key=key, type="enum", type_source=SOURCE, enum=values, closed=True)
    if kind == "int" and allowed:
        first, *extra = (part.strip() for part in allowed.split("|"))
        match = _RANGE.fullmatch(first)
        if match is None or any(not re.fullmatch(r"[+-]?[0-9]+", v) for v in extra):
            raise ConfigError(
                f'{where}: allowed for an int is a range "min..max", optionally with more '
                f'values after "|" ("1..100|0"), not {allowed!r}'
            )
        low, high = int(match[1]), int(match[2])
        return ValueSpec(
            key=key,
            type="int",
            type_source=SOURCE,
            int_range=(min(low, high), max(low, high)),
            also=tuple(extra),
            closed=True,
        )
    if allowed:
        raise ConfigError(f"{where}: allowed applies to int and enum types only")
    return ValueSpec(key=key, type=str(kind), type_source=SOURCE, closed=True)
