"""cfgtool phone against tftpd-hpa, pyftpdlib, nginx with Basic auth, and HTTPS (trustme CA)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfgtool.phone import provision
from tests.conftest import write_tree
from tests.phone_servers import ftp_server, http_server, nginx, tftpd, throwaway_ca

# pyftpdlib still imports asyncore/asynchat.
pytestmark = pytest.mark.filterwarnings("ignore:The asyn:DeprecationWarning")

MAC = "0015651130f9"
COMMON = "#!version:1.0.0.1\nlang.gui = English\nstatic.auto_provision.custom.sync = 1\n"
MAC_CFG = "#!version:1.0.0.1\naccount.1.label = Reception\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = write_tree(
        tmp_path / "srv", {"T46G/y000000000028.cfg": COMMON, f"T46G/{MAC}.cfg": MAC_CFG}
    )
    for path in [root, *root.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    return root


def play(url: str, **options: object):  # type: ignore[no-untyped-def]
    options.setdefault("model", "T46G")
    return provision(url, options.pop("mac", MAC), timeout=3, **options)


# --------------------------------------------------------------------------- tftpd-hpa


def test_tftp_sequence_and_local_upload(tree: Path) -> None:
    with tftpd(tree, writable=True) as server:
        result = play(
            server.url + "/$PN/",
            mac="00:15:65:11:30:F9",
            local="#!version:1.0.0.1\nlang.gui = Deutsch\n",
        )
    assert [(r.kind, r.status) for r in result.requests] == [
        ("boot", "file not found"),
        ("boot", "file not found"),
        ("common", "ok"),
        ("mac", "ok"),
        ("local", "file not found"),
        ("upload", "ok"),
    ]
    assert result.ok, result.diagnostics
    assert result.settings["account.1.label"].value == "Reception"
    assert "lang.gui = Deutsch" in (tree / f"T46G/{MAC}-local.cfg").read_text()


def test_tftp_missing_common_and_mac_fails_with_the_404_hint(tree: Path) -> None:
    with tftpd(tree) as server:
        result = play(server.url + "/$PN/", pn="T48G", boot="never")
    assert result.failure == "file not found" and result.exit_code == 1
    assert any("$PN directory name" in (d.hint or "") for d in result.diagnostics)


# --------------------------------------------------------------------------- pyftpdlib


def test_ftp_credentials_in_the_url_and_stor_upload(tree: Path) -> None:
    with ftp_server(tree, "phone", "s3cret") as server:
        url = server.url.replace("://", "://phone:s3cret@") + "/$PN/"
        result = play(url, boot="never", local="#!version:1.0.0.1\nlang.gui = Polish\n")
    assert result.ok, result.diagnostics
    assert [r.kind for r in result.requests] == ["common", "mac", "local", "upload"]
    assert "Polish" in (tree / f"T46G/{MAC}-local.cfg").read_text()
    assert "s3cret" not in result.to_json()


def test_ftp_wrong_password_is_an_authentication_failure(tree: Path) -> None:
    with ftp_server(tree, "phone", "s3cret") as server:
        result = play(server.url + "/$PN/", boot="never", user="phone", password="nope")
    assert result.failure == "authentication"
    assert any(d.code == "PHONE102" for d in result.diagnostics)


# --------------------------------------------------------------------------- nginx


def test_nginx_basic_auth(tree: Path, tmp_path: Path) -> None:
    (tree / "T46G/y000000000028.cfg").write_text("#!version:1.0.0.1\nlang.gui = English\n")
    with nginx(tree, tmp_path / "nginx", basic=("phone", "pw-1")) as server:
        refused = play(server.url + "/$PN/")
        accepted = play(server.url + "/$PN/", user="phone", password="pw-1")
    assert refused.failure == "authentication"
    assert accepted.ok and accepted.settings["account.1.label"].value == "Reception"
    assert [r.status for r in accepted.requests] == ["404", "404", "200", "200"]


# --------------------------------------------------------------------------- HTTPS


def test_https_trusts_only_the_given_ca(tree: Path, tmp_path: Path) -> None:
    ca_file, pair = throwaway_ca(tmp_path)
    (tree / "T46G/y000000000028.cfg").write_text("#!version:1.0.0.1\nlang.gui = English\n")
    with http_server(tree, tls=pair) as server:
        trusted = play(server.url + "/$PN/", boot="never", ca=ca_file)
        untrusted = play(server.url + "/$PN/", boot="never")
        insecure = play(server.url + "/$PN/", boot="never", insecure=True)
    assert trusted.ok, trusted.diagnostics
    assert untrusted.failure == "TLS" and untrusted.exit_code == 1
    assert any("trusted certificates" in (d.hint or "") for d in untrusted.diagnostics)
    assert insecure.ok


def test_https_through_nginx(tree: Path, tmp_path: Path) -> None:
    ca_file, pair = throwaway_ca(tmp_path)
    (tree / "T46G/y000000000028.cfg").write_text("#!version:1.0.0.1\nlang.gui = English\n")
    with nginx(tree, tmp_path / "nginx", tls=pair) as server:
        result = play(server.url + "/$PN/", ca=ca_file)
    assert result.ok and result.requests[-1].protocol == "https"


def test_resources_over_tftp_and_ftp_are_checked(tree: Path) -> None:
    write_tree(tree, {"T46G/fw/28.83.0.120.rom": b"\0" * 64})
    (tree / "T46G/y000000000028.cfg").write_text(
        "#!version:1.0.0.1\nstatic.firmware.url = fw/28.83.0.120.rom\nringtone.url = fw/Ring1.wav\n"
    )
    with tftpd(tree) as server:
        over_tftp = play(server.url + "/$PN/", boot="never")
    with ftp_server(tree, "phone", "pw") as server:
        over_ftp = play(server.url + "/$PN/", boot="never", user="phone", password="pw")
    for result in (over_tftp, over_ftp):
        statuses = {check.kind: (check.status, check.bytes) for check in result.resources}
        assert statuses == {"firmware": ("ok", 64), "ring tone": ("missing", None)}


def test_a_fleet_over_tftp_runs_phones_at_once(tree: Path) -> None:
    from cfgtool.phone import make_spec, provision_fleet

    macs = [f"0015651130{index:02x}" for index in range(24)]
    with tftpd(tree) as server:
        specs = [make_spec(server.url + "/$PN/", mac, model="T46G", boot="never") for mac in macs]
        fleet = provision_fleet(specs, concurrency=24, timeout=3, processes=0)
    assert fleet.summary().provisioned == 24
    assert all(result.requests[0].status == "ok" for result in fleet.results)
