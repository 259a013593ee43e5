"""SIP NOTIFY ``Event: check-sync``: tell phones to re-provision now (and maybe reboot).

What a phone then does depends on its ``sip.notify_reboot_enable``: 1 (the
default) reboots on every check-sync, 0 reboots only when the event carries
``reboot=true`` and otherwise re-provisions in place, 2 ignores check-sync.

    >>> message = build_notify(parse_target("127.0.0.1:5062"), ("127.0.0.1", 40000), reboot=True)
    >>> message.header("Event")
    'check-sync;reboot=true'
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any, Literal

from cfgtool._version import __version__
from cfgtool.digest import DigestError, authorization, parse_challenge
from cfgtool.errors import CfgValueError
from cfgtool.sip.addresses import SipTarget, parse_target, resolve
from cfgtool.sip.message import SipMessage, new_branch, new_call_id, new_tag
from cfgtool.sip.transport import TIMER_F, Exchange, Transport, open_socket, request

__all__ = ["NotifyResult", "build_notify", "check_sync", "check_sync_many"]

Outcome = Literal["ok", "rejected", "timeout", "refused", "error"]
_JOBS = 32


@dataclass(frozen=True, slots=True)
class NotifyResult:
    """What happened to one target.

    ``outcome``: ``ok`` (2xx), ``rejected`` (another final answer), ``timeout``
    (no final answer in time), ``refused`` (cfgtool will not send there) or
    ``error`` (cannot resolve or send).
    """

    target: str
    outcome: Outcome
    status: int | None = None
    reason: str = ""
    address: str | None = None
    sends: int = 0
    elapsed: float = 0.0
    authenticated: bool = False
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["elapsed"] = round(self.elapsed, 3)
        return data

    def line(self) -> str:
        """One result line: target, outcome, status, sends, time, detail."""
        status = f"{self.status} {self.reason}".strip() if self.status else self.outcome
        sends = f"{self.sends} send" + ("" if self.sends == 1 else "s")
        auth = ", digest" if self.authenticated else ""
        detail = f" - {self.detail}" if self.detail else ""
        return f"{self.target}: {status} ({sends}, {self.elapsed:.2f} s{auth}){detail}"


def _host(address: tuple[str, int]) -> str:
    return f"[{address[0]}]" if ":" in address[0] else address[0]


def build_notify(
    target: SipTarget,
    local: tuple[str, int],
    *,
    reboot: bool = False,
    transport: Transport = "udp",
    cseq: int = 1,
    call_id: str | None = None,
    from_tag: str | None = None,
    extra: Sequence[tuple[str, str]] = (),
) -> SipMessage:
    """The NOTIFY check-sync request to ``target`` from ``local`` (address, port)."""
    here = _host(local)
    event = "check-sync;reboot=true" if reboot else "check-sync"
    headers = [
        ("Via", f"SIP/2.0/{transport.upper()} {here}:{local[1]};branch={new_branch()};rport"),
        ("Max-Forwards", "70"),
        ("From", f"<sip:cfgtool@{here}>;tag={from_tag or new_tag()}"),
        ("To", f"<{target.uri()}>"),
        ("Call-ID", call_id or new_call_id(local[0])),
        ("CSeq", f"{cseq} NOTIFY"),
        ("Contact", f"<sip:cfgtool@{here}:{local[1]};transport={transport}>"),
        ("Event", event),
        ("Subscription-State", "terminated"),
        ("User-Agent", f"cfgtool/{__version__}"),
        *extra,
    ]
    return SipMessage.request("NOTIFY", target.uri(), headers)


def _answer(
    exchange: Exchange, target: str, address: str, *, authenticated: bool, sends: int
) -> NotifyResult:
    response = exchange.response
    if response is None:
        return NotifyResult(
            target,
            "timeout",
            None,
            "",
            address,
            sends,
            exchange.elapsed,
            authenticated,
            "no final answer (is the phone on, and SIP on this port and transport?)",
        )
    status = response.status or 0
    outcome: Outcome = "ok" if 200 <= status < 300 else "rejected"
    detail = ""
    if status in (401, 407):
        detail = (
            "credentials refused"
            if authenticated
            else "the phone asks for credentials: give --user and --password"
        )
    return NotifyResult(
        target,
        outcome,
        status,
        response.reason,
        address,
        sends,
        exchange.elapsed,
        authenticated,
        detail,
    )


def check_sync(
    target: str | SipTarget,
    *,
    reboot: bool = False,
    transport: Transport = "udp",
    user: str | None = None,
    password: str | None = None,
    timeout: float = TIMER_F,
    stop: threading.Event | None = None,
) -> NotifyResult:
    """Send NOTIFY check-sync to one target and wait for the answer.

    A 401/407 is answered once with Digest credentials when ``user`` and
    ``password`` are given. Never raises for network trouble: the result says.
    """
    label = str(target)
    try:
        parsed = target if isinstance(target, SipTarget) else parse_target(target)
        label = str(parsed) if isinstance(target, SipTarget) else target
        address = resolve(parsed, transport)
    except CfgValueError as exc:
        outcome: Outcome = "refused" if "refusing" in str(exc) else "error"
        return NotifyResult(label, outcome, detail=str(exc))
    shown = f"{_host(address)}:{address[1]}"
    try:
        sock = open_socket(transport, address, timeout=min(timeout, TIMER_F))
    except OSError as exc:
        return NotifyResult(label, "error", address=shown, detail=exc.strerror or str(exc))
    with sock:
        local = sock.getsockname()[:2]
        call_id, from_tag = new_call_id(str(local[0])), new_tag()

        def builder(cseq: int, extra: Sequence[tuple[str, str]] = ()) -> Callable[[], SipMessage]:
            return lambda: build_notify(
                parsed,
                (str(local[0]), int(local[1])),
                reboot=reboot,
                transport=transport,
                cseq=cseq,
                call_id=call_id,
                from_tag=from_tag,
                extra=extra,
            )

        try:
            first = request(sock, transport, builder(1), timeout=timeout, stop=stop)
            status = first.response.status if first.response else None
            if status not in (401, 407) or not (user and password) or first.response is None:
                return _answer(first, label, shown, authenticated=False, sends=first.sends)
            header = "WWW-Authenticate" if status == 401 else "Proxy-Authenticate"
            challenge_text = first.response.header(header)
            try:
                challenge = parse_challenge(challenge_text or "")
            except DigestError as exc:
                return NotifyResult(
                    label,
                    "rejected",
                    status,
                    first.response.reason,
                    shown,
                    first.sends,
                    first.elapsed,
                    False,
                    f"unreadable {header}: {exc}",
                )
            answer_name = "Authorization" if status == 401 else "Proxy-Authorization"
            credentials = authorization(challenge, "NOTIFY", parsed.uri(), user, password)
            second = request(
                sock,
                transport,
                builder(2, [(answer_name, credentials)]),
                timeout=max(0.5, timeout - first.elapsed),
                stop=stop,
            )
        except OSError as exc:
            return NotifyResult(label, "error", address=shown, detail=exc.strerror or str(exc))
    combined = Exchange(second.response, second.sends, first.elapsed + second.elapsed)
    return _answer(combined, label, shown, authenticated=True, sends=first.sends + second.sends)


def check_sync_many(
    targets: Sequence[str | SipTarget],
    *,
    jobs: int = _JOBS,
    on_result: Callable[[NotifyResult], None] | None = None,
    **options: Any,
) -> list[NotifyResult]:
    """:func:`check_sync` for every target, ``jobs`` at a time; results in target order.

    On Ctrl-C, NOTIFYs not sent yet are dropped and the waits end within 0.2 s.
    """
    if not targets:
        return []
    workers = max(1, min(jobs, len(targets)))
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = [pool.submit(check_sync, target, stop=stop, **options) for target in targets]
        results = []
        for future in futures:
            result = future.result()
            if on_result is not None:
                on_result(result)
            results.append(result)
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return results
