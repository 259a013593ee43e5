"""``cfgtool encrypt`` / ``cfgtool decrypt`` (issue 7): options, output, exit codes."""

from __future__ import annotations

import csv
import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cfgtool.cli import main
from cfgtool.crypto import BUILTIN_KEY, WRONG_KEY, decrypt_bytes, encrypt_bytes

KEY16 = "0123456789abcdef"
OTHER16 = "fedcba9876543210"
CFG = b"#!version:1.0.0.1\naccount.1.label = Reception\n"


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env)


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    directory = tmp_path / "plain"
    directory.mkdir()
    (directory / "y000000000028.cfg").write_bytes(CFG)
    (directory / "001565aabbcc.cfg").write_bytes(b"#!version:1.0.0.1\nlang.gui = English\n")
    return directory


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "aes.key"
    path.write_text(KEY16 + "\n")
    return path


@pytest.fixture(scope="module")
def pem_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    directory = tmp_path_factory.mktemp("pem")
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (directory / "private.pem").write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    (directory / "public.pem").write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return directory / "public.pem", directory / "private.pem"


def test_round_trip_with_key_file(plain: Path, tmp_path: Path, key_file: Path) -> None:
    result = run("encrypt", plain, "--out", tmp_path / "enc", "--key-file", key_file, "--no-lint")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "encrypted 2 files into" in result.stderr
    enc = tmp_path / "enc" / "y000000000028.cfg"
    assert enc.read_bytes() == encrypt_bytes(CFG, KEY16)
    result = run("decrypt", tmp_path / "enc", "-o", tmp_path / "dec", "--key-file", key_file)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dec" / "y000000000028.cfg").read_bytes() == CFG


def test_key_from_environment(plain: Path, tmp_path: Path) -> None:
    result = run(
        "encrypt", plain, "-o", tmp_path / "enc", "--key-env", "CFG_KEY", "--no-lint",
        env={"CFG_KEY": KEY16},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert decrypt_bytes((tmp_path / "enc" / "y000000000028.cfg").read_bytes(), KEY16) == CFG


def test_key_on_the_command_line_warns(plain: Path, tmp_path: Path) -> None:
    result = run("encrypt", plain, "-o", tmp_path / "enc", "--key", KEY16, "--no-lint")
    assert result.exit_code == 0
    assert "warning: --key shows the key in the process list" in result.stderr
    assert KEY16 not in result.output


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("0123456789abcde", "AES key is 15 characters long"),
        ("0123456789abcde!", "AES key character 16 is not allowed"),
    ],
)
def test_bad_key_is_a_usage_error(plain: Path, tmp_path: Path, key: str, message: str) -> None:
    result = run("encrypt", plain, "-o", tmp_path / "enc", "--key", key, "--no-lint")
    assert result.exit_code == 2
    assert f"cfgtool: error: {message}" in result.stderr
    assert not (tmp_path / "enc").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--key", KEY16, "--key-env", "X"], "one way only"),
        ([], "aes mode needs a key"),
        (["--mode", "rsa"], "--rsa-public"),
        (["--mode", "rsa", "--rsa-public", __file__, "--print-phone-config"], "rsa mode"),
        (["--mode", "des"], "'des' is not one of"),
        (["--key", KEY16, "--jobs", "0"], "0 is not in the range"),
        (["--generate-key", "--key-length", "24"], "'24' is not one of"),
    ],
)
def test_usage_errors_exit_2(plain: Path, tmp_path: Path, args: list[str], message: str) -> None:
    result = run("encrypt", plain, "-o", tmp_path / "enc", "--no-lint", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "enc").exists()


def test_missing_input_and_missing_out(tmp_path: Path) -> None:
    assert run("encrypt", tmp_path / "absent.cfg", "-o", tmp_path, "--key", KEY16).exit_code == 2
    result = run("encrypt", tmp_path, "--key", KEY16)
    assert result.exit_code == 2 and "--out" in result.stderr


def test_refuses_to_overwrite_the_plaintext(plain: Path, key_file: Path) -> None:
    before = (plain / "y000000000028.cfg").read_bytes()
    result = run("encrypt", plain, "--out", plain, "--key-file", key_file, "--no-lint")
    assert result.exit_code == 2
    assert "refusing to write" in result.stderr and "over the input file" in result.stderr
    assert (plain / "y000000000028.cfg").read_bytes() == before


def test_wrong_key_exits_1_and_writes_nothing(plain: Path, tmp_path: Path, key_file: Path) -> None:
    run("encrypt", plain, "-o", tmp_path / "enc", "--key-file", key_file, "--no-lint")
    result = run("decrypt", tmp_path / "enc", "-o", tmp_path / "dec", "--key", OTHER16)
    assert result.exit_code == 1
    assert f"y000000000028.cfg: refused: {WRONG_KEY}" in result.stderr
    assert "nothing written" in result.stderr
    assert not (tmp_path / "dec").exists()


