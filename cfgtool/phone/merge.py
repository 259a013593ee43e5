"""Merging what the phone downloaded, Common → MAC (→ includes) → local, with provenance.

The rule is :func:`cfgtool.effective`'s — the last value of a key wins, within
a file and across files, and keys keep the order in which they first appear —
applied to per-file settings (:class:`~.layer.Layer`), so that a file every
phone of a fleet downloads (the Common file) is read once. :func:`merge_values`
merges values; :class:`MergedSettings` the provenance (file and line of each
setting), built the first time it is read: a fleet's summary never reads it. ``<mac>-local.cfg``
(the settings made on the phone) goes last when ``auto_provision.custom.protect = 1`` ("keep user
personalized settings"), first — so downloaded settings win — when it is 0.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, Sequence, ValuesView

from cfgtool.phone.layer import Layer
from cfgtool.phone.result import SettingSource

__all__ = ["MergedSettings", "flag", "merge_layers", "merge_values", "setting"]

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


def merge_values(layers: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """Every key's effective value over ``layers`` (values, in the order they apply)."""
    merged: dict[str, str] = {}
    for values in layers:
        merged.update(values)
    return merged


class MergedSettings(Mapping[str, SettingSource]):
    """Every key's effective :class:`SettingSource` over ``layers`` (in the order
    they apply), merged on first use; ``count`` (when known) answers ``len``."""

    __slots__ = ("_count", "_layers", "_merged")

    def __init__(self, layers: Sequence[Layer], count: int | None = None) -> None:
        self._layers = tuple(layers)
        self._count = count
        self._merged: dict[str, SettingSource] | None = None

    def _all(self) -> dict[str, SettingSource]:
        if self._merged is None:
            merged: dict[str, SettingSource] = {}
            for layer in self._layers:
                merged.update(layer.settings)
            self._merged = merged
        return self._merged

    def __getitem__(self, key: str) -> SettingSource:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return self._count if self._count is not None else len(self._all())

    def __bool__(self) -> bool:
        if self._merged is not None or self._count is not None:
            return len(self) > 0
        return any(next(layer.settings_backwards(), None) for layer in self._layers)

    def __contains__(self, key: object) -> bool:
        return key in self._all()

    def keys(self) -> KeysView[str]:
        return self._all().keys()

    def items(self) -> ItemsView[str, SettingSource]:
        return self._all().items()

    def values(self) -> ValuesView[SettingSource]:
        return self._all().values()

    def __repr__(self) -> str:
        return repr(self._all())


def merge_layers(
    downloaded: Sequence[Layer], local: Layer | None = None, *, protect: bool = False
) -> MergedSettings:
    """Every key's effective value and where it came from (see the module docstring)."""
    ordered = list(downloaded)
    if local is not None:
        ordered = [*ordered, local] if protect else [local, *ordered]
    return MergedSettings(ordered)
