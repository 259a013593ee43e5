"""One phone to play: everything the emulator needs to know about it, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cfgtool.catalog import Model
from cfgtool.phone.decrypt import PhoneKeys
from cfgtool.phone.firmware import Firmware

__all__ = ["BootMode", "PhoneSpec"]

BootMode = Literal["auto", "never"]


@dataclass(frozen=True)
class PhoneSpec:
    """A phone: provisioning ``url`` (with ``$PN``/``$MAC``), ``mac`` (normalized),
    ``model``, firmware, credentials and keys, and what to do around the run.

    ``agent_model`` is the model as the User-Agent spells it (``T23G`` for
    the catalog's ``T23P/G``); ``local`` is the text of the phone's own
    ``<mac>-local.cfg`` (None: none, or the one kept in ``state_dir``).
    """

    url: str
    mac: str
    model: Model
    firmware: Firmware
    agent_model: str
    pn: str | None = None
    user: str | None = None
    password: str | None = None
    keys: PhoneKeys = field(default_factory=PhoneKeys)
    local: str | None = None
    state_dir: str | None = None
    boot: BootMode = "auto"
    lint: bool = True
    check_external: bool = False
    upload: bool = True
