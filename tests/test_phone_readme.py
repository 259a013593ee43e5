"""The README's phone walk-through works as written (issue 13, "Done when").

It runs the render walk-through (with a smaller inventory, to stay fast; the
1,000-phone run is the same commands) and then the phone section's commands
verbatim, with ``cfgtool serve`` on a free loopback port instead of 8080.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.phone_servers import free_port, wait_tcp

README = (REPO / "README.md").read_text(encoding="utf-8")
PHONES = 60
CFGTOOL = [sys.executable, "-c", "from cfgtool.cli import main; main()"]


def commands(heading: str) -> list[str]:
    section = README[README.index(heading) :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def run(command: str, cwd: Path, port: int) -> subprocess.CompletedProcess[str]:
    argv, _, redirect = command.partition(" > ")
    words = shlex.split(argv.replace("8080", str(port)))
    if words[0] == "cfgtool":
        words = CFGTOOL + words[1:]
    elif words[0] == "python":
        words[0] = sys.executable
    stdout = open(cwd / redirect.strip(), "w") if redirect else subprocess.PIPE  # noqa: SIM115
    return subprocess.run(
        words, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=60
    )


def test_readme_phone_walkthrough(tmp_path: Path) -> None:
    os.symlink(REPO / "examples", tmp_path / "examples")
    os.symlink(REPO / "scripts", tmp_path / "scripts")
    port = free_port()
    for command in commands("### render"):
        if not command.startswith("cfgtool validate"):
            done = run(command.replace(" 1000 ", f" {PHONES} "), tmp_path, port)
            assert done.returncode == 0, (command, done.stderr)
    steps = commands("### phone")
    assert steps[1].endswith("&")
    serve = shlex.split(steps[1].rstrip("&").replace("8080", str(port)))
    assert serve[:2] == ["cfgtool", "serve"]
    server = subprocess.Popen(
        CFGTOOL + serve[1:],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_tcp(port, server)
        outputs = []
        for command in [steps[0], *steps[2:]]:
            done = run(command, tmp_path, port)
            assert done.returncode == 0, (command, done.stdout, done.stderr)
            outputs.append(done.stdout)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    _, first, second, fleet = outputs
    assert "Requests (4):" in first and "y000000000028.cfg 200 common" in first
    assert "0015651130f9.cfg 200 mac" in first and "Reboot: no" in first
    assert "No update" in second
    assert f"{PHONES} phones in" in fleet
    assert re.search(rf"provisioned\s*│\s*{PHONES}\s*│", fleet), fleet
