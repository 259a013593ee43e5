"""The bytes a phone gets for a path: an upload, a rendered file, or the file on disk,
encrypted when ``--keys`` says so. Shared by HTTP, TFTP and FTP."""

from __future__ import annotations

import email.utils
import functools
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cfgtool.filenames import classify
from cfgtool.server.keys import Keys
from cfgtool.server.ondemand import OnDemand
from cfgtool.server.paths import Refusal, case_hint, resolve_file
from cfgtool.server.requestlog import is_boot_probe
from cfgtool.server.uploads import UPLOAD_NAME

CACHE_FILE_MAX = 4 * 1024 * 1024
CACHE_TOTAL_MAX = 256 * 1024 * 1024


@dataclass(frozen=True, eq=False)
class Served:
    """One response body and what HTTP caching needs about it."""

    data: bytes
    md5: str
    mtime: float
    source: str  # file | rendered | upload
    encrypted: bool = False

    @property
    def etag(self) -> str:
        return f'"{self.md5}"'

    @functools.cached_property
    def last_modified(self) -> str:
        return email.utils.formatdate(self.mtime, usegmt=True)


class Content:
    """Finds what to serve; caches small files by (path, mtime, size)."""

    def __init__(
        self,
        root: Path,
        upload_root: Path | None,
        ondemand: OnDemand | None,
        keys: Keys | None,
        private: set[str],
    ) -> None:
        self.root = root
        self.upload_root = upload_root if upload_root and upload_root != root else None
        self.ondemand = ondemand
        self.keys = keys
        self.private = private  # real paths never served (credential files, keys, log)
        self._real_root = os.path.realpath(root)
        # relative path -> (device, inode, mtime, size) of the file it resolved to, and the
        # bytes. One stat() of the joined path revalidates it: the same inode is the same
        # file that was resolved inside ROOT, whatever symlinks changed since.
        self._cache: dict[str, tuple[tuple[int, int, int, int], Served]] = {}
        self._cached_bytes = 0
        self._lock = threading.Lock()

    def get(self, parts: tuple[str, ...], agent_mac: str | None = None) -> Served:
        """What to serve for ``parts``, or :class:`Refusal` (404 with a hint, 403)."""
        relative = "/".join(parts)
        name = parts[-1] if parts else ""
        if self.upload_root is not None and UPLOAD_NAME.fullmatch(name):
            found = resolve_file(self.upload_root, parts)
            if found is not None:
                return self._file(found, name, "upload")
        if self.ondemand is not None and classify(name).kind == "mac":
            rendered = self.ondemand.lookup(relative, classify(name).mac)
            if rendered is not None:
                return self._encrypted(
                    name, Served(rendered.data, rendered.md5, rendered.mtime, "rendered")
                )
        cached = self._cache.get(relative)
        if cached is not None:
            try:
                status = os.stat(os.path.join(self._real_root, relative))
            except OSError:
                status = None
            if status is not None and cached[0] == _stamp(status):
                return cached[1]
        found = resolve_file(self.root, parts, self._real_root)
        if found is None or str(found) in self.private:
            raise self._missing(parts)
        return self._file(found, name, "file", relative)

    def _missing(self, parts: tuple[str, ...]) -> Refusal:
        if is_boot_probe(parts[-1]):
            return Refusal(404, "boot-file probe: no such file (phones carry on without)", True)
        hint = case_hint(self.root, parts)
        if hint is not None:
            return Refusal(
                404,
                f"not found; the tree has {hint!r}, which differs only in letter case "
                "(phones ask for lowercase MAC file names: rename it)",
            )
        return Refusal(404, "not found")

    def _file(self, path: Path, name: str, source: str, relative: str | None = None) -> Served:
        try:
            with path.open("rb") as handle:
                status = os.fstat(handle.fileno())
                data = handle.read()
        except OSError as exc:
            raise Refusal(403, f"cannot read: {exc.strerror}") from None
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        served = self._encrypted(name, Served(data, md5, status.st_mtime, source))
        # Not cached with --keys (keys.csv may change) or for uploads (served from --uploads).
        if relative is not None and len(data) <= CACHE_FILE_MAX and self.keys is None:
            with self._lock:
                if self._cached_bytes + len(data) > CACHE_TOTAL_MAX:
                    self._cache.clear()
                    self._cached_bytes = 0
                self._cache[relative] = (_stamp(status), served)
                self._cached_bytes += len(data)
        return served

    def _encrypted(self, name: str, served: Served) -> Served:
        if self.keys is None or self.keys.key_for(name) is None:
            return served
        data = self.keys.encrypt(name, served.data)
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        return Served(data, md5, served.mtime, served.source, encrypted=True)


def _stamp(status: os.stat_result) -> tuple[int, int, int, int]:
    return (status.st_dev, status.st_ino, status.st_mtime_ns, status.st_size)
