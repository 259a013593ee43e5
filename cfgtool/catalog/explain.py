"""``cfgtool explain KEY``: everything the catalog knows about a key, as plain data."""

from __future__ import annotations

from typing import Any

from cfgtool.catalog.params import (
    load_catalog,
    normalize_key,
    reboot_reason,
)

# --------------------------------------------------------------------------- explain


def explain_key(key: str) -> dict[str, Any]:
    """Everything the catalog knows about ``key`` (concrete or an ``X`` pattern), as plain data.

    Keys: ``query``, ``known``, ``pattern`` (the matched catalog pattern),
    ``via_static_alias`` (found through its ``static.`` twin), ``param``
    (:meth:`Param.to_dict`), ``reboot_reason`` and ``suggestion`` (did-you-mean
    for unknown keys); absent facts are None.
    """
    catalog = load_catalog()
    param = catalog.lookup(key) or catalog.lookup_pattern(key)
    if param is None:
        return {
            "query": key,
            "known": False,
            "pattern": None,
            "via_static_alias": False,
            "param": None,
            "reboot_reason": None,
            "suggestion": catalog.suggest(key),
        }
    return {
        "query": key,
        "known": True,
        "pattern": param.key,
        "via_static_alias": param.key not in (key, normalize_key(key)),
        "param": param.to_dict(),
        "reboot_reason": reboot_reason(param),
        "suggestion": None,
    }
