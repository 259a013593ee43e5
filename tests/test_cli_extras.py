"""A command whose extra is not installed says which extra to install, in one line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main


@pytest.mark.parametrize(
    "args",
    [
        ["serve", "{root}", "--http", "127.0.0.1:0"],
        ["phone", "http://127.0.0.1:9/$PN/", "--mac", "0015651130f9", "--model", "T46G"],
    ],
)
def test_missing_serve_extra_is_one_line(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "aiohttp", None)  # import aiohttp now fails
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [arg.format(root=tmp_path) for arg in args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"cfgtool: error: cfgtool {args[0]} needs aiohttp"), lines
    assert "pip install 'cfgtool[serve]'" in lines[-1]
    assert "Traceback" not in result.output


def test_other_missing_modules_are_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cfgtool.cli.dhcp", None)
    result = CliRunner().invoke(main, ["dhcp", "--help"])
    assert isinstance(result.exception, ModuleNotFoundError)
