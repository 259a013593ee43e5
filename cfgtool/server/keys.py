"""``--keys keys.csv``: serve files AES-encrypted, exactly as ``cfgtool encrypt`` writes them.

``keys.csv`` is the file ``cfgtool encrypt --generate-key`` writes (header
``file,key``). A file is encrypted with the key of its name; when every row
has the same key (one ``--generate-key`` run), that key also covers the
other ``.cfg`` files — Common and ``<mac>.cfg``, including rendered ones —
but never ``<mac>-local.cfg`` (the phone's own upload, which it reads plain).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import threading
from pathlib import Path

import cfgtool
from cfgtool.errors import ConfigError, CryptoError
from cfgtool.filenames import classify


def parse_keys_csv(text: str, where: str) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [cell.strip() for cell in rows[0]] != ["file", "key"]:
        raise ConfigError(f"{where}: not a keys file (header file,key, as cfgtool encrypt writes)")
    keys: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != 2:
            raise ConfigError(f"{where}:{number}: write file,key")
        try:
            keys[row[0]] = cfgtool.validate_aes_key(row[1])
        except CryptoError as exc:
            raise ConfigError(f"{where}:{number}: {exc}") from None
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
            self._keys = parse_keys_csv(self.path.read_text(encoding="utf-8"), str(self.path))
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
