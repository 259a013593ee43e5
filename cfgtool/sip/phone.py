"""The phone's side of PnP and check-sync, for the emulator (``cfgtool phone``).

:func:`pnp_discover` sends the boot-time PnP ``SUBSCRIBE`` (to the group, or
unicast to a PnP server) and returns the URL of the server's ``NOTIFY``;
:func:`listen_check_sync` waits for ``NOTIFY Event: check-sync`` and answers
200 OK. Both are bounded by a timeout and default to loopback.
"""

from __future__ import annotations

import select
import socket
import time
from dataclasses import dataclass
from typing import Literal

from cfgtool.errors import CfgValueError
from cfgtool.sip.addresses import refusal
from cfgtool.sip.message import (
    SipMessage,
    SipParseError,
    header_params,
    new_branch,
    new_call_id,
    new_tag,
    parse,
    parse_via,
)
from cfgtool.sip.pnp import PNP_GROUP, PNP_PORT
from cfgtool.sip.transport import T1, T2, TIMER_F
from cfgtool.useragent import phone_user_agent

__all__ = [
    "NOTIFY_REBOOT_KEY",
    "CheckSync",
    "CheckSyncAction",
    "PnpAnswer",
    "build_subscribe",
    "check_sync_action",
    "listen_check_sync",
    "pnp_discover",
]

NOTIFY_REBOOT_KEY = "sip.notify_reboot_enable"
CheckSyncAction = Literal["ignore", "provision", "reboot"]

_MAX_DATAGRAM = 65535


@dataclass(frozen=True, slots=True)
class PnpAnswer:
    """What the PnP server sent: the URL and who sent it."""

    url: str
    server: str
    content_type: str | None


@dataclass(frozen=True, slots=True)
class CheckSync:
    """A NOTIFY check-sync the phone took: ``reboot`` when it carried ``reboot=true``."""

    reboot: bool
    source: str
    event: str


def check_sync_action(notify_reboot_enable: str | None, reboot: bool) -> CheckSyncAction:
    """What a phone does on check-sync, by its ``sip.notify_reboot_enable`` (default 1).

    1 reboots on every check-sync; 0 reboots only for ``reboot=true`` and
    otherwise re-provisions in place; 2 ignores the NOTIFY.

        >>> check_sync_action(None, False), check_sync_action("0", False)
        ('reboot', 'provision')
    """
    value = (notify_reboot_enable or "1").strip()
    if value == "2":
        return "ignore"
    if value == "0":
        return "reboot" if reboot else "provision"
    return "reboot"


def build_subscribe(
    mac: str, model: str, firmware: str, local: tuple[str, int], group: tuple[str, int]
) -> SipMessage:
    """The PnP SUBSCRIBE a Yealink phone sends at boot."""
    uri = f"sip:MAC{mac}@{group[0]}:{group[1]}"
    headers = [
        ("Via", f"SIP/2.0/UDP {local[0]}:{local[1]};branch={new_branch()}"),
        ("From", f"<{uri}>;tag={new_tag()}"),
        ("To", f"<{uri}>"),
        ("Call-ID", new_call_id(local[0])),
        ("CSeq", "1 SUBSCRIBE"),
        ("Contact", f"<sip:{local[0]}:{local[1]}>"),
        ("Max-Forwards", "70"),
        ("User-Agent", phone_user_agent(model, firmware, mac)),
        ("Expires", "0"),
        (
            "Event",
            f'ua-profile;profile-type="device";vendor="Yealink";model="{model}";'
            f'version="{firmware}"',
        ),
        ("Accept", "application/url"),
    ]
    return SipMessage.request("SUBSCRIBE", uri, headers)


def _pnp_socket(interface: str, multicast: bool) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind((interface, 0))
        if multicast:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface))
            # Host-local when on loopback (TTL 0 never leaves the machine); else one hop, as
            # phones do: the PnP group is link-local by intent.
            ttl = 0 if interface.startswith("127.") else 1
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    except OSError:
        sock.close()
        raise
    return sock


