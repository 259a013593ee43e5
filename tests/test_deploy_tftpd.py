"""cfgtool deploy tftpd-hpa: in.tftpd with the emitted options and rules, and tftp-hpa's client."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main
from cfgtool.deploy.tftpd import TftpdSite, tftpd_command, tftpd_defaults, tftpd_rules
from cfgtool.errors import CfgValueError
from tests.conftest import write_tree
from tests.net import daemon_user, free_port, stop_daemon, wait_bound

MAC = "0015651130f9"
COMMON = "#!version:1.0.0.1\nlang.gui = English\n"


@dataclass
class Tftpd:
    port: int
    root: Path
    work: Path

    def tftp(self, command: str) -> str:
        """Run one tftp-hpa command in ``work``; tftp exits 0 even on errors: read its output."""
        done = subprocess.run(
            ["tftp", "-m", "binary", "127.0.0.1", str(self.port), "-c", *command.split()],
            capture_output=True,
            text=True,
            cwd=self.work,
            timeout=10,
            check=False,
        )
        return done.stdout + done.stderr


def start(tmp_path: Path, *, uploads: bool) -> Iterator[Tftpd]:
    for tool in ("in.tftpd", "tftp"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (.ci/run installs tftpd-hpa and tftp-hpa)")
    root = write_tree(
        tmp_path / "root",
        {"T46G/y000000000028.cfg": COMMON, ".htpasswd": "leak\n", "T46G/.git/x": "leak\n"},
    )
    work = tmp_path / "work"
    work.mkdir()
    port = free_port()
    user = daemon_user()
    site = TftpdSite(
        root,
        uploads=uploads,
        address=f"127.0.0.1:{port}",
        user=user,
        map_file=tmp_path / "tftpd-hpa.rules",
    )
    site.map_file.write_text(tftpd_rules(site))
    process = subprocess.Popen(
        tftpd_command(site, foreground=True), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_bound(port)
        yield Tftpd(port, root, work)
    finally:
        stop_daemon(process)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Tftpd]:
    yield from start(tmp_path, uploads=True)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Tftpd]:
    yield from start(tmp_path, uploads=False)


def test_get_serves_the_file(server: Tftpd) -> None:
    assert server.tftp("get T46G/y000000000028.cfg got.cfg") == ""
    assert (server.work / "got.cfg").read_text() == COMMON


@pytest.mark.parametrize(
    "path",
    [
        ".htpasswd",
        "T46G/.git/x",
        "../etc/passwd",
        "T46G/../../etc/passwd",
        "T46G\\y000000000028.cfg",
    ],
)
def test_hidden_traversal_and_backslash_are_denied(server: Tftpd, path: str) -> None:
    output = server.tftp(f"get {path} got")
    assert "Access denied" in output or "not found" in output
    got = server.work / "got"
    assert not got.exists() or (
        b"leak" not in got.read_bytes() and b"root:" not in got.read_bytes()
    )


def test_an_absolute_path_stays_in_root(server: Tftpd) -> None:
    assert "not found" in server.tftp("get /etc/passwd got")


def test_a_directory_is_not_a_file(server: Tftpd) -> None:
    assert "Error" in server.tftp("get T46G got")


def test_upload_of_local_cfg_is_stored_0600_and_replaced(server: Tftpd) -> None:
    (server.work / "up").write_text("lang.gui = German\n")
    assert server.tftp(f"put up T46G/{MAC}-local.cfg") == ""
    (server.work / "up").write_text("lang.gui = French\n")
    assert server.tftp(f"put up T46G/{MAC}-local.cfg") == ""
    stored = server.root / "T46G" / f"{MAC}-local.cfg"
    assert stored.read_text() == "lang.gui = French\n"
    assert stored.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "name", ["T46G/y000000000028.cfg", "T46G/evil.cfg", "T46G/0015651130F9-local.cfg", ".x"]
)
def test_upload_of_anything_else_is_denied(server: Tftpd, name: str) -> None:
    (server.work / "up").write_text("x\n")
    assert "Access denied" in server.tftp(f"put up {name}")
    assert (server.root / "T46G" / "y000000000028.cfg").read_text() == COMMON


def test_without_uploads_every_write_is_denied(read_only: Tftpd) -> None:
    (read_only.work / "up").write_text("x\n")
    assert "Access denied" in read_only.tftp(f"put up T46G/{MAC}-local.cfg")
    assert not (read_only.root / "T46G" / f"{MAC}-local.cfg").exists()


def test_defaults_file() -> None:
    site = TftpdSite(Path("/srv/tftp"), uploads=True, address="10.0.0.1:69")
    text = tftpd_defaults(site)
    assert 'TFTP_DIRECTORY="/srv/tftp"' in text and 'TFTP_ADDRESS="10.0.0.1:69"' in text
    assert "--secure" in text and "--create" in text and "--map-file /etc/tftpd-hpa.rules" in text
    assert "--create" not in tftpd_defaults(replace(site, uploads=False))
    assert "--secure" not in tftpd_defaults(replace(site, secure=False))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"root": Path("srv")}, "absolute"),
        ({"root": Path("/srv/a b")}, "letters, digits"),
        ({"address": "10.0.0.1"}, "ADDRESS:PORT"),
        ({"user": "Bad User"}, "not a user name"),
    ],
)
def test_bad_settings(changes: dict[str, object], message: str) -> None:
    site = replace(TftpdSite(Path("/srv/tftp")), **changes)  # type: ignore[arg-type]
    with pytest.raises(CfgValueError, match=message):
        tftpd_defaults(site)


def test_cli_output_dir(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["deploy", "tftpd-hpa", str(tmp_path), "--uploads", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "TFTP_OPTIONS" in (tmp_path / "tftpd-hpa").read_text()
    assert "Pa~" in (tmp_path / "tftpd-hpa.rules").read_text()
