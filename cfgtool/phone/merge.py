"""Merging what the phone downloaded, Common → MAC (→ includes) → local, with provenance.

The rule is :func:`cfgtool.effective`'s — the last value of a key wins, within
a file and across files, and keys keep the order in which they first appear —
applied to per-file settings (:class:`~.workers.Layer`), so that a file every
phone of a fleet downloads (the Common file) is parsed once. ``<mac>-local.cfg``
(the settings made on the phone) goes last when ``auto_provision.custom.protect = 1`` ("keep user
personalized settings"), first — so downloaded settings win — when it is 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cfgtool.phone.result import SettingSource
from cfgtool.phone.workers import Layer

__all__ = ["flag", "merge_layers", "setting"]

PROTECT_KEY = "auto_provision.custom.protect"
SYNC_KEY = "auto_provision.custom.sync"
REBOOT_FORCE_KEY = "auto_provision.reboot_force.enable"
_TRUE = frozenset({"1", "true", "on", "yes", "enable", "enabled"})


def setting(values: Mapping[str, str] | Mapping[str, SettingSource], key: str) -> str | None:
    """The value of ``key`` with or without the ``static.`` prefix (``static.`` first);
    ``values`` maps keys to values or to :class:`SettingSource`."""
    value = values.get("static." + key)
    if value is None:
        value = values.get(key)
    return value.value if isinstance(value, SettingSource) else value


def flag(values: Mapping[str, str] | Mapping[str, SettingSource], key: str) -> bool:
    """True when the switch ``key`` (either spelling) is on."""
    value = setting(values, key)
    return value is not None and value.strip().lower() in _TRUE


def merge_layers(
    downloaded: Sequence[Layer], local: Layer | None = None, *, protect: bool = False
) -> dict[str, SettingSource]:
    """Every key's effective value and where it came from (see the module docstring)."""
    ordered = list(downloaded)
    if local is not None:
        ordered = [*ordered, local] if protect else [local, *ordered]
    merged: dict[str, SettingSource] = {}
    for layer in ordered:
        merged.update(layer.settings)
    return merged
