"""Which firmware a played phone runs: its generation (80, 84…) and full version.

The generation decides what the phone asks for (boot files from 81 on) and the
User-Agent it sends (``Yealink SIP-T46G 28.83.0.120 00:15:65:4a:a9:37``). The
facts are data in ``schemas/firmware.json`` (released versions per model and
generation); the default is the newest generation the data knows for the model.

    >>> from cfgtool.catalog import find_model
    >>> resolve_firmware(find_model("T46G"), None)
    Firmware(generation=83, version='28.83.0.120')
    >>> resolve_firmware(find_model("T46G"), "81")
    Firmware(generation=81, version='28.81.0.110')
    >>> resolve_firmware(find_model("T46G"), "28.82.0.7")
    Firmware(generation=82, version='28.82.0.7')
    >>> resolve_firmware(find_model("T46G"), "84.0.0.10")
    Firmware(generation=84, version='28.84.0.10')
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from cfgtool.catalog import Model
from cfgtool.errors import CfgValueError, SchemaError
from cfgtool.resources import schema_path

__all__ = ["Firmware", "boot_files_from", "resolve_firmware"]

_FULL_VERSION = re.compile(r"(\d+)\.(\d+)\.\d+\.\d+")
_GENERATION = re.compile(r"v?(\d{2})", re.IGNORECASE)
# A generation the data does not list for a model still needs a plausible version string.
_GENERIC_BUILD = "0.0"


@dataclass(frozen=True, slots=True)
class Firmware:
    """A firmware generation (``83``) and the full version the phone reports."""

    generation: int
    version: str


@cache
def _data() -> dict[str, Any]:
    path = schema_path("firmware.json")
    try:
        with open(path, "rb") as handle:
            data: dict[str, Any] = json.load(handle)
    except (OSError, ValueError) as exc:
        raise SchemaError(f"cannot read {path}: {exc}; reinstall cfgtool") from None
    return data


def boot_files_from() -> int:
    """The first firmware generation that asks for ``.boot`` files."""
    return int(_data()["boot_files_from"])


def known_versions(model: Model) -> dict[int, str]:
    """Generation → released version for ``model`` (empty when the data has none)."""
    versions: dict[str, str] = _data()["models"].get(model.name, {})
    return {int(generation): version for generation, version in versions.items()}


def resolve_firmware(model: Model, spec: str | None) -> Firmware:
    """The firmware ``--firmware spec`` names for ``model`` (None: the newest known).

    ``spec`` is a generation (``84``, ``v84``) or a full version (``84.0.0.10``,
    ``28.84.0.10``; the second number is the generation when the first is the
    model's hardware or firmware id, else the first is).
    """
    versions = known_versions(model)
    prefix = model.firmware_prefixes[0] if model.firmware_prefixes else (model.hw_id or 0)
    if spec is None:
        if not versions:
            return Firmware(86, f"{prefix}.86.{_GENERIC_BUILD}")
        newest = max(versions)
        return Firmware(newest, versions[newest])
    text = spec.strip()
    full = _FULL_VERSION.fullmatch(text)
    if full:
        first, second = int(full.group(1)), int(full.group(2))
        if 70 <= first < 100 and first not in {*model.firmware_prefixes, model.hw_id}:
            # "84.0.0.10": generation first; the phone reports it after its firmware id.
            build = text.rsplit(".", 1)[1]
            return Firmware(first, f"{prefix}.{first}.0.{build}")
        return Firmware(second, text)
    generation = _GENERATION.fullmatch(text)
    if generation is None:
        raise CfgValueError(
            f"--firmware {spec!r}: write a generation such as 84, or a full version such as "
            "28.84.0.10"
        )
    number = int(generation.group(1))
    version = versions.get(number, f"{prefix}.{number}.{_GENERIC_BUILD}")
    return Firmware(number, version)
