"""Source files as bytes and text: read, decode, and "is this cfg text at all?", in one place.

Every command that reads a cfg file asks the same questions of it: is it
UTF-8 (:func:`decode`), is it an RSA-mode encrypted envelope
(:func:`is_encrypted`), is it binary (:func:`not_text_reason`), does
decrypted output look like a cfg file (:func:`is_plausible_cfg`). Lint turns
the answer into CFG107, encrypt into a refusal, diff into "compared by MD5
only".
"""

from __future__ import annotations

from cfgtool.errors import CfgDecodeError
from cfgtool.nodes import Entry
from cfgtool.parser import decode, loads
from cfgtool.reading import read_bytes

__all__ = [
    "ENCRYPTED_PREFIX",
    "UTF8_BOM",
    "cfg_text",
    "decode",
    "is_encrypted",
    "is_plausible_cfg",
    "not_text_reason",
    "read_bytes",
]

# The first line of a Yealink RSA-mode file (the vendor tool's "#!encrypt:..." envelope).
ENCRYPTED_PREFIX = "#!encrypt:"
UTF8_BOM = b"\xef\xbb\xbf"


def is_encrypted(data: bytes) -> bool:
    """True when ``data`` starts like an RSA-mode file (``#!encrypt:``, a BOM allowed)."""
    return data.removeprefix(UTF8_BOM).startswith(ENCRYPTED_PREFIX.encode("ascii"))


def not_text_reason(text: str) -> str | None:
    """Why decoded text is not a cfg file at all (encrypted, binary), or None."""
    if text.lstrip("\ufeff").startswith(ENCRYPTED_PREFIX):
        return "file is encrypted (Yealink RSA format); lint the plaintext before encrypting it"
    nul = text.find("\x00")
    if nul >= 0:
        offset = len(text[:nul].encode("utf-8"))
        return f"binary data (NUL byte at offset {offset}); is it encrypted or not a cfg file?"
    return None


def cfg_text(data: bytes, path: str | None = None) -> str | None:
    """``data`` decoded, or None when it is not cfg text (not UTF-8, encrypted, binary)."""
    try:
        text = decode(data, path=path)
    except CfgDecodeError:
        return None
    return None if not_text_reason(text) else text


def is_plausible_cfg(data: bytes) -> bool:
    """True when ``data`` is UTF-8 text with a ``#!version`` header or a ``key = value`` line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    doc = loads(text)
    return doc.header is not None or any(isinstance(item, Entry) for item in doc.items)
