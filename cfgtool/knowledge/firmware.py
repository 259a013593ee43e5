"""Firmware generations (renamed and newer keys) and firmware images (which model's).

A generation is Yealink's firmware family number: ``84`` for ``28.84.0.10``
(``--firmware 84``). ``renames.json`` says from which generation the public
templates write a new name; that the phone still takes the old name is not
excluded, so a rename is a warning (info for a ``static.`` twin, which phones
read alike). ``fw_first`` is only when Wazo's templates first set a key, so a
key "newer" than the firmware is info, and the newest generation (whose
template sets ~840 keys) says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from cfgtool.knowledge.finding import Finding, Grade
from cfgtool.knowledge.store import KeyFacts, ModelFirmware, Rename

__all__ = [
    "FirmwareImage",
    "check_firmware_image",
    "check_introduced",
    "check_renamed",
    "image_generation",
    "implied_generation",
    "models_for_prefix",
    "parse_firmware_image",
    "parse_generation",
    "rename_key",
]

# Patterns as text: ``re`` compiles each on first use (nothing at import, see values.py).
_GENERATION = r"[vV]?([0-9]{2})(?:\.[xX])?"  # 84, v84, 84.x (not 28.84: ambiguous)
_VERSION = r"[0-9]{1,3}\.([0-9]{2})\.[0-9]+\.[0-9]+"
# The file name: an optional label ("T46G-"), then XX.<generation>.<x>.<y>.rom (any case)
_IMAGE = r"(?i:.*[^0-9.])?([0-9]{1,3})\.([0-9]{1,3})(?:\.[0-9]+)+\.(?i:rom|zip)"
_STATIC = "static."
# An undated rename (a FusionPBX commit: "Yealink phones replace account.1.sip_server_host on
# the G, S, and U series phones") is applied from the first V8x generation, which those run.
UNDATED_FROM = 80


def parse_generation(text: str) -> int | None:
    """``84``, ``v84``, ``V84``, ``84.x`` or a firmware version ``28.84.0.10`` -> 84; else None."""
    text = text.strip()
    version = re.fullmatch(_VERSION, text)
    if version:
        return int(version[1])
    match = re.fullmatch(_GENERATION, text)
    return int(match[1]) if match else None


def implied_generation(firmware: ModelFirmware | None) -> int | None:
    """The lowest generation a model ever ran (80 for models that only ran V8x), or None."""
    return firmware.generation_floor if firmware is not None else None


def rename_key(key: str, old: str, new: str) -> str:
    """``key`` (a concrete ``old``) spelt as ``new``, its indexes kept in order, others 1."""
    indexes = [
        part for part, own in zip(key.split("."), old.split("."), strict=False) if own == "X"
    ]
    parts = []
    for part in new.split("."):
        parts.append((indexes.pop(0) if indexes else "1") if part == "X" else part)
    return ".".join(parts)


def _is_twin(rename: Rename) -> bool:
    return rename.new == _STATIC + rename.old or rename.old == _STATIC + rename.new


def check_renamed(
    key: str, pattern: str, generation: int, renames: Iterable[Rename]
) -> Finding | None:
    """A key renamed at or before ``generation``: the new name as ``fix``.

    An undated rename counts from v80 (:data:`UNDATED_FROM`) and is only info.
    """
    for rename in renames:
        since = rename.since if rename.since is not None else UNDATED_FROM
        if rename.old != pattern or since > generation:
            continue
        new_key = rename_key(key, rename.old, rename.new)
        when = f"from v{rename.since} on" if rename.since is not None else "on newer phones"
        grade: Grade = "info" if _is_twin(rename) or rename.since is None else "warning"
        message = f"templates write {new_key} instead {when} ({rename.source})"
        return Finding(grade, message, f"the key {new_key}", new_key)
    return None


def check_introduced(
    key: str,
    pattern: str,
    facts: KeyFacts,
    generation: int,
    renames: Iterable[Rename],
    newest: int,
) -> Finding | None:
    """A key firmware ``generation`` does not know yet: the new name of a later rename
    (warning, the old name as ``fix``), or first set by templates of a later one (info).
    """
    for rename in renames:
        if rename.new == pattern and rename.since is not None and rename.since > generation:
            old_key = rename_key(key, rename.new, rename.old)
            message = f"v{generation} firmware knows it as {old_key} (renamed in v{rename.since})"
            grade: Grade = "info" if _is_twin(rename) else "warning"
            return Finding(grade, message, f"the key {old_key}", old_key)
    if facts.firmware is None:
        return None
    first = facts.firmware[0]
    if first <= generation or first >= newest:
        return None
    message = f"templates first set it for v{first} firmware, newer than v{generation}"
    return Finding("info", message, f"firmware v{first} or newer")


class FirmwareImage(NamedTuple):
    """A firmware file name's model prefix and generation: ``28.84.0.10.rom`` -> 28, 84."""

    name: str
    prefix: int
    generation: int


def parse_firmware_image(url: str) -> FirmwareImage | None:
    """The :class:`FirmwareImage` a ``firmware.url`` names, or None (no ``XX.G.x.y.rom``)."""
    name = url.strip().split("?", 1)[0].split("#", 1)[0].rstrip("/").rpartition("/")[2]
    match = re.fullmatch(_IMAGE, name)
    return FirmwareImage(name, int(match[1]), int(match[2])) if match else None


# The oldest generation the facts cover (Wazo's v70 plugin): an image named like an older
# one (or a made-up 1.2.3.4.rom) says nothing about which keys the phone knows.
OLDEST_GENERATION = 70


def image_generation(urls: Iterable[str]) -> int | None:
    """The generation of the first firmware image among ``urls`` (``firmware.url`` values)
    that names one the facts cover (v70 or newer), else None."""
    for url in urls:
        image = parse_firmware_image(url)
        if image is not None and image.generation >= OLDEST_GENERATION:
            return image.generation
    return None


def models_for_prefix(prefix: int, firmware: Mapping[str, ModelFirmware]) -> tuple[str, ...]:
    """The models that take images with this prefix, sorted."""
    return tuple(sorted(name for name, fw in firmware.items() if prefix in fw.prefixes))


def check_firmware_image(
    url: str, model: str, firmware: Mapping[str, ModelFirmware]
) -> Finding | None:
    """An error when ``url`` names another model's image; None when it fits or is unknown."""
    image = parse_firmware_image(url)
    own = firmware.get(model)
    if image is None or own is None or not own.prefixes or image.prefix in own.prefixes:
        return None
    owners = models_for_prefix(image.prefix, firmware)
    if not owners:
        return None
    wanted = " or ".join(f"{p}.x" for p in own.prefixes)
    whose = ", ".join(owners[:4]) + (" ..." if len(owners) > 4 else "")
    message = f"{image.name} is firmware for the {whose}, not the {model} ({wanted})"
    return Finding("error", message, f"a {wanted} image")
