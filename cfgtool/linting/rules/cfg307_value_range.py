"""A provisioning setting outside the range Yealink's auto-provisioning guide gives.

- Zero Touch wait time (``static.zero_touch.wait_time``): 1 to 100 seconds.
- Custom DHCP option (``static.auto_provision.dhcp_option.list_user_options``):
  128 to 254 (a comma-separated list of them).
- Repeat interval (``auto_provision.repeat.minutes``,
  ``auto_provision.schedule.periodic_minute``): a positive number of minutes.
- Weekly provisioning window (``auto_provision.weekly.begin_time``/``end_time``,
  ``auto_provision.schedule.time_from``/``time_to``): ``HH:MM``, 00:00 to 23:59.
- Days of the week (``auto_provision.weekly.dayofweek``,
  ``auto_provision.schedule.dayofweek``): digits 0 (Sunday) to 6, each once,
  e.g. ``12345`` for Monday to Friday.

Each key is checked with and without the ``static.`` prefix. Runs under
``cfgtool validate``.

Failing example::

    #!version:1.0.0.1
    static.zero_touch.wait_time = 0
    static.auto_provision.dhcp_option.list_user_options = 66
    static.auto_provision.weekly.dayofweek = 1237

Passing example::

    #!version:1.0.0.1
    static.zero_touch.wait_time = 5
    static.auto_provision.dhcp_option.list_user_options = 160
    static.auto_provision.weekly.dayofweek = 12345
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from cfgtool.diagnostics import Severity
from cfgtool.format import EMPTY_VALUES
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._shared import value_owner
from cfgtool.nodes import Document, Entry

CODE = "CFG307"
NAME = "value-range"
SEVERITY: Severity = "error"
SUMMARY = (
    "Zero Touch wait, DHCP option, repeat interval or weekly schedule outside the guide's range"
)
SCOPE = "model"

_INTEGER = re.compile(r"[0-9]+")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")

# A check returns None when the value is fine, else (problem, what to write instead).
Check = Callable[[str], "tuple[str, str] | None"]


def _int_range(low: int, high: int, unit: str) -> Check:
    def check_value(value: str) -> tuple[str, str] | None:
        if _INTEGER.fullmatch(value) and low <= int(value) <= high:
            return None
        return f"{value!r} is not {low} to {high}{unit}", f"use a whole number from {low} to {high}"

    return check_value


def _positive_minutes(value: str) -> tuple[str, str] | None:
    if _INTEGER.fullmatch(value) and int(value) > 0:
        return None
    return (
        f"{value!r} is not a positive number of minutes",
        "use a whole number of minutes, e.g. 1440",
    )


def _dhcp_options(value: str) -> tuple[str, str] | None:
    for item in value.split(","):
        option = item.strip()
        if not (_INTEGER.fullmatch(option) and 128 <= int(option) <= 254):
            return (
                f"DHCP option {option!r} is not a custom option (128 to 254)",
                "use an option number from 128 to 254",
            )
    return None


def _time_of_day(value: str) -> tuple[str, str] | None:
    match = _TIME.fullmatch(value)
    if match and int(match.group(1)) <= 23 and int(match.group(2)) <= 59:
        return None
    return f"{value!r} is not a time of day HH:MM", "write the time as HH:MM, 00:00 to 23:59"


def _days_of_week(value: str) -> tuple[str, str] | None:
    bad = [char for char in value if char not in "0123456"]
    if bad:
        return (
            f"{bad[0]!r} is not a day of the week (0 = Sunday to 6 = Saturday)",
            "list days as digits 0 to 6, e.g. 12345 for Monday to Friday",
        )
    if len(set(value)) != len(value):
        return f"{value!r} lists a day twice", "list each day once, e.g. 0123456"
    return None


CHECKS: dict[str, Check] = {
    "zero_touch.wait_time": _int_range(1, 100, " seconds"),
    "auto_provision.dhcp_option.list_user_options": _dhcp_options,
    "auto_provision.repeat.minutes": _positive_minutes,
    "auto_provision.schedule.periodic_minute": _positive_minutes,
    "auto_provision.weekly.begin_time": _time_of_day,
    "auto_provision.weekly.end_time": _time_of_day,
    "auto_provision.schedule.time_from": _time_of_day,
    "auto_provision.schedule.time_to": _time_of_day,
    "auto_provision.weekly.dayofweek": _days_of_week,
    "auto_provision.schedule.dayofweek": _days_of_week,
}


# Each key with and without the `static.` prefix: one lookup per line.
_CHECK_OF_KEY = {**CHECKS, **{f"static.{key}": check for key, check in CHECKS.items()}}
# The keys this rule checks: CFG202 leaves their values to it (one mistake, one diagnostic).
GUIDE_KEYS = frozenset(_CHECK_OF_KEY)


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node in doc.items:
        if type(node) is not Entry:
            continue
        check_value = _CHECK_OF_KEY.get(node.key)
        if check_value is None or node.value in EMPTY_VALUES:
            continue
        if value_owner(node, context.extra_known_keys) is not None:
            continue
        problem = check_value(node.value)
        if problem is not None:
            message, hint = problem
            yield context.value_problem(
                node,
                f"{node.key}: {message}",
                hint=hint,
            )
