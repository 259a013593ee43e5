"""Independent real servers for the phone emulator's tests, on loopback ephemeral ports.

Each is a context manager that starts the server, yields where it listens and
what it saw, and stops it: Python's ``http.server`` (Basic or Digest
authentication computed here with hashlib, PUT, TLS), Debian's tftpd-hpa
(``in.tftpd --foreground``), pyftpdlib, and nginx with Basic authentication
(and TLS). Nothing here uses cfgtool's own server-side code.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests import net
from tests.net import LOOPBACK, stop_daemon
from tests.nginx_helpers import running_nginx

START_TIMEOUT = 5.0


@dataclass
class Seen:
    """One request a server saw: method, path and User-Agent (HTTP only)."""

    method: str
    path: str
    user_agent: str | None = None
    authorized: bool = False


@dataclass
class Running:
    """A started server: its base URL and the requests it saw (HTTP servers)."""

    url: str
    port: int
    root: Path
    seen: list[Seen] = field(default_factory=list)

    def paths(self, method: str = "GET") -> list[str]:
        return [item.path for item in self.seen if item.method == method]


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """:func:`tests.net.free_port`, TCP unless ``kind`` says otherwise (the servers here are)."""
    return net.free_port(kind)


def wait_tcp(port: int, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {LOOPBACK}:{port}")


# --------------------------------------------------------------------------- http.server


def _digest_ok(header: str, method: str, user: str, password: str, realm: str, nonce: str) -> bool:
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', header))
    if params.get("username") != user or params.get("nonce") != nonce:
        return False
    ha1 = hashlib.md5(f"{user}:{realm}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{params.get('uri', '')}".encode()).hexdigest()
    if params.get("qop") == "auth":
        text = f"{ha1}:{nonce}:{params['nc']}:{params['cnonce']}:auth:{ha2}"
    else:
        text = f"{ha1}:{nonce}:{ha2}"
    return hashlib.md5(text.encode()).hexdigest() == params.get("response")


@contextlib.contextmanager
def http_server(
    root: Path,
    *,
    basic: tuple[str, str] | None = None,
    digest: tuple[str, str] | None = None,
    tls: tuple[str, str] | None = None,
) -> Iterator[Running]:
    """``http.server`` serving ``root`` (GET, HEAD, PUT); ``tls`` = (cert PEM, key PEM) files."""
    seen: list[Seen] = []
    realm, nonce = "phones", "dcd98b7102dd2f0e8b11d0f600bfb0c093"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _authorized(self) -> bool:
            header = self.headers.get("Authorization", "")
            if basic is not None:
                token = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
                return header == f"Basic {token}"
            if digest is not None:
                return header.startswith("Digest ") and _digest_ok(
                    header, self.command, digest[0], digest[1], realm, nonce
                )
            return True

        def _gate(self) -> Path | None:
            ok = self._authorized()
            seen.append(Seen(self.command, self.path, self.headers.get("User-Agent"), ok))
            if not ok:
                self.send_response(401)
                if basic is not None:
                    self.send_header("WWW-Authenticate", f'Basic realm="{realm}"')
                else:
                    self.send_header(
                        "WWW-Authenticate", f'Digest realm="{realm}", nonce="{nonce}", qop="auth"'
                    )
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            relative = unquote(self.path.split("?", 1)[0]).lstrip("/")
            target = (root / relative).resolve()
            if not str(target).startswith(str(root.resolve())):
                self.send_error(403)
                return None
            return target

        def do_GET(self) -> None:
            target = self._gate()
            if target is None:
                return
            if not target.is_file():
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = target.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)

        do_HEAD = do_GET

        def do_PUT(self) -> None:
            target = self._gate()
            if target is None:
                return
            length = int(self.headers.get("Content-Length", "0"))
            target.write_bytes(self.rfile.read(length))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256  # a fleet connects at once; the default 5 drops SYNs

    server = Server((LOOPBACK, 0), Handler)
    scheme = "http"
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Running(f"{scheme}://{LOOPBACK}:{port}", port, root, seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- tftpd-hpa


@contextlib.contextmanager
def tftpd(root: Path, *, writable: bool = False) -> Iterator[Running]:
    """Debian's tftpd-hpa in the foreground, chrooted to ``root``."""
    binary = shutil.which("in.tftpd") or "/usr/sbin/in.tftpd"
    if not os.path.exists(binary):
        pytest.skip("tftpd-hpa (in.tftpd) is not installed; .ci/run installs it")
    port = free_port(socket.SOCK_DGRAM)
    command = [binary, "--foreground", "--address", f"{LOOPBACK}:{port}", "--secure"]
    if writable:
        command += ["--create", "--permissive"]
    if os.geteuid() == 0:
        command += ["--user", "root"]
    process = subprocess.Popen([*command, str(root)], stderr=subprocess.PIPE)
    try:
        # Until in.tftpd has bound its port a request is lost and the client waits its whole
        # timeout to resend: wait for the bind (read from /proc), not a guessed moment.
        deadline = time.monotonic() + START_TIMEOUT
        while not net.bound(port):
            if process.poll() is not None:
                raise RuntimeError(
                    f"in.tftpd exited: {process.stderr.read().decode() if process.stderr else ''}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"in.tftpd did not bind {LOOPBACK}:{port}")
            time.sleep(0.02)
        yield Running(f"tftp://{LOOPBACK}:{port}", port, root)
    finally:
        stop_daemon(process)


# --------------------------------------------------------------------------- pyftpdlib


@contextlib.contextmanager
def ftp_server(root: Path, user: str, password: str) -> Iterator[Running]:
    """pyftpdlib with one read-write account (and no anonymous login)."""
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import ThreadedFTPServer

    authorizer = DummyAuthorizer()
    authorizer.add_user(user, password, str(root), perm="elradfmw")

    class Handler(FTPHandler):
        pass

    Handler.authorizer = authorizer
    Handler.passive_ports = None
    Handler.masquerade_address = None
    Handler.timeout = 10
    Handler.auth_failed_timeout = 0.05
    server = ThreadedFTPServer((LOOPBACK, 0), Handler)
    port = server.address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.05})
    thread.start()
    try:
        yield Running(f"ftp://{LOOPBACK}:{port}", port, root)
    finally:
        server.close_all()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- nginx


