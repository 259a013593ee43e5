"""What a played phone remembers between runs (``--state DIR``), and the MD5 rule.

A phone keeps the MD5 of each configuration file it applied; when the Common
and MAC files (and boot-file includes) have the same MD5s as last time it
says "no update" and applies nothing. Boot files and ``<mac>-local.cfg`` are
reported but not part of the rule. ``DIR/<mac>.json`` (mode 0600: it holds
the applied settings, secrets included) keeps the MD5s and the settings;
``DIR/<mac>-local.cfg`` is the phone's own local file when no ``--local`` is
given. Writes are atomic.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from cfgtool.errors import CfgIOError
from cfgtool.fsutil import atomic_write_bytes

__all__ = ["PhoneState", "is_unchanged", "load_state", "save_state"]

STATE_FORMAT = 1


@dataclass(frozen=True)
class PhoneState:
    """The MD5 of each applied configuration file (by name) and the settings applied."""

    md5s: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)


def state_path(directory: str, mac: str) -> str:
    return os.path.join(directory, f"{mac}.json")


def local_path(directory: str, mac: str) -> str:
    return os.path.join(directory, f"{mac}-local.cfg")


def load_state(directory: str, mac: str) -> PhoneState | None:
    """The state of ``mac`` in ``directory``, or None on a first run."""
    path = state_path(directory, mac)
    try:
        with open(path, "rb") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CfgIOError(
            f"cannot read the phone state {path}: {exc}; delete it to start over"
        ) from None
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise CfgIOError(f"{path} is not a cfgtool phone state file; delete it to start over")
    return PhoneState(dict(data.get("md5s", {})), dict(data.get("settings", {})))


def save_state(directory: str, mac: str, state: PhoneState) -> None:
    """Write ``state`` for ``mac`` (creating ``directory`` with mode 0700)."""
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError as exc:
        raise CfgIOError(f"cannot create {directory}: {exc.strerror or exc}") from None
    data = {"format": STATE_FORMAT, "md5s": state.md5s, "settings": state.settings}
    payload = (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")
    atomic_write_bytes(state_path(directory, mac), payload, mode=0o600)


def is_unchanged(previous: PhoneState | None, md5s: Mapping[str, str]) -> bool:
    """The MD5 rule: True when every rule file has the MD5 it had on the last run."""
    return previous is not None and bool(md5s) and dict(md5s) == previous.md5s


def save_local(directory: str, mac: str, text: str) -> None:
    """Keep the phone's ``<mac>-local.cfg`` in ``directory`` (mode 0600)."""
    os.makedirs(directory, mode=0o700, exist_ok=True)
    atomic_write_bytes(local_path(directory, mac), text.encode("utf-8"), mode=0o600)
