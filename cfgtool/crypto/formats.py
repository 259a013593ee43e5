"""Which format an encrypted file is in, and the phone settings that decrypt each."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from cfgtool.errors import CryptoError
from cfgtool.parser import format_entry

if TYPE_CHECKING:
    pass
from cfgtool.crypto.keyfile import security_file_path
from cfgtool.crypto.keys import (
    Mode,
)
from cfgtool.crypto.rsa import is_rsa_envelope


def detect_format(data: bytes, path: str | os.PathLike[str] | None = None) -> Mode:
    """``rsa`` for an RSA envelope, ``keyfile`` when ``path`` has a ``_Security.enc``
    next to it, else ``aes`` (a key is needed)."""
    if is_rsa_envelope(data):
        return "rsa"
    if path is not None and security_file_path(path).is_file():
        return "keyfile"
    return "aes"


def phone_config_lines(mode: Mode, key: str | None = None) -> list[str]:
    """The settings that let a phone decrypt files of ``mode`` (for its web UI or boot file)."""
    if mode == "keyfile":
        return [format_entry("static.auto_provision.aes_key_in_file", "1")]
    if mode == "aes" and key is not None:
        return [
            format_entry("static.auto_provision.aes_key_in_file", "0"),
            format_entry("static.auto_provision.aes_key.com", key),
            format_entry("static.auto_provision.aes_key.mac", key),
        ]
    if mode == "aes":
        raise CryptoError("the phone settings of aes mode need the key")
    raise CryptoError("rsa mode has no AES key setting on the phone; install its private key")
