"""What a phone's merged settings amount to: its switches, changes and resource URLs.

:func:`apply_layers` merges the values of a phone's layers (in the order they
apply: the last value wins) and keeps what the run needs besides the settings
themselves: the provisioning switches (custom sync and protect, reboot force,
either spelling), how many settings change (:func:`.reboot.changed_values`:
against the last run, or the catalog's defaults on a first run) and which of
them need a reboot, and the settings that name a resource file
(:func:`.resources.resource_settings`). The changes themselves are listed
when asked for (:class:`.reboot.PendingChanges`), and so is the file and line
of each setting: a fleet's summary needs neither. A fleet's worker first tries
:func:`glance_layers`: the same from only the few settings those need
(:mod:`.glance`), without counting the settings or the changes (they are
counted when asked for); it falls back on :func:`apply_layers` when the glance
cannot tell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import cast

from cfgtool.phone.glance import glance
from cfgtool.phone.layer import Layer
from cfgtool.phone.merge import PROTECT_KEY, REBOOT_FORCE_KEY, SYNC_KEY, merge_values
from cfgtool.phone.reboot import differs_from_default, first_run_reboot_keys, weigh_changes
from cfgtool.phone.resources import resource_settings

__all__ = ["SWITCH_KEYS", "Applied", "apply_layers", "glance_layers"]

# How many settings, from the end, a first run's glance reads for one that changes.
LOOK_BACK = 64

SWITCH_KEYS = tuple(
    prefix + key for key in (SYNC_KEY, PROTECT_KEY, REBOOT_FORCE_KEY) for prefix in ("static.", "")
)


@dataclass(frozen=True, slots=True)
class Applied:
    """What a phone's merged settings amount to (see the module docstring):
    ``count`` settings, the ``switches`` set (key → value), the number of
    ``changes``, the changed ``reboot_keys``, the ``resources`` as
    ``(key, kind, value)`` and whether anything ``changed``. ``count`` and
    ``changes`` are None when not counted (:func:`glance_layers`)."""

    count: int | None
    switches: dict[str, str]
    changes: int | None
    reboot_keys: tuple[str, ...]
    resources: list[tuple[str, str, str]]
    changed: bool


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
    resources = resource_settings(merged, url_keys)
    return Applied(len(merged), switches, count, reboot, resources, count > 0)


def _glanced(layer: Layer) -> dict[str, str] | None:
    """The settings of ``layer`` the summary may need (:func:`.glance.glance`), once."""
    if "glanced" not in layer.memo:
        layer.memo["glanced"] = glance(layer.text)
    return cast("dict[str, str] | None", layer.memo["glanced"])


def _glanced_url_keys(layer: Layer) -> list[str]:
    """The keys of ``layer``'s glance that end in ``url`` (maybe resources), once."""
    if "glanced_url_keys" not in layer.memo:
        glanced = _glanced(layer) or {}
        layer.memo["glanced_url_keys"] = [key for key in glanced if key.endswith("url")]
    return cast("list[str]", layer.memo["glanced_url_keys"])


def _changes_any(layers: Sequence[Layer]) -> bool:
    """True when one of the last settings (read from the last layer up) of keys not
    set again after them differs from its default; False: not found so soon."""
    seen: set[str] = set()
    settings = (item for layer in reversed(layers) for item in layer.settings_backwards())
    for key, value in islice(settings, LOOK_BACK):
        if key not in seen:
            if differs_from_default(key, value):
                return True
            seen.add(key)
    return False


def glance_layers(
    layers: Sequence[Layer],
    url_order: Sequence[int],
    previous: Mapping[str, str] | None,
    *,
    changes: bool = True,
) -> Applied | None:
    """:func:`apply_layers` from only the settings a fleet's summary needs
    (:func:`.glance.glance`), without counting the settings or the changes;
    None when that cannot be told this way (then use :func:`apply_layers`): a text
    read in full, a later run's changes (they are compared setting by setting), a
    first run whose last settings are their defaults."""
    if changes and previous is not None:
        return None
    glanced = [_glanced(layer) for layer in layers]
    found = [values for values in glanced if values is not None]
    if len(found) < len(layers):
        return None
    merged = merge_values(found)
    reboot: tuple[str, ...] = ()
    changed = False
    if changes:
        if not _changes_any(layers):
            return None
        changed, reboot = True, first_run_reboot_keys(merged)
    switches = {key: merged[key] for key in SWITCH_KEYS if key in merged}
    url_keys = [key for index in url_order for key in _glanced_url_keys(layers[index])]
    resources = resource_settings(merged, url_keys)
    return Applied(None, switches, None if changes else 0, reboot, resources, changed)
