"""TFTP (tftpy): reads of phone files and writes of uploads, with blksize and tsize.

TFTP has no credentials, so a request into an ``--auth`` directory is
refused (the start-up message says so). tftpy is given an empty directory
as its root and serves everything through callbacks, so every read and
write goes through :mod:`cfgtool.server.paths` and the same content and
upload rules as HTTP; tftpy itself never opens a file in ROOT.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import socket
import tempfile
import threading
from typing import Any

from cfgtool.server.paths import Refusal, request_parts
from cfgtool.server.requestlog import Record, identify
from cfgtool.server.service import Service
from cfgtool.server.uploads import UploadBuffer, upload_mac

SESSION_TIMEOUT = 2.0
START_TIMEOUT = 5.0
# An ERROR packet: wakes the server's select() at shutdown; tftpy drops it.
_WAKE = b"\x00\x05\x00\x00stop\x00"


class _FileLike:
    """tftpy's server sessions flock() their file object at the end, whatever the server's
    ``flock`` says (tftpy 0.8.x does not pass it on), and an in-memory buffer has no file
    descriptor: ours lend one open on /dev/null, so a finished or aborted transfer ends
    cleanly instead of killing the server's thread."""

    devnull: int = -1

    def fileno(self) -> int:
        if _FileLike.devnull < 0:
            _FileLike.devnull = os.open(os.devnull, os.O_RDONLY)
        return _FileLike.devnull


class _Download(_FileLike, io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name  # tftpy logs it


class _Upload(_FileLike, UploadBuffer):
    """Collects a TFTP write in memory; stores it (atomically) only when it completed."""

    def __init__(
        self, frontend: TftpFrontend, record: Record, parts: tuple[str, ...], context: Any
    ) -> None:
        super().__init__(record, parts, "/".join(parts), frontend.service.config.max_upload)
        self.frontend = frontend
        self.context = context
        self.complete = False

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if not self.take(chunk):
            # tftpy: the serve extra, loaded with the server. An ERROR packet stops the client
            # at once (it would retry for half a minute), the exception ends the session.
            from tftpy import TftpErrors, TftpException

            self.context.state.sendError(TftpErrors.DiskFull)
            raise TftpException("upload too large")
        if len(chunk) < self.context.getBlocksize() and not self.complete:
            self.complete = True  # the last block: store now, tftpy closes the file later
            self.frontend.finish_upload(self)
        return len(chunk)

    def close(self) -> None:
        if not self.closed and not self.complete:
            self.frontend.finish_upload(self)
        super().close()


class TftpFrontend:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.server: Any = None
        self.thread: threading.Thread | None = None
        self.port = 0
        self._empty_root = tempfile.mkdtemp(prefix="cfgtool-tftp-")

    def _record(self, method: str, filename: str, client: str) -> Record:
        return identify(Record(client, "tftp", method, filename.lstrip("/"), 0), None)

    def _parts(self, record: Record, filename: str) -> tuple[str, ...] | None:
        service = self.service
        if not service.allowed(record.client):
            self.service.refuse(record, Refusal(403, "client not in --allow"))
            return None
        try:
            parts = request_parts(filename, encoded=False)
        except Refusal as refusal:
            self.service.refuse(record, refusal)
            return None
        record.path = "/".join(parts)
        protected = service.protections.for_parts(parts)
        if protected is not None:
            reason = f"TFTP has no credentials: {protected[0]}/ is protected (use HTTP or FTP)"
            self.service.refuse(record, Refusal(403, reason))
            return None
        return parts

    def read(
        self, filename: str, raddress: str = "-", rport: int = 0, **_: Any
    ) -> _Download | None:
        """tftpy's ``dyn_file_func``: the bytes to send, or None (File not found)."""
        record = self._record("RRQ", filename, raddress)
        parts = self._parts(record, filename)
        if parts is None:
            return None
        try:
            served = self.service.content.get(parts, record.mac)
        except Refusal as refusal:
            self.service.refuse(record, refusal)
            return None
        record.status, record.bytes, record.md5 = 200, len(served.data), served.md5
        self.service.log.write(record)
        return _Download(served.data, record.path)

    def open_upload(self, path: str, context: Any) -> _Upload | None:
        """tftpy's ``upload_open``: a buffer for an allowed upload, else None (refused)."""
        filename = context.file_to_transfer
        record = self._record("WRQ", filename, context.host)
        parts = self._parts(record, filename)
        if parts is None:
            return None
        try:
            upload_mac(parts, None)
            self.service.uploads.target(parts)
        except Refusal as refusal:
            self.service.refuse(record, refusal)
            return None
        return _Upload(self, record, parts, context)

    def finish_upload(self, upload: _Upload) -> None:
        record = upload.record
        if upload.too_big:
            self.service.refuse(record, self.service.uploads.too_large())
            return
        if not upload.complete:
            self.service.refuse(
                record, Refusal(408, "upload incomplete (timeout or abort); nothing written")
            )
            return
        self.service.store_upload(record, upload.parts, bytes(upload.buffer))

    def start(self, host: str, port: int) -> int:
        # tftpy is the serve extra: imported when a TFTP server starts.
        import tftpy

        logging.getLogger("tftpy").setLevel(logging.CRITICAL)
        self.server = tftpy.TftpServer(
            self._empty_root, dyn_file_func=self.read, upload_open=self.open_upload, flock=False
        )
        self.thread = threading.Thread(
            target=self.server.listen,
            kwargs={"listenip": host, "listenport": port, "timeout": SESSION_TIMEOUT},
            name="cfgtool-tftp",
            daemon=True,
        )
        self.thread.start()
        if not self.server.is_running.wait(START_TIMEOUT):
            raise OSError(f"TFTP server did not start on {host}:{port}")
        self.host = host
        self.port = int(self.server.listenport)
        return self.port

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.stop(now=True)
            wake_host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
            family = socket.AF_INET6 if ":" in wake_host else socket.AF_INET
            with socket.socket(family, socket.SOCK_DGRAM) as sock:
                sock.sendto(_WAKE, (wake_host, self.port))
            self.thread.join(SESSION_TIMEOUT * 3)
        shutil.rmtree(self._empty_root, ignore_errors=True)
