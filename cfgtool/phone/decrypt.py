"""Decrypting what the phone downloaded, as the phone would, over ``cfgtool``'s crypto.

A downloaded file is plain when it reads as a cfg file; an RSA envelope
(``#!encrypt:``) needs the private key (lab use); anything else is AES: with
the file's key from ``keys.csv``, else the Common or MAC key, else — key-file
mode — the ``<name>_Security.enc`` fetched from the same directory. A missing
key and a wrong key are reported as such (:class:`KeyProblem`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Literal

import cfgtool
from cfgtool.errors import CfgDecodeError, CryptoError
from cfgtool.fsutil import read_bytes

__all__ = [
    "KeyProblem",
    "PhoneKeys",
    "aes_key_for",
    "is_plain_cfg",
    "is_rsa_envelope",
    "read_keys_csv",
]

RSA_MAGIC = b"#!encrypt:"
SECURITY_SUFFIX = "_Security.enc"
EncryptionMode = Literal["plain", "aes", "rsa"]


class KeyProblem(Exception):
    """A file that cannot be decrypted: ``missing`` (no key for it) or ``wrong`` key."""

    def __init__(self, kind: Literal["missing", "wrong"], message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class PhoneKeys:
    """The keys a phone holds: Common and MAC AES keys, per-file keys, an RSA private key."""

    common: str | None = None
    mac: str | None = None
    by_file: dict[str, str] = field(default_factory=dict)
    rsa_private: bytes | None = None


def read_keys_csv(path: str) -> dict[str, str]:
    """``keys.csv`` as ``cfgtool encrypt`` writes it (header ``file,key``): file → key."""
    text = read_bytes(path).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [cell.strip().lower() for cell in rows[0][:2]] != ["file", "key"]:
        raise CryptoError(f"{path}: not a keys file; its first line must be 'file,key'")
    return {row[0].strip(): row[1].strip() for row in rows[1:] if len(row) >= 2 and row[0]}


def is_rsa_envelope(data: bytes) -> bool:
    return data.removeprefix(b"\xef\xbb\xbf").startswith(RSA_MAGIC)


def is_plain_cfg(data: bytes) -> bool:
    """True when ``data`` is a text file, not an encrypted one: UTF-8 and no RSA envelope.

    AES ciphertext is uniformly random bytes, which is never valid UTF-8 for a file of
    two or more blocks (the odds are below 2 ** -20); a text file that is not a cfg file
    is left to the lint rules.
    """
    if is_rsa_envelope(data):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def mode_of(data: bytes) -> EncryptionMode:
    if is_rsa_envelope(data):
        return "rsa"
    return "plain" if is_plain_cfg(data) else "aes"


def aes_key_for(keys: PhoneKeys, name: str, path: str, is_common: bool) -> str | None:
    """The AES key for the file ``name`` (its URL path is ``path``), or None."""
    for candidate in (path, path.lstrip("/"), name):
        if candidate in keys.by_file:
            return keys.by_file[candidate]
    for file, key in keys.by_file.items():
        if file.rpartition("/")[2] == name:
            return key
    return keys.common if is_common else keys.mac


def decrypt_rsa(data: bytes, keys: PhoneKeys) -> bytes:
    if keys.rsa_private is None:
        raise KeyProblem("missing", "the file is RSA-encrypted and no --rsa-private key was given")
    try:
        return cfgtool.decrypt_rsa(data, keys.rsa_private)
    except CryptoError as exc:
        raise KeyProblem("wrong", f"RSA decryption failed: {exc}") from None


def decrypt_aes(data: bytes, key: str, source: str) -> bytes:
    try:
        return cfgtool.decrypt_bytes(data, key)
    except CryptoError:
        raise KeyProblem(
            "wrong", f"wrong {source} key: the file does not decrypt to a cfg file"
        ) from None


def decrypt_with_security(data: bytes, security: bytes) -> bytes:
    try:
        return cfgtool.decrypt_keyfile(data, security)
    except CryptoError as exc:
        raise KeyProblem("wrong", f"the {SECURITY_SUFFIX} key does not fit: {exc}") from None


def decode_text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CfgDecodeError(f"{name}: not UTF-8 text", path=name, offset=exc.start) from None
