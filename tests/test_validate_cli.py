"""`cfgtool validate`, `cfgtool effective` and `cfgtool url` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main

HEADER = "#!version:1.0.0.1\n"
DATA_TREE = Path(__file__).resolve().parent / "data" / "tree"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def broken_tree(root: Path) -> Path:
    write(root / "T42G" / "y000000000029.cfg", HEADER)
    write(root / "T42G" / "00156543ec97.cfg", HEADER + "account.13.enable = 1\n")
    write(root / "T42G" / "00156543ec98-local.cfg", HEADER)
    return root


# --- validate -------------------------------------------------------------------------------


def test_correct_tree_exits_0_with_a_table_on_stderr() -> None:
    code, out, err = run("validate", str(DATA_TREE))
    assert code == 0
    assert out == "Checked 12 files: 0 errors, 0 warnings, 0 info.\n"
    header, *rows = err.splitlines()
    assert header.split() == ["DIRECTORY", "MODEL", "COMMON", "FILE", "PHONES", "ERRORS"]
    assert any(
        row.split()[:3] == [str(DATA_TREE / "pn" / "T46G"), "T46G", "y000000000028.cfg"]
        for row in rows
    )


def test_findings_exit_1_in_text(tmp_path: Path) -> None:
    code, out, err = run("validate", str(broken_tree(tmp_path / "srv")))
    assert code == 1
    assert "00156543ec97.cfg:2:1: CFG302 error account.13 is out of range" in out
    assert "CFG310 warning" in out and "hint: use an account number from 1 to 12" in out
    assert "T42G" in err and "1 error" in out.splitlines()[-1]


def test_json_prints_only_the_array(tmp_path: Path) -> None:
    code, out, err = run("validate", "--format", "json", str(broken_tree(tmp_path / "srv")))
    assert code == 1
    data = json.loads(out)
    assert [(Path(item["path"]).name, item["code"]) for item in data] == [
        ("00156543ec97.cfg", "CFG302"),
        ("00156543ec98-local.cfg", "CFG310"),
    ]
    assert all({"path", "line", "column", "code", "severity", "message"} <= set(d) for d in data)
    assert "DIRECTORY" not in out and "DIRECTORY" not in err
    assert "Checked 3 files" in err


@pytest.mark.parametrize("output_format", ["sarif", "junit", "github"])
def test_machine_formats_keep_the_table_off_stdout(tmp_path: Path, output_format: str) -> None:
    code, out, _ = run("validate", "--format", output_format, str(broken_tree(tmp_path / "s")))
    assert code == 1 and "CFG302" in out and "PHONES" not in out


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    root = tmp_path / "srv"
    write(root / "y000000000028.cfg", HEADER)
    write(root / "0015651130f9-local.cfg", HEADER)
    assert run("validate", str(root))[0] == 0
    assert run("validate", "--strict", str(root))[0] == 1


def test_select_and_ignore(tmp_path: Path) -> None:
    root = broken_tree(tmp_path / "srv")
    code, out, _ = run("validate", "--format", "json", "--ignore", "CFG302", str(root))
    assert code == 0 and [d["code"] for d in json.loads(out)] == ["CFG310"]
    code, out, _ = run(
        "validate", "--format", "json", "--select", "account-out-of-range", str(root)
    )
    assert code == 1 and [d["code"] for d in json.loads(out)] == ["CFG302"]


def test_model_option_and_quiet(tmp_path: Path) -> None:
    path = write(tmp_path / "0015651130f9.cfg", HEADER + "account.2.enable = 1\n")
    code, out, err = run("validate", "--model", "t19p_e2", "-q", str(path))
    assert code == 1 and out.count("CFG302") == 1 and err == ""
    code, out, _ = run("validate", "--model", "T46G", "-q", str(path))
    assert code == 0 and out == ""


def test_stdin_with_a_file_name() -> None:
    data = (HEADER + "account.4.enable = 1\n").encode()
    code, out, _ = run(
        "validate", "-", "--stdin-filename", "T40P/0015651130f9.cfg", "--format", "json", input=data
    )
    assert code == 1
    [found] = json.loads(out)
    assert found["code"] == "CFG302" and found["path"] == "T40P/0015651130f9.cfg"


@pytest.mark.parametrize(
    ("typo", "right"),
    [
        ("acount.1.enable", "account.1.enable"),
        ("account.1.sip_server.1.adress", "account.1.sip_server.1.address"),
    ],
)
def test_did_you_mean_through_validate(tmp_path: Path, typo: str, right: str) -> None:
    path = write(tmp_path / "T46G" / "0015651130f9.cfg", HEADER + f"{typo} = 1\n")
    write(tmp_path / "T46G" / "y000000000028.cfg", HEADER)
    code, out, _ = run("validate", "--format", "json", str(tmp_path / "T46G"))
    [found] = json.loads(out)
    assert code == 1
    assert found["path"] == str(path) and f"did you mean {right}?" in found["message"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "T46X"], "unknown phone model 'T46X'"),
        (["--config", "missing.toml"], "missing.toml"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    code, out, err = run("validate", *args, str(DATA_TREE))
    assert code == 2 and out == "" and message in err


def test_missing_path_and_bad_config_exit_2(tmp_path: Path) -> None:
    code, _, err = run("validate", str(tmp_path / "nope"))
    assert code == 2 and "no such file or directory" in err
    write(tmp_path / "srv" / ".cfgtool.toml", "selct = ['CFG3']\n")
    write(tmp_path / "srv" / "y000000000028.cfg", HEADER)
    code, out, err = run("validate", str(tmp_path / "srv"))
    assert code == 2 and "selct" in err and out == ""


def test_help_teaches() -> None:
    code, out, _ = run("validate", "--help")
    assert code == 0 and "Examples:" in out and "--server-url" in out and "$PN" in out


# --- effective ------------------------------------------------------------------------------


def test_effective_text_names_file_and_line() -> None:
    code, out, err = run("effective", str(DATA_TREE / "pn"), "--mac", "00:15:65:11:30:F9")
    assert code == 0
    local = DATA_TREE / "pn" / "T46G" / "0015651130f9-local.cfg"
    assert f"{local}:2: account.1.label = Front desk" in out.splitlines()
    assert "account.1.password = ******" in out and "pw-2001" not in out
    assert err.startswith("Reads, in order: ") and "y000000000028.cfg" in err


def test_effective_json_is_one_object() -> None:
    code, out, _ = run(
        "effective", str(DATA_TREE / "pn"), "--mac", "0015651130f9", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    common = str(DATA_TREE / "pn" / "T46G" / "y000000000028.cfg")
    assert data["lang.gui"] == {"value": "English", "file": common, "line": 10}
    assert data["account.16.password"]["value"] == "******"


def test_effective_show_secrets_and_explicit_files(tmp_path: Path) -> None:
    common = write(tmp_path / "y000000000028.cfg", HEADER + "lang.gui = English\n")
    mac = write(tmp_path / "0015651130f9.cfg", HEADER + "account.1.password = s3cret\n")
    local = write(tmp_path / "0015651130f9-local.cfg", HEADER + "lang.gui = German\n")
    args = ["--common", str(common), "--mac-file", str(mac), "--local", str(local)]
    code, out, _ = run("effective", *args, "--format", "json", "--show-secrets")
    assert code == 0
    data = json.loads(out)
    assert data["account.1.password"]["value"] == "s3cret"
    assert data["lang.gui"] == {"value": "German", "file": str(local), "line": 2}


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--mac", "0015651130f9"],
        [str(DATA_TREE / "pn")],
        [str(DATA_TREE / "pn"), "--mac", "0015651130f9", "--local", __file__],
    ],
)
def test_effective_usage_errors(args: list[str]) -> None:
    code, _, err = run("effective", *args)
    assert code == 2 and "--mac" in err


def test_effective_unknown_phone_exits_2() -> None:
    code, _, err = run("effective", str(DATA_TREE / "pn"), "--mac", "0015650000ff")
    assert code == 2 and "cfgtool: error: no 0015650000ff.cfg" in err


# --- url ------------------------------------------------------------------------------------


def test_url_follows_the_guides_worked_example() -> None:
    code, out, _ = run(
        "url", "tftp://192.168.1.100/$PN/", "--model", "SIP-T42G", "--mac", "00156543EC97"
    )
    assert code == 0
    assert out.splitlines() == [
        "tftp://192.168.1.100/T42G/y000000000029.cfg",
        "tftp://192.168.1.100/T42G/00156543ec97.cfg",
    ]


@pytest.mark.parametrize(
    ("url", "model", "expected"),
    [
        ("tftp://192.168.1.100/$PN", "T46G", ["T46G/y000000000028.cfg", "T46G/0015651130f9.cfg"]),
        ("http://prov.example.com/$PN/$MAC.cfg", "T23G", ["T23G/0015651130f9.cfg"]),
        ("http://prov.example.com/$PN/", "T23P", ["T23P/y000000000044.cfg"]),
        ("https://prov.example.com/", "T19P E2", ["/y000000000053.cfg", "/0015651130f9.cfg"]),
        ("192.168.1.100", "CP860", ["tftp://192.168.1.100/y000000000037.cfg"]),
        ("http://p.example.com/cfg?site=3", "T48G", ["/cfg/y000000000035.cfg?site=3"]),
    ],
)
def test_url_expansion(url: str, model: str, expected: list[str]) -> None:
    code, out, _ = run("url", url, "--model", model, "--mac", "00-15-65-11-30-F9")
    assert code == 0
    lines = out.splitlines()
    for fragment in expected:
        assert any(line.endswith(fragment) or fragment in line for line in lines), (fragment, out)


def test_url_json_and_pn_override() -> None:
    code, out, _ = run(
        "url",
        "tftp://10.0.0.1/$PN/",
        "--model",
        "T46G",
        "--mac",
        "0015651130f9",
        "--pn",
        "phones-46",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out) == [
        {"kind": "common", "url": "tftp://10.0.0.1/phones-46/y000000000028.cfg"},
        {"kind": "mac", "url": "tftp://10.0.0.1/phones-46/0015651130f9.cfg"},
    ]


def test_url_model_without_a_known_common_file_notes_it() -> None:
    code, out, err = run("url", "tftp://10.0.0.1/", "--model", "T19P", "--mac", "0015651130f9")
    assert code == 0 and out == "tftp://10.0.0.1/0015651130f9.cfg\n"
    assert "Common file of the T19P is not known" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tftp://h/$PN/", "--model", "T46G", "--mac", "0015"], "not a MAC address"),
        (["tftp://h/$PN/", "--model", "T99", "--mac", "0015651130f9"], "unknown phone model"),
        (["sftp://h/", "--model", "T46G", "--mac", "0015651130f9"], "not a scheme"),
        (["tftp://h/$SN/", "--model", "T46G", "--mac", "0015651130f9"], "$SN"),
        (["tftp://h/", "--model", "T46G"], "--mac"),
    ],
)
def test_url_errors_exit_2(args: list[str], message: str) -> None:
    code, out, err = run("url", *args)
    assert code == 2 and out == "" and message in err
