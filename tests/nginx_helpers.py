"""Start a real nginx with a config from cfgtool deploy nginx: loopback, ephemeral port, stopped."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.net import bound, free_port, stop_daemon

# Debian puts nginx in /usr/sbin, which a normal user's PATH may lack.
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Fetched:
    status: int
    body: bytes


@dataclass
class Nginx:
    port: int
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def curl(self, path: str, *args: str) -> Fetched:
        done = subprocess.run(
            [
                "curl",
                "-s",
                "--max-time",
                "5",
                "-o",
                "-",
                "-w",
                "\n%{http_code}",
                *args,
                self.url(path),
            ],
            capture_output=True,
            timeout=10,
            check=False,
        )
        body, _, code = done.stdout.rpartition(b"\n")
        return Fetched(int(code or 0), body)


def wrapper(site_conf: Path, work: Path) -> str:
    """The http {} around the emitted file, with every path inside the test's directory."""
    temp = {name: work / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    # As root, nginx's workers would switch to nobody, who cannot enter pytest's 0700 dirs.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}error_log {work}/error.log;\npid {work}/nginx.pid;\nevents {{}}\n"
        "http {\n"
        f"  client_body_temp_path {temp['body']};\n  proxy_temp_path {temp['proxy']};\n"
        f"  fastcgi_temp_path {temp['fastcgi']};\n  uwsgi_temp_path {temp['uwsgi']};\n"
        f"  scgi_temp_path {temp['scgi']};\n"
        f"  include {site_conf};\n"
        "}\n"
    )


def _start(work: Path, main_conf: Path, port: int) -> subprocess.Popen[bytes] | None:
    """nginx in the foreground, once it listens; None when the port was taken meanwhile."""
    process = subprocess.Popen(
        [NGINX, "-p", str(work), "-c", str(main_conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while not bound(port, tcp=True):
        if process.poll() is not None:
            assert process.stderr is not None
            error = process.stderr.read().decode(errors="replace")
            if "Address already in use" in error:
                return None
            raise AssertionError(f"nginx did not start: {error}")
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise AssertionError(f"nginx did not listen on 127.0.0.1:{port} within 10 s")
        time.sleep(0.02)
    return process


@contextmanager
def running_nginx(make_site: Callable[[int], str], work: Path, log: Path) -> Iterator[Nginx]:
    """nginx with the file ``make_site(port)`` returns, on a free TCP port (retried if taken)."""
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed (.ci/run installs nginx-light)")
    site_conf = work / "site.conf"
    main_conf = work / "nginx.conf"
    main_conf.write_text(wrapper(site_conf, work))
    for _ in range(3):
        port = free_port(socket.SOCK_STREAM)
        site_conf.write_text(make_site(port))
        checked = subprocess.run(
            [NGINX, "-t", "-p", str(work), "-c", str(main_conf)],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        assert checked.returncode == 0, checked.stderr
        process = _start(work, main_conf, port)
        if process is not None:
            break
    else:
        raise AssertionError("three free ports were taken before nginx could bind them")
    try:
        yield Nginx(port, log)
    finally:
        stop_daemon(process, signal.SIGQUIT, 10)


__all__ = ["Fetched", "Nginx", "free_port", "running_nginx"]
