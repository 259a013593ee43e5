"""cfgtool serve's own security and download cases, against nginx and in.tftpd from deploy.

The lab tree is serve's (``make_lab``: a secret next to ROOT, symlinks out of it, a
protected activation-code directory with serve's bcrypt htpasswd), the paths are
serve's lists (``HTTP_ESCAPES``, ``TFTP_ESCAPES``), the clients are curl and tftp-hpa.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cfgtool.deploy.nginx import nginx_config, site_from_options, site_warnings
from cfgtool.deploy.tftpd import TftpdSite, tftpd_command, tftpd_rules
from tests.net import daemon_user, free_port, wait_bound
from tests.nginx_helpers import Nginx, running_nginx
from tests.serve_helpers import MAC, SECRET, USER_AGENT, Lab, make_lab
from tests.test_serve_security import HTTP_ESCAPES, TFTP_ESCAPES

PROTECTED = "/T23G_1/y000000000044.cfg"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Lab:
    return make_lab(tmp_path_factory.mktemp("lab"))


@pytest.fixture(scope="module")
def nginx(lab: Lab) -> Iterator[Nginx]:
    work = lab.base / "nginx"
    work.mkdir()
    log = lab.base / "nginx.jsonl"

    def site(port: int) -> str:
        options = site_from_options(
            str(lab.root),
            auth=[f"T23G_1={lab.htpasswd}"],
            listen=[f"127.0.0.1:{port}"],
            access_log=str(log),
        )
        return nginx_config(options)

    with running_nginx(site, work, log) as server:
        yield server


@pytest.mark.parametrize("path", HTTP_ESCAPES)
def test_nginx_never_leaves_root(nginx: Nginx, path: str) -> None:
    fetched = nginx.curl(path, "--path-as-is")
    assert fetched.status in (400, 403, 404)
    assert SECRET.encode() not in fetched.body


def test_nginx_absolute_path_stays_inside_root(nginx: Nginx, lab: Lab) -> None:
    fetched = nginx.curl(str(lab.secret), "--path-as-is")
    assert fetched.status == 404 and SECRET.encode() not in fetched.body


@pytest.mark.parametrize("path", ["/", "/T46G/", "/T46G"])
def test_nginx_lists_no_directory(nginx: Nginx, path: str) -> None:
    fetched = nginx.curl(path)
    assert fetched.status == 404 and b"y000000000028" not in fetched.body


def test_nginx_serves_the_bytes_on_disk_as_text(nginx: Nginx, lab: Lab) -> None:
    done = subprocess.run(
        ["curl", "-s", "-i", "--max-time", "5", nginx.url("/T46G/y000000000028.cfg")],
        capture_output=True,
        timeout=10,
        check=False,
    )
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    assert body == (lab.root / "T46G" / "y000000000028.cfg").read_bytes()
    headers = head.decode().lower()
    assert headers.startswith("http/1.1 200") and "content-type: text/plain" in headers
    assert "etag: " in headers and "last-modified: " in headers


def test_nginx_checks_serves_bcrypt_htpasswd(nginx: Nginx, lab: Lab) -> None:
    good = nginx.curl(PROTECTED, "-u", "t23g:activate")
    assert good.status == 200
    assert good.body == (lab.root / "T23G_1" / "y000000000044.cfg").read_bytes()
    assert nginx.curl(PROTECTED, "-u", "t23g:other").status == 401
    assert nginx.curl(PROTECTED).status == 401


def test_a_rotated_second_password_is_a_warning_for_nginx(nginx: Nginx, lab: Lab) -> None:
    # serve accepts both of t23g's lines (cfgtool passwd --keep); nginx only the first.
    assert nginx.curl(PROTECTED, "-u", "t23g:rotated").status == 401
    warnings = site_warnings(site_from_options(str(lab.root), auth=[f"T23G_1={lab.htpasswd}"]))
    (warning,) = warnings
    assert "user 't23g' again" in warning and "only the first line" in warning
    text = (lab.base / "nginx" / "site.conf").read_text()
    assert "# WARNING: " in text


@pytest.mark.parametrize("method", ["POST", "DELETE", "OPTIONS", "PATCH", "PROPFIND", "MKCOL"])
def test_nginx_refuses_other_methods(nginx: Nginx, lab: Lab, method: str) -> None:
    assert nginx.curl("/T46G/y000000000028.cfg", "-X", method).status in (403, 405)
    assert (lab.root / "T46G" / "y000000000028.cfg").exists()


def test_nginx_upload_rules_are_serves(nginx: Nginx, lab: Lab) -> None:
    path = f"/T46G/{MAC}-local.cfg"
    put = nginx.curl(path, "-X", "PUT", "--data-binary", "lang.gui = German\n", "-A", USER_AGENT)
    assert put.status in (201, 204)
    assert (lab.root / "T46G" / f"{MAC}-local.cfg").read_text() == "lang.gui = German\n"
    assert nginx.curl("/T46G/evil.cfg", "-X", "PUT", "--data-binary", "x").status == 403
    protected = "/T23G_1/00156543ec97-local.cfg"
    assert nginx.curl(protected, "-X", "PUT", "--data-binary", "x").status == 401


@pytest.fixture(scope="module")
def tftpd(lab: Lab) -> Iterator[int]:
    port = free_port()
    site = TftpdSite(
        lab.root,
        uploads=True,
        address=f"127.0.0.1:{port}",
        user=daemon_user(),
        map_file=lab.base / "tftpd.rules",
    )
    site.map_file.write_text(tftpd_rules(site))
    process = subprocess.Popen(
        tftpd_command(site, foreground=True), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_bound(port)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(5)


@pytest.mark.parametrize("remote", TFTP_ESCAPES)
def test_tftpd_never_leaves_root(tftpd: int, tmp_path: Path, remote: str) -> None:
    local = tmp_path / "got"
    subprocess.run(
        ["tftp", "127.0.0.1", str(tftpd), "-m", "binary", "-c", "get", remote, str(local)],
        capture_output=True,
        timeout=10,
        check=False,
    )
    assert not local.exists() or SECRET.encode() not in local.read_bytes()


def test_tftpd_serves_the_bytes_on_disk(tftpd: int, lab: Lab, tmp_path: Path) -> None:
    local = tmp_path / "got"
    subprocess.run(
        ["tftp", "127.0.0.1", str(tftpd), "-m", "binary", "-c", "get",
         "T46G/y000000000028.cfg", str(local)],
        capture_output=True,
        timeout=10,
        check=True,
    )  # fmt: skip
    assert local.read_bytes() == (lab.root / "T46G" / "y000000000028.cfg").read_bytes()
