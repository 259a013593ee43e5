"""Run SIPp as the other side of a SIP test: loopback only, one call, bounded in time."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.net import LOOPBACK, free_port, wait_bound

__all__ = ["LOOPBACK", "SCENARIOS", "free_port", "sipp", "wait_bound"]

SCENARIOS = Path(__file__).parent / "data" / "sipp"


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
