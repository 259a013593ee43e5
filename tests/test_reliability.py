"""Issue 16: one test per defect a hostile user found (the class tests are in test_hostile.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main
from tests.conftest import write_tree

CFG = "#!version:1.0.0.1\naccount.1.enable = 1\n"


def cli(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


# --- 20: validate's table and summary agree ----------------------------------------


def test_validate_summary_counts_an_unreadable_file_as_an_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"y000000000028.cfg": CFG})
    os.mkfifo(tmp_path / "0015651130f9.cfg")
    code, stdout, stderr = cli("validate", str(tmp_path))
    assert code == 2
    assert "Checked 2 files (1 could not be read): 1 error, 0 warnings, 0 info." in stdout
    assert stderr.split("ERRORS")[1].split()[-1] == "1"  # the directory table
    assert stderr.count("cfgtool: error:") == 1


# --- 22: one suffix rule; nothing checked is said ----------------------------------


@pytest.mark.parametrize("command", ["lint", "validate", "fmt"])
def test_upper_case_suffix_is_checked_like_decrypt_finds_it(tmp_path: Path, command: str) -> None:
    write_tree(tmp_path, {"Y000000000028.CFG": CFG + "account.1.enable = 1\n"})
    code, stdout, stderr = cli(command, "--check" if command == "fmt" else "-q", str(tmp_path))
    assert "no files checked" not in stderr
    if command == "fmt":
        assert code == 0, stderr
    else:
        assert "CFG105" in stdout  # the duplicate key is found: the file was read


@pytest.mark.parametrize("command", ["lint", "validate"])
def test_nothing_checked_warns(tmp_path: Path, command: str) -> None:
    (tmp_path / "notes.txt").write_text("not a cfg file\n", encoding="utf-8")
    code, _, stderr = cli(command, str(tmp_path))
    assert code == 0
    assert "cfgtool: warning: no files checked" in stderr


# --- 14: url masks URL credentials --------------------------------------------------


def test_url_masks_credentials_unless_asked() -> None:
    args = ("url", "tftp://bob:s3cret@10.0.0.1/$PN/", "--model", "T42G", "--mac", "00156543EC97")
    code, stdout, _ = cli(*args)
    assert code == 0 and "s3cret" not in stdout and "bob" not in stdout
    assert "tftp://******@10.0.0.1/T42G/00156543ec97.cfg" in stdout
    code, stdout, _ = cli(*args, "--format", "json")
    assert code == 0 and "s3cret" not in stdout
    assert "bob:s3cret@" in cli(*args, "--show-secrets")[1]


# --- 23: url and validate --server-url check their arguments -----------------------


@pytest.mark.parametrize(
    ("url", "pn", "message"),
    [
        ("tftp://10.0.0.1/\nx", None, "contains a line break"),
        ("tftp://10.0.0.1/ x/", None, "contains character U+0020"),
        ("tftp://10.0.0.1:99999/", None, "port 99999 in the provisioning URL is not 1-65535"),
        ("tftp://10.0.0.1:0/", None, "port 0"),
        ("http://10.0.0.1:http/", None, "port http"),
        ("tftp://10.0.0.1/$PN/", "../../etc", "--pn '../../etc' is not a directory name"),
        ("tftp://10.0.0.1/$PN/", "..", "is not a directory name"),
        ("tftp://10.0.0.1/$PN/", "a\nb", "is not a directory name"),
    ],
)
def test_url_refuses_what_no_phone_can_fetch(url: str, pn: str | None, message: str) -> None:
    extra = ("--pn", pn) if pn is not None else ()
    code, stdout, stderr = cli("url", url, "--model", "T42G", "--mac", "00156543EC97", *extra)
    assert code == 2 and stdout == ""
    assert stderr.startswith("cfgtool: error: ") and message in stderr
    assert len(stderr.splitlines()) == 1


@pytest.mark.parametrize("url", ["tftp://[::1]:69/", "https://u:p@prov.example.com:8443/a/"])
def test_url_accepts_ports_and_ipv6(url: str) -> None:
    assert cli("url", url, "--model", "T42G", "--mac", "00156543EC97")[0] == 0


@pytest.mark.parametrize("url", ["tftp://10.0.0.1:99999/", "tftp://10.0.0.1/\n"])
def test_validate_server_url_is_checked(tmp_path: Path, url: str) -> None:
    write_tree(tmp_path, {"y000000000028.cfg": CFG})
    code, _, stderr = cli("validate", "--server-url", url + "x", str(tmp_path))
    assert code == 2 and "cfgtool: error:" in stderr and "provisioning URL" in stderr


# --- 11, 12: every printed line is masked, context lines included -------------------

SECRET_CFG = "#!version:1.0.0.1\naccount.2.password = SameSecret\naccount.1.label =  a  \n"


def test_unified_diff_masks_unchanged_context_lines(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"old.cfg": SECRET_CFG, "new.cfg": SECRET_CFG.replace("=  a  ", "= b")},
    )
    old, new = str(tmp_path / "old.cfg"), str(tmp_path / "new.cfg")
    code, stdout, _ = cli("diff", "--format", "unified", old, new)
    assert code == 1
    assert " account.2.password = ******" in stdout and "SameSecret" not in stdout
    assert "SameSecret" in cli("diff", "--format", "unified", "--show-secrets", old, new)[1]


@pytest.mark.parametrize(
    "args",
    [("parse",), ("parse", "--format", "json"), ("fmt", "--diff"), ("lint", "--diff")],
)
def test_parse_and_diffs_mask_secrets_by_default(tmp_path: Path, args: tuple[str, ...]) -> None:
    path = write_tree(tmp_path, {"a.cfg": SECRET_CFG + "account.3.password == x3\n"}) / "a.cfg"
    _, stdout, stderr = cli(*args, str(path))
    assert "SameSecret" not in stdout + stderr and "x3" not in stdout + stderr
    assert "******" in stdout
    _, shown, _ = cli(*args, "--show-secrets", str(path))
    assert "SameSecret" in shown
