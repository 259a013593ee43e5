"""cfgtool phone against a real ``cfgtool serve`` process (issue 13, point 6).

One ``cfgtool serve`` subprocess per module, on ephemeral loopback ports for
HTTP, TFTP and FTP, serving a ``$PN`` tree, two activation-code directories
(Basic with an htpasswd file, Digest with an htdigest file written by
``cfgtool passwd``) and uploads; a second one serves the tree encrypted with
``--keys``. The phone is the library (:func:`cfgtool.phone.provision`) and,
once, the command line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main
from cfgtool.phone import PhoneKeys, make_spec, provision, provision_fleet
from cfgtool.server.passwd import set_password
from tests.conftest import EXAMPLES
from tests.serve_helpers import startup_lines

CLI = [sys.executable, "-c", "from cfgtool.cli import main; main()"]
START_TIMEOUT = 30
MAC = "0015651130f9"
SYNC_MACS = {"http": "0015651130fa", "tftp": "0015651130fb", "ftp": "0015651130fc"}
FLEET = 50
KEY_COMMON = "Common0123456789"
KEY_MAC = "MacKey0123456789"


@dataclass
class Serve:
    """A running ``cfgtool serve``: its base URL per protocol and its upload directory."""

    urls: dict[str, str]
    uploads: Path
    output: list[str]

    def url(self, scheme: str, directory: str = "$PN") -> str:
        return f"{self.urls[scheme]}/{directory}/"


def passwd(path: Path, user: str, password: str, *options: str) -> None:
    done = subprocess.run(
        [*CLI, "passwd", str(path), user, *options],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("phone-serve")
    root = base / "tree"
    root.mkdir()
    (root / "T46G").mkdir()
    (root / "T46G" / "y000000000028.cfg").write_bytes(
        (EXAMPLES / "tftp" / "T46G" / "y000000000028.cfg").read_bytes()
    )
    (root / "T46G" / f"{MAC}.cfg").write_text(
        "#!version:1.0.0.1\naccount.1.label = Desk\naccount.1.display_name = Reception\n"
    )
    for sync_mac in SYNC_MACS.values():
        (root / "T46G" / f"{sync_mac}.cfg").write_text(
            "#!version:1.0.0.1\nauto_provision.custom.sync = 1\nauto_provision.custom.protect = 1\n"
        )
    for index in range(FLEET):
        (root / "T46G" / f"00156520{index:04x}.cfg").write_text(
            f"#!version:1.0.0.1\naccount.1.label = Phone {index}\n"
        )
    for directory, common in (("T23G_1", "basic"), ("T23G_2", "digest")):
        (root / directory).mkdir()
        (root / directory / "y000000000044.cfg").write_text(
            f"#!version:1.0.0.1\n# activation code ({common})\nlang.gui = English\n"
        )
        (root / directory / "00156543ec97.cfg").write_text(
            "#!version:1.0.0.1\naccount.1.label = Activated\n"
        )
    # What `cfgtool passwd` writes, at bcrypt's cheapest cost so that the test stays fast.
    set_password(base / "t23g.htpasswd", "t23g", "activate", rounds=4)
    passwd(base / "t23g.htdigest", "t23g", "activate", "--digest", "--realm", "lab")
    return root


@pytest.fixture(scope="module")
def keys_csv(tree: Path) -> Path:
    path = tree.parent / "keys.csv"
    path.write_text(f"file,key\ny000000000028.cfg,{KEY_COMMON}\n{MAC}.cfg,{KEY_MAC}\n")
    path.chmod(0o600)
    return path


@contextlib.contextmanager
def serve_process(root: Path, *options: str) -> Iterator[Serve]:
    """``cfgtool serve ROOT`` on free loopback ports for HTTP, TFTP and FTP; Ctrl-C at the end."""
    uploads = root.parent / f"uploads-{time.monotonic_ns()}"
    command = [*CLI, "serve", str(root), "--uploads", str(uploads)]
    for protocol in ("http", "tftp", "ftp"):
        command += [f"--{protocol}", "127.0.0.1:0"]
    process = subprocess.Popen(
        [*command, *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = startup_lines(process, START_TIMEOUT)
        urls = {}
        for line in lines:
            words = line.split()
            if len(words) == 2 and words[0] in ("http", "tftp", "ftp"):
                urls[words[0]] = words[1].removesuffix("/$PN/").rstrip("/")
        assert set(urls) == {"http", "tftp", "ftp"}, "\n".join(lines) + (
            process.stderr.read() if process.poll() is not None and process.stderr else ""
        )
        yield Serve(urls, uploads, lines)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate(timeout=5)


@pytest.fixture(scope="module")
def served(tree: Path) -> Iterator[Serve]:
    auth = [
        "--auth",
        f"T23G_1={tree.parent / 't23g.htpasswd'}",
        "--auth",
        f"T23G_2={tree.parent / 't23g.htdigest'}",
    ]
    with serve_process(tree, *auth) as running:
        yield running


@pytest.fixture(scope="module")
def encrypted(tree: Path, keys_csv: Path) -> Iterator[Serve]:
    with serve_process(tree, "--keys", str(keys_csv)) as running:
        yield running


def urllib_challenge(url: str) -> str:
    """The ``WWW-Authenticate`` header serve answers a request without credentials with."""
    try:
        urllib.request.urlopen(url, timeout=5)
    except urllib.error.HTTPError as error:
        assert error.code == 401
        return error.headers.get("WWW-Authenticate", "")
    raise AssertionError(f"{url} answered without credentials")


def names(result: object) -> list[tuple[str, str | None]]:
    return [
        (request.url.rpartition("/")[2], request.status)
        for request in result.requests  # type: ignore[attr-defined]
    ]


@pytest.mark.parametrize("scheme", ["http", "tftp", "ftp"])
def test_phone_downloads_common_then_mac_file_from_serve(served: Serve, scheme: str) -> None:
    result = provision(served.url(scheme), MAC, model="T46G", timeout=5)
    assert result.ok, result.diagnostics
    fetched = [name for name, _ in names(result)]
    assert fetched[-2:] == ["y000000000028.cfg", f"{MAC}.cfg"]
    assert fetched[:2] == [f"{MAC}.boot", "y000000000000.boot"]  # probed first, missing
    assert result.settings["account.1.label"].value == "Desk"
    assert result.settings["account.1.label"].file == f"{MAC}.cfg"
    assert result.outcome == "provisioned"


@pytest.mark.parametrize("directory", ["T23G_1", "T23G_2"])  # Basic (htpasswd), Digest (htdigest)
def test_phone_logs_in_to_an_activation_code_directory(served: Serve, directory: str) -> None:
    url = served.url("http", directory)
    challenge = urllib_challenge(url + "y000000000044.cfg")
    assert challenge.startswith("Digest" if directory == "T23G_2" else "Basic"), challenge
    result = provision(url, "00156543ec97", model="T23G", user="t23g", password="activate")
    assert result.ok, result.diagnostics
    assert result.settings["account.1.label"].value == "Activated"
    wrong = provision(url, "00156543ec97", model="T23G", user="t23g", password="wrong")
    assert not wrong.ok and wrong.failure == "authentication"
    assert "401" in [status for _, status in names(wrong)]
    assert any(
        "credentials" in (d.hint or "") or "password" in (d.hint or "") for d in wrong.diagnostics
    )


def test_phone_ftp_login_to_an_activation_code_directory(served: Serve) -> None:
    url = served.urls["ftp"] + "/"  # the FTP user is jailed to T23G_1/
    result = provision(url, "00156543ec97", model="T23G", user="t23g", password="activate")
    assert result.ok, result.diagnostics
    assert result.settings["account.1.label"].value == "Activated"
    wrong = provision(url, "00156543ec97", model="T23G", user="t23g", password="wrong")
    assert not wrong.ok and wrong.failure == "authentication"


@pytest.mark.parametrize("scheme", ["http", "tftp", "ftp"])
def test_phone_uploads_its_local_file_to_serve(served: Serve, scheme: str, tmp_path: Path) -> None:
    local = f"#!version:1.0.0.1\nlang.gui = {scheme}\n"
    sync_mac = SYNC_MACS[scheme]
    result = provision(served.url(scheme), sync_mac, model="T46G", local=local, timeout=5)
    assert result.ok, result.diagnostics
    puts = [r for r in result.requests if r.method == "PUT"]
    assert len(puts) == 1 and puts[0].ok, puts
    assert result.settings["lang.gui"].value == scheme  # protect = 1: the local file wins
    deadline = time.monotonic() + 5
    uploaded: list[Path] = []
    while time.monotonic() < deadline:
        uploaded = list(served.uploads.rglob(f"{sync_mac}-local.cfg"))
        if uploaded and f"lang.gui = {scheme}" in uploaded[0].read_text():
            break
        time.sleep(0.05)
    assert uploaded and f"lang.gui = {scheme}" in uploaded[0].read_text()


def test_phone_decrypts_what_serve_encrypts_with_the_same_keys(
    encrypted: Serve, keys_csv: Path
) -> None:
    by_file = {"y000000000028.cfg": KEY_COMMON, f"{MAC}.cfg": KEY_MAC}
    result = provision(encrypted.url("http"), MAC, model="T46G", keys=PhoneKeys(by_file=by_file))
    assert result.ok, result.diagnostics
    assert result.settings["account.1.label"].value == "Desk"
    # the bytes on the wire were not the plain file
    plain = (keys_csv.parent / "tree" / "T46G" / f"{MAC}.cfg").read_bytes()
    mac_request = next(r for r in result.requests if r.url.endswith(f"{MAC}.cfg"))
    assert mac_request.md5 != hashlib.md5(plain).hexdigest()
    wrong = provision(
        encrypted.url("http"),
        MAC,
        model="T46G",
        keys=PhoneKeys(by_file={"y000000000028.cfg": KEY_MAC, f"{MAC}.cfg": KEY_COMMON}),
    )
    assert not wrong.ok and wrong.failure == "wrong key"


def test_phone_cli_decrypts_with_keys_csv_and_says_no_update_the_second_time(
    encrypted: Serve, keys_csv: Path, tmp_path: Path
) -> None:
    args = [
        "phone",
        encrypted.url("http"),
        "--mac",
        MAC,
        "--model",
        "T46G",
        "--keys",
        str(keys_csv),
        "--state",
        str(tmp_path / "state"),
        "--format",
        "json",
    ]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["outcome"] == "provisioned"
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    report = json.loads(second.output)
    assert report["outcome"] == "no update"
    assert report["reboot"]["needed"] is False


def test_a_fleet_of_phones_provisions_from_serve(served: Serve) -> None:
    specs = [
        make_spec(served.url("http"), f"00156520{index:04x}", model="T46G")
        for index in range(FLEET)
    ]
    fleet = provision_fleet(specs, concurrency=20, timeout=10)
    summary = fleet.summary()
    assert summary.provisioned == FLEET and summary.failed == 0
    labels = {r.mac: r.settings["account.1.label"].value for r in fleet.results}
    assert labels["001565200007"] == "Phone 7"
