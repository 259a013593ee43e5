"""What a phone's merged settings amount to: its switches, changes and resource URLs.

:func:`apply_layers` merges the values of a phone's layers (in the order they
apply: the last value wins) and keeps what the run needs besides the settings
themselves: the provisioning switches (custom sync and protect, reboot force,
either spelling), how many settings change (:func:`.reboot.changed_values`:
against the last run, or the catalog's defaults on a first run) and which of
them need a reboot, and the settings that name a resource file
(:func:`.resources.resource_settings`). The changes themselves are listed
when asked for (:class:`.reboot.PendingChanges`), and so is the file and line
of each setting: a fleet's summary needs neither.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cfgtool.phone.layer import Layer
from cfgtool.phone.merge import PROTECT_KEY, REBOOT_FORCE_KEY, SYNC_KEY, merge_values
from cfgtool.phone.reboot import weigh_changes
from cfgtool.phone.resources import resource_settings

__all__ = ["SWITCH_KEYS", "Applied", "apply_layers"]

SWITCH_KEYS = tuple(
    prefix + key for key in (SYNC_KEY, PROTECT_KEY, REBOOT_FORCE_KEY) for prefix in ("static.", "")
)


@dataclass(frozen=True, slots=True)
class Applied:
    """What a phone's merged settings amount to (see the module docstring):
    ``count`` settings, the ``switches`` set (key → value), the number of
    ``changes``, the changed ``reboot_keys`` and the ``resources`` as
    ``(key, kind, value)``."""

    count: int
    switches: dict[str, str]
    changes: int
    reboot_keys: tuple[str, ...]
    resources: list[tuple[str, str, str]]


def apply_layers(
    layers: Sequence[Layer],
    url_order: Sequence[int],
    previous: Mapping[str, str] | None,
    *,
    changes: bool = True,
) -> Applied:
    """The :class:`Applied` of ``layers`` (in the order they apply).

    Resource URLs are looked for in the layers in ``url_order`` (indices into
    ``layers``); ``previous`` are the last run's values (None: a first run);
    without ``changes`` (a run with no update) none are computed.
    """
    merged = merge_values([layer.values for layer in layers])
    switches = {key: merged[key] for key in SWITCH_KEYS if key in merged}
    count, reboot = weigh_changes(merged, previous) if changes else (0, ())
    url_keys = [key for index in url_order for key in layers[index].url_keys]
    return Applied(len(merged), switches, count, reboot, resource_settings(merged, url_keys))
