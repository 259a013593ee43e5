"""``cfgtool phone --pnp`` and ``--listen``: the emulator finds its server by PnP and
re-provisions on NOTIFY check-sync, as a booted phone does.

The glue between two runners that do not import each other - the emulator
(:mod:`cfgtool.phone`) and SIP (:mod:`cfgtool.sip`) - so it lives in the CLI.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from cfgtool.errors import CfgValueError
from cfgtool.phone import PhoneSpec, ProvisionResult
from cfgtool.sip.addresses import parse_target
from cfgtool.sip.phone import (
    NOTIFY_REBOOT_KEY,
    CheckSync,
    CheckSyncAction,
    check_sync_action,
    listen_check_sync,
    pnp_discover,
)
from cfgtool.sip.pnp import PNP_GROUP, PNP_PORT

__all__ = ["TriggerEvent", "discover_url", "listen_address", "listen_and_reprovision"]


def listen_address(text: str) -> tuple[str, int]:
    """``ADDR:PORT`` for --listen (a port alone listens on loopback)."""
    target = parse_target(text if ":" in text or not text.isdigit() else f"127.0.0.1:{text}")
    return target.host, target.port


def discover_url(spec: PhoneSpec, server: str | None, interface: str, timeout: float) -> str:
    """The provisioning URL from a PnP server: unicast to ``server`` (ADDR[:PORT]) or the
    224.0.1.75 group out of ``interface``; CfgValueError when no NOTIFY came."""
    unicast = None
    if server:
        target = parse_target(server, PNP_PORT)
        unicast = (target.host, target.port)
    answer = pnp_discover(
        spec.mac,
        spec.agent_model,
        spec.firmware.version,
        server=unicast,
        group=(PNP_GROUP, PNP_PORT),
        interface=interface,
        timeout=timeout,
    )
    if answer is None or not answer.url:
        where = server or f"{PNP_GROUP}:{PNP_PORT} on {interface}"
        raise CfgValueError(f"no PnP server answered at {where} within {timeout:g} s")
    return answer.url


@dataclass(frozen=True)
class TriggerEvent:
    """One check-sync the emulator took and what it did with it."""

    source: str
    reboot_requested: bool
    action: CheckSyncAction
    reboot: bool
    result: ProvisionResult | None

    def to_dict(self, *, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "event": "check-sync",
            "source": self.source,
            "reboot_requested": self.reboot_requested,
            "action": self.action,
            "reboot": self.reboot,
            "changes": [change.to_dict(show_secrets=show_secrets) for change in self.result.changes]
            if self.result
            else [],
            "result": self.result.to_dict(show_secrets=show_secrets) if self.result else None,
        }

    def line(self) -> str:
        asked = " reboot=true" if self.reboot_requested else ""
        head = f"check-sync{asked} from {self.source}"
        if self.result is None:
            return f"{head}: ignored ({NOTIFY_REBOOT_KEY} = 2)"
        keys = ", ".join(change.key for change in self.result.changes) or "no change"
        reboot = "reboots" if self.reboot else "no reboot"
        return (
            f"{head}: {self.result.outcome}, {len(self.result.changes)} changed ({keys}); {reboot}"
        )


def _setting(result: ProvisionResult | None, key: str) -> str | None:
    if result is None:
        return None
    source = result.settings.get(key) or result.settings.get(f"static.{key}")
    return source.value if source else None


def listen_and_reprovision(
    address: tuple[str, int],
    provision: Callable[[], ProvisionResult],
    last: ProvisionResult | None,
    *,
    count: int,
    timeout: float,
    on_event: Callable[[TriggerEvent], None],
) -> list[TriggerEvent]:
    """Wait for up to ``count`` check-syncs (``timeout`` each); re-provision on each as the
    phone's ``sip.notify_reboot_enable`` says."""
    events: list[TriggerEvent] = []
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.bind(address)
        while len(events) < count:
            notify = listen_check_sync(sock=sock, timeout=timeout)
            if notify is None:
                break
            events.append(_react(notify, provision, last))
            on_event(events[-1])
            last = events[-1].result or last
    return events


def _react(
    notify: CheckSync, provision: Callable[[], ProvisionResult], last: ProvisionResult | None
) -> TriggerEvent:
    action = check_sync_action(_setting(last, NOTIFY_REBOOT_KEY), notify.reboot)
    result = None if action == "ignore" else provision()
    reboot = action == "reboot" or bool(result and result.reboot.needed)
    return TriggerEvent(notify.source, notify.reboot, action, reboot, result)


def echo_event(output_format: str, show_secrets: bool) -> Callable[[TriggerEvent], None]:
    def echo(event: TriggerEvent) -> None:
        if output_format == "json":
            click.echo(json.dumps(event.to_dict(show_secrets=show_secrets)))
        else:
            click.echo(event.line())

    return echo
