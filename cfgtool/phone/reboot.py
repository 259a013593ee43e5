"""The reboot decision: which applied changes make the phone restart.

A setting needs a reboot when the catalog says so (``schemas/reboot.json``,
copied into the parameter catalog). On a later run the changes are those
since the last run; on a first run, every setting that differs from the
catalog's default (a key without a known default counts as different).
``auto_provision.reboot_force.enable = 1`` reboots whatever changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import cfgtool
from cfgtool.catalog import reboot_reason
from cfgtool.phone.merge import REBOOT_FORCE_KEY, flag
from cfgtool.phone.result import Reboot, SettingChange, SettingSource
from cfgtool.phone.workers import Layer

__all__ = ["decide_reboot", "setting_changes"]

_MISSING = object()


@lru_cache(maxsize=65536)
def _needs_reboot(key: str) -> tuple[bool, str | None]:
    param = cfgtool.load_catalog().lookup(key)
    if param is None or not param.reboot:
        return False, None
    return True, reboot_reason(param)


_FIRST_RUN: dict[tuple[str, str], SettingChange | None] = {}
_FIRST_RUN_LIMIT = 200_000


def _first_run_change(key: str, value: str) -> SettingChange | None:
    """The change ``key = value`` makes on a phone with factory settings, or None."""
    found = _FIRST_RUN.get((key, value), _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    if len(_FIRST_RUN) > _FIRST_RUN_LIMIT:
        _FIRST_RUN.clear()
    change = _FIRST_RUN[key, value] = _compute_first_run_change(key, value)
    return change


def _compute_first_run_change(key: str, value: str) -> SettingChange | None:
    param = cfgtool.load_catalog().lookup(key)
    default = param.default if param is not None else None
    if default is not None and default == value:
        return None
    reboot, why = _needs_reboot(key)
    return SettingChange(key, default, value, reboot, why)


def _layer_first_run(layer: Layer) -> dict[str, SettingChange | None]:
    memo = layer.memo.get("first_run")
    if memo is None:
        # The cache is read inline (a call per setting is most of the cost for a fleet).
        known = _FIRST_RUN.get
        changes: dict[str, SettingChange | None] = {}
        for key, source in layer.settings.items():
            change = known((key, source.value), _MISSING)
            if change is _MISSING:
                changes[key] = _first_run_change(key, source.value)
            else:
                changes[key] = change  # type: ignore[assignment]
        layer.memo["first_run"] = changes
        return changes
    return memo  # type: ignore[return-value]


def setting_changes(
    settings: Mapping[str, SettingSource],
    previous: Mapping[str, str] | None,
    layers: Sequence[Layer] | None = None,
) -> list[SettingChange]:
    """What changes on the phone: against ``previous`` values, or catalog defaults (None).

    ``layers`` (in the order they were merged into ``settings``) lets a first run
    reuse each file's changes against the defaults (a fleet shares its Common file).
    """
    changes: list[SettingChange] = []
    if previous is None and layers is not None:
        combined: dict[str, SettingChange | None] = {}
        for layer in layers:
            combined.update(_layer_first_run(layer))
        return [change for change in combined.values() if change is not None]
    if previous is None:
        for key, source in settings.items():
            change = _first_run_change(key, source.value)
            if change is not None:
                changes.append(change)
        return changes
    current = {key: source.value for key, source in settings.items()}
    for key, value in current.items():
        old = previous.get(key)
        if old != value:
            reboot, why = _needs_reboot(key)
            changes.append(SettingChange(key, old, value, reboot, why))
    for key, old in previous.items():
        if key not in current:
            reboot, why = _needs_reboot(key)
            changes.append(SettingChange(key, old, None, reboot, why))
    return changes


def decide_reboot(settings: Mapping[str, SettingSource], changes: list[SettingChange]) -> Reboot:
    """Whether the phone reboots after applying ``changes`` (see the module docstring)."""
    forced = flag(settings, REBOOT_FORCE_KEY)
    keys = tuple(change.key for change in changes if change.reboot)
    return Reboot(needed=forced or bool(keys), forced=forced, keys=keys)
