"""Loopback helpers for tests with real servers: a free port, waiting until one is bound,
and stopping a daemon."""

from __future__ import annotations

import os
import pwd
import signal
import socket
import subprocess
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A port the kernel just gave out on loopback (closed again for SIPp to take)."""
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def bound(port: int, *, tcp: bool = False) -> bool:
    """Whether something listens on 127.0.0.1:port (TCP) or has it bound (UDP), from /proc."""
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
    while not bound(port, tcp=tcp):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on {LOOPBACK}:{port}")
        time.sleep(0.02)


def stop_daemon(
    process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 5.0
) -> None:
    """Stop a test's daemon with ``sig``; kill it if it is still there after ``timeout``."""
    process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


def daemon_user() -> str:
    """The user a test's daemon runs as: root stays root (a daemon that switched to nobody
    could not enter pytest's 0700 directories), anyone else stays themselves."""
    return "root" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
