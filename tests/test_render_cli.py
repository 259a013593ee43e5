"""``cfgtool render`` through click's runner: exit codes, output, options."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cfgtool
from cfgtool.cli import COMMANDS, main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TEMPLATE = EXAMPLES / "template" / "phones.cfg.tmpl"
INVENTORY = EXAMPLES / "template" / "phones.csv"
MACS = ("0015651130f9", "001565113101", "001565113102")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["render", *map(str, args)])


def run_example(out: Path, *args: str | Path) -> Result:
    return run(TEMPLATE, "--inventory", INVENTORY, "--out", out, *args)


def write_inventory(path: Path, *rows: str) -> Path:
    header = "mac,model,label,name,ext,password,pbx,ext2,label2,password2,language"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_renders_the_example_inventory(tmp_path: Path) -> None:
    result = run_example(tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path / "out")) == [f"{mac}.cfg" for mac in MACS]
    assert "3 written, 0 unchanged, 0 rows failed, 0 stale" in result.output
    assert "cfgtool render" in result.output  # the summary table
    lobby = cfgtool.load(tmp_path / "out" / f"{MACS[2]}.cfg")
    assert lobby.get("account.1.sip_server.1.port") == "5061"  # a key-column
    assert lobby.get("account.2.enable") is None  # the if=ext2 block is dropped
    reception = cfgtool.load(tmp_path / "out" / f"{MACS[0]}.cfg")
    assert reception.get("account.2.user_name") == "1900"


def test_rendered_example_is_lint_clean(tmp_path: Path) -> None:
    run_example(tmp_path / "out", "--layout", "pn")
    lint = CliRunner().invoke(main, ["lint", str(tmp_path / "out")])
    assert lint.exit_code == 0, lint.output
    assert "0 errors" in lint.output


def test_pn_tree_passes_validate(tmp_path: Path) -> None:
    if "validate" not in COMMANDS:
        pytest.skip("cfgtool validate is not registered yet")
    rows = [
        f"0015650{i:05X},T46G,Desk {i},User {i},{2000 + i},pw-{i:04}-x9Q!,,,,," for i in range(50)
    ]
    inventory = write_inventory(tmp_path / "many.csv", *rows)
    out = tmp_path / "tftp"
    result = run(TEMPLATE, "--inventory", inventory, "--out", out, "--layout", "pn", "-q")
    assert result.exit_code == 0, result.output
    shutil.copy(EXAMPLES / "y000000000028.cfg", out / "T46G")
    validate = CliRunner().invoke(main, ["validate", str(out)])
    assert validate.exit_code == 0, validate.output


def test_rerun_keeps_unchanged_files(tmp_path: Path) -> None:
    run_example(tmp_path / "out")
    again = run_example(tmp_path / "out")
    assert again.exit_code == 0
    assert "0 written, 3 unchanged" in again.output


def test_json_summary(tmp_path: Path) -> None:
    result = run_example(tmp_path / "out", "--format", "json", "--manifest", tmp_path / "m.json")
    assert result.exit_code == 0
    summary = json.loads(result.output)
    assert (summary["written"], summary["unchanged"], summary["failed"]) == (3, 0, 0)
    assert summary["manifest"] == str(tmp_path / "m.json")
    assert [f["mac"] for f in summary["files"]] == list(MACS)
    manifest = json.loads((tmp_path / "m.json").read_text())
    assert {mac: entry["md5"] for mac, entry in manifest.items()} == {
        f["mac"]: f["md5"] for f in summary["files"]
    }


def test_bad_rows_exit_1_and_write_nothing(tmp_path: Path) -> None:
    inventory = write_inventory(
        tmp_path / "inv.csv",
        "0015651130F9,T46G,Desk,A,1001,pw,,,,,",
        '0015651130FA,T46G,"Desk\naccount.1.password = x",B,1002,pw,,,,,',
        "not-a-mac,T46G,Desk,C,1003,pw,,,,,",
    )
    out = tmp_path / "out"
    result = run(TEMPLATE, "--inventory", inventory, "--out", out)
    assert result.exit_code == 1
    assert f'{inventory}:3:3: column "label": the value contains a line break' in result.output
    assert f"{inventory}:5:1: column \"mac\": 'not-a-mac' is not a MAC address" in result.output
    assert "nothing was written" in result.output
    assert not out.exists()
    kept = run(TEMPLATE, "--inventory", inventory, "--out", out, "--keep-going", "-q")
    assert kept.exit_code == 1
    assert "1 written, 0 unchanged, 2 rows failed" in kept.output
    assert os.listdir(out) == ["0015651130f9.cfg"]


def test_json_lists_problems_with_row_and_column(tmp_path: Path) -> None:
    inventory = write_inventory(tmp_path / "inv.csv", ",T46G,Desk,A,1001,pw,,,,,")
    result = run(TEMPLATE, "--inventory", inventory, "--out", tmp_path / "o", "--format", "json")
    assert result.exit_code == 1
    (problem,) = json.loads(result.output)["problems"]
    assert (problem["row"], problem["column"], problem["column_name"]) == (2, 1, "mac")
    assert problem["message"] == "the MAC is missing"


def test_undefined_placeholder_exits_2(tmp_path: Path) -> None:
    inventory = tmp_path / "inv.csv"
    inventory.write_text("mac,label\n0015651130F9,Desk\n")
    result = run(TEMPLATE, "--inventory", inventory, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert f"cfgtool: error: {TEMPLATE}:8:26: 'name' is no column of {inventory}" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--inventory", "missing.csv"), "missing.csv: no such file"),
        (("--model", "T99"), "--model 'T99' is not a known model"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    options = {"--inventory": str(INVENTORY), "--out": str(tmp_path / "o")}
    extra: list[str] = []
    for name, value in zip(args[::2], args[1::2], strict=True):
        if name in options:
            options[name] = str(tmp_path / value)
        else:
            extra += [name, value]
    result = run(TEMPLATE, *[x for pair in options.items() for x in pair], *extra)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    result = run_example(tmp_path / "out", "--dry-run", "--manifest", tmp_path / "m.json")
    assert result.exit_code == 0
    assert "3 would write" in result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "m.json").exists()


def test_stale_files_and_prune(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "00156500abcd.cfg").write_text("#!version:1.0.0.1\n")
    listed = run_example(out, "-q")
    assert "stale: 00156500abcd.cfg\n" in listed.output
    assert (out / "00156500abcd.cfg").exists()
    pruned = run_example(out, "-q", "--prune")
    assert "stale: 00156500abcd.cfg (deleted)" in pruned.output
    assert not (out / "00156500abcd.cfg").exists()


def test_quiet_has_no_table_and_no_progress_bar(tmp_path: Path) -> None:
    result = run_example(tmp_path / "out", "--quiet")
    assert result.output == "3 written, 0 unchanged, 0 rows failed, 0 stale\n"


def test_many_problems_are_cut_short_in_text(tmp_path: Path) -> None:
    rows = [f"bad{i},T46G,Desk,A,1,pw,,,,," for i in range(60)]
    inventory = write_inventory(tmp_path / "inv.csv", *rows)
    result = run(TEMPLATE, "--inventory", inventory, "--out", tmp_path / "o", "-q")
    assert "... and 10 more problems (--format json lists them all)" in result.output


def test_a_problem_of_every_row_prints_once(tmp_path: Path) -> None:
    template = tmp_path / "t.cfg.tmpl"
    template.write_text("account.1.label = {{ label }}\n")  # no header line
    rows = [f"0015650{i:05X},T46G,Desk,A,1,pw,,,,," for i in range(8)]
    inventory = write_inventory(tmp_path / "inv.csv", *rows)
    result = run(template, "--inventory", inventory, "--out", tmp_path / "o", "-q")
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if "CFG101" in line]
    assert line.startswith(f"{inventory}:2:1: CFG101 missing #!version:1.0.0.1 header")
    assert line.endswith("[and 7 more rows: 3, 4, 5, 6, 7, ...]")


def test_help_teaches() -> None:
    result = CliRunner().invoke(main, ["render", "--help"])
    assert result.exit_code == 0
    for text in ("{{ column }}", "%NULL%", "cfgtool: if=column", "--keep-going", "Examples:"):
        assert text in result.output
