"""``--keys keys.csv``: serve files AES-encrypted, exactly as ``cfgtool encrypt`` writes them.

``keys.csv`` is the file ``cfgtool encrypt --generate-key`` writes (header
``file,key``). A file is encrypted with the key of its name; when every row
has the same key (one ``--generate-key`` run), that key also covers the
other ``.cfg`` files — Common and ``<mac>.cfg``, including rendered ones —
but never ``<mac>-local.cfg`` (the phone's own upload, which it reads plain).
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import cfgtool
from cfgtool.crypto import read_keys_csv
from cfgtool.errors import ConfigError, CryptoError
from cfgtool.filenames import classify


def read_keys(path: Path) -> dict[str, str]:
    """``keys.csv`` as ``cfgtool encrypt`` writes it (:func:`cfgtool.crypto.read_keys_csv`),
    every key checked; a :class:`ConfigError` names the row that is wrong."""
    try:
        keys = read_keys_csv(path)
    except CryptoError as exc:
        raise ConfigError(f"--keys: {exc}") from None
    for name, key in keys.items():
        try:
            cfgtool.validate_aes_key(key)
        except CryptoError as exc:
            raise ConfigError(f"--keys {path}: the key of {name}: {exc}") from None
    return keys


class Keys:
    """The AES key for each served file name; re-read when ``keys.csv`` changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._keys: dict[str, str] = {}
        self._reload()

    def _reload(self) -> None:
        status = os.stat(self.path)
        stamp = (status.st_mtime_ns, status.st_size)
        if stamp == self._stamp:
            return
        with self._lock:
            self._keys = read_keys(self.path)
            self._stamp = stamp

    def key_for(self, name: str) -> str | None:
        with contextlib.suppress(OSError, ConfigError):  # a broken edit keeps the keys read last
            self._reload()
        key = self._keys.get(name)
        if key is not None:
            return key
        kind = classify(name).kind
        distinct = set(self._keys.values())
        if len(distinct) == 1 and name.endswith(".cfg") and kind in ("common", "mac"):
            return next(iter(distinct))
        return None

    def encrypt(self, name: str, data: bytes) -> bytes:
        key = self.key_for(name)
        return data if key is None else cfgtool.encrypt_bytes(data, key)

    def __len__(self) -> int:
        return len(self._keys)
