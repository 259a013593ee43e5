"""Shared by the tests/test_serve_*.py files: a tree, a running server, real clients."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from cfgtool.server.app import ProvisioningServer
from cfgtool.server.config import Endpoint, ServeConfig
from cfgtool.server.passwd import set_password
from tests.conftest import EXAMPLES

SECRET = "TOP-SECRET-OUTSIDE-ROOT"
CLIENT_TIMEOUT = 10
LOOPBACK_ANY = Endpoint("127.0.0.1", 0)
MAC = "0015651130f9"
USER_AGENT = f"Yealink SIP-T46G 28.83.0.50 {':'.join(MAC[i : i + 2] for i in range(0, 12, 2))}"


@dataclass
class Lab:
    """A tree in the $PN layout with one protected activation-code directory."""

    base: Path
    root: Path
    secret: Path
    htpasswd: Path
    htdigest: Path
    auth: tuple[tuple[str, Path], ...] = field(default=())


def make_lab(base: Path) -> Lab:
    root = base / "tree"
    shutil.copytree(EXAMPLES / "tftp", root)
    (root / "T46G" / f"{MAC}.cfg").write_text("#!version:1.0.0.1\naccount.1.label = Desk\n")
    (root / "T46G" / "0015651130FB.cfg").write_text("#!version:1.0.0.1\n")
    protected = root / "T23G_1"
    protected.mkdir()
    (protected / "y000000000044.cfg").write_text("#!version:1.0.0.1\n# activation code 1\n")
    (protected / "00156543ec97.cfg").write_text("#!version:1.0.0.1\n# mac file\n")
    secret = base / "secret.txt"
    secret.write_text(SECRET + "\n")
    (root / "outside-link").symlink_to(base)
    (root / "secret-link.cfg").symlink_to(secret)
    htpasswd = base / "t23g.htpasswd"
    set_password(htpasswd, "t23g", "activate", rounds=4)  # cheap bcrypt cost for tests
    set_password(htpasswd, "t23g", "rotated", keep=True, rounds=4)
    htdigest = base / "t23g.htdigest"
    set_password(htdigest, "t23g", "activate", realm="lab")
    return Lab(base, root, secret, htpasswd, htdigest, (("T23G_1", htdigest),))


def startup_lines(process: subprocess.Popen[str], timeout: float) -> list[str]:
    """What a ``cfgtool serve`` process prints on start, up to "Ctrl-C stops" (or its end)."""
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("Ctrl-C stops"):
            break
    return lines


async def _cancel_tasks() -> None:
    """Connection tasks aiohttp left behind (a client that hung up mid-request)."""
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class RunningServer:
    """A ProvisioningServer on its own event loop thread; stop() is idempotent."""

    def __init__(self, config: ServeConfig, lines: list[str] | None = None) -> None:
        self.config = config
        self.lines: list[str] = [] if lines is None else lines
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = ProvisioningServer(config, echo=self.lines.append, verbose=True)
        future = asyncio.run_coroutine_threadsafe(self.server.start(), self.loop)
        self.listening = future.result(CLIENT_TIMEOUT)
        self.ports = self.server.ports
        self.stopped = False

    def url(self, scheme: str = "http", path: str = "/") -> str:
        return f"{scheme}://127.0.0.1:{self.ports[scheme]}{path}"

    @property
    def service(self) -> Any:
        return self.server.service

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(CLIENT_TIMEOUT)
        asyncio.run_coroutine_threadsafe(_cancel_tasks(), self.loop).result(CLIENT_TIMEOUT)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(CLIENT_TIMEOUT)
        self.loop.close()


def lab_config(lab: Lab, **fields: Any) -> ServeConfig:
    """A server over the lab tree: HTTP, TFTP and FTP on free loopback ports, a JSON log."""
    config = ServeConfig(
        root=lab.root,
        http=LOOPBACK_ANY,
        tftp=LOOPBACK_ANY,
        ftp=LOOPBACK_ANY,
        auth=lab.auth,
        log=lab.base / "serve.jsonl",
    )
    return replace(config, **fields)


@pytest.fixture
def lab(tmp_path: Path) -> Lab:
    return make_lab(tmp_path)


@pytest.fixture
def start(lab: Lab, request: pytest.FixtureRequest) -> Any:
    """``start(**fields)``: a running server over the lab tree (HTTP, TFTP, FTP on free ports)."""

    def starter(**fields: Any) -> RunningServer:
        config = lab_config(lab, header_timeout=1.0, body_timeout=2.0)
        running = RunningServer(replace(config, **fields))
        request.addfinalizer(running.stop)
        return running

    return starter


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One server over one lab for a module's read-only tests: ``(lab, server)``."""
    lab = make_lab(tmp_path_factory.mktemp("lab"))
    running = RunningServer(lab_config(lab))
    yield lab, running
    running.stop()


@dataclass
class Fetched:
    status: int
    body: bytes
    stderr: str
    headers: str = ""


def curl(url: str, *args: str, cwd: Path | None = None) -> Fetched:
    """curl with a time limit; ``status`` is the HTTP or FTP response code (0: none)."""
    command = [
        "curl",
        "-s",
        "-S",
        "--path-as-is",
        "--max-time",
        "5",
        "--connect-timeout",
        "3",
        "-o",
        "-",
        "-w",
        "\n%{response_code}",
        *args,
        url,
    ]
    done = subprocess.run(command, capture_output=True, timeout=CLIENT_TIMEOUT, cwd=cwd)
    body, _, code = done.stdout.rpartition(b"\n")
    return Fetched(int(code or 0), body, done.stderr.decode(errors="replace"))


def tftp_get(port: int, remote: str, local: Path) -> subprocess.CompletedProcess[str]:
    """tftp-hpa's client: ``tftp 127.0.0.1 PORT -m binary -c get REMOTE LOCAL``."""
    return subprocess.run(
        ["tftp", "127.0.0.1", str(port), "-m", "binary", "-c", "get", remote, str(local)],
        capture_output=True,
        text=True,
        timeout=CLIENT_TIMEOUT,
    )


def tftp_put(port: int, local: Path, remote: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["tftp", "127.0.0.1", str(port), "-m", "binary", "-c", "put", str(local), remote],
        capture_output=True,
        text=True,
        timeout=CLIENT_TIMEOUT,
    )


def wait_for(path: Path, timeout: float = 3.0) -> bool:
    """TFTP acknowledges the last block before the server stores it: wait a moment."""
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return path.exists()


def needs(*programs: str) -> pytest.MarkDecorator:
    missing = [program for program in programs if shutil.which(program) is None]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


def log_records(lab: Lab) -> list[dict[str, Any]]:
    """The records in the server's JSON-lines log (a line still being written is not one)."""
    path = lab.base / "serve.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().split("\n")[:-1]]


def wait_for_record(
    lab: Lab, wanted: Callable[[dict[str, Any]], bool], timeout: float = 3.0
) -> dict[str, Any] | None:
    """The last log record ``wanted`` accepts, waiting up to ``timeout`` s for one.

    TFTP acknowledges the last block before the server stores the upload and then
    logs it: the client is done while the server thread still works (under load, for
    a while), so neither the file nor its record can be read the moment it returns.
    """
    deadline = time.monotonic() + timeout
    while True:
        found = [record for record in log_records(lab) if wanted(record)]
        if found or time.monotonic() >= deadline:
            return found[-1] if found else None
        time.sleep(0.02)
