"""Key-file ("compatibility") mode: a random key per file, wrapped in ``<name>_Security.enc``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cfgtool.errors import CryptoError

if TYPE_CHECKING:
    pass
from cfgtool.crypto.aes import decrypt_bytes, encrypt_bytes
from cfgtool.crypto.keys import (
    BUILTIN_KEY,
    SECURITY_SUFFIX,
    NotEncryptedError,
    generate_key,
    validate_aes_key,
)


class KeyFileCiphertext(NamedTuple):
    """What key-file mode writes: the encrypted file, its ``_Security.enc``, and the key."""

    ciphertext: bytes
    security: bytes
    key: str


def security_file_name(name: str) -> str:
    """``y000000000028.cfg`` → ``y000000000028_Security.enc``."""
    return Path(name).stem + SECURITY_SUFFIX


def make_security_file(key: str) -> bytes:
    """The 16 bytes of a ``_Security.enc``: ``key`` under :data:`BUILTIN_KEY`."""
    if len(validate_aes_key(key)) != 16:
        raise CryptoError(f"keyfile mode needs a 16-character key, not {len(key)} characters")
    return encrypt_bytes(key.encode("ascii"), BUILTIN_KEY)


def read_security_file(data: bytes) -> str:
    """The key inside a ``_Security.enc`` file; :class:`NotEncryptedError` if it holds none."""
    if len(data) != 16:
        raise NotEncryptedError(
            f"not a {SECURITY_SUFFIX} file: it must be 16 bytes, and it is {len(data)}"
        )
    key_bytes = decrypt_bytes(data, BUILTIN_KEY, check=False)
    try:
        return validate_aes_key(key_bytes.decode("ascii"))
    except (UnicodeDecodeError, CryptoError):
        raise NotEncryptedError(f"not a {SECURITY_SUFFIX} file: it holds no valid key") from None


def encrypt_keyfile(data: bytes, key: str | None = None) -> KeyFileCiphertext:
    """Encrypt ``data`` in key-file mode, with ``key`` or a fresh random 16-character one."""
    key = generate_key(16) if key is None else key
    security = make_security_file(key)
    return KeyFileCiphertext(encrypt_bytes(data, key), security, key)


def decrypt_keyfile(data: bytes, security: bytes, *, check: bool = True) -> bytes:
    """Decrypt a key-file mode file with the contents of its ``_Security.enc``."""
    return decrypt_bytes(data, read_security_file(security), check=check)


# --- RSA mode ----------------------------------------------------------------------


def security_file_path(path: str | os.PathLike[str]) -> Path:
    """Where a file's ``_Security.enc`` lives: next to it."""
    target = Path(path)
    return target.with_name(security_file_name(target.name))
