"""What the phone knows, from the vendor facts in ``schemas/`` (issue 17).

Pure checks (no lint engine): each takes plain records from
:mod:`cfgtool.knowledge.store` and returns a :class:`Finding` (or None).

- values: :func:`check_value`, :func:`check_length`, :func:`check_shape`, :func:`number_for_name`
- models: :func:`check_model_support`, :func:`index_limits`, :func:`check_indexes`
- explain: :func:`explain_facts` (every fact with its source, as plain data)
- firmware: :func:`parse_generation`, :func:`implied_generation`, :func:`check_renamed`,
  :func:`check_introduced`, :func:`parse_firmware_image`, :func:`check_firmware_image`

:func:`check_entry` runs all of them for one ``key = value`` and a model, the way a
lint rule will.
"""

from __future__ import annotations

from cfgtool.catalog import Model
from cfgtool.knowledge.explain import explain_facts
from cfgtool.knowledge.finding import Finding, Grade
from cfgtool.knowledge.firmware import (
    FirmwareImage,
    check_firmware_image,
    check_introduced,
    check_renamed,
    image_generation,
    implied_generation,
    models_for_prefix,
    parse_firmware_image,
    parse_generation,
    rename_key,
)
from cfgtool.knowledge.store import (
    KeyFacts,
    ModelFirmware,
    Rename,
    ValueSpec,
    evidence_for,
    key_facts,
    load_renames,
    model_firmware,
    newest_generation,
    resolve_pattern,
    value_spec,
)
from cfgtool.knowledge.support import IndexLimit, check_indexes, check_model_support, index_limits
from cfgtool.knowledge.values import (
    check_length,
    check_shape,
    check_value,
    describe_values,
    number_for_name,
)

__all__ = [
    "Finding",
    "FirmwareImage",
    "Grade",
    "IndexLimit",
    "KeyFacts",
    "ModelFirmware",
    "Rename",
    "ValueSpec",
    "aligned_key",
    "check_entry",
    "check_firmware_image",
    "check_indexes",
    "check_introduced",
    "check_length",
    "check_model_support",
    "check_renamed",
    "check_shape",
    "check_value",
    "describe_values",
    "evidence_for",
    "explain_facts",
    "image_generation",
    "implied_generation",
    "index_limits",
    "key_facts",
    "load_renames",
    "model_firmware",
    "models_for_prefix",
    "newest_generation",
    "number_for_name",
    "parse_firmware_image",
    "parse_generation",
    "rename_key",
    "resolve_pattern",
    "value_spec",
]

_FIRMWARE_KEYS = frozenset({"firmware.url", "static.firmware.url"})


_STATIC = "static."


def aligned_key(key: str, pattern: str) -> str:
    """``key`` spelt with or without ``static.`` like the catalog ``pattern`` it matched.

    The catalog finds a key through its ``static.`` twin; the index and rename checks
    compare segments with the pattern, so they take the key in the pattern's form.
    """
    if pattern.startswith(_STATIC) and not key.startswith(_STATIC):
        return _STATIC + key
    if key.startswith(_STATIC) and not pattern.startswith(_STATIC):
        return key[len(_STATIC) :]
    return key


def check_entry(
    key: str, value: str, model: Model | None = None, generation: int | None = None
) -> list[Finding]:
    """Every knowledge finding for one ``key = value`` (an unknown key gives none).

    ``generation`` defaults to the model's implied one (80 for V8x-only models); that
    floor only reports renames, since the phone may run any newer generation.
    """
    pattern = resolve_pattern(key)
    spec = value_spec(pattern) if pattern is not None else None
    if pattern is None or spec is None:
        return []
    key = aligned_key(key, pattern)
    facts = key_facts(pattern)
    checks = [
        check_value(spec, value, facts.meanings),
        check_length(spec, value),
        check_shape(facts.shape, value) if facts.shape else None,
    ]
    found = [f for f in checks if f is not None]
    if model is not None:
        support = check_model_support(facts, model.name)
        found.extend([support] if support else [])
        found.extend(check_indexes(key, index_limits(pattern, facts, spec.bounded, model)))
        if key in _FIRMWARE_KEYS:
            image = check_firmware_image(value, model.name, model_firmware())
            found.extend([image] if image else [])
    renames = load_renames()
    floor = generation
    if floor is None and model is not None:
        floor = implied_generation(model_firmware().get(model.name))
    renamed = check_renamed(key, pattern, floor, renames) if floor is not None else None
    found.extend([renamed] if renamed else [])
    if generation is not None:
        newer = check_introduced(key, pattern, facts, generation, renames, newest_generation())
        found.extend([newer] if newer else [])
    return found
