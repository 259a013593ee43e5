"""Per-directory credentials: htpasswd (bcrypt) and htdigest files, and login rate limits.

* **htpasswd** — ``user:$2y$...`` lines, the bcrypt hashes nginx and Apache
  read; good for HTTP Basic and FTP.
* **htdigest** — Apache's ``user:realm:HA1`` lines; good for HTTP Digest, and
  for Basic and FTP too (the HA1 of the given password is compared).

A user may have several lines (a password rotation): any of them is accepted.
The file is re-read when it changes, so ``cfgtool passwd`` takes effect
without a restart.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import os
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from cfgtool.digest import DigestError, format_challenge, ha1, new_nonce, parse_credentials, verify
from cfgtool.errors import ConfigError

_HA1 = re.compile(r"[0-9a-f]{32}")
NONCE_LIFETIME = 300.0
MAX_NONCES = 10_000


def _bcrypt_check(password: str, hashed: str) -> bool:
    # bcrypt is only needed when an htpasswd file is used: imported here, not at start-up.
    import bcrypt

    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False


@dataclass(frozen=True)
class Entry:
    """One line: a bcrypt hash (htpasswd) or a realm and HA1 (htdigest)."""

    user: str
    bcrypt: str | None = None
    realm: str | None = None
    ha1: str | None = None


def parse_credentials_file(text: str, where: str) -> tuple[str, tuple[Entry, ...]]:
    """``("htpasswd" | "htdigest", entries)``; mixed or unknown lines are a :class:`ConfigError`."""
    entries: list[Entry] = []
    kinds: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.strip().split(":")
        if len(fields) == 3 and _HA1.fullmatch(fields[2]):
            entries.append(Entry(fields[0], realm=fields[1], ha1=fields[2]))
            kinds.add("htdigest")
        elif len(fields) == 2 and fields[1].startswith(("$2a$", "$2b$", "$2y$")):
            entries.append(Entry(fields[0], bcrypt=fields[1]))
            kinds.add("htpasswd")
        else:
            raise ConfigError(
                f"{where}:{number}: not an htpasswd line with a bcrypt hash (user:$2y$...) "
                "nor an htdigest line (user:realm:md5); write it with cfgtool passwd"
            )
    if len(kinds) > 1:
        raise ConfigError(f"{where}: mixes htpasswd and htdigest lines; use one file for each")
    return (kinds.pop() if kinds else "htpasswd"), tuple(entries)


class CredentialFile:
    """One htpasswd or htdigest file, re-read when its mtime or size changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self.kind = "htpasswd"
        self.entries: tuple[Entry, ...] = ()
        self._reload()

    def _reload(self) -> None:
        try:
            status = os.stat(self.path)
        except OSError as exc:
            raise ConfigError(f"{self.path}: cannot read: {exc.strerror}") from None
        stamp = (status.st_mtime_ns, status.st_size)
        if stamp == self._stamp:
            return
        with self._lock:
            text = self.path.read_text(encoding="utf-8")
            self.kind, self.entries = parse_credentials_file(text, str(self.path))
            self._stamp = stamp

    def _current(self) -> tuple[Entry, ...]:
        # A broken edit keeps the last good version; the start-up check saw it readable.
        with contextlib.suppress(ConfigError, OSError, UnicodeDecodeError):
            self._reload()
        return self.entries

    @property
    def realm(self) -> str:
        """The realm for Digest challenges (htdigest: its first line's)."""
        realms = [entry.realm for entry in self._current() if entry.realm]
        return realms[0] if realms else "cfgtool"

    @property
    def digest(self) -> bool:
        return self.kind == "htdigest"

    def check_password(self, user: str, password: str) -> bool:
        """Basic or FTP login: any line of ``user`` matches ``password``."""
        ok = False
        for entry in self._current():
            if entry.user != user:
                continue
            if entry.bcrypt is not None:
                ok |= _bcrypt_check(password, entry.bcrypt)
            elif entry.ha1 is not None and entry.realm is not None:
                ok |= hmac.compare_digest(ha1(user, entry.realm, password), entry.ha1)
        return ok

    def ha1_values(self, user: str, realm: str) -> list[str]:
        return [e.ha1 for e in self._current() if e.user == user and e.realm == realm and e.ha1]


