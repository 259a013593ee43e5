"""What the rules that use the vendor facts share (CFG202, CFG205, CFG303, CFG313-CFG316).

A key's catalog pattern, the firmware generation a file is for, and the text
edits their fixes make. ``facts.json`` (the bulky vendor facts) is read only
when a rule needs one: never for a file whose values all fit their type.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from cfgtool.catalog import Model, find_model, load_catalog, models_for_common_file
from cfgtool.directives import comment_model
from cfgtool.filenames import basename, classify, common_filename
from cfgtool.knowledge import image_generation, implied_generation, model_firmware
from cfgtool.linting.rule import LintContext
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import rebuild
from cfgtool.nodes import Document, Entry


def pattern_of(key: str) -> str | None:
    """The catalog pattern ``key`` matches (its ``static.`` twin's included), or None."""
    param = load_catalog().lookup(key)
    return param.key if param is not None else None


def checked_entries(doc: Document, context: LintContext) -> Iterator[tuple[Entry, str]]:
    """``(entry, pattern)`` for each known key whose key and value no other rule owns.

    Empty and ``%NULL%`` values are skipped: they are valid for every key. Found once
    per file by the scan (``_facts.Facts.checked``): six rules ask for every file.
    """
    return iter(facts(doc, context).checked)


def file_generation(doc: Document, context: LintContext) -> int | None:
    """The generation the user gave (``--firmware``, ``firmware =``), else the file's own
    ``firmware.url`` image's (``28.84.0.10.rom`` -> 84), else (validate) that of the
    image the phone's Common file names, else None."""
    if context.firmware is not None:
        return context.firmware
    urls = facts(doc, context).firmware_urls
    own = image_generation(urls) if urls else None
    return own if own is not None else context.firmware_image


def lowest_generation(doc: Document, context: LintContext) -> tuple[int, bool] | None:
    """``(generation, implied)``: :func:`file_generation`, else (implied) the lowest one the
    file's model ever ran (80 for the models that only ran V8x firmware), else None."""
    generation = file_generation(doc, context)
    if generation is not None:
        return generation, False
    names = file_models(doc, context)
    if not names:
        return None
    floors = [implied_generation(model_firmware().get(name)) for name in names]
    # a shared Common file (T53/T53W) is for the oldest of its models
    if None in floors:
        return None
    return min(f for f in floors if f is not None), True


def model_names(model: Model) -> tuple[str, ...]:
    """The models a :class:`Model` stands for: ``T53/T53W`` (one Common file) is two."""
    return tuple(model.name.split("/")) if model.source == "shared" else (model.name,)


def file_models(doc: Document, context: LintContext) -> tuple[str, ...]:
    """The models ``doc`` is for: ``context.model`` (validate), its Common file name, or its
    ``# cfgtool: model=`` comment; none for a MAC or the all-models file.

    The order of ``cfgtool.provisioning.model_of``, from the catalog directly: ``cfgtool
    lint`` runs CFG315 and never imports the provisioning layer.
    """
    if context.model is not None:
        return model_names(context.model)
    name = context.filename or (basename(context.path) if context.path else None)
    parsed = classify(name) if name else None
    if parsed is not None and parsed.is_common and parsed.hw_id is not None:
        models = models_for_common_file(common_filename(parsed.hw_id))
        if models:
            return tuple(model.name for model in models)
    named = comment_model(doc)
    model = find_model(named) if named else None
    return (model.name,) if model is not None else ()


def with_values(doc: Document, values: Mapping[int, str]) -> Document:
    """``doc`` with the values of the entries on the given lines replaced (the rest kept)."""
    if not values:
        return doc
    lines = []
    for node in doc.items:
        raw = node.raw
        if type(node) is Entry and node.line in values:
            start, end = node.value_column - 1, node.value_end_column - 1
            raw = raw[:start] + values[node.line] + raw[end:]
        lines.append((raw, node.eol))
    return rebuild(doc, lines)


def with_keys(doc: Document, keys: Mapping[int, str]) -> Document:
    """``doc`` with the keys of the entries on the given lines replaced (values kept)."""
    if not keys:
        return doc
    lines = []
    for node in doc.items:
        raw = node.raw
        if type(node) is Entry and node.line in keys:
            start = node.key_column - 1
            raw = raw[:start] + keys[node.line] + raw[start + len(node.key) :]
        lines.append((raw, node.eol))
    return rebuild(doc, lines)
