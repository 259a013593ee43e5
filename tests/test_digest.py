"""Digest authentication shared by HTTP and SIP."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfgtool import digest

RFC2617_CREDENTIALS = {
    "username": "Mufasa",
    "realm": "testrealm@host.com",
    "nonce": "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    "uri": "/dir/index.html",
    "qop": "auth",
    "nc": "00000001",
    "cnonce": "0a4f113b",
    "response": "6629fae49393a05397450978507c4ef1",
    "opaque": "5ccc069c403ebaf9f0171e9517f40e41",
}


def test_rfc2617_example_verifies() -> None:
    secret = digest.ha1("Mufasa", "testrealm@host.com", "Circle Of Life")
    assert digest.verify(RFC2617_CREDENTIALS, "GET", secret)
    assert not digest.verify(RFC2617_CREDENTIALS, "PUT", secret)
    assert not digest.verify(RFC2617_CREDENTIALS, "GET", digest.ha1("Mufasa", "x", "y"))


def test_challenge_round_trip() -> None:
    header = digest.format_challenge("cfgtool", "n1", opaque="o", stale=True)
    assert digest.parse_challenge(header) == digest.Challenge(
        realm="cfgtool", nonce="n1", opaque="o", algorithm="MD5", qop=("auth",), stale=True
    )


def test_challenge_without_qop_uses_rfc2069_response() -> None:
    challenge = digest.parse_challenge('Digest realm="asterisk", nonce="4c1a2b"')
    header = digest.authorization(challenge, "NOTIFY", "sip:phone@127.0.0.1", "u", "p")
    credentials = digest.parse_credentials(header)
    assert "qop" not in credentials
    assert digest.verify(credentials, "NOTIFY", digest.ha1("u", "asterisk", "p"))


@pytest.mark.parametrize(
    "header",
    [
        "Basic abc",
        'Digest realm="r"',
        "Digest realm=",
        'Digest realm="r", nonce="n", algorithm=SHA1',
    ],
)
def test_bad_challenges(header: str) -> None:
    with pytest.raises(digest.DigestError):
        digest.parse_challenge(header)


def test_oversized_header_refused() -> None:
    with pytest.raises(digest.DigestError):
        digest.parse_credentials("Digest username=" + "a" * 10_000)


@given(
    user=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20),
    password=st.text(min_size=0, max_size=20),
    realm=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20),
    algorithm=st.sampled_from(["MD5", "MD5-sess", "SHA-256"]),
    qop=st.sampled_from([(), ("auth",), ("auth", "auth-int")]),
)
def test_client_answer_verifies(
    user: str, password: str, realm: str, algorithm: str, qop: tuple[str, ...]
) -> None:
    header = digest.format_challenge(realm, digest.new_nonce(), qop=qop, algorithm=algorithm)
    challenge = digest.parse_challenge(header)
    answer = digest.authorization(challenge, "GET", "/a b/c.cfg", user, password)
    credentials = digest.parse_credentials(answer)
    assert credentials["username"] == user
    assert digest.verify(credentials, "GET", digest.ha1(user, realm, password, algorithm))
    assert not digest.verify(credentials, "GET", digest.ha1(user, realm, password + "x", algorithm))
