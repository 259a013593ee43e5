"""The reboot decision: which applied changes make the phone restart.

A setting needs a reboot when the catalog says so (``schemas/reboot.json``,
copied into the parameter catalog). On a later run the changes are those
since the last run; on a first run, every setting that differs from the
catalog's default (a key without a known default counts as different).
``auto_provision.reboot_force.enable = 1`` reboots whatever changed.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import overload

import cfgtool
from cfgtool.catalog import reboot_reason
from cfgtool.phone.layer import Layer
from cfgtool.phone.merge import REBOOT_FORCE_KEY, flag, merge_values
from cfgtool.phone.result import Reboot, SettingChange, SettingSource

__all__ = [
    "PendingChanges",
    "as_setting_change",
    "changed_values",
    "decide_reboot",
    "differs_from_default",
    "first_run_reboot_keys",
    "setting_changes",
    "weigh_changes",
]

Change = tuple[str, str | None, str | None]


@lru_cache(maxsize=65536)
def _needs_reboot(key: str) -> tuple[bool, str | None]:
    param = cfgtool.load_catalog().lookup(key)
    if param is None or not param.reboot:
        return False, None
    return True, reboot_reason(param)


# Each key looked up so far → its catalog default (None: none known), and those
# that need a reboot. A fleet's phones share most keys, so the catalog is asked
# once per key, not once per setting.
_DEFAULTS: dict[str, str | None] = {}
_REBOOT_KEYS: set[str] = set()
_DEFAULTS_LIMIT = 200_000


def _defaults_of(values: Mapping[str, str]) -> dict[str, str | None]:
    """The defaults table, with every key of ``values`` looked up."""
    known = _DEFAULTS
    if values.keys() <= known.keys():
        return known
    unknown = [key for key in values if key not in known]
    if unknown:
        if len(known) + len(unknown) > _DEFAULTS_LIMIT:
            known.clear()
            _REBOOT_KEYS.clear()
            unknown = list(values)
        lookup = cfgtool.load_catalog().lookup
        for key in unknown:
            param = lookup(key)
            known[key] = param.default if param is not None else None
            if param is not None and param.reboot:
                _REBOOT_KEYS.add(key)
    return known


def changed_values(values: Mapping[str, str], previous: Mapping[str, str] | None) -> list[Change]:
    """``(key, old, new)`` of what changes on the phone, in the settings' order: against
    ``previous`` values (then keys no longer set, ``new`` None), or — None, a first
    run — against the catalog's defaults (``old`` the default, None when unknown)."""
    if previous is None:
        get = _defaults_of(values).get
        return [(key, get(key), value) for key, value in values.items() if get(key) != value]
    old = previous.get
    found: list[Change] = [
        (key, old(key), value) for key, value in values.items() if old(key) != value
    ]
    found += [(key, value, None) for key, value in previous.items() if key not in values]
    return found


def weigh_changes(
    values: Mapping[str, str], previous: Mapping[str, str] | None
) -> tuple[int, tuple[str, ...]]:
    """How many of ``changed_values(values, previous)`` there are, and the keys of those
    that need a reboot, in order: without a Python step per setting on a first run."""
    if previous is not None:
        found = changed_values(values, previous)
        return len(found), tuple(key for key, _, _ in found if _needs_reboot(key)[0])
    defaults = _defaults_of(values)
    count: int = sum(map(operator.ne, map(defaults.get, values), values.values()))
    candidates = values.keys() & _REBOOT_KEYS if count else set()
    if not candidates:
        return count, ()
    get = defaults.get
    keys = tuple(key for key in filter(candidates.__contains__, values) if get(key) != values[key])
    return count, keys


def first_run_reboot_keys(values: Mapping[str, str]) -> tuple[str, ...]:
    """The keys of ``values`` that need a reboot and differ from their catalog default,
    in order: :func:`weigh_changes`'s keys on a first run, for any part of the settings
    that holds every key that may need a reboot."""
    defaults = _defaults_of(values)
    get = defaults.get
    candidates = values.keys() & _REBOOT_KEYS
    if not candidates:
        return ()
    return tuple(key for key in filter(candidates.__contains__, values) if get(key) != values[key])


def differs_from_default(key: str, value: str) -> bool:
    """True when ``value`` is not the catalog default of ``key`` (or it has none)."""
    return _defaults_of({key: value}).get(key) != value


def as_setting_change(key: str, old: str | None, new: str | None) -> SettingChange:
    """The :class:`SettingChange` of ``key`` from ``old`` to ``new``, with its reboot need."""
    reboot, why = _needs_reboot(key)
    return SettingChange(key, old, new, reboot, why)


def setting_changes(
    values: Mapping[str, str], previous: Mapping[str, str] | None
) -> list[SettingChange]:
    """What changes on the phone (see :func:`changed_values`), as :class:`SettingChange`."""
    return [as_setting_change(*change) for change in changed_values(values, previous)]


class PendingChanges(Sequence[SettingChange]):
    """:func:`setting_changes` of the merged ``layers`` against ``previous``, computed on
    first use: a fleet's summary needs only whether there are any (``changed``), their
    number ``count`` when known."""

    __slots__ = ("_changed", "_changes", "_count", "_layers", "_previous")

    def __init__(
        self,
        layers: Sequence[Layer],
        previous: Mapping[str, str] | None,
        count: int | None,
        changed: bool | None = None,
    ) -> None:
        self._layers = tuple(layers)
        self._previous = previous
        self._count = count
        self._changed = changed if changed is not None or count is None else count > 0
        self._changes: list[SettingChange] | None = None

    def _all(self) -> list[SettingChange]:
        if self._changes is None:
            values = merge_values([layer.values for layer in self._layers])
            self._changes = setting_changes(values, self._previous)
        return self._changes

    @overload
    def __getitem__(self, index: int) -> SettingChange: ...
    @overload
    def __getitem__(self, index: slice) -> list[SettingChange]: ...
    def __getitem__(self, index: int | slice) -> SettingChange | list[SettingChange]:
        return self._all()[index]

    def __iter__(self) -> Iterator[SettingChange]:
        return iter(self._all())

    def __len__(self) -> int:
        return self._count if self._count is not None else len(self._all())

    def __bool__(self) -> bool:
        return self._changed if self._changed is not None else len(self) > 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self._all() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._all())


def decide_reboot(
    settings: Mapping[str, str] | Mapping[str, SettingSource],
    changes: Iterable[SettingChange] = (),
    keys: Sequence[str] | None = None,
) -> Reboot:
    """Whether the phone reboots after applying ``changes`` — or the changes of ``keys``,
    those that need a reboot — (see the module docstring)."""
    forced = flag(settings, REBOOT_FORCE_KEY)
    found = tuple(keys) if keys is not None else tuple(c.key for c in changes if c.reboot)
    return Reboot(needed=forced or bool(found), forced=forced, keys=found)
