"""SIP messages (RFC 3261): build requests and responses, parse what comes back.

Only what NOTIFY check-sync and the PnP SUBSCRIBE/NOTIFY exchange need: a
start line, headers in order (names compared case-insensitively, compact forms
understood) and a body whose length is ``Content-Length``.

    >>> request = SipMessage.request("NOTIFY", "sip:10.0.0.5:5060", [("CSeq", "1 NOTIFY")])
    >>> parse(request.to_bytes()).cseq
    (1, 'NOTIFY')
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cfgtool.errors import CfgValueError

__all__ = [
    "BRANCH_COOKIE",
    "SipMessage",
    "SipParseError",
    "Via",
    "header_params",
    "new_branch",
    "new_call_id",
    "new_tag",
    "parse",
    "parse_via",
]

BRANCH_COOKIE = "z9hG4bK"  # RFC 3261 8.1.1.7: every branch starts with the magic cookie.
SIP_VERSION = "SIP/2.0"
# RFC 3261 7.3.3 compact header names.
_COMPACT = {
    "v": "via",
    "f": "from",
    "t": "to",
    "i": "call-id",
    "m": "contact",
    "l": "content-length",
    "c": "content-type",
    "o": "event",
    "e": "content-encoding",
    "s": "subject",
    "k": "supported",
}
_STATUS_LINE = re.compile(r"SIP/2\.0 (\d{3}) ?(.*)")
_REQUEST_LINE = re.compile(r"([A-Z]+) (\S+) SIP/2\.0")
REASONS = {
    100: "Trying",
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    407: "Proxy Authentication Required",
    481: "Call/Transaction Does Not Exist",
    489: "Bad Event",
    500: "Server Internal Error",
}


class SipParseError(CfgValueError):
    """Bytes that are not a SIP message."""


def new_branch() -> str:
    """A fresh Via branch: the RFC 3261 magic cookie and 64 random bits."""
    return BRANCH_COOKIE + secrets.token_hex(8)


def new_tag() -> str:
    """A fresh From/To tag."""
    return secrets.token_hex(6)


def new_call_id(host: str) -> str:
    """A fresh Call-ID, unique per request."""
    return f"{secrets.token_hex(12)}@{host}"


def _canonical(name: str) -> str:
    lowered = name.strip().lower()
    return _COMPACT.get(lowered, lowered)


@dataclass
class SipMessage:
    """A request (``method`` and ``uri`` set) or a response (``status`` set)."""

    method: str | None = None
    uri: str | None = None
    status: int | None = None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @classmethod
    def request(
        cls, method: str, uri: str, headers: Iterable[tuple[str, str]], body: bytes = b""
    ) -> SipMessage:
        return cls(method=method, uri=uri, headers=list(headers), body=body)

    @classmethod
    def response_to(
        cls,
        request: SipMessage,
        status: int,
        *,
        to_tag: str | None = None,
        extra: Sequence[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> SipMessage:
        """A response copying Via, From, To (with ``to_tag`` if it has none), Call-ID, CSeq."""
        headers = [(n, v) for n, v in request.headers if _canonical(n) == "via"]
        for name in ("From", "To", "Call-ID", "CSeq"):
            value = request.header(name)
            if value is None:
                continue
            if name == "To" and to_tag and "tag" not in header_params(value):
                value = f"{value};tag={to_tag}"
            headers.append((name, value))
        headers.extend(extra)
        return cls(status=status, reason=REASONS.get(status, ""), headers=headers, body=body)

    @property
    def is_request(self) -> bool:
        return self.method is not None

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case, compact form too), or None."""
        wanted = _canonical(name)
        for key, value in self.headers:
            if _canonical(key) == wanted:
                return value
        return None

    def header_values(self, name: str) -> list[str]:
        wanted = _canonical(name)
        return [value for key, value in self.headers if _canonical(key) == wanted]

    @property
    def cseq(self) -> tuple[int, str] | None:
        value = self.header("CSeq")
        if value is None:
            return None
        number, _, method = value.strip().partition(" ")
        try:
            return int(number), method.strip()
        except ValueError:
            return None

    @property
    def branch(self) -> str | None:
        via = self.header("Via")
        return header_params(via).get("branch") if via else None

    def start_line(self) -> str:
        if self.method is not None:
            return f"{self.method} {self.uri} {SIP_VERSION}"
        return f"{SIP_VERSION} {self.status} {self.reason}".rstrip()

    def to_bytes(self) -> bytes:
        """The wire form; ``Content-Length`` is (re)written to match the body."""
        lines = [self.start_line()]
        lines.extend(f"{n}: {v}" for n, v in self.headers if _canonical(n) != "content-length")
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + self.body


def header_params(value: str) -> dict[str, str]:
    """The ``;name=value`` parameters after a header's main value (names in lower case).

    Quoted values lose their quotes; parameters inside ``<...>`` are skipped.
    """
    text = value
    if ">" in text:
        text = text[text.rindex(">") + 1 :]
    params: dict[str, str] = {}
    for match in re.finditer(r';\s*([^=;\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;\s]*))?', text):
        raw = match.group(2) or ""
        params[match.group(1).lower()] = raw[1:-1] if raw.startswith('"') else raw
    return params


@dataclass(frozen=True, slots=True)
class Via:
    """A Via header: transport, sent-by host and port, and parameters (branch, rport…)."""

    transport: str
    host: str
    port: int | None
    params: dict[str, str]


def parse_via(value: str) -> Via:
    """``SIP/2.0/UDP host:port;branch=...`` -> transport, host, port, parameters."""
    match = re.match(r"\s*SIP\s*/\s*2\.0\s*/\s*(\w+)\s+(\[[^\]]+\]|[^;:\s]+)(?::(\d+))?", value)
    if match is None:
        raise SipParseError(f"not a Via header: {value!r}")
    host = match.group(2).strip("[]")
    port = int(match.group(3)) if match.group(3) else None
    return Via(match.group(1).upper(), host, port, header_params(value[match.end() :]))


def parse(data: bytes) -> SipMessage:
    """Parse one SIP message; raise :class:`SipParseError` if it is not one."""
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        head, separator, body = data.partition(b"\n\n")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SipParseError("SIP headers are not UTF-8") from exc
    raw_lines = re.split(r"\r?\n", text)
    if not raw_lines or not raw_lines[0]:
        raise SipParseError("empty SIP message")
    first = raw_lines[0].strip()
    message = SipMessage()
    status = _STATUS_LINE.fullmatch(first)
    request = _REQUEST_LINE.fullmatch(first)
    if status:
        message.status, message.reason = int(status.group(1)), status.group(2)
    elif request:
        message.method, message.uri = request.group(1), request.group(2)
    else:
        raise SipParseError(f"not a SIP start line: {first[:80]!r}")
    for line in raw_lines[1:]:
        if line[:1] in (" ", "\t") and message.headers:
            name, value = message.headers[-1]
            message.headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise SipParseError(f"not a SIP header line: {line[:80]!r}")
        message.headers.append((name.strip(), value.strip()))
    length = message.header("Content-Length")
    if length is not None:
        try:
            size = int(length)
        except ValueError as exc:
            raise SipParseError(f"Content-Length is not a number: {length!r}") from exc
        if size > len(body):
            raise SipParseError(f"the body is shorter than Content-Length {size}")
        body = body[:size]
    message.body = body
    return message
