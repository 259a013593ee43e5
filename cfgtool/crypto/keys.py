"""AES keys: the alphabet phones accept, checking, generating and reading keys."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from cfgtool.errors import CryptoError
from cfgtool.reading import read_bytes

if TYPE_CHECKING:
    pass

Mode = Literal["aes", "keyfile", "rsa"]
MODES: tuple[Mode, ...] = ("aes", "keyfile", "rsa")
Status = Literal["ok", "refused", "error"]

BLOCK_SIZE = 16
KEY_LENGTHS = (16, 32)
KEY_SPECIAL_CHARACTERS = "#$%*+,-.:=?@[]^_{}~"
# string.digits + string.ascii_uppercase + string.ascii_lowercase, spelled out: lint's
# CFG402 needs the alphabet, and importing `string` for three constants is start-up time.
KEY_ALPHABET = (
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + KEY_SPECIAL_CHARACTERS
)
BUILTIN_KEY = "EKs35XacP6eybA25"
"""The key built into every Yealink phone that opens ``_Security.enc`` files. Public."""
SECURITY_SUFFIX = "_Security.enc"
KEYS_FILE_NAME = "keys.csv"
WRONG_KEY = "wrong key, or not an encrypted cfg file"
DEFAULT_RSA_KEY_LENGTH = 32


KEYFILE_WARNING = (
    f"keyfile mode hides nothing: the key that opens {SECURITY_SUFFIX} files ({BUILTIN_KEY}) "
    "is built into every phone and published, so anyone who gets both files can decrypt "
    "them; use --mode aes or --mode rsa to keep the files secret"
)
KEYS_FILE_WARNING = (
    "{path} holds the keys in plain text (mode 0600): keep it, and this directory's copy of it, "
    "off the provisioning server"
)

_KEY_PATTERN = re.compile("[" + re.escape(KEY_ALPHABET) + "]+")
_CFG_SUFFIX = ".cfg"


class NotEncryptedError(CryptoError):
    """Decryption gave no plausible cfg file: the key is wrong, or the input is not encrypted."""


# --- keys --------------------------------------------------------------------------


def validate_aes_key(key: str) -> str:
    """Return ``key`` if it is a valid AES key, else raise :class:`CryptoError`.

    A key is 16 (AES-128) or 32 (AES-256) characters from ``0-9 A-Z a-z`` and
    ``# $ % * + , - . : = ? @ [ ] ^ _ { } ~``. The error names the rule broken:
    the 1-based position of the first bad character (never the character: no
    part of a key is printed), or the length.
    """
    if len(key) in KEY_LENGTHS and _KEY_PATTERN.fullmatch(key):
        return key
    for position, char in enumerate(key, start=1):
        if char not in KEY_ALPHABET:
            raise CryptoError(
                f"AES key character {position} is not allowed; "
                f"a key uses only 0-9 A-Z a-z and {' '.join(KEY_SPECIAL_CHARACTERS)}"
            )
    raise CryptoError(
        f"AES key is {len(key)} characters long; it must be exactly 16 (AES-128) "
        "or 32 (AES-256) characters"
    )


def generate_key(length: int = 16) -> str:
    """A random key of ``length`` (16 or 32) characters, from :mod:`secrets`."""
    if length not in KEY_LENGTHS:
        raise CryptoError(f"key length must be 16 or 32, not {length}")
    import secrets  # lazy: secrets pulls in random, base64 and hmac; lint never makes keys

    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(length))


def read_key_file(path: str | os.PathLike[str]) -> str:
    """The key on the first line of a file (surrounding whitespace ignored), validated."""
    name = os.fspath(path)
    try:
        text = read_bytes(name).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CryptoError(
            f"key file {name} is not text; put just the key on its first line"
        ) from None
    lines = text.splitlines()
    first_line = lines[0].strip() if lines else ""
    if not first_line:
        raise CryptoError(f"key file {name} has no key on its first line")
    try:
        return validate_aes_key(first_line)
    except CryptoError as exc:
        raise CryptoError(f"key file {name}: {exc}") from None


def secret_file_exposure(path: str | os.PathLike[str]) -> str | None:
    """Why the key file or private key ``path`` is exposed (readable by group or others), or None.

    Phones and servers need only the owner to read it; ``chmod 600`` fixes it.
    """
    name = os.fspath(path)
    try:
        mode = os.stat(name).st_mode & 0o777
    except OSError:
        return None  # reading it reports the real problem
    readers = [who for who, bit in (("group", 0o040), ("others", 0o004)) if mode & bit]
    if not readers:
        return None
    return (
        f"{name} is readable by {' and '.join(readers)} (mode {mode:04o}); "
        f"it holds a secret: chmod 600 {name}"
    )


def key_from_env(variable: str, environ: Mapping[str, str] | None = None) -> str:
    """The key held by environment variable ``variable`` (surrounding whitespace ignored)."""
    value = (os.environ if environ is None else environ).get(variable)
    if value is None or not value.strip():
        raise CryptoError(f"environment variable {variable} is not set or empty")
    try:
        return validate_aes_key(value.strip())
    except CryptoError as exc:
        raise CryptoError(f"environment variable {variable}: {exc}") from None


def resolve_key(
    *,
    key_file: str | os.PathLike[str] | None = None,
    key_env: str | None = None,
    key: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """The key from at most one source (file, environment variable, literal), or None."""
    given = [
        name
        for name, value in (("--key-file", key_file), ("--key-env", key_env), ("--key", key))
        if value is not None
    ]
    if len(given) > 1:
        raise CryptoError(f"give the key one way only, not {' and '.join(given)}")
    if key_file is not None:
        return read_key_file(key_file)
    if key_env is not None:
        return key_from_env(key_env, environ)
    if key is not None:
        return validate_aes_key(key)
    return None


# --- plain AES mode ----------------------------------------------------------------
