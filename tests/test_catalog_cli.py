"""`cfgtool models` and `cfgtool explain` (issue 4, point 1)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cfgtool.catalog import load_models
from cfgtool.cli import main
from cfgtool.cli.catalog import explain, format_table, models


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_group_lists_both_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "models" in out and "explain" in out


def test_models_text_table() -> None:
    code, out, err = run("models")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["MODEL", "ALSO"]
    row = next(line for line in lines if line.startswith("T42G "))
    assert row.split()[1:6] == ["-", "29", "y000000000029.cfg", "12", "15"]
    for name in ("VP-T49G", "T23P/G", "T19(P) E2", "T21(P) E2", "CP860"):
        assert any(line.startswith(name + " ") for line in lines), name
    assert "y000000000000.cfg" in lines[-1]
    assert all(line == line.rstrip() for line in lines)


def test_models_json_lists_every_model() -> None:
    code, out, _ = run("models", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [item["name"] for item in data] == [model.name for model in load_models()]
    t46g = next(item for item in data if item["name"] == "T46G")
    assert t46g == {
        "name": "T46G",
        "aliases": [],
        "hw_id": 28,
        "common_file": "y000000000028.cfg",
        "accounts": 16,
        "line_keys": 27,
        "firmware_prefixes": [28],
        "source": "guide",
    }


def test_explain_known_key_text() -> None:
    code, out, err = run("explain", "account.3.acd.auto_available_timer")
    assert code == 0 and err == ""
    assert "pattern:         account.X.acd.auto_available_timer" in out
    assert "int (firm" in out and "0..120" in out and "account.N" in out


@pytest.mark.parametrize("key", ["account.X.label", "static.network.vlan.internet_port_vid"])
def test_explain_pattern_and_reboot(key: str) -> None:
    code, out, _ = run("explain", key)
    assert code == 0 and "pattern:" in out


def test_explain_reboot_reason() -> None:
    _, out, _ = run("explain", "static.network.vlan.internet_port_vid")
    assert "reboot:          needed: network settings" in out


def test_explain_unknown_key_suggests_and_exits_1() -> None:
    code, out, err = run("explain", "acount.1.enable")
    assert code == 1 and out == ""
    assert "did you mean account.1.enable?" in err


def test_explain_unknown_key_without_suggestion() -> None:
    code, _, err = run("explain", "completely.unrelated.thing")
    assert code == 1 and "not in the parameter catalog" in err and "did you mean" not in err


def test_explain_json() -> None:
    code, out, _ = run("explain", "lang.gui", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["known"] and data["param"]["enum"][0] == "English"
    code, out, _ = run("explain", "account.1.sip_server.1.adress", "--format", "json")
    assert code == 1
    assert json.loads(out)["suggestion"] == "account.1.sip_server.1.address"


def test_commands_work_without_the_group() -> None:
    runner = CliRunner()
    assert runner.invoke(models, []).exit_code == 0
    assert runner.invoke(explain, ["account.1.enable"]).exit_code == 0


def test_format_table_aligns_columns() -> None:
    assert format_table([["A", "BB"], ["CCC", "D"]]) == "A    BB\nCCC  D"