class NonceStore:
    """Nonces this server issued, so a Digest answer is only accepted for a live one, and
    each nonce count only once (a replayed ``Authorization`` header is refused)."""

    def __init__(self) -> None:
        self._issued: dict[str, float] = {}
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def issue(self) -> str:
        nonce = new_nonce()
        now = time.monotonic()
        with self._lock:
            if len(self._issued) >= MAX_NONCES:
                self._issued = {n: t for n, t in self._issued.items() if now - t < NONCE_LIFETIME}
                while len(self._issued) >= MAX_NONCES:
                    self._issued.pop(next(iter(self._issued)))
            self._issued[nonce] = now
        return nonce

    def live(self, nonce: str) -> bool:
        with self._lock:
            issued = self._issued.get(nonce)
        return issued is not None and time.monotonic() - issued < NONCE_LIFETIME

    def use(self, nonce: str, count: str | None) -> bool:
        """Record nonce count ``count`` (hex) for ``nonce``; False when it is not a new one."""
        if count is None:
            return True  # RFC 2069 clients send no count
        try:
            number = int(count, 16)
        except ValueError:
            return False
        with self._lock:
            if number <= self._counts.get(nonce, 0):
                return False
            self._counts[nonce] = number
            if len(self._counts) > MAX_NONCES:
                live = set(self._issued)
                self._counts = {n: c for n, c in self._counts.items() if n in live}
        return True


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a request's credentials: the user, or why not."""

    user: str | None
    reason: str | None = None
    stale: bool = False


def check_authorization(
    credentials: CredentialFile, nonces: NonceStore, header: str | None, method: str, uri: str
) -> Verdict:
    """Check an HTTP ``Authorization`` header (Basic or Digest) against ``credentials``."""
    if not header:
        return Verdict(None, "no credentials")
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() == "basic":
        try:
            user, colon, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return Verdict(None, "malformed Basic credentials")
        if colon and credentials.check_password(user, password):
            return Verdict(user)
        return Verdict(None, f"wrong password for user {user!r}")
    if scheme.lower() == "digest" and credentials.digest:
        try:
            params = parse_credentials(header)
        except DigestError as exc:
            return Verdict(None, f"malformed Digest credentials: {exc}")
        user = params["username"]
        if params["uri"] != uri:
            return Verdict(None, "Digest uri does not match the request")
        if not any(
            verify(params, method, value) for value in credentials.ha1_values(user, params["realm"])
        ):
            return Verdict(None, f"wrong password for user {user!r}")
        if not nonces.live(params["nonce"]) or not nonces.use(params["nonce"], params.get("nc")):
            return Verdict(None, "stale or replayed Digest nonce", stale=True)
        return Verdict(user)
    return Verdict(None, f"unsupported authentication scheme {scheme!r}")


def challenges(
    credentials: CredentialFile, nonces: NonceStore, *, stale: bool = False
) -> list[str]:
    """``WWW-Authenticate`` values: Digest (htdigest files) first, then Basic."""
    values = []
    if credentials.digest:
        values.append(format_challenge(credentials.realm, nonces.issue(), stale=stale))
    values.append(f'Basic realm="{credentials.realm}", charset="UTF-8"')
    return values


class Protections:
    """Which directory needs which credentials: the longest ``--auth DIR`` prefix wins."""

    def __init__(self, pairs: tuple[tuple[str, Path], ...]) -> None:
        files: dict[Path, CredentialFile] = {}
        self.rules: list[tuple[tuple[str, ...], CredentialFile]] = []
        for directory, path in pairs:
            credentials = files.setdefault(path, CredentialFile(path))
            self.rules.append((tuple(directory.split("/")), credentials))
        self.rules.sort(key=lambda rule: -len(rule[0]))

    def for_parts(self, parts: tuple[str, ...]) -> tuple[str, CredentialFile] | None:
        """The protected directory (``a/b``) and its credentials for a path, or None."""
        for prefix, credentials in self.rules:
            if parts[: len(prefix)] == prefix and len(parts) > len(prefix) - 1:
                return "/".join(prefix), credentials
        return None

    def directories(self) -> list[str]:
        return ["/".join(prefix) for prefix, _ in self.rules]


class FailureLimiter:
    """At most ``limit`` failed logins per client address in ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, client: str) -> bool:
        with self._lock:
            return len(self._recent(client, time.monotonic())) >= self.limit

    def failed(self, client: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(client, now).append(now)
            if len(self._failures) > 100_000:
                self._failures = {c: t for c, t in self._failures.items() if t}
