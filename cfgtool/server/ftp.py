"""FTP (pyftpdlib): RETR of phone files, STOR of uploads, users jailed to their directory.

* Anonymous login sees ROOT except the ``--auth`` directories.
* A user of an ``--auth DIR=FILE`` file logs in with its password (bcrypt
  or htdigest HA1) and is jailed to ``DIR`` (its FTP root).
* No listing, no delete, rename or mkdir: phones only RETR and STOR, and a
  STOR is an upload (same names, size limit and atomic write as HTTP).
* Failed logins: one log line each, and ``--allow``/rate limits as for HTTP.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import socket
import threading
from typing import Any

from cfgtool.server.paths import Refusal, is_inside, request_parts
from cfgtool.server.requestlog import Record, identify
from cfgtool.server.service import Service
from cfgtool.server.uploads import UploadBuffer, upload_mac

ANONYMOUS = "anonymous"
READ_PERMS = "elr"  # CWD, SIZE/MDTM and RETR; the listing commands are answered 550 below
UPLOAD_PERM = "w"
POLL = 0.2


class FtpFrontend:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.root = os.path.realpath(service.config.root)
        self.users: dict[str, str] = {}  # user -> jail directory (relative to ROOT)
        for directory, _ in service.config.auth:
            credentials = service.protections.for_parts(tuple(directory.split("/")))
            if credentials is not None:
                for entry in credentials[1].entries:
                    self.users.setdefault(entry.user, directory)
        self._stop = threading.Event()
        self.thread: threading.Thread | None = None
        self.server: Any = None

    # --- authorizer (duck-typed for pyftpdlib) ---------------------------------------------

    def has_user(self, username: str) -> bool:
        return username == ANONYMOUS or username in self.users

    def home(self, username: str) -> str:
        if username == ANONYMOUS:
            return self.root
        return os.path.join(self.root, self.users[username])

    def login(self, username: str, password: str, client: str) -> str | None:
        """None when the login is good, else why not."""
        service = self.service
        if not service.allowed(client):
            return "client not in --allow"
        if service.limiter.blocked(client):
            return "too many failed logins from this address; wait a minute"
        if username == ANONYMOUS:
            return None
        directory = self.users.get(username)
        if directory is None:
            return f"unknown user {username!r}"
        protected = service.protections.for_parts(tuple(directory.split("/")))
        if protected is None or not protected[1].check_password(username, password):
            return f"wrong password for user {username!r}"
        return None

    def may(self, username: str, perm: str, path: str | None) -> bool:
        if perm not in READ_PERMS + UPLOAD_PERM:
            return False
        if path is None:
            return True
        real = os.path.realpath(path)
        if not is_inside(real, os.path.realpath(self.home(username))):
            return False
        if username == ANONYMOUS:
            relative = os.path.relpath(real, self.root)
            parts = () if relative == "." else tuple(relative.split(os.sep))
            if self.service.protections.for_parts(parts) is not None:
                return False
        return True

    # --- files ----------------------------------------------------------------------------

    def parts_of(self, path: str) -> tuple[str, ...]:
        relative = os.path.relpath(os.path.abspath(path), self.root)
        if relative.startswith(".."):
            raise Refusal(403, "outside the tree")
        return request_parts(relative.replace(os.sep, "/"), encoded=False)

    def record(self, handler: Any, method: str, path: str) -> Record:
        relative = os.path.relpath(os.path.abspath(path), self.root)
        user = handler.username if handler.username != ANONYMOUS else None
        record = Record(handler.remote_ip, "ftp", method, relative, 0, user=user)
        return identify(record, None)

    def open_read(self, handler: Any, path: str) -> io.BytesIO:
        record = self.record(handler, "RETR", path)
        try:
            parts = self.parts_of(path)
            served = self.service.content.get(parts, record.mac)
        except Refusal as refusal:
            self.service.refuse(record, refusal)
            raise OSError(2, "No such file") from None
        record.status, record.bytes, record.md5 = 200, len(served.data), served.md5
        self.service.log.write(record)
        buffer = io.BytesIO(served.data)
        buffer.name = path
        return buffer

    def size(self, path: str) -> int | None:
        """SIZE: what RETR would send (rendered or encrypted bytes included); not logged."""
        try:
            return len(self.service.content.get(self.parts_of(path)).data)
        except Refusal:
            return None

    def open_write(self, handler: Any, path: str) -> _FtpUpload:
        record = self.record(handler, "STOR", path)
        try:
            parts = self.parts_of(path)
            upload_mac(parts, None)
            self.service.uploads.target(parts)
        except Refusal as refusal:
            self.service.refuse(record, refusal)
            raise OSError(
                13, "Permission denied: uploads are <mac>-local.cfg and <mac>-contact.xml"
            ) from None
        return _FtpUpload(self, record, parts, path)

    # --- running --------------------------------------------------------------------------

    def start(self, host: str, port: int) -> int:
        # pyftpdlib is the serve extra: imported when an FTP server starts.
        from pyftpdlib.ioloop import IOLoop
        from pyftpdlib.servers import FTPServer

        logging.getLogger("pyftpdlib").setLevel(logging.WARNING)

        handler = _handler_class(self)
        # An IOLoop of its own: pyftpdlib's default is one per process, and close_all() on it
        # would close every other FTP server's sockets too (two servers in one process).
        self.server = FTPServer((host, port), handler, ioloop=IOLoop())
        bound = int(self.server.socket.getsockname()[1])
        self.address = (host, bound)
        self.thread = threading.Thread(target=self._run, name="cfgtool-ftp", daemon=True)
        self.thread.start()
        return bound

    def _run(self) -> None:
        while not self._stop.is_set():
            self.server.ioloop.loop(POLL, blocking=False)
        self.server.close_all()

    def stop(self) -> None:
        self._stop.set()
        if self.thread is not None:
            host, port = self.address
            wake = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            with contextlib.suppress(OSError):  # wakes the poll loop so it sees the stop
                socket.create_connection((wake, port), timeout=1).close()
            self.thread.join(5)


class _FtpUpload(UploadBuffer):
    def __init__(
        self, frontend: FtpFrontend, record: Record, parts: tuple[str, ...], path: str
    ) -> None:
        super().__init__(record, parts, path, frontend.service.config.max_upload)
        self.frontend = frontend
        self.committed = False

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if not self.take(chunk):
            raise OSError(27, "File too large")
        return len(chunk)

    def commit(self) -> None:
        """Store the whole upload (or log why not); once, however often it is called."""
        if self.committed:
            return
        self.committed = True
        service = self.frontend.service
        if self.too_big:
            service.refuse(self.record, service.uploads.too_large())
            return
        service.store_upload(self.record, self.parts, bytes(self.buffer))


def _handler_class(frontend: FtpFrontend) -> Any:
    """pyftpdlib handler, file system and authorizer classes bound to ``frontend``."""
    # pyftpdlib is the serve extra: its classes are subclassed only when FTP starts.
    from pyftpdlib.authorizers import AuthenticationFailed
    from pyftpdlib.filesystems import AbstractedFS
    from pyftpdlib.handlers import DTPHandler, FTPHandler

    class Authorizer:
        def validate_authentication(self, username: str, password: str, handler: Any) -> None:
            reason = frontend.login(username, password, handler.remote_ip)
            if reason is not None:
                record = Record(handler.remote_ip, "ftp", "USER", "", 530, user=username)
                if reason.startswith("client not in"):
                    frontend.service.refuse(record, Refusal(403, reason))
                else:
                    frontend.service.auth_failure(record, reason)
                raise AuthenticationFailed("Authentication failed.")

        def get_home_dir(self, username: str) -> str:
            return frontend.home(username)

        def has_user(self, username: str) -> bool:
            return frontend.has_user(username)

        def has_perm(self, username: str, perm: str, path: str | None = None) -> bool:
            return frontend.may(username, perm, path)

        def get_perms(self, username: str) -> str:
            return READ_PERMS + UPLOAD_PERM

        def get_msg_login(self, username: str) -> str:
            return "cfgtool serve: logged in."

        def get_msg_quit(self, username: str) -> str:
            return "Goodbye."

        def impersonate_user(self, username: str, password: str) -> None:
            pass

        def terminate_impersonation(self, username: str) -> None:
            pass

    class PhoneFS(AbstractedFS):  # type: ignore[misc]
        def open(self, filename: str, mode: str) -> Any:
            if "r" in mode and "+" not in mode:
                return frontend.open_read(self.cmd_channel, filename)
            if mode == "wb":
                upload = frontend.open_write(self.cmd_channel, filename)
                self.cmd_channel._cfgtool_upload = upload
                return upload
            raise OSError(13, "Permission denied")

    class UploadDTPHandler(DTPHandler):  # type: ignore[misc]
        def handle_close(self) -> None:
            # The client closed the data connection: the upload is whole. pyftpdlib answers
            # 226 in close() and calls on_file_received only after that: store it first, so
            # a client that has read 226 finds it stored and logged.
            upload = self.file_obj
            if self.receive and isinstance(upload, _FtpUpload) and not upload.closed:
                upload.commit()
            super().handle_close()

    class PhoneHandler(FTPHandler):  # type: ignore[misc]
        authorizer = Authorizer()
        abstracted_fs = PhoneFS
        dtp_handler = UploadDTPHandler
        use_sendfile = False
        timeout = frontend.service.config.header_timeout * 3  # an idle control connection
        max_login_attempts = 3
        auth_failed_timeout = 0.5  # the FailureLimiter blocks guessing; no long stall
        banner = "cfgtool serve ready."
        _cfgtool_upload: _FtpUpload | None = None

        def ftp_LIST(self, path: str) -> None:
            self.respond("550 No directory listing.")

        ftp_NLST = ftp_MLSD = ftp_STAT = ftp_LIST

        def ftp_SIZE(self, path: str) -> None:
            size = frontend.size(path)
            self.respond(f"213 {size}" if size is not None else "550 No such file.")

        def on_connect(self) -> None:
            if not frontend.service.allowed(self.remote_ip):
                frontend.service.refuse(
                    Record(self.remote_ip, "ftp", "CONNECT", "", 403),
                    Refusal(403, "client not in --allow"),
                )
                self.close()

        def on_file_received(self, file: str) -> None:
            upload, self._cfgtool_upload = self._cfgtool_upload, None
            if upload is not None:
                upload.commit()  # as a rule, done already (UploadDTPHandler.handle_close)

        def on_incomplete_file_received(self, file: str) -> None:
            upload, self._cfgtool_upload = self._cfgtool_upload, None
            if upload is not None:
                frontend.service.refuse(
                    upload.record, Refusal(408, "upload incomplete; nothing written")
                )

    return PhoneHandler
