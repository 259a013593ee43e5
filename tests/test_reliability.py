"""Issue 16: one test per defect a hostile user found (the class tests are in test_hostile.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


# --- 15: a key file or private key others can read is a warning (--strict: refused) --

KEY = "0123456789abcdef"


@pytest.mark.parametrize("command", ["encrypt", "decrypt"])
def test_exposed_key_file_warns_and_strict_refuses(tmp_path: Path, command: str) -> None:
    plain = write_tree(tmp_path, {"in/y000000000028.cfg": CFG}) / "in"
    key_file = tmp_path / "aes.key"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    key_file.chmod(0o640)
    source = plain
    if command == "decrypt":
        key_file.chmod(0o600)
        assert (
            cli("encrypt", str(plain), "-o", str(tmp_path / "enc"), "--key-file", str(key_file))[0]
            == 0
        )
        key_file.chmod(0o644)
        source = tmp_path / "enc"
    args = (command, str(source), "--key-file", str(key_file), "-q")
    code, _, stderr = cli(*args, "-o", str(tmp_path / "out1"))
    assert code == 0
    assert f"cfgtool: warning: {key_file} is readable by group" in stderr
    assert "chmod 600" in stderr and KEY not in stderr
    code, _, stderr = cli(*args, "--strict", "-o", str(tmp_path / "out2"))
    assert code == 2 and "(--strict)" in stderr
    assert not (tmp_path / "out2").exists()
    key_file.chmod(0o600)
    code, _, stderr = cli(*args, "--strict", "-o", str(tmp_path / "out3"))
    assert code == 0 and "warning" not in stderr


# --- 25, 26, 27: crypto semantics ----------------------------------------------------

LONG_CFG = "#!version:1.0.0.1\n" + "".join(
    f"account.{i}.display_name = phone number {i}\n" for i in range(1, 17)
)


def _key_file(tmp_path: Path) -> Path:
    key_file = tmp_path / "aes.key"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    return key_file


def test_explicit_key_wins_over_a_stale_security_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"in/y000000000028.cfg": LONG_CFG})
    key_file = _key_file(tmp_path)
    keyfile_run = ("encrypt", str(tmp_path / "in"), "--mode", "keyfile", "-q")
    assert cli(*keyfile_run, "-o", str(tmp_path / "old"))[0] == 0
    aes_run = ("encrypt", str(tmp_path / "in"), "--key-file", str(key_file), "-q")
    assert cli(*aes_run, "-o", str(tmp_path / "enc"))[0] == 0
    stale = tmp_path / "old" / "y000000000028_Security.enc"
    (tmp_path / "enc" / stale.name).write_bytes(stale.read_bytes())
    code, _, stderr = cli(
        "decrypt", str(tmp_path / "enc"), "--key-file", str(key_file), "-o", str(tmp_path / "dec")
    )
    assert code == 0, stderr
    assert (tmp_path / "dec" / "y000000000028.cfg").read_text(encoding="utf-8") == LONG_CFG


def test_truncated_ciphertext_decrypts_with_a_warning(tmp_path: Path) -> None:
    write_tree(tmp_path, {"in/y000000000028.cfg": LONG_CFG})
    key_file = _key_file(tmp_path)
    assert (
        cli(
            "encrypt",
            str(tmp_path / "in"),
            "--key-file",
            str(key_file),
            "-q",
            "-o",
            str(tmp_path / "enc"),
        )[0]
        == 0
    )
    whole = (tmp_path / "enc" / "y000000000028.cfg").read_bytes()
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "y000000000028.cfg").write_bytes(whole[: len(whole) // 2 // 16 * 16])
    code, _, stderr = cli(
        "decrypt", str(tmp_path / "cut"), "--key-file", str(key_file), "-o", str(tmp_path / "dec")
    )
    assert code == 0
    assert "may be truncated or damaged (the format has no integrity check)" in stderr
    code, _, stderr = cli(
        "decrypt", str(tmp_path / "enc"), "--key-file", str(key_file), "-o", str(tmp_path / "ok")
    )
    assert code == 0 and "may be truncated" not in stderr
    assert "no integrity check" in cli("decrypt", "--help")[1]


@pytest.fixture(scope="module")
def small_rsa(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    directory = tmp_path_factory.mktemp("rsa16")
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    public_pem = directory / "public.pem"
    public_pem.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    private_pem = directory / "private.pem"
    private_pem.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_pem.chmod(0o600)
    return public_pem, private_pem


def test_short_rsa_key_warns_and_a_bom_envelope_decrypts(
    tmp_path: Path, small_rsa: tuple[Path, Path]
) -> None:
    public_pem, private_pem = small_rsa
    write_tree(tmp_path, {"in/y000000000028.cfg": LONG_CFG})
    code, _, stderr = cli(
        "encrypt",
        str(tmp_path / "in"),
        "--mode",
        "rsa",
        "--rsa-public",
        str(public_pem),
        "-q",
        "-o",
        str(tmp_path / "enc"),
    )
    assert code == 0
    assert "the RSA public key has only 1024 bits" in stderr
    envelope = tmp_path / "enc" / "y000000000028.cfg"
    envelope.write_bytes(b"\xef\xbb\xbf" + envelope.read_bytes())
    code, _, stderr = cli(
        "decrypt",
        str(tmp_path / "enc"),
        "--rsa-private",
        str(private_pem),
        "-o",
        str(tmp_path / "dec"),
    )
    assert code == 0, stderr
    assert (tmp_path / "dec" / "y000000000028.cfg").read_text(encoding="utf-8") == LONG_CFG


# --- 16: a broken configuration file is one line, exit 2 ------------------------------


@pytest.mark.parametrize("name", ["pyproject.toml", ".cfgtool.toml"])
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[tool.cfgtool]\nselect = ["\xff"]\n', "not UTF-8 text"),
        (b"[tool.cfgtool]\nx = " + b"[" * 1000 + b"]" * 1000 + b"\n", "nested too deeply"),
    ],
)
def test_broken_configuration_is_one_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    write_tree(tmp_path, {"y000000000028.cfg": CFG})
    body = content if name == "pyproject.toml" else content.replace(b"[tool.cfgtool]\n", b"")
    (tmp_path / name).write_bytes(body)
    for command in ("lint", "validate"):
        code, _, stderr = cli(command, str(tmp_path / "y000000000028.cfg"))
        assert code == 2, stderr
        assert stderr.count("\n") == 1 and stderr.startswith("cfgtool: error: ")
        assert message in stderr and "Traceback" not in stderr


# --- 24: the phone's lower-case fetch everywhere; every output format agrees ---------


def test_effective_never_applies_an_upper_case_mac_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"y000000000028.cfg": CFG, "0015651130F9.cfg": CFG + "a.b = 1\n"})
    code, stdout, stderr = cli("effective", str(tmp_path), "--mac", "0015651130f9")
    assert code == 2 and "a.b" not in stdout
    assert "0015651130F9.cfg is there, but phones request the name in lower case" in stderr


def _formats_agree(old: Path, new: Path, *extra: str) -> None:
    text = cli("diff", *extra, str(old), str(new))
    as_json = cli("diff", *extra, "--format", "json", str(old), str(new))
    unified = cli("diff", *extra, "--format", "unified", str(old), str(new))
    assert text[0] == as_json[0] == unified[0], (text, as_json, unified)
    assert (json.loads(as_json[1]) != []) == (text[0] == 1)


@pytest.mark.parametrize("effective", [(), ("--effective",)])
@pytest.mark.parametrize(
    "new_files",
    [
        {"0015651130F9.cfg": CFG + "a.b = 1\n"},
        {"0015651130f9.cfg": CFG + "a.b = 1\n"},
        {"0015651130f9.cfg": CFG, "fw.rom": "new"},
        {"0015651130f9.cfg": CFG},
    ],
)
def test_diff_formats_agree(
    tmp_path: Path, effective: tuple[str, ...], new_files: dict[str, str]
) -> None:
    old = write_tree(tmp_path / "old", {"y000000000028.cfg": CFG, "0015651130f9.cfg": CFG})
    new = write_tree(tmp_path / "new", {"y000000000028.cfg": CFG, **new_files})
    if "fw.rom" in new_files:
        (old / "fw.rom").write_text("old", encoding="utf-8")
    _formats_agree(old, new, *effective)


# --- 29: CR-only line endings: phones read one line; lint says so, as fmt --check does --


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("#!version:1.0.0.1\raccount.1.enable = 1\raccount.1.label = x\r", 1),
        ("#!version:1.0.0.1\naccount.1.enable = 1\raccount.1.label = x\n", 2),
    ],
)
def test_lone_carriage_returns_are_an_error_lint_and_fmt_agree(
    tmp_path: Path, content: str, line: int
) -> None:
    path = tmp_path / "y000000000028.cfg"
    path.write_bytes(content.encode())
    code, stdout, _ = cli("lint", str(path))
    assert code == 1
    assert f"CFG111 error line {line} ends with a carriage return alone (CR" in stdout
    assert cli("fmt", "--check", str(path))[0] == 1
    assert cli("fmt", str(path))[0] == 0
    assert cli("lint", "--select", "CFG111", str(path))[0] == 0


def test_crlf_is_not_a_lone_carriage_return(tmp_path: Path) -> None:
    path = tmp_path / "y000000000028.cfg"
    path.write_bytes(b"#!version:1.0.0.1\r\naccount.1.enable = 1\r\n")
    assert "CFG111" not in cli("lint", str(path))[1]


# --- 28: render reports the lint warnings of the files it writes ----------------------


@pytest.mark.parametrize("char", ["\u200b", "\u202e", "\ufeff"])
def test_render_reports_invisible_characters_it_writes(tmp_path: Path, char: str) -> None:
    template = (
        write_tree(tmp_path, {"t.cfg.tmpl": "#!version:1.0.0.1\naccount.1.label = {{ label }}\n"})
        / "t.cfg.tmpl"
    )
    inventory = tmp_path / "inv.csv"
    inventory.write_text(f"mac,model,label\n0015651130f9,T46G,a{char}b\n", encoding="utf-8")
    args = ("render", str(template), "--inventory", str(inventory), "-q")
    code, stdout, _ = cli(*args, "--out", str(tmp_path / "out"))
    assert code == 0 and (tmp_path / "out" / "0015651130f9.cfg").exists()
    assert (
        f'warning: {inventory}:2:3: CFG107 column "label": invisible character U+{ord(char):04X}'
        in stdout
    )
    code, stdout, _ = cli(*args, "--out", str(tmp_path / "out2"), "--format", "json")
    warnings = json.loads(stdout)["warnings"]
    assert [(w["row"], w["column_name"], w["code"]) for w in warnings] == [(2, "label", "CFG107")]


# --- 18: diff of a tree with an unreadable directory is an error, like validate -------


def test_diff_of_a_tree_with_an_unreadable_directory_fails(tmp_path: Path) -> None:
    old = write_tree(tmp_path / "old", {"y000000000028.cfg": CFG, "T46G/0015651130f9.cfg": CFG})
    new = write_tree(tmp_path / "new", {"y000000000028.cfg": CFG, "T46G/0015651130f9.cfg": CFG})
    (new / "T46G").chmod(0)
    # As root nothing is unreadable: drop the capabilities that bypass permissions.
    wrapper = (
        ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
        if os.geteuid() == 0
        else []
    )
    runner = "import sys; from cfgtool.cli import main; sys.exit(main())"
    try:
        done = subprocess.run(
            [*wrapper, sys.executable, "-c", runner, "diff", str(old), str(new)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    finally:
        (new / "T46G").chmod(0o755)
    assert done.returncode == 2, done
    assert (
        done.stderr == f"cfgtool: error: {new / 'T46G'}: cannot read directory: Permission denied\n"
    )
