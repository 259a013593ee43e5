"""Send one SIP request and wait for its final response, over UDP or TCP.

UDP follows RFC 3261's non-INVITE client transaction (17.1.2): the request is
retransmitted after T1 = 500 ms, the interval doubling up to T2 = 4 s (and
staying at T2 once a provisional response came); the transaction gives up
after timer F = 64*T1 = 32 s, or after ``timeout`` if that is shorter. TCP
is reliable: one send, then wait up to ``timeout``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cfgtool.sip.message import SipMessage, SipParseError, parse

__all__ = ["T1", "T2", "TIMER_F", "Exchange", "local_address", "request", "retransmit_times"]

T1 = 0.5
T2 = 4.0
TIMER_F = 64 * T1
Transport = Literal["udp", "tcp"]
_MAX_DATAGRAM = 65535
_MAX_TCP_MESSAGE = 1 << 20
_STOP_POLL = 0.2  # how often a waiting request looks at its stop event


@dataclass(frozen=True, slots=True)
class Exchange:
    """How a request went: the final response (None on timeout) and the sends it took."""

    response: SipMessage | None
    sends: int
    elapsed: float
    provisional: SipMessage | None = None


def retransmit_times(timeout: float = TIMER_F) -> list[float]:
    """The times (seconds after the first send) of UDP retransmissions without any answer.

    >>> retransmit_times(8.0)
    [0.5, 1.5, 3.5, 7.5]
    """
    times: list[float] = []
    interval, at = T1, T1
    limit = min(timeout, TIMER_F)
    while at < limit:
        times.append(at)
        interval = min(interval * 2, T2)
        at += interval
    return times


def local_address(sock: socket.socket) -> tuple[str, int]:
    host, port = sock.getsockname()[:2]
    return str(host), int(port)


def _matches(response: SipMessage, sent: SipMessage) -> bool:
    cseq, sent_cseq = response.cseq, sent.cseq
    return (
        not response.is_request
        and response.branch == sent.branch
        and cseq is not None
        and sent_cseq is not None
        and cseq[1] == sent_cseq[1]
    )


def _response_to(sent: SipMessage, raw: bytes) -> tuple[SipMessage, int] | None:
    """The response in ``raw`` and its status if it answers ``sent``; None for anything else."""
    try:
        response = parse(raw)
    except SipParseError:
        return None
    if not _matches(response, sent) or response.status is None:
        return None
    return response, response.status


def _udp(
    sock: socket.socket,
    build: Callable[[], SipMessage],
    timeout: float,
    stop: threading.Event | None,
) -> Exchange:
    message = build()
    data = message.to_bytes()
    start = time.monotonic()
    deadline = start + min(timeout, TIMER_F)
    interval = T1
    next_send = start
    sends = 0
    provisional: SipMessage | None = None
    while True:
        now = time.monotonic()
        if now >= deadline or (stop is not None and stop.is_set()):
            return Exchange(None, sends, now - start, provisional)
        if now >= next_send:
            with contextlib.suppress(ConnectionRefusedError):  # ICMP from an earlier send
                sock.send(data)
            sends += 1
            next_send = now + interval
            interval = T2 if provisional else min(interval * 2, T2)
        wake = min(next_send, deadline, time.monotonic() + _STOP_POLL)
        sock.settimeout(max(0.001, wake - time.monotonic()))
        try:
            packet = sock.recv(_MAX_DATAGRAM)
        except TimeoutError:
            continue
        except ConnectionRefusedError:
            # ICMP port unreachable from an earlier send: nothing listens; keep
            # trying until the timer runs out, as a phone may still be booting.
            continue
        answer = _response_to(message, packet)
        if answer is None:
            continue
        response, status = answer
        if status < 200:
            provisional = response
            interval = T2
            continue
        return Exchange(response, sends, time.monotonic() - start, provisional)


def _read_tcp_message(
    sock: socket.socket, buffer: bytearray, deadline: float, stop: threading.Event | None
) -> bytes | None:
    while True:
        head_end = buffer.find(b"\r\n\r\n")
        if head_end >= 0:
            try:
                head = parse(bytes(buffer[: head_end + 4]))
            except SipParseError:
                head = None
            length = 0
            if head is not None:
                try:
                    length = int(head.header("Content-Length") or "0")
                except ValueError:
                    length = 0
            total = head_end + 4 + length
            if len(buffer) >= total:
                message = bytes(buffer[:total])
                del buffer[:total]
                return message
        remaining = deadline - time.monotonic()
        if remaining <= 0 or len(buffer) > _MAX_TCP_MESSAGE or (stop and stop.is_set()):
            return None
        sock.settimeout(min(remaining, _STOP_POLL))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            return None
        buffer.extend(chunk)


def _tcp(
    sock: socket.socket,
    build: Callable[[], SipMessage],
    timeout: float,
    stop: threading.Event | None,
) -> Exchange:
    message = build()
    start = time.monotonic()
    deadline = start + timeout
    sock.sendall(message.to_bytes())
    buffer = bytearray()
    provisional: SipMessage | None = None
    while True:
        raw = _read_tcp_message(sock, buffer, deadline, stop)
        if raw is None:
            return Exchange(None, 1, time.monotonic() - start, provisional)
        answer = _response_to(message, raw)
        if answer is None:
            continue
        response, status = answer
        if status < 200:
            provisional = response
            continue
        return Exchange(response, 1, time.monotonic() - start, provisional)


def request(
    sock: socket.socket,
    transport: Transport,
    build: Callable[[], SipMessage],
    *,
    timeout: float = TIMER_F,
    stop: threading.Event | None = None,
) -> Exchange:
    """Send the request ``build()`` makes on the connected ``sock``; wait for its final answer.

    ``sock`` is a connected UDP socket or a connected TCP stream; the
    request's Via must already name ``sock``'s local address. Setting
    ``stop`` ends the wait (as a timeout) within 0.2 s.
    """
    if transport == "udp":
        return _udp(sock, build, timeout, stop)
    return _tcp(sock, build, timeout, stop)


def open_socket(transport: Transport, address: tuple[str, int], *, timeout: float) -> socket.socket:
    """A socket connected to ``address`` (UDP: no packet is sent by connecting)."""
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    sock = socket.socket(family, kind)
    try:
        sock.settimeout(timeout)
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock
