"""Merging what the phone downloaded, Common → MAC (→ includes) → local, with provenance.

The order is the guide's: later files win. ``<mac>-local.cfg`` (the settings
made on the phone) goes last when ``auto_provision.custom.protect = 1`` ("keep
user personalized settings"), first — so downloaded settings win — when it
is 0. The merge itself is :func:`cfgtool.effective`; this module decides the
order and records which kind of file each value came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cfgtool
from cfgtool.nodes import Document
from cfgtool.phone.result import FileKind, SettingSource

__all__ = ["Layer", "flag", "merge_layers", "setting"]

PROTECT_KEY = "auto_provision.custom.protect"
SYNC_KEY = "auto_provision.custom.sync"
REBOOT_FORCE_KEY = "auto_provision.reboot_force.enable"
_TRUE = frozenset({"1", "true", "on", "yes", "enable", "enabled"})


@dataclass(frozen=True, slots=True)
class Layer:
    """One parsed file the phone applies: its name (as settings cite it) and kind."""

    name: str
    kind: FileKind
    doc: Document


def setting(values: Mapping[str, str], key: str) -> str | None:
    """The value of ``key`` with or without the ``static.`` prefix (``static.`` first)."""
    value = values.get("static." + key)
    return values.get(key) if value is None else value


def flag(values: Mapping[str, str], key: str) -> bool:
    """True when the switch ``key`` (either spelling) is on."""
    value = setting(values, key)
    return value is not None and value.strip().lower() in _TRUE


def merge_layers(
    downloaded: Sequence[Layer], local: Layer | None, *, protect: bool
) -> dict[str, SettingSource]:
    """Every key's effective value and where it came from (see the module docstring)."""
    ordered = list(downloaded)
    if local is not None:
        ordered = [*ordered, local] if protect else [local, *ordered]
    kinds = {layer.name: layer.kind for layer in ordered}
    docs = [Document(layer.doc.items, bom=layer.doc.bom, filename=layer.name) for layer in ordered]
    merged = cfgtool.effective(docs, None) if docs else {}
    return {
        key: SettingSource(
            key, found.value, found.file, kinds.get(found.file, "include"), found.line
        )
        for key, found in merged.items()
    }
