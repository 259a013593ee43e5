"""The PnP server of Yealink's guide: answer a phone's ua-profile SUBSCRIBE with the URL.

At boot a phone with PnP on (``static.auto_provision.pnp_enable = 1``) sends
``SUBSCRIBE`` to the multicast group 224.0.1.75:5060 with
``Event: ua-profile;profile-type="device";vendor="Yealink";model=...``. The
PnP server answers 200 OK and then sends a ``NOTIFY`` whose body
(``Content-Type: application/url``) is the provisioning server URL, to the
address in the SUBSCRIBE's Via. The responder answers only phones on its
allow list (MACs or OUIs) and logs each request.

    >>> profile = parse_event('ua-profile;profile-type="device";vendor="Yealink";model="T46G"')
    >>> profile.is_yealink_device, profile.model
    (True, 'T46G')
"""

from __future__ import annotations

import ipaddress
import select
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import cfgtool
from cfgtool.errors import CfgValueError
from cfgtool.filenames import normalize_mac
from cfgtool.provisioning import pn_name
from cfgtool.sip.addresses import refusal
from cfgtool.sip.message import (
    SipMessage,
    SipParseError,
    header_params,
    new_branch,
    new_tag,
    parse,
    parse_via,
)
from cfgtool.sip.transport import T1, T2
from cfgtool.useragent import parse_user_agent

__all__ = [
    "PNP_GROUP",
    "PNP_PORT",
    "AllowList",
    "PnpEvent",
    "PnpResponder",
    "UaProfile",
    "build_pnp_notify",
    "parse_event",
    "phone_mac",
]

PNP_GROUP = "224.0.1.75"
PNP_PORT = 5060
_NOTIFY_TIMEOUT = 8.0
_MAX_DATAGRAM = 65535


@dataclass(frozen=True, slots=True)
class UaProfile:
    """An ``Event: ua-profile`` header: profile type, vendor, model, version."""

    event: str
    profile_type: str | None
    vendor: str | None
    model: str | None
    version: str | None

    @property
    def is_yealink_device(self) -> bool:
        return (
            self.event.lower() == "ua-profile"
            and (self.profile_type or "").lower() == "device"
            and (self.vendor or "").lower() == "yealink"
        )


def parse_event(value: str) -> UaProfile:
    """Read an Event header value (the package name and its parameters)."""
    params = header_params(value)
    return UaProfile(
        event=value.split(";", 1)[0].strip(),
        profile_type=params.get("profile-type"),
        vendor=params.get("vendor"),
        model=params.get("model"),
        version=params.get("version"),
    )


def _uri_user(value: str | None) -> str | None:
    if not value:
        return None
    start = value.find("sip:")
    if start < 0:
        return None
    user, at, _ = value[start + 4 :].partition("@")
    return user if at else None


def phone_mac(subscribe: SipMessage) -> str | None:
    """The phone's MAC: from its User-Agent, else a ``MAC<hex>`` user in From/To."""
    agent = parse_user_agent(subscribe.header("User-Agent") or "")
    if agent.mac:
        return agent.mac
    for name in ("From", "To"):
        user = _uri_user(subscribe.header(name))
        if user:
            cleaned = user.lower().replace("%3a", "").replace(":", "").removeprefix("mac")
            found = normalize_mac(cleaned)
            if found:
                return found
    return None


class AllowList:
    """MACs (12 hex digits) and OUIs (6) allowed to get an answer; empty = nobody."""

    def __init__(self, entries: Sequence[str], *, allow_any: bool = False) -> None:
        self.allow_any = allow_any
        self.macs: set[str] = set()
        self.ouis: set[str] = set()
        for entry in entries:
            compact = entry.strip().lower().replace(":", "").replace("-", "").replace(".", "")
            if len(compact) == 12 and normalize_mac(compact):
                self.macs.add(compact)
            elif len(compact) == 6 and all(c in "0123456789abcdef" for c in compact):
                self.ouis.add(compact)
            else:
                raise CfgValueError(
                    f"{entry!r} is neither a MAC (00:15:65:11:30:f9) nor an OUI (00:15:65)"
                )

    def allows(self, mac: str | None) -> bool:
        if self.allow_any:
            return True
        return mac is not None and (mac in self.macs or mac[:6] in self.ouis)


