"""Which models support a key, and the index range of a key on a model.

Pure functions over :class:`~cfgtool.knowledge.store.KeyFacts` and
:class:`~cfgtool.catalog.Model`. An empty ``models_supported`` means unknown,
never "no model". For ``account.X``/``linekey.X`` the model's own count
(models.tsv) decides, not the vendor comments, which were copied between
model folders; an account beyond the count is an error, every other range a
warning.
"""

from __future__ import annotations

from typing import NamedTuple

from cfgtool.catalog import Model
from cfgtool.knowledge.finding import Finding, Grade
from cfgtool.knowledge.store import KeyFacts, Spans

__all__ = ["IndexLimit", "check_indexes", "check_model_support", "index_limits"]

_LETTERS = ("X", "Y")
_SHOWN = 6  # model names shown in a message


class IndexLimit(NamedTuple):
    """The allowed values of the index at ``segment`` (0-based) of a key, and their source."""

    segment: int
    spans: Spans
    source: str
    grade: Grade


def _names(models: tuple[str, ...]) -> str:
    shown = ", ".join(models[:_SHOWN])
    return shown + (f" and {len(models) - _SHOWN} more" if len(models) > _SHOWN else "")


def check_model_support(facts: KeyFacts, model: str) -> Finding | None:
    """A warning when Yealink's comments say ``model`` does not support the key."""
    if model in facts.models_excluded and model not in facts.models_supported:
        expected = f"a model other than {_names(facts.models_excluded)}"
        return Finding(
            "warning", f"Yealink's comment says the {model} does not support it", expected
        )
    if facts.models_supported and model not in facts.models_supported:
        expected = f"one of {_names(facts.models_supported)}"
        message = f"Yealink's comment says only {_names(facts.models_supported)} support it"
        return Finding("warning", message + " (the list may predate newer models)", expected)
    return None


def index_limits(
    pattern: str, facts: KeyFacts, bounded: tuple[int, str] | None, model: Model
) -> tuple[IndexLimit, ...]:
    """The known range of each index of ``pattern`` (``X`` segments) on ``model``.

    ``bounded`` is the catalog's ``(segment, "accounts" | "line_keys")``; its count
    replaces the comments' range for that index. A model the comments do not name
    takes the range stated without a model (``*``), as a hint.
    """
    positions = [n for n, part in enumerate(pattern.split(".")) if part == "X"]
    stated = facts.index_ranges.get(model.name)
    source = f"Yealink's comment for the {model.name}"
    if stated is None:
        stated = facts.index_ranges.get("*", {})
        source = "Yealink's comment (no model named)"
    limits = []
    for number, segment in enumerate(positions):
        if bounded is not None and bounded[0] == segment:
            count = model.limit(bounded[1])
            if count:
                grade: Grade = "error" if bounded[1] == "accounts" else "warning"
                what = "accounts" if bounded[1] == "accounts" else "line keys"
                limits.append(
                    IndexLimit(
                        segment, ((1, count),), f"the {model.name} has {count} {what}", grade
                    )
                )
            continue
        spans = stated.get(_LETTERS[number]) if number < len(_LETTERS) else None
        if spans:
            limits.append(IndexLimit(segment, spans, source, "warning"))
    return tuple(limits)


def _show(spans: Spans) -> str:
    return ",".join(f"{low}" if low == high else f"{low}-{high}" for low, high in spans)


def check_indexes(key: str, limits: tuple[IndexLimit, ...]) -> tuple[Finding, ...]:
    """One finding per index of the concrete ``key`` outside its :class:`IndexLimit`."""
    parts = key.split(".")
    found = []
    for limit in limits:
        if limit.segment >= len(parts) or not parts[limit.segment].isdigit():
            continue
        index = int(parts[limit.segment])
        if any(low <= index <= high for low, high in limit.spans):
            continue
        expected = _show(limit.spans)
        message = f"index {index} is outside {expected} ({limit.source})"
        found.append(Finding(limit.grade, message, f"an index in {expected}"))
    return tuple(found)