def pnp_discover(
    mac: str,
    model: str,
    firmware: str,
    *,
    server: tuple[str, int] | None = None,
    group: tuple[str, int] = (PNP_GROUP, PNP_PORT),
    interface: str = "127.0.0.1",
    timeout: float = 8.0,
) -> PnpAnswer | None:
    """Send the PnP SUBSCRIBE and return the URL the server's NOTIFY carries (None: none came).

    Without ``server`` the SUBSCRIBE goes to the multicast ``group`` out of
    ``interface`` only; with ``server`` it goes there unicast. It is
    retransmitted (T1 doubling) until the 200 OK or the NOTIFY comes.
    """
    destination = server or group
    multicast = server is None
    reason = refusal(destination[0])
    if reason is not None and not (multicast and destination[0] == group[0]):
        raise CfgValueError(f"refusing to send the PnP SUBSCRIBE to {destination[0]}: {reason}")
    with _pnp_socket(interface, multicast) as sock:
        local = sock.getsockname()
        subscribe = build_subscribe(mac, model, firmware, (str(local[0]), int(local[1])), group)
        data = subscribe.to_bytes()
        start = time.monotonic()
        deadline = start + min(timeout, TIMER_F)
        next_send, interval, acknowledged = start, T1, False
        while (now := time.monotonic()) < deadline:
            if not acknowledged and now >= next_send:
                sock.sendto(data, destination)
                next_send, interval = now + interval, min(interval * 2, T2)
            wait = min(deadline, next_send if not acknowledged else deadline) - now
            ready, _, _ = select.select([sock], [], [], max(0.0, wait))
            if not ready:
                continue
            packet, source = sock.recvfrom(_MAX_DATAGRAM)
            try:
                message = parse(packet)
            except SipParseError:
                continue
            if not message.is_request:
                acknowledged = acknowledged or (
                    message.branch == subscribe.branch and (message.status or 0) >= 200
                )
                continue
            if message.method != "NOTIFY" or message.header("Call-ID") != subscribe.header(
                "Call-ID"
            ):
                continue
            _answer(sock, message, (str(source[0]), int(source[1])), 200)
            return PnpAnswer(
                message.body.decode("utf-8", "replace").strip(),
                f"{source[0]}:{source[1]}",
                message.header("Content-Type"),
            )
    return None


def _answer(sock: socket.socket, request: SipMessage, source: tuple[str, int], status: int) -> None:
    """Answer to the Via's address (its port unless rport), as RFC 3261 18.2.2 says."""
    address = source
    try:
        via = parse_via(request.header("Via") or "")
        if "rport" not in via.params and via.port:
            address = (source[0], via.port)
    except SipParseError:
        pass
    sock.sendto(SipMessage.response_to(request, status, to_tag=new_tag()).to_bytes(), address)


def listen_check_sync(
    address: tuple[str, int] = ("127.0.0.1", 5060),
    *,
    timeout: float = 60.0,
    sock: socket.socket | None = None,
) -> CheckSync | None:
    """Wait for a NOTIFY check-sync on ``address`` (or the bound ``sock``), answer 200 OK.

    Other NOTIFY events get 489 Bad Event, other requests 405. Returns None
    on timeout.
    """
    own = sock is None
    if sock is None:
        sock = socket.socket(
            socket.AF_INET6 if ":" in address[0] else socket.AF_INET, socket.SOCK_DGRAM
        )
        sock.bind(address)
    try:
        deadline = time.monotonic() + timeout
        while (now := time.monotonic()) < deadline:
            ready, _, _ = select.select([sock], [], [], deadline - now)
            if not ready:
                break
            packet, source = sock.recvfrom(_MAX_DATAGRAM)
            try:
                message = parse(packet)
            except SipParseError:
                continue
            if not message.is_request or message.method == "ACK":
                continue
            origin = (str(source[0]), int(source[1]))
            event = message.header("Event") or ""
            if message.method != "NOTIFY":
                _answer(sock, message, origin, 405)
                continue
            if event.split(";", 1)[0].strip().lower() != "check-sync":
                _answer(sock, message, origin, 489)
                continue
            _answer(sock, message, origin, 200)
            reboot = header_params(event).get("reboot", "").lower() == "true"
            return CheckSync(reboot, f"{source[0]}:{source[1]}", event)
        return None
    finally:
        if own:
            sock.close()