@dataclass(frozen=True, slots=True)
class PnpEvent:
    """One request the responder saw and what it did (``answer``)."""

    time: float
    source: str
    method: str
    mac: str | None
    model: str | None
    firmware: str | None
    answer: str
    url: str | None = None
    notify_status: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        who = f"{self.mac or '?'} {self.model or '?'} {self.firmware or '?'}"
        return f"{self.source} {self.method} {who}: {self.answer}"


def _expand(url: str, mac: str | None, model_name: str | None) -> str:
    expanded = url
    if mac and "$MAC" in expanded:
        expanded = expanded.replace("$MAC", mac)
    if model_name and "$PN" in expanded:
        model = cfgtool.find_model(model_name)
        if model is not None:
            expanded = expanded.replace("$PN", pn_name(model, model_name))
    return expanded


def build_pnp_notify(
    subscribe: SipMessage, url: str, local: tuple[str, int], to_tag: str
) -> SipMessage:
    """The NOTIFY carrying ``url`` in the SUBSCRIBE's dialog, to its Via address."""
    via = parse_via(subscribe.header("Via") or "")
    host = f"[{via.host}]" if ":" in via.host else via.host
    here = f"[{local[0]}]" if ":" in local[0] else local[0]
    to_value = subscribe.header("To") or f"<sip:{here}>"
    if "tag" not in header_params(to_value):
        to_value = f"{to_value};tag={to_tag}"
    headers = [
        ("Via", f"SIP/2.0/UDP {here}:{local[1]};branch={new_branch()};rport"),
        ("Max-Forwards", "70"),
        ("From", to_value),
        ("To", subscribe.header("From") or f"<sip:{host}>"),
        ("Call-ID", subscribe.header("Call-ID") or ""),
        ("CSeq", "1 NOTIFY"),
        ("Contact", f"<sip:{here}:{local[1]}>"),
        ("Event", subscribe.header("Event") or "ua-profile"),
        ("Subscription-State", "terminated;reason=timeout"),
        ("Content-Type", "application/url"),
    ]
    uri = f"sip:{host}:{via.port or PNP_PORT}"
    return SipMessage.request("NOTIFY", uri, headers, url.encode("utf-8"))


@dataclass
class _Pending:
    """A NOTIFY waiting for the phone's answer (RFC 3261 timer E/F, from the main socket)."""

    data: bytes
    address: tuple[str, int]
    record: Callable[..., None]
    url: str
    next_send: float
    deadline: float
    interval: float = T1


