"""RSA mode: a CRLF text envelope holding the AES key under an RSA public key (PKCS#1 v1.5).

``cryptography`` is imported inside the functions that need it, so that
``import cfgtool`` stays cheap.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

from cfgtool.errors import CryptoError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cfgtool.crypto.aes import decrypt_bytes, encrypt_bytes
from cfgtool.crypto.keys import (
    DEFAULT_RSA_KEY_LENGTH,
    WRONG_KEY,
    NotEncryptedError,
    generate_key,
    validate_aes_key,
)
from cfgtool.sources import ENCRYPTED_PREFIX, UTF8_BOM, is_encrypted

RSA_MAGIC = ENCRYPTED_PREFIX  # the envelope's first line (cfgtool.sources knows it too)
RSA_VERSION = "1.0.0.0"
RSA_SIGNATURE = "RSA_256"  # the vendor's header is spelled "key_signatue"
RSA_BEGIN = "#!---BEGIN CONFIG DATA---"
RSA_END = "#!---END CONFIG DATA---"


def load_rsa_public_key(pem: bytes) -> RSAPublicKey:
    """An RSA public key from PEM (a public key or a certificate)."""
    # lazy: cryptography is imported only when an RSA key is used
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        if b"-----BEGIN CERTIFICATE-----" in pem:
            key: object = x509.load_pem_x509_certificate(pem).public_key()
        else:
            key = load_pem_public_key(pem)
    except ValueError as exc:
        raise CryptoError(f"not a PEM public key or certificate: {exc}") from None
    if not isinstance(key, RSAPublicKey):
        raise CryptoError(f"not an RSA public key (it is {type(key).__name__})")
    return key


MIN_RSA_BITS = 2048


def rsa_key_weakness(key: RSAPublicKey) -> str | None:
    """Why ``key`` is too short to keep the AES keys it carries secret (< 2048 bits), or None."""
    if key.key_size >= MIN_RSA_BITS:
        return None
    return (
        f"the RSA public key has only {key.key_size} bits; keys under {MIN_RSA_BITS} bits "
        "can be factored, which opens every file encrypted for it: use a 2048-bit key"
    )


def load_rsa_private_key(pem: bytes) -> RSAPrivateKey:
    """An unencrypted RSA private key from PEM."""
    # lazy: cryptography is imported only when an RSA key is used
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key: object = load_pem_private_key(pem, password=None)
    except TypeError:
        raise CryptoError(
            "the RSA private key is password-protected, which is not supported"
        ) from None
    except ValueError as exc:
        raise CryptoError(f"not a PEM private key: {exc}") from None
    if not isinstance(key, RSAPrivateKey):
        raise CryptoError(f"not an RSA private key (it is {type(key).__name__})")
    return key


def is_rsa_envelope(data: bytes) -> bool:
    """True when ``data`` starts like an RSA-mode file (``#!encrypt:``)."""
    return is_encrypted(data)


def encrypt_rsa(data: bytes, public_key: bytes | RSAPublicKey, key: str | None = None) -> bytes:
    """Encrypt ``data`` in RSA mode: the CRLF text file the vendor tool writes.

    ``key`` is the AES key (a random 32-character one by default); it travels
    inside the file, encrypted with ``public_key`` (PEM or a loaded key).
    """
    # lazy: cryptography is imported only when an RSA key is used
    from cryptography.hazmat.primitives.asymmetric import padding

    key = generate_key(DEFAULT_RSA_KEY_LENGTH) if key is None else validate_aes_key(key)
    rsa_key = load_rsa_public_key(public_key) if isinstance(public_key, bytes) else public_key
    key_ciphertext = rsa_key.encrypt(key.encode("ascii"), padding.PKCS1v15())
    lines = [
        f"{RSA_MAGIC}{RSA_VERSION}",
        f"#!key_signatue:{RSA_SIGNATURE}",
        f"#!conf_encryption:AES_{len(key) * 8}",
        f"#!key_ciphertext:{base64.b64encode(key_ciphertext).decode('ascii')}",
        RSA_BEGIN,
        base64.b64encode(encrypt_bytes(data, key)).decode("ascii"),
        RSA_END,
    ]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def decrypt_rsa(data: bytes, private_key: bytes | RSAPrivateKey, *, check: bool = True) -> bytes:
    """Decrypt an RSA-mode file with the private key matching the one it was made for."""
    # lazy: cryptography is imported only when an RSA key is used
    from cryptography.hazmat.primitives.asymmetric import padding

    headers, payload = _parse_rsa_envelope(data)
    rsa_key = load_rsa_private_key(private_key) if isinstance(private_key, bytes) else private_key
    try:
        key_ciphertext = base64.b64decode(headers["key_ciphertext"], validate=True)
        ciphertext = base64.b64decode(payload, validate=True)
    except binascii.Error:
        raise NotEncryptedError("not an RSA-encrypted cfg file: its base64 is damaged") from None
    try:
        key = validate_aes_key(rsa_key.decrypt(key_ciphertext, padding.PKCS1v15()).decode("ascii"))
    except (ValueError, UnicodeDecodeError, CryptoError):
        # ValueError is also what a wrong private key gives; newer OpenSSL returns
        # random bytes instead (implicit rejection), which fail validation.
        raise NotEncryptedError(f"{WRONG_KEY} (the RSA private key does not open it)") from None
    if headers.get("conf_encryption", f"AES_{len(key) * 8}") != f"AES_{len(key) * 8}":
        raise NotEncryptedError(f"{WRONG_KEY} (the RSA private key does not open it)")
    return decrypt_bytes(ciphertext, key, check=check)


def _parse_rsa_envelope(data: bytes) -> tuple[dict[str, str], str]:
    """Header fields (``name`` → value) and the base64 payload of an RSA-mode file."""
    try:
        # A UTF-8 BOM (an editor's) is not part of the envelope: the rest must be ASCII.
        lines = data.removeprefix(UTF8_BOM).decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise NotEncryptedError("not an RSA-encrypted cfg file: it is not ASCII text") from None
    if not lines or not lines[0].startswith(RSA_MAGIC):
        raise NotEncryptedError(
            f"not an RSA-encrypted cfg file: it does not start with {RSA_MAGIC}"
        )
    headers: dict[str, str] = {}
    payload: list[str] = []
    section = "headers"
    for line in (raw.strip() for raw in lines):
        if line == RSA_BEGIN:
            section = "data"
        elif line == RSA_END:
            section = "end"
        elif section == "headers" and line.startswith("#!"):
            name, _, value = line[2:].partition(":")
            headers[name] = value
        elif section == "data":
            payload.append(line)
    if section != "end" or "key_ciphertext" not in headers:
        raise NotEncryptedError(
            "not an RSA-encrypted cfg file: it lacks the key or the BEGIN/END CONFIG DATA lines"
        )
    return headers, "".join(payload)


# --- format detection and phone settings -------------------------------------------
