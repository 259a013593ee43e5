"""`cfgtool serve` and `cfgtool passwd` as commands; the [tool.cfgtool.serve] table."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main
from cfgtool.errors import ConfigError
from cfgtool.server.auth import CredentialFile
from cfgtool.server.config import Endpoint, build_config, parse_endpoint, read_serve_table
from tests.serve_helpers import Lab, curl, lab, needs, startup_lines

__all__ = ["lab"]
CLI = [sys.executable, "-c", "from cfgtool.cli import main; main()"]


def test_passwd_reads_stdin_and_writes_0600(tmp_path: Path) -> None:
    path = tmp_path / "site.htpasswd"
    result = CliRunner().invoke(main, ["passwd", str(path), "t23g"], input="s3cret\n")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("t23g:$2b$")
    assert CredentialFile(path).check_password("t23g", "s3cret")
    assert "s3cret" not in result.output


def test_passwd_digest_and_rotation(tmp_path: Path) -> None:
    path = tmp_path / "site.htdigest"
    runner = CliRunner()
    args = ["passwd", str(path), "t23g", "--digest", "--realm", "lab"]
    assert runner.invoke(main, args, input="old\n").exit_code == 0
    assert runner.invoke(main, [*args, "--keep"], input="new\n").exit_code == 0
    credentials = CredentialFile(path)
    assert credentials.check_password("t23g", "old") and credentials.check_password("t23g", "new")
    assert runner.invoke(main, args, input="only\n").exit_code == 0
    os.utime(path, ns=(5, 5))
    assert path.read_text().count("t23g:lab:") == 1
    assert CredentialFile(path).check_password("t23g", "only")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--digest"], "--digest needs --realm"),
        (["--realm", "x"], "--realm goes with --digest"),
    ],
)
def test_passwd_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["passwd", str(tmp_path / "f"), "u", *args], input="p\n")
    assert result.exit_code == 2 and message in result.output


def test_passwd_refuses_mixing_kinds_and_empty_passwords(tmp_path: Path) -> None:
    path = tmp_path / "f"
    runner = CliRunner()
    assert runner.invoke(main, ["passwd", str(path), "u"], input="p\n").exit_code == 0
    mixed = runner.invoke(main, ["passwd", str(path), "u", "--digest", "--realm", "r"], input="p\n")
    assert mixed.exit_code == 2 and "htpasswd file" in mixed.output
    empty = runner.invoke(main, ["passwd", str(tmp_path / "g"), "u"], input="\n")
    assert empty.exit_code == 2 and "empty" in empty.output


def test_default_is_http_on_loopback_8080_only(lab: Lab) -> None:
    config = build_config({"root": str(lab.root)}, {}, lab.base)
    assert config.http == Endpoint("127.0.0.1", 8080)
    assert config.https is None and config.tftp is None and config.ftp is None


@pytest.mark.parametrize(
    ("text", "endpoint"),
    [
        ("127.0.0.1:69", Endpoint("127.0.0.1", 69)),
        (":8080", Endpoint("127.0.0.1", 8080)),
        ("8080", Endpoint("127.0.0.1", 8080)),
        ("[::1]:80", Endpoint("::1", 80)),
        ("0.0.0.0:80", Endpoint("0.0.0.0", 80)),
    ],
)
def test_endpoints(text: str, endpoint: Endpoint) -> None:
    assert parse_endpoint(text) == endpoint


@pytest.mark.parametrize("text", ["localhost:80", "1.2.3.4:99999", "1.2.3.4:x", "[::1"])
def test_bad_endpoints(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_endpoint(text)


def test_pyproject_serve_table_and_command_line_over_it(lab: Lab) -> None:
    (lab.base / "pyproject.toml").write_text(
        "[tool.cfgtool]\nignore = []\n\n[tool.cfgtool.serve]\n"
        'root = "tree"\ntftp = "127.0.0.1:6969"\nallow = ["127.0.0.0/8"]\n'
        'auth = { T23G_1 = "t23g.htdigest" }\n'
    )
    table, found = read_serve_table(lab.base / "tree")
    assert found == lab.base / "pyproject.toml"
    config = build_config({"tftp": "127.0.0.1:7000"}, table, found.parent)
    assert config.root == lab.root and config.tftp == Endpoint("127.0.0.1", 7000)
    assert config.http is None  # a protocol was chosen: no default HTTP
    assert config.auth == (("T23G_1", lab.htdigest),)
    assert [str(n) for n in config.allow] == ["127.0.0.0/8"]
    lint = CliRunner().invoke(main, ["lint", str(lab.root / "T46G" / "y000000000028.cfg")])
    assert "unknown key 'serve'" not in lint.output


def test_dot_cfgtool_toml_serve_table(lab: Lab) -> None:
    (lab.base / ".cfgtool.toml").write_text('[serve]\nroot = "tree"\nhttp = "127.0.0.1:9000"\n')
    table, found = read_serve_table(lab.base)
    assert found is not None
    assert build_config({}, table, found.parent).http == Endpoint("127.0.0.1", 9000)
    (lab.base / ".cfgtool.toml").write_text('[serve]\nrot = "tree"\n')
    with pytest.raises(ConfigError, match="unknown key 'rot'"):
        read_serve_table(lab.base)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"https": "127.0.0.1:0"}, "--https needs --tls-cert"),
        ({"template": "x.tmpl"}, "--template and --inventory go together"),
        ({"auth": ("T23G_1",)}, "write DIR=FILE"),
        ({"auth": ("../x=f",)}, "inside ROOT"),
        ({"auth": ("nodir=t23g.htdigest",)}, "is not a directory"),
        ({"allow": ("10.0.0.0/33",)}, "not an address or CIDR"),
        ({"keys": "missing.csv"}, "no such file"),
    ],
)
def test_config_mistakes_say_what_to_change(
    lab: Lab, options: dict[str, object], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(lab.base)
    with pytest.raises(ConfigError, match=message):
        build_config({"root": "tree", **options}, {}, lab.base)


def test_help_teaches_with_examples() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "127.0.0.1:8080" in result.output
    assert "--auth DIR=FILE" in result.output


@needs("curl")
def test_serve_prints_the_phone_urls_and_stops_cleanly_on_ctrl_c(lab: Lab) -> None:
    command = [
        *CLI,
        "serve",
        str(lab.root),
        "--http",
        "127.0.0.1:0",
        "--tftp",
        "127.0.0.1:0",
        "--auth",
        f"T23G_1={lab.htdigest}",
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = startup_lines(process, 20)
        text = "\n".join(lines)
        assert "$PN layout" in text
        http = next(line.split()[1] for line in lines if line.strip().startswith("http "))
        assert http.startswith("http://127.0.0.1:") and http.endswith("/$PN/")
        assert f"auto_provision.server.url = {http}" in text
        assert "TFTP refuses it" in text
        assert curl(http.replace("$PN", "T46G") + "y000000000028.cfg").status == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
        assert process.returncode == 0, err
        assert "stopped" in out and "Traceback" not in err
        assert "T46G/y000000000028.cfg 200" in out
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=5)


def test_serve_with_a_busy_port_is_one_error_line(lab: Lab) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [*CLI, "serve", str(lab.root), "--http", f"127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode != 0
    assert "cannot listen" in done.stderr and "Traceback" not in done.stderr