@dataclass
class PnpResponder:
    """Answers PnP SUBSCRIBEs on ``bind``:``port`` (unicast) and, with ``group``, multicast.

    ``bind`` is the interface address on which the group is joined; it
    defaults to loopback. Port 0 picks a free port (see :attr:`port`). Every
    answer and NOTIFY leaves from the unicast socket, so the phone's answers
    come back to it.
    """

    url: str
    allow: AllowList
    bind: str = "127.0.0.1"
    port: int = PNP_PORT
    group: str | None = PNP_GROUP
    expand: bool = False
    notify_timeout: float = _NOTIFY_TIMEOUT
    on_event: Callable[[PnpEvent], None] | None = None
    events: list[PnpEvent] = field(default_factory=list)
    _sockets: list[socket.socket] = field(default_factory=list)
    _pending: dict[str, _Pending] = field(default_factory=dict)

    def open(self) -> None:
        """Bind the unicast socket and join the group (on the ``bind`` interface only)."""
        if self.group and not ipaddress.ip_address(self.group).is_multicast:
            raise CfgValueError(f"--group {self.group} is not a multicast address")
        unicast = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            unicast.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            unicast.bind((self.bind, self.port))
        except OSError:
            unicast.close()
            raise
        self.port = int(unicast.getsockname()[1])
        self._sockets = [unicast]
        if self.group:
            multicast = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._sockets.append(multicast)
            multicast.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            multicast.bind((self.group, self.port))
            membership = socket.inet_aton(self.group) + socket.inet_aton(self.bind)
            multicast.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)

    def close(self) -> None:
        for sock in self._sockets:
            sock.close()
        self._sockets = []

    def __enter__(self) -> PnpResponder:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _unicast(self) -> socket.socket:
        return self._sockets[0]

    def serve(
        self,
        *,
        count: int | None = None,
        duration: float | None = None,
        stop: threading.Event | None = None,
    ) -> list[PnpEvent]:
        """Answer until ``count`` phones got their NOTIFY answered or timed out, ``duration``
        passed, or ``stop`` is set. Returns every event seen."""
        if not self._sockets:
            self.open()
        deadline = time.monotonic() + duration if duration is not None else None
        answered = 0
        while not (stop and stop.is_set()):
            if count is not None and answered >= count and not self._pending:
                break
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                break
            wait = min([0.2, *(p.next_send - now for p in self._pending.values())])
            if deadline is not None:
                wait = min(wait, deadline - now)
            ready, _, _ = select.select(self._sockets, [], [], max(0.0, wait))
            for sock in ready:
                data, source = sock.recvfrom(_MAX_DATAGRAM)
                if self._handle(data, (str(source[0]), int(source[1]))):
                    answered += 1
            self._retransmit()
        return self.events

    def _record(self, event: PnpEvent) -> None:
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)

    def _retransmit(self) -> None:
        now = time.monotonic()
        for branch, pending in list(self._pending.items()):
            if now >= pending.deadline:
                del self._pending[branch]
                pending.record("200, NOTIFY unanswered", url=pending.url)
            elif now >= pending.next_send:
                self._unicast.sendto(pending.data, pending.address)
                pending.next_send = now + pending.interval
                pending.interval = min(pending.interval * 2, T2)

    def _handle(self, data: bytes, source: tuple[str, int]) -> bool:
        try:
            message = parse(data)
        except SipParseError:
            return False
        if not message.is_request:
            self._response(message)
            return False
        if message.method == "ACK":
            return False
        profile = parse_event(message.header("Event") or "")
        agent = parse_user_agent(message.header("User-Agent") or "")
        mac = phone_mac(message)
        model = profile.model or agent.model
        firmware = profile.version or agent.firmware
        shown = f"{source[0]}:{source[1]}"

        def record(answer: str, **extra: Any) -> None:
            self._record(
                PnpEvent(
                    time.time(),
                    shown,
                    message.method or "",
                    mac,
                    model,
                    firmware,
                    answer,
                    **extra,
                )
            )

        try:
            via = parse_via(message.header("Via") or "")
        except SipParseError:
            record("ignored: no readable Via")
            return False
        reply_to = source if "rport" in via.params else (source[0], via.port or PNP_PORT)
        if message.method != "SUBSCRIBE" or not profile.is_yealink_device:
            status = 489 if message.method == "SUBSCRIBE" else 405
            self._unicast.sendto(SipMessage.response_to(message, status).to_bytes(), reply_to)
            record(f"{status}: not a Yealink ua-profile device SUBSCRIBE")
            return False
        if not self.allow.allows(mac):
            record("ignored: not on the allow list")
            return False
        reason = refusal(via.host)
        if reason is not None:
            record(f"ignored: its Via names {reason}")
            return False
        tag = new_tag()
        self._unicast.sendto(SipMessage.response_to(message, 200, to_tag=tag).to_bytes(), reply_to)
        url = _expand(self.url, mac, model) if self.expand else self.url
        here = self._unicast.getsockname()
        notify = build_pnp_notify(message, url, (str(here[0]), int(here[1])), tag)
        address = (via.host, via.port or PNP_PORT)
        data = notify.to_bytes()
        self._unicast.sendto(data, address)
        now = time.monotonic()
        self._pending[notify.branch or ""] = _Pending(
            data, address, record, url, now + T1, now + self.notify_timeout, interval=2 * T1
        )
        return True

    def _response(self, message: SipMessage) -> None:
        pending = self._pending.get(message.branch or "")
        if pending is None or message.status is None or message.status < 200:
            return
        del self._pending[message.branch or ""]
        pending.record(
            f"200, NOTIFY {message.status}", url=pending.url, notify_status=message.status
        )
