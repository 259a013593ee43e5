"""The README's render walk-through works verbatim (issue 5, "Done when")."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def render_walkthrough() -> list[str]:
    section = README[README.index("### render") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_renders_1000_phones_into_a_tree_validate_accepts(tmp_path: Path) -> None:
    commands = render_walkthrough()
    assert any(c.startswith("cfgtool render") for c in commands)
    assert commands[-1].startswith("cfgtool validate")
    os.symlink(REPO / "examples", tmp_path / "examples")
    os.symlink(REPO / "scripts", tmp_path / "scripts")
    cfgtool = [sys.executable, "-c", "from cfgtool.cli import main; main()"]
    for command in commands:
        argv, _, redirect = command.partition(">")
        words = shlex.split(argv)
        if words[0] == "cfgtool":
            words = cfgtool + words[1:]
        elif words[0] == "python":
            words[0] = sys.executable
        stdout = open(tmp_path / redirect.strip(), "w") if redirect else subprocess.PIPE  # noqa: SIM115
        result = subprocess.run(
            words, cwd=tmp_path, stdout=stdout, stderr=subprocess.PIPE, text=True
        )
        assert result.returncode == 0, (command, result.stderr)
    assert "1003 files: 0 errors" in f"{result.stdout}{result.stderr}"
    assert len(list((tmp_path / "tftp").glob("*/*.cfg"))) == 1003
