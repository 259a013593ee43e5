"""User-Agent parsing and the User-Agent the emulator sends."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfgtool.useragent import UserAgent, parse_user_agent, phone_user_agent


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Yealink SIP-T46G 28.83.0.50 00:15:65:4a:a9:37",
            UserAgent("Yealink", "T46G", "28.83.0.50", "0015654aa937"),
        ),
        ("yealink SIP-T46G 28.83.0.50", UserAgent("Yealink", "T46G", "28.83.0.50", None)),
        (
            "Yealink SIP VP-T49G 51.80.0.100 00:15:65:11:22:33",
            UserAgent("Yealink", "VP-T49G", "51.80.0.100", "001565112233"),
        ),
        (
            "Yealink W52P 25.80.0.15 00:15:65:aa:bb:cc",
            UserAgent("Yealink", "W52P", "25.80.0.15", "001565aabbcc"),
        ),
        (
            "Yealink SIP-T21P_E2 52.84.0.15 0015651130F9",
            UserAgent("Yealink", "T21P_E2", "52.84.0.15", "0015651130f9"),
        ),
        (
            "Yealink  SIP-T42G   29.83.0.20  00:15:65:11:30:f9",
            UserAgent("Yealink", "T42G", "29.83.0.20", "0015651130f9"),
        ),
        ("Yealink SIP-T23G", UserAgent("Yealink", "T23G", None, None)),
        ("curl/8.0.1", UserAgent()),
        ("Grandstream GXP2170 00:0b:82:11:22:33", UserAgent(mac="000b82112233")),
        ("", UserAgent()),
    ],
)
def test_parse_user_agent(header: str, expected: UserAgent) -> None:
    assert parse_user_agent(header) == expected


@pytest.mark.parametrize(
    ("model", "firmware", "mac", "expected"),
    [
        ("T46G", "28.83.0.50", "0015654aa937", "Yealink SIP-T46G 28.83.0.50 00:15:65:4a:a9:37"),
        ("VP-T49G", "51.80.0.100", None, "Yealink SIP-VP-T49G 51.80.0.100"),
        ("W52P", "25.80.0.15", "00:15:65:aa:bb:cc", "Yealink W52P 25.80.0.15 00:15:65:aa:bb:cc"),
    ],
)
def test_phone_user_agent(model: str, firmware: str, mac: str | None, expected: str) -> None:
    assert phone_user_agent(model, firmware, mac) == expected


@given(
    model=st.from_regex(r"[A-Z]{1,2}[0-9]{2}[A-Z]{0,2}(_E2)?", fullmatch=True),
    firmware=st.from_regex(r"[0-9]{2}\.[0-9]{2}\.0\.[0-9]{1,3}", fullmatch=True),
    mac=st.from_regex(r"[0-9a-f]{12}", fullmatch=True),
)
def test_round_trip(model: str, firmware: str, mac: str) -> None:
    parsed = parse_user_agent(phone_user_agent(model, firmware, mac))
    assert (parsed.model, parsed.firmware, parsed.mac) == (model, firmware, mac)


def test_long_header_is_bounded() -> None:
    assert parse_user_agent("Yealink SIP-T46G " + "9" * 1_000_000).model == "T46G"
