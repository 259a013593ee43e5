"""An index beyond what the file's phone model has: line keys, expansion modules, list items.

``linekey.N`` beyond the model's line keys (``cfgtool models``), and the ranges
Yealink's comments state per model ("X ranges from 1 to 6, Y from 1 to 40" for
the T46G's expansion modules; a model no comment names takes the range stated
without a model). The phone ignores the setting. ``account.N`` beyond the
model's accounts is CFG302's error. A warning: the comments were copied between
model folders and can lag behind firmware. Runs under ``cfgtool validate`` when
the model is known.

Failing example (file y000000000028.cfg)::

    #!version:1.0.0.1
    linekey.28.type = 15
    expansion_module.7.key.1.label = Sales

Passing example (file y000000000028.cfg)::

    #!version:1.0.0.1
    linekey.27.type = 15
    expansion_module.6.key.40.label = Sales
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from cfgtool.catalog import Model
from cfgtool.diagnostics import Severity
from cfgtool.knowledge import (
    Finding,
    IndexLimit,
    aligned_key,
    check_indexes,
    index_limits,
    key_facts,
    value_spec,
)
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._knowledge import checked_entries
from cfgtool.nodes import Document
from cfgtool.provisioning import model_of

CODE = "CFG314"
NAME = "index-out-of-range"
SEVERITY: Severity = "warning"
SUMMARY = "an index beyond the model's line keys or the range Yealink's comments state for it"
SCOPE = "model"

_ACCOUNTS = "accounts"  # CFG302's: the account count is certain, so an error there


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    model = None
    for node, pattern in checked_entries(doc, context):
        if ".X" not in pattern:
            continue
        if model is None:
            model = model_of(doc, context)
            if model is None:
                return
        for finding in _findings(node.key, pattern, model):
            yield context.problem(
                node,
                f"{node.key}: {finding.message}, so the phone ignores this setting",
                column=node.key_column,
                end_column=node.key_column + len(node.key) - 1,
                severity="warning",
                hint=f"use {finding.expected}, or check the phone model",
            )


# (key, id of the model) -> the model and what check_indexes finds: phone files repeat
# their keys (and hashing a Model, a dataclass, per setting costs more than the check).
_FOUND: dict[tuple[str, int], tuple[Model, tuple[Finding, ...]]] = {}
_FOUND_LIMIT = 100_000


def _findings(key: str, pattern: str, model: Model) -> tuple[Finding, ...]:
    memo = (key, id(model))
    known = _FOUND.get(memo)
    if known is not None and known[0] is model:
        return known[1]
    found = check_indexes(aligned_key(key, pattern), _limits(pattern, model))
    if len(_FOUND) < _FOUND_LIMIT:
        _FOUND[memo] = (model, found)
    return found


@lru_cache(maxsize=4096)
def _limits(pattern: str, model: Model) -> tuple[IndexLimit, ...]:
    """The index limits of ``pattern`` on ``model``: the same for every file of that model."""
    spec = value_spec(pattern)
    bounded = spec.bounded if spec is not None else None
    limits = index_limits(pattern, key_facts(pattern), bounded, model)
    if bounded is not None and bounded[1] == _ACCOUNTS:
        limits = tuple(limit for limit in limits if limit.segment != bounded[0])
    return limits
