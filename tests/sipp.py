"""Run SIPp as the other side of a SIP test: loopback only, one call, bounded in time."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).parent / "data" / "sipp"
LOOPBACK = "127.0.0.1"


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A port the kernel just gave out on loopback (closed again for SIPp to take)."""
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _bound(port: int, tcp: bool) -> bool:
    table = Path("/proc/net/tcp" if tcp else "/proc/net/udp").read_text()
    wanted = f"0100007F:{port:04X}"
    listening = "0A" if tcp else "07"
    return any(
        line.split()[1] == wanted and line.split()[3] == listening
        for line in table.splitlines()[1:]
    )


def wait_bound(port: int, *, tcp: bool = False, timeout: float = 5.0) -> None:
    """Wait until something listens on 127.0.0.1:port (reads /proc; sends nothing)."""
    deadline = time.monotonic() + timeout
    while not _bound(port, tcp):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on {LOOPBACK}:{port}")
        time.sleep(0.02)


@contextlib.contextmanager
def sipp(
    scenario: str,
    port: int,
    *,
    tcp: bool = False,
    calls: int = 1,
    remote: str | None = None,
    extra: tuple[str, ...] = (),
    timeout: float = 10.0,
) -> Iterator[subprocess.Popen[str]]:
    """SIPp on 127.0.0.1:port running ``scenario`` for ``calls`` calls; ends by itself."""
    if shutil.which("sipp") is None:
        pytest.skip("sipp is not installed (.ci/run installs sip-tester)")
    command = [
        "sipp",
        "-sf",
        str(SCENARIOS / scenario),
        "-i",
        LOOPBACK,
        "-p",
        str(port),
        "-m",
        str(calls),
        "-timeout",
        f"{int(timeout)}s",
        "-nostdin",
        "-nd",
        *(("-t", "t1") if tcp else ()),
        *extra,
        *((remote,) if remote else ()),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        if remote is None:
            wait_bound(port, tcp=tcp)
        yield process
    finally:
        try:
            process.communicate(timeout=timeout + 5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
