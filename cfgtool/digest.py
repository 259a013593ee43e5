"""HTTP and SIP Digest authentication (RFC 7616, RFC 2617, RFC 3261 section 22).

One implementation for both sides and both protocols: the provisioning
server challenges phones (``WWW-Authenticate: Digest …``) and checks their
answers against Apache ``htdigest`` HA1 values; the phone emulator and
``cfgtool notify`` answer challenges (HTTP 401, SIP 401/407).

    >>> challenge = parse_challenge('Digest realm="cfgtool", nonce="abc", qop="auth"')
    >>> header = authorization(challenge, "GET", "/T23G_1/y000000000044.cfg",
    ...                        "admin", "secret", cnonce="0a4f113b")
    >>> verify(parse_credentials(header), "GET", ha1("admin", "cfgtool", "secret"))
    True
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

__all__ = [
    "Challenge",
    "DigestError",
    "authorization",
    "expected_response",
    "format_challenge",
    "ha1",
    "new_nonce",
    "parse_challenge",
    "parse_credentials",
    "verify",
]

_ALGORITHMS = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
# name=value or name="quoted \" value", separated by commas.
_PARAM = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)\s*(?:,|$)')
_MAX_HEADER = 4096


class DigestError(ValueError):
    """A Digest header that cannot be read (not Digest, malformed, unknown algorithm)."""


@dataclass(frozen=True, slots=True)
class Challenge:
    """A server's ``WWW-Authenticate`` / ``Proxy-Authenticate`` Digest challenge."""

    realm: str
    nonce: str
    opaque: str | None = None
    algorithm: str = "MD5"
    qop: tuple[str, ...] = ()
    stale: bool = False


def _digest(algorithm: str, text: str) -> str:
    base = algorithm.upper().removesuffix("-SESS")
    function = _ALGORITHMS.get(base)
    if function is None:
        raise DigestError(f"unsupported Digest algorithm {algorithm!r}; use MD5 or SHA-256")
    return function(text.encode("utf-8")).hexdigest()


def _params(header: str) -> dict[str, str]:
    if len(header) > _MAX_HEADER:
        raise DigestError("Digest header is too long")
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        raise DigestError("not a Digest header")
    params: dict[str, str] = {}
    position = 0
    rest = rest.strip()
    while position < len(rest):
        match = _PARAM.match(rest, position)
        if match is None or match.end() == position:
            raise DigestError("malformed Digest header")
        name, value = match.group(1).lower(), match.group(2)
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        params[name] = value
        position = match.end()
    return params


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_challenge(header: str) -> Challenge:
    """Read a ``Digest realm=…, nonce=…`` challenge header value."""
    params = _params(header)
    if "realm" not in params or "nonce" not in params:
        raise DigestError("Digest challenge without realm or nonce")
    algorithm = params.get("algorithm", "MD5")
    _digest(algorithm, "")
    qop = tuple(item.strip() for item in params.get("qop", "").split(",") if item.strip())
    return Challenge(
        realm=params["realm"],
        nonce=params["nonce"],
        opaque=params.get("opaque"),
        algorithm=algorithm,
        qop=qop,
        stale=params.get("stale", "").lower() == "true",
    )


def format_challenge(
    realm: str,
    nonce: str,
    *,
    opaque: str | None = None,
    qop: tuple[str, ...] = ("auth",),
    algorithm: str = "MD5",
    stale: bool = False,
) -> str:
    """A challenge header value, e.g. ``Digest realm="r", nonce="n", qop="auth", algorithm=MD5``."""
    parts = [f"realm={_quote(realm)}", f"nonce={_quote(nonce)}"]
    if opaque is not None:
        parts.append(f"opaque={_quote(opaque)}")
    if qop:
        parts.append(f"qop={_quote(','.join(qop))}")
    parts.append(f"algorithm={algorithm}")
    if stale:
        parts.append("stale=true")
    return "Digest " + ", ".join(parts)


def parse_credentials(header: str) -> dict[str, str]:
    """Read an ``Authorization: Digest username=…`` value into its parameters."""
    params = _params(header)
    for required in ("username", "realm", "nonce", "uri", "response"):
        if required not in params:
            raise DigestError(f"Digest credentials without {required}")
    return params


def ha1(user: str, realm: str, password: str, algorithm: str = "MD5") -> str:
    """``H(user:realm:password)``, the value an ``htdigest`` file keeps."""
    return _digest(algorithm, f"{user}:{realm}:{password}")


def expected_response(secret_ha1: str, method: str, credentials: dict[str, str]) -> str:
    """The ``response`` a client knowing the password would send with these credentials."""
    algorithm = credentials.get("algorithm", "MD5")
    nonce = credentials["nonce"]
    key = secret_ha1
    if algorithm.lower().endswith("-sess"):
        key = _digest(algorithm, f"{secret_ha1}:{nonce}:{credentials.get('cnonce', '')}")
    ha2 = _digest(algorithm, f"{method}:{credentials['uri']}")
    qop = credentials.get("qop")
    if qop:
        text = (
            f"{key}:{nonce}:{credentials.get('nc', '')}:{credentials.get('cnonce', '')}:{qop}:{ha2}"
        )
    else:
        text = f"{key}:{nonce}:{ha2}"
    return _digest(algorithm, text)


def verify(credentials: dict[str, str], method: str, secret_ha1: str) -> bool:
    """True when the credentials' response matches ``secret_ha1`` (constant-time compare).

    The caller still checks that ``nonce`` is one it issued and that ``uri``
    names the resource that was requested.
    """
    try:
        expected = expected_response(secret_ha1, method, credentials)
    except DigestError:
        return False
    return hmac.compare_digest(expected, credentials.get("response", ""))


def authorization(
    challenge: Challenge,
    method: str,
    uri: str,
    user: str,
    password: str,
    *,
    nc: int = 1,
    cnonce: str | None = None,
) -> str:
    """The ``Authorization`` (or ``Proxy-Authorization``) value answering ``challenge``."""
    credentials = {
        "username": user,
        "realm": challenge.realm,
        "nonce": challenge.nonce,
        "uri": uri,
        "algorithm": challenge.algorithm,
    }
    if "auth" in challenge.qop:
        credentials.update(qop="auth", nc=f"{nc:08x}", cnonce=cnonce or secrets.token_hex(8))
    secret = ha1(user, challenge.realm, password, challenge.algorithm)
    credentials["response"] = expected_response(secret, method, credentials)
    parts = [
        f"username={_quote(user)}",
        f"realm={_quote(challenge.realm)}",
        f"nonce={_quote(challenge.nonce)}",
        f"uri={_quote(uri)}",
        f"response={_quote(credentials['response'])}",
        f"algorithm={challenge.algorithm}",
    ]
    if challenge.opaque is not None:
        parts.append(f"opaque={_quote(challenge.opaque)}")
    if "qop" in credentials:
        parts += ["qop=auth", f"nc={credentials['nc']}", f"cnonce={_quote(credentials['cnonce'])}"]
    return "Digest " + ", ".join(parts)


def new_nonce() -> str:
    """A fresh server nonce (random, URL-safe)."""
    return secrets.token_urlsafe(24)
