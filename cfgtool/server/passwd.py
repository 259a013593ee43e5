"""Write htpasswd (bcrypt) and htdigest lines: what ``cfgtool passwd`` does.

The file is written atomically with mode 0600. A user's existing lines are
replaced, unless ``keep`` (a password rotation: the old and the new password
both work until the old line is removed).
"""

from __future__ import annotations

from pathlib import Path

from cfgtool.digest import ha1
from cfgtool.errors import ConfigError
from cfgtool.fsutil import atomic_write_text
from cfgtool.server.auth import parse_credentials_file

BCRYPT_ROUNDS = 12


def _bcrypt_hash(password: str, rounds: int) -> str:
    # bcrypt is the serve extra: loaded only when a password is hashed.
    import bcrypt

    hashed: bytes = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds))
    return hashed.decode("ascii")


def _check_name(what: str, value: str) -> None:
    if not value or ":" in value or any(ord(char) < 0x20 for char in value):
        raise ConfigError(f"{what} {value!r}: must be non-empty, without ':' or control characters")


def password_line(
    user: str, password: str, *, realm: str | None = None, rounds: int = BCRYPT_ROUNDS
) -> str:
    """``user:$2b$...`` (htpasswd) or, with ``realm``, ``user:realm:HA1`` (htdigest)."""
    _check_name("user", user)
    if realm is not None:
        _check_name("realm", realm)
        return f"{user}:{realm}:{ha1(user, realm, password)}"
    return f"{user}:{_bcrypt_hash(password, rounds)}"


def set_password(
    path: Path,
    user: str,
    password: str,
    *,
    realm: str | None = None,
    keep: bool = False,
    rounds: int = BCRYPT_ROUNDS,
) -> str:
    """Add ``user``'s line to ``path`` (created if missing).

    Returns what happened: ``created``, ``updated`` or ``added``.
    """
    if not password:
        raise ConfigError("the password is empty")
    existing: list[str] = []
    if path.exists():
        text = path.read_text(encoding="utf-8")
        kind, _ = parse_credentials_file(text, str(path))
        wanted = "htdigest" if realm is not None else "htpasswd"
        if text.strip() and kind != wanted:
            raise ConfigError(
                f"{path} is an {kind} file; "
                + ("drop --digest" if kind == "htpasswd" else "add --digest --realm R")
            )
        existing = [line for line in text.splitlines() if line.strip()]
    mine = [line for line in existing if line.split(":", 1)[0] == user]
    if realm is not None and not keep:
        mine = [line for line in mine if line.split(":")[1] == realm]
    kept = existing if keep else [line for line in existing if line not in mine]
    lines = [*kept, password_line(user, password, realm=realm, rounds=rounds)]
    atomic_write_text(path, "\n".join(lines) + "\n", mode=0o600)
    if not existing:
        return "created"
    return "added" if keep and mine else "updated" if mine else "added"
