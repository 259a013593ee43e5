"""The reboot decision: which applied changes make the phone restart.

A setting needs a reboot when the catalog says so (``schemas/reboot.json``,
copied into the parameter catalog). On a later run the changes are those
since the last run; on a first run, every setting that differs from the
catalog's default (a key without a known default counts as different).
``auto_provision.reboot_force.enable = 1`` reboots whatever changed.
"""

from __future__ import annotations

from collections.abc import Mapping

import cfgtool
from cfgtool.catalog import reboot_reason
from cfgtool.phone.merge import REBOOT_FORCE_KEY, flag
from cfgtool.phone.result import Reboot, SettingChange

__all__ = ["decide_reboot", "setting_changes"]


def _needs_reboot(key: str) -> tuple[bool, str | None]:
    param = cfgtool.load_catalog().lookup(key)
    if param is None or not param.reboot:
        return False, None
    return True, reboot_reason(param)


def setting_changes(
    current: Mapping[str, str], previous: Mapping[str, str] | None
) -> list[SettingChange]:
    """What changes on the phone: against ``previous`` values, or catalog defaults (None)."""
    changes: list[SettingChange] = []
    if previous is None:
        catalog = cfgtool.load_catalog()
        for key, value in current.items():
            param = catalog.lookup(key)
            default = param.default if param is not None else None
            if default is None or default != value:
                reboot, why = _needs_reboot(key)
                changes.append(SettingChange(key, default, value, reboot, why))
        return changes
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


def decide_reboot(current: Mapping[str, str], changes: list[SettingChange]) -> Reboot:
    """Whether the phone reboots after applying ``changes`` (see the module docstring)."""
    forced = flag(current, REBOOT_FORCE_KEY)
    keys = tuple(change.key for change in changes if change.reboot)
    return Reboot(needed=forced or bool(keys), forced=forced, keys=keys)
