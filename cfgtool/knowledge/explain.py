"""Every vendor fact about one key, with where it comes from, as plain data (``explain``)."""

from __future__ import annotations

from typing import Any

from cfgtool.knowledge.store import (
    Rename,
    evidence_for,
    key_facts,
    load_renames,
    resolve_pattern,
    value_spec,
)

__all__ = ["explain_facts"]


_CHECKED_TYPES = frozenset({"bool", "int", "enum", "url", "ip", "time"})


def _grade_of(kind: str, closed: bool, contradicted: bool) -> str:
    if kind not in _CHECKED_TYPES:
        return "none: no value of this type is checked"
    if contradicted:
        return "hint: correct real files contradict it (info)"
    return "closed: a value it rejects is an error" if closed else "open: a miss is a warning"


def _rename(rename: Rename) -> dict[str, Any]:
    return {
        "old": rename.old,
        "new": rename.new,
        "since": rename.since,
        "source": rename.source,
        "evidence": rename.evidence,
    }


def explain_facts(key: str) -> dict[str, Any] | None:
    """What the vendor facts say about ``key`` (concrete or ``X`` pattern), or None if unknown.

    Keys: ``pattern``, ``value_check`` (type, its source, values, range, grade),
    ``vendor`` (Yealink's comment: type, allowed, default, max_len, format),
    ``meanings``, ``models_supported``, ``models_excluded``, ``index_ranges``,
    ``shape``, ``firmware`` (first/last Wazo generation that sets it), ``renames``
    (this key's old or new names), ``downgraded`` and ``evidence`` (quoted comments
    with ``repo@commit:path``); absent facts are empty or None.
    """
    pattern = resolve_pattern(key)
    spec = value_spec(pattern) if pattern is not None else None
    if pattern is None or spec is None:
        return None
    facts = key_facts(pattern)
    return {
        "pattern": pattern,
        "value_check": {
            "type": spec.type,
            "type_source": spec.type_source,
            "values": [*spec.enum, *spec.also],
            "range": list(spec.int_range) if spec.int_range is not None else None,
            "grade": _grade_of(spec.type, spec.closed, spec.contradicted),
            "max_len": spec.max_len,
        },
        "vendor": dict(facts.vendor),
        "meanings": dict(facts.meanings),
        "models_supported": list(facts.models_supported),
        "models_excluded": list(facts.models_excluded),
        "index_ranges": {
            model: {letter: [list(span) for span in spans] for letter, spans in letters.items()}
            for model, letters in facts.index_ranges.items()
        },
        "shape": facts.shape,
        "firmware": (
            {"first": f"v{facts.firmware[0]}", "last": f"v{facts.firmware[1]}", "source": "Wazo"}
            if facts.firmware is not None
            else None
        ),
        "renames": [_rename(r) for r in load_renames() if pattern in (r.old, r.new)],
        "downgraded": facts.downgraded,
        "evidence": list(evidence_for(pattern)),
    }
