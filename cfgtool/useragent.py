"""The User-Agent a Yealink phone sends, read and written.

Phones send ``Yealink SIP-T46G 28.83.0.50 00:15:65:4a:a9:37`` over HTTP(S)
and SIP: vendor, model (``SIP-`` or ``SIP `` before the model on most desk
phones, nothing on DECT bases such as ``W52P``), firmware, and the MAC on
newer firmware. Servers use it to tell which phone asks; the phone emulator
sends it.

    >>> parse_user_agent("Yealink SIP-T46G 28.83.0.50 00:15:65:4a:a9:37")
    UserAgent(vendor='Yealink', model='T46G', firmware='28.83.0.50', mac='0015654aa937')
    >>> phone_user_agent("T46G", "28.83.0.50", "0015654aa937")
    'Yealink SIP-T46G 28.83.0.50 00:15:65:4a:a9:37'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cfgtool.filenames import normalize_mac

__all__ = ["UserAgent", "parse_user_agent", "phone_user_agent"]

# Models Yealink names without the "SIP-" prefix in their User-Agent (DECT bases
# and the conference phones' own firmware): W52P, W60B, CP930W-Base, ...
_NO_SIP_PREFIX = re.compile(r"(?:W\d|CP9\d\dW|DD\d)", re.IGNORECASE)
_YEALINK = re.compile(
    r"""\s*yealink[\s/-]+            # vendor, any case
        (?:sip[\s-]+)?               # "SIP-T46G", "SIP VP-T49G"
        (?P<model>[A-Za-z0-9][A-Za-z0-9_+-]*)
        (?:\s+(?P<firmware>\d+(?:\.\d+){1,4}))?
        (?:\s+(?P<mac>[0-9A-Fa-f]{2}(?:[:-]?[0-9A-Fa-f]{2}){5}))?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ANY_MAC = re.compile(r"(?<![0-9A-Fa-f:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?![0-9A-Fa-f:])")
_MAX_LENGTH = 1024


@dataclass(frozen=True, slots=True)
class UserAgent:
    """What a User-Agent says; every field is None when the header does not say it.

    ``model`` is the model as the phone spells it without the ``SIP-`` prefix
    (``T46G``, ``VP-T49G``, ``T21P_E2``); look it up with
    :func:`cfgtool.find_model`. ``mac`` is 12 lowercase hex digits.
    """

    vendor: str | None = None
    model: str | None = None
    firmware: str | None = None
    mac: str | None = None


def _mac(text: str | None) -> str | None:
    if text is None:
        return None
    return normalize_mac(text.replace("-", ":") if "-" in text else text)


def parse_user_agent(text: str) -> UserAgent:
    """Read a User-Agent header; a header of any other vendor gives only a MAC, if any."""
    header = " ".join(text[:_MAX_LENGTH].split())
    match = _YEALINK.match(header)
    if match is None:
        found = _ANY_MAC.search(header)
        return UserAgent(mac=_mac(found.group(0)) if found else None)
    return UserAgent(
        vendor="Yealink",
        model=match.group("model"),
        firmware=match.group("firmware"),
        mac=_mac(match.group("mac")),
    )


def phone_user_agent(model: str, firmware: str, mac: str | None = None) -> str:
    """The User-Agent a phone of ``model`` on ``firmware`` with ``mac`` sends."""
    prefix = "" if _NO_SIP_PREFIX.match(model) else "SIP-"
    agent = f"Yealink {prefix}{model} {firmware}"
    normalized = normalize_mac(mac) if mac else None
    if normalized:
        agent += " " + ":".join(normalized[i : i + 2] for i in range(0, 12, 2))
    return agent
