"""The README's serve walk-through runs as written (issue 12, "Done when").

The commands run in bash, in a temporary directory, with `cfgtool` and
`python` being this interpreter; the server's fixed ports are swapped for free
ones (it is started on port 0 and its start-up lines say which).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.serve_helpers import needs, startup_lines

README = (REPO / "README.md").read_text(encoding="utf-8")
HTTP, TFTP = "127.0.0.1:8080", "127.0.0.1 6969"


def serve_walkthrough() -> list[str]:
    section = README[README.index("### serve") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    lines = [re.split(r"\s+## ", line)[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line]


def shims(directory: Path) -> dict[str, str]:
    directory.mkdir()
    for name, code in (("cfgtool", "from cfgtool.cli import main; main()"), ("python", None)):
        script = directory / name
        run = f'-c "{code}"' if code else ""
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" {run} "$@"\n')
        script.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{directory}{os.pathsep}{os.environ['PATH']}",
        "PYTHONUNBUFFERED": "1",
    }


def start_server(
    command: str, cwd: Path, env: dict[str, str]
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    command = command.removesuffix("&").strip()
    command = command.replace(f"--http {HTTP}", "--http 127.0.0.1:0")
    command = command.replace(f"--tftp {TFTP.replace(' ', ':')}", "--tftp 127.0.0.1:0")
    process = subprocess.Popen(
        ["bash", "-c", f"exec {command}"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ports: dict[str, str] = {}
    banner = startup_lines(process, 30)
    for line in banner:
        found = re.match(r"\s+(http|tftp)\s+\w+://127\.0\.0\.1:(\d+)/", line)
        if found:
            ports[found.group(1)] = found.group(2)
    assert set(ports) == {"http", "tftp"}, "\n".join(banner) + (
        process.stderr.read() if process.poll() is not None else ""
    )
    assert "auto_provision.server.url = http://127.0.0.1:" in "\n".join(banner)
    return process, ports


@needs("curl", "tftp")
def test_readme_serve_walkthrough(tmp_path: Path) -> None:
    commands = serve_walkthrough()
    assert commands[-1].startswith("kill")
    os.symlink(REPO / "examples", tmp_path / "examples")
    os.symlink(REPO / "scripts", tmp_path / "scripts")
    env = shims(tmp_path / "bin")
    server: subprocess.Popen[str] | None = None
    outputs: list[str] = []
    try:
        for command in commands:
            if command.endswith("&"):
                server, ports = start_server(command, tmp_path, env)
                continue
            if command.startswith("kill"):
                assert server is not None
                server.send_signal(signal.SIGINT)
                out, err = server.communicate(timeout=20)
                assert server.returncode == 0, err
                assert "stopped" in out
                continue
            if server is not None:
                command = command.replace(HTTP, f"127.0.0.1:{ports['http']}")
                command = command.replace(TFTP, f"127.0.0.1 {ports['tftp']}")
            done = subprocess.run(
                ["bash", "-o", "pipefail", "-c", command],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0 or "head" in command, (command, done.stderr)
            outputs.append(done.stdout)
    finally:
        if server is not None and server.poll() is None:
            server.kill()
            server.communicate(timeout=5)
    tree = tmp_path / "tftp"
    assert len([p for p in tree.glob("*/*.cfg") if len(p.stem) == 12]) == 1000
    common, mac_file, protected = outputs[5], outputs[6], outputs[7]
    assert common.startswith("#!version:1.0.0.1")
    assert "account.1.label = Desk 0" in mac_file
    assert protected.startswith("#!version:1.0.0.1")
    assert (tmp_path / "common.cfg").read_bytes() == (
        tree / "T46G" / "y000000000028.cfg"
    ).read_bytes()
    assert (tmp_path / "001565000000.cfg").read_bytes() == (
        tree / "T46G" / "001565000000.cfg"
    ).read_bytes()
    assert (
        tree / "T46G" / "001565000000-local.cfg"
    ).read_text() == "#!version:1.0.0.1\nlang.gui = German\n"
    assert outputs[-1].strip() == "1"
    records = [json.loads(line) for line in (tmp_path / "serve.jsonl").read_text().splitlines()]
    assert {r["protocol"] for r in records} == {"http", "tftp"}
    assert any(
        r["method"] == "PUT" and r["status"] == 201 and r["model"] == "T46G" for r in records
    )