def _apr1(password: str) -> str:
    result = subprocess.run(
        ["openssl", "passwd", "-apr1", password], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@contextlib.contextmanager
def nginx(
    root: Path,
    work: Path,
    *,
    basic: tuple[str, str] | None = None,
    tls: tuple[str, str] | None = None,
) -> Iterator[Running]:
    """nginx serving ``root`` on loopback, with Basic auth (htpasswd by ``openssl passwd``).

    Started and stopped by :func:`tests.nginx_helpers.running_nginx`.
    """
    work.mkdir(parents=True, exist_ok=True)
    htpasswd = work / "htpasswd"
    tls_listen = f" ssl; ssl_certificate {tls[0]}; ssl_certificate_key {tls[1]}" if tls else ""

    def site(port: int) -> str:
        auth = ""
        if basic is not None:
            if not htpasswd.exists():
                htpasswd.write_text(f"{basic[0]}:{_apr1(basic[1])}\n")
            auth = f'auth_basic "phones"; auth_basic_user_file {htpasswd};'
        return (
            f"server {{\n  listen {LOOPBACK}:{port}{tls_listen};\n  root {root};\n"
            f"  access_log off;\n  keepalive_requests 100000;\n  {auth}\n}}\n"
        )

    with running_nginx(site, work, work / "access.log") as server:
        scheme = "https" if tls else "http"
        yield Running(f"{scheme}://{LOOPBACK}:{server.port}", server.port, root)


# --------------------------------------------------------------------------- TLS


def throwaway_ca(directory: Path) -> tuple[str, tuple[str, str]]:
    """A trustme CA: its certificate file, and a server (cert, key) pair for 127.0.0.1."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert(LOOPBACK)
    ca_file, cert_file, key_file = (
        directory / "ca.pem",
        directory / "cert.pem",
        directory / "key.pem",
    )
    ca.cert_pem.write_to_path(str(ca_file))
    cert.private_key_pem.write_to_path(str(key_file))
    cert_file.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    return str(ca_file), (str(cert_file), str(key_file))
