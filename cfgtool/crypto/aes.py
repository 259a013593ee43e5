"""Plain AES mode: AES-ECB under the key's ASCII bytes over the zero-padded plaintext.

``cryptography`` is imported inside the functions that need it, so that
``import cfgtool`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers import Cipher
from cfgtool.crypto.keys import (
    BLOCK_SIZE,
    WRONG_KEY,
    NotEncryptedError,
    validate_aes_key,
)
from cfgtool.sources import is_plausible_cfg


def _aes_ecb(key: str) -> Cipher[Any]:
    # lazy: cryptography costs start-up time that `import cfgtool` and lint never need
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    return Cipher(algorithms.AES(key.encode("ascii")), modes.ECB())


def zero_pad(data: bytes) -> bytes:
    """``data`` padded with 0x00 bytes to a multiple of 16 (unchanged if it already is one)."""
    return data + b"\0" * (-len(data) % BLOCK_SIZE)


def encrypt_bytes(data: bytes, key: str) -> bytes:
    """AES-ECB encrypt ``data`` (zero-padded) under ``key``: what the phone decrypts.

    >>> len(encrypt_bytes(b"#!version:1.0.0.1\\n", "0123456789abcdef"))
    32
    """
    encryptor = _aes_ecb(validate_aes_key(key)).encryptor()
    return encryptor.update(zero_pad(data)) + encryptor.finalize()


def decrypt_bytes(data: bytes, key: str, *, check: bool = True) -> bytes:
    """Decrypt what :func:`encrypt_bytes` made, with the zero padding stripped.

    With ``check`` (the default), raise :class:`NotEncryptedError` unless the
    result is a plausible cfg file (see :func:`is_plausible_cfg`): that is how a
    wrong key shows. Trailing 0x00 bytes of the plaintext itself are stripped
    too; text files have none.
    """
    validate_aes_key(key)
    if len(data) % BLOCK_SIZE:
        raise NotEncryptedError(
            f"{WRONG_KEY}: AES ciphertext is a whole number of 16-byte blocks, "
            f"and this is {len(data)} bytes"
        )
    decryptor = _aes_ecb(key).decryptor()
    plaintext = (decryptor.update(data) + decryptor.finalize()).rstrip(b"\0")
    if check and not is_plausible_cfg(plaintext):
        raise NotEncryptedError(WRONG_KEY)
    return plaintext