def test_not_encrypted_exits_1(plain: Path, tmp_path: Path, key_file: Path) -> None:
    result = run("decrypt", plain, "-o", tmp_path / "dec", "--key-file", key_file)
    assert result.exit_code == 1 and WRONG_KEY in result.stderr
    assert not (tmp_path / "dec").exists()


def test_truncated_ciphertext_exits_1(tmp_path: Path, key_file: Path) -> None:
    (tmp_path / "x.cfg").write_bytes(encrypt_bytes(CFG, KEY16)[:-1])
    result = run("decrypt", tmp_path / "x.cfg", "-o", tmp_path / "dec", "--key-file", key_file)
    assert result.exit_code == 1 and "whole number of 16-byte blocks" in result.stderr


def test_generate_key_keys_csv_and_phone_config(plain: Path, tmp_path: Path) -> None:
    out = tmp_path / "enc"
    result = run("encrypt", plain, "-o", out, "--generate-key", "--print-phone-config", "--no-lint")
    assert result.exit_code == 0, result.output
    keys_csv = out / "keys.csv"
    assert f"keys: {keys_csv}" in result.stderr
    assert stat.S_IMODE(keys_csv.stat().st_mode) == 0o600
    rows = list(csv.DictReader(keys_csv.read_text().splitlines()))
    assert [row["file"] for row in rows] == ["001565aabbcc.cfg", "y000000000028.cfg"]
    key = rows[0]["key"]
    assert result.stdout.splitlines() == [
        "static.auto_provision.aes_key_in_file = 0",
        f"static.auto_provision.aes_key.com = {key}",
        f"static.auto_provision.aes_key.mac = {key}",
    ]
    assert decrypt_bytes((out / "y000000000028.cfg").read_bytes(), key) == CFG


def test_keyfile_mode_warns_and_decrypts_without_a_key(plain: Path, tmp_path: Path) -> None:
    out = tmp_path / "enc"
    result = run("encrypt", plain, "-o", out, "--mode", "keyfile", "--no-lint", "--quiet")
    assert result.exit_code == 0, result.output
    assert "warning: keyfile mode hides nothing" in result.stderr and BUILTIN_KEY in result.stderr
    assert (out / "y000000000028_Security.enc").stat().st_size == 16
    result = run("decrypt", out, "-o", tmp_path / "dec")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dec" / "y000000000028.cfg").read_bytes() == CFG


def test_rsa_mode(plain: Path, tmp_path: Path, pem_files: tuple[Path, Path]) -> None:
    public, private = pem_files
    out = tmp_path / "enc"
    result = run("encrypt", plain, "-o", out, "--mode", "rsa", "--rsa-public", public, "--no-lint")
    assert result.exit_code == 0, result.output
    assert (out / "y000000000028.cfg").read_bytes().startswith(b"#!encrypt:1.0.0.0\r\n")
    result = run("decrypt", out, "-o", tmp_path / "dec")
    assert result.exit_code == 2 and "--rsa-private" in result.stderr
    result = run("decrypt", out, "-o", tmp_path / "dec", "--rsa-private", private)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dec" / "y000000000028.cfg").read_bytes() == CFG


def test_json_summary(plain: Path, tmp_path: Path, key_file: Path) -> None:
    result = run(
        "encrypt", plain, "-o", tmp_path / "enc", "--key-file", key_file, "--no-lint",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["command"] == "encrypt" and summary["mode"] == "aes"
    assert summary["written"] is True and summary["exit_code"] == 0
    assert [Path(f["output"]).name for f in summary["files"]] == [
        "001565aabbcc.cfg",
        "y000000000028.cfg",
    ]
    result = run(
        "decrypt", tmp_path / "enc", "-o", tmp_path / "dec", "--key", OTHER16, "--format", "json"
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["written"] is False
    assert {f["status"] for f in summary["files"]} == {"refused"}


def test_lint_refusal_of_binary_input(tmp_path: Path, key_file: Path) -> None:
    (tmp_path / "bin.cfg").write_bytes(b"\x00\xff" * 20)
    result = run("encrypt", tmp_path / "bin.cfg", "-o", tmp_path / "enc", "--key-file", key_file)
    assert result.exit_code == 1
    assert "not valid UTF-8 text" in result.stderr and "--no-lint" in result.stderr
    assert not (tmp_path / "enc").exists()


def test_help_teaches() -> None:
    for command in ("encrypt", "decrypt"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.output and f"cfgtool {command} " in result.output


def test_commands_do_not_import_crypto_libraries_early() -> None:
    code = (
        "import sys, cfgtool, cfgtool.crypto, cfgtool.cli.crypto; "
        "print(sorted(m for m in ('cryptography', 'rich') if m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"
