"""Issue 12 point 8: every attack on every protocol, with the real clients.

Nothing outside ROOT is ever served: the secret file next to ROOT must never
appear in any answer, whatever the encoding of the way out.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest

from cfgtool.server.config import parse_network
from tests.serve_helpers import (
    SECRET,
    Lab,
    curl,
    lab,
    log_records,
    needs,
    shared,
    start,
    tftp_get,
    tftp_put,
)

__all__ = ["lab", "shared", "start"]

HTTP_ESCAPES = [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/..%2fsecret.txt",
    "/T46G/..%2f..%2fsecret.txt",
    "/T46G/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/%252e%252e/secret.txt",
    "/..%5csecret.txt",
    "/..\\secret.txt",
    "/T46G/..%c0%afsecret.txt",
    "//secret.txt",
    "/%2fsecret.txt",
    "/T46G/y000000000028.cfg%00.txt",
    "/outside-link/secret.txt",
    "/secret-link.cfg",
    "/.%2e/secret.txt",
]


@needs("curl")
@pytest.mark.parametrize("path", HTTP_ESCAPES)
def test_http_never_leaves_root(shared: Any, path: str) -> None:
    lab, server = shared
    fetched = curl(server.url(path=path))
    assert fetched.status in (400, 403, 404)
    assert SECRET.encode() not in fetched.body
    assert log_records(lab)[-1]["status"] == fetched.status


@needs("curl")
def test_http_absolute_path_stays_inside_root(lab: Lab, start: Any) -> None:
    fetched = curl(start().url(path=str(lab.secret)))
    assert fetched.status == 404 and SECRET.encode() not in fetched.body


@needs("curl")
@pytest.mark.parametrize("path", ["/", ""])
def test_http_root_itself_is_not_listed(shared: Any, path: str) -> None:
    fetched = curl(shared[1].url(path=path))
    assert fetched.status == 404


@needs("curl")
@pytest.mark.parametrize(
    "method", ["POST", "DELETE", "OPTIONS", "TRACE", "PATCH", "PROPFIND", "MKCOL"]
)
def test_http_methods_other_than_get_head_put_are_405(shared: Any, method: str) -> None:
    lab, server = shared
    fetched = curl(server.url(path="/T46G/y000000000028.cfg"), "-X", method)
    assert fetched.status == 405
    assert (lab.root / "T46G" / "y000000000028.cfg").exists()


@needs("curl")
def test_http_huge_header_is_refused(start: Any) -> None:
    fetched = curl(start().url(path="/T46G/y000000000028.cfg"), "-H", "X-Big: " + "a" * 20000)
    assert fetched.status in (400, 431)


@needs("curl")
def test_http_huge_url_is_refused(start: Any) -> None:
    fetched = curl(start().url(path="/" + "a" * 9000))
    assert fetched.status in (400, 414)


def test_http_slow_request_head_is_cut_off(start: Any) -> None:
    server = start(header_timeout=0.5)
    with socket.create_connection(("127.0.0.1", server.ports["http"]), timeout=5) as sock:
        sock.sendall(b"GET /T46G/y000000000028.cfg HTTP/1.1\r\nHost: x\r\n")
        began = time.monotonic()
        data = sock.recv(100)  # the server closes: b"" (no answer for a request never finished)
        assert data == b"" or data.startswith(b"HTTP/1.1 4")
        assert time.monotonic() - began < 3


def test_http_silent_connection_is_cut_off(start: Any) -> None:
    server = start(header_timeout=0.5)
    with socket.create_connection(("127.0.0.1", server.ports["http"]), timeout=5) as sock:
        began = time.monotonic()
        assert sock.recv(100) == b""
        assert time.monotonic() - began < 3


def test_http_slow_body_is_cut_off(lab: Lab, start: Any) -> None:
    server = start(body_timeout=0.5)
    with socket.create_connection(("127.0.0.1", server.ports["http"]), timeout=5) as sock:
        sock.sendall(
            b"PUT /T46G/0015651130f9-local.cfg HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 1000\r\n\r\n#!version:1.0.0.1\n"
        )
        answer = sock.recv(200)
        assert answer.startswith(b"HTTP/1.1 408")
    assert not (lab.root / "T46G" / "0015651130f9-local.cfg").exists()


@needs("curl")
def test_http_allow_is_checked_before_anything(lab: Lab, start: Any) -> None:
    server = start(allow=(parse_network("10.0.0.0/8"),))
    for path in ("/T46G/y000000000028.cfg", "/_cfgtool/status", "/../secret.txt", "/T23G_1/x.cfg"):
        assert curl(server.url(path=path)).status == 403
    assert curl(server.url(path="/x"), "-X", "DELETE").status == 403
    assert {r["reason"] for r in log_records(lab)} == {"client not in --allow"}


@needs("curl")
def test_http_allow_lets_loopback_in(start: Any) -> None:
    server = start(allow=(parse_network("127.0.0.0/8"),))
    assert curl(server.url(path="/T46G/y000000000028.cfg")).status == 200


# --- TFTP ----------------------------------------------------------------------------------

TFTP_ESCAPES = [
    "../secret.txt",
    "/../secret.txt",
    "T46G/../../secret.txt",
    "..\\secret.txt",
    "outside-link/secret.txt",
    "secret-link.cfg",
    "%2e%2e/secret.txt",
    ".",
    "T46G",
]


@needs("tftp")
@pytest.mark.parametrize("remote", TFTP_ESCAPES)
def test_tftp_never_leaves_root(shared: Any, tmp_path: Path, remote: str) -> None:
    _, server = shared
    local = tmp_path / "got"
    tftp_get(server.ports["tftp"], remote, local)
    assert not local.exists() or SECRET.encode() not in local.read_bytes()


@needs("tftp")
def test_tftp_absolute_path_stays_inside_root(lab: Lab, start: Any, tmp_path: Path) -> None:
    server = start()
    local = tmp_path / "got"
    tftp_get(server.ports["tftp"], str(lab.secret), local)
    assert not local.exists() or SECRET.encode() not in local.read_bytes()


@needs("curl")
@pytest.mark.parametrize("path", ["/..%2fsecret.txt", "/outside-link/secret.txt", "/%00x"])
def test_tftp_with_curl_never_leaves_root(shared: Any, path: str) -> None:
    _, server = shared
    fetched = curl(server.url("tftp", path))
    assert SECRET.encode() not in fetched.body


@needs("tftp")
def test_tftp_into_a_protected_directory_is_refused(lab: Lab, start: Any, tmp_path: Path) -> None:
    server = start()
    local = tmp_path / "got"
    done = tftp_get(server.ports["tftp"], "T23G_1/y000000000044.cfg", local)
    assert not local.exists() or local.stat().st_size == 0
    assert "Error" in done.stdout + done.stderr or done.returncode != 0
    assert "TFTP has no credentials" in log_records(lab)[-1]["reason"]
    assert any("TFTP refuses it" in line for line in server.server.banner())


@needs("tftp")
@pytest.mark.parametrize(
    "remote",
    [
        "T23G_1/00156543ec97-local.cfg",
        "T46G/evil.cfg",
        "../0015651130f9-local.cfg",
        "T46G/y000000000028.cfg",
    ],
)
def test_tftp_write_outside_the_rules_is_refused(
    lab: Lab, start: Any, tmp_path: Path, remote: str
) -> None:
    server = start()
    before = {
        p: p.read_bytes() for p in lab.base.rglob("*") if p.is_file() and p.name != "serve.jsonl"
    }
    local = tmp_path / "up.cfg"
    local.write_text("#!version:1.0.0.1\n")
    tftp_put(server.ports["tftp"], local, remote)
    after = {
        p: p.read_bytes() for p in lab.base.rglob("*") if p.is_file() and p.name != "serve.jsonl"
    }
    after.pop(local, None)
    before.pop(local, None)
    assert after == before


@needs("tftp")
def test_tftp_oversized_upload_is_refused_and_nothing_written(
    lab: Lab, start: Any, tmp_path: Path
) -> None:
    server = start(max_upload=1000)
    local = tmp_path / "big.cfg"
    local.write_bytes(b"#" * 5000)
    tftp_put(server.ports["tftp"], local, "T46G/0015651130f9-local.cfg")
    assert not (lab.root / "T46G" / "0015651130f9-local.cfg").exists()


@needs("tftp")
def test_tftp_allow_is_enforced(lab: Lab, start: Any, tmp_path: Path) -> None:
    server = start(allow=(parse_network("10.0.0.0/8"),))
    local = tmp_path / "got"
    tftp_get(server.ports["tftp"], "T46G/y000000000028.cfg", local)
    assert not local.exists() or local.stat().st_size == 0
    assert log_records(lab)[-1]["reason"] == "client not in --allow"


# --- FTP -----------------------------------------------------------------------------------

FTP_ESCAPES = [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/T46G/../../secret.txt",
    "/..%5csecret.txt",
    "/outside-link/secret.txt",
    "/secret-link.cfg",
    "/%00secret.txt",
]


@needs("curl")
@pytest.mark.parametrize("path", FTP_ESCAPES)
def test_ftp_never_leaves_root(shared: Any, path: str) -> None:
    fetched = curl(shared[1].url("ftp", path))
    assert SECRET.encode() not in fetched.body
    assert fetched.status != 226


@needs("curl")
def test_ftp_absolute_path_stays_inside_root(lab: Lab, start: Any) -> None:
    fetched = curl(start().url("ftp", "/" + str(lab.secret)))
    assert SECRET.encode() not in fetched.body


@needs("curl")
def test_ftp_user_is_jailed_to_its_directory(lab: Lab, start: Any) -> None:
    server = start()
    own = curl(server.url("ftp", "/y000000000044.cfg"), "-u", "t23g:activate")
    assert own.body == (lab.root / "T23G_1" / "y000000000044.cfg").read_bytes()
    for path in ("/../T46G/y000000000028.cfg", "/T46G/y000000000028.cfg", "/../../secret.txt"):
        escaped = curl(server.url("ftp", path), "-u", "t23g:activate")
        assert escaped.body == b"" and escaped.status != 226


@needs("curl")
def test_ftp_anonymous_cannot_enter_a_protected_directory(start: Any) -> None:
    fetched = curl(start().url("ftp", "/T23G_1/y000000000044.cfg"))
    assert fetched.body == b"" and fetched.status in (530, 550)


@needs("curl")
@pytest.mark.parametrize(
    "command",
    [
        "DELE T46G/y000000000028.cfg",
        "MKD T46G/new",
        "RNFR T46G/y000000000028.cfg",
        "RMD T46G",
        "SITE CHMOD 777 T46G",
    ],
)
def test_ftp_commands_that_change_the_tree_are_refused(lab: Lab, start: Any, command: str) -> None:
    server = start()
    fetched = curl(server.url("ftp", "/"), "-Q", command, "--list-only")
    assert fetched.status >= 500 or fetched.status == 0
    assert (lab.root / "T46G" / "y000000000028.cfg").exists()
    assert not (lab.root / "T46G" / "new").exists()


@needs("curl")
def test_ftp_has_no_listing(start: Any) -> None:
    fetched = curl(start().url("ftp", "/T46G/"))
    assert b"y000000000028" not in fetched.body


@needs("curl")
def test_ftp_stor_outside_the_rules_is_refused(lab: Lab, start: Any, tmp_path: Path) -> None:
    server = start(max_upload=100)
    local = tmp_path / "up.cfg"
    local.write_text("#!version:1.0.0.1\n")
    for remote in ("/T46G/evil.cfg", "/T46G/y000000000028.cfg", "/../0015651130f9-local.cfg"):
        curl(server.url("ftp", remote), "-T", str(local))
    big = tmp_path / "big.cfg"
    big.write_bytes(b"#" * 5000)
    curl(server.url("ftp", "/T46G/0015651130f9-local.cfg"), "-T", str(big))
    assert not (lab.root / "T46G" / "evil.cfg").exists()
    assert not (lab.root / "T46G" / "0015651130f9-local.cfg").exists()
    assert not (lab.base / "0015651130f9-local.cfg").exists()
    assert (lab.root / "T46G" / "y000000000028.cfg").read_bytes().startswith(b"#!version")


@needs("curl")
def test_ftp_allow_is_enforced(lab: Lab, start: Any) -> None:
    server = start(allow=(parse_network("10.0.0.0/8"),))
    fetched = curl(server.url("ftp", "/T46G/y000000000028.cfg"))
    assert fetched.body == b""
    assert log_records(lab)[0]["reason"] == "client not in --allow"


@needs("curl")
def test_ftp_failed_logins_are_logged_and_rate_limited(lab: Lab, start: Any) -> None:
    server = start(failure_limit=1)
    for _ in range(1):
        assert curl(server.url("ftp", "/y000000000044.cfg"), "-u", "t23g:wrong").body == b""
    good = curl(server.url("ftp", "/y000000000044.cfg"), "-u", "t23g:activate")
    assert good.body == b""  # blocked for the window, even with the right password
    failures = [r for r in log_records(lab) if r["event"] == "auth-failure"]
    assert len(failures) >= 2 and all(r["client"] == "127.0.0.1" for r in failures)


def test_ftp_idle_connection_is_cut_off(start: Any) -> None:
    server = start(header_timeout=0.3)
    with socket.create_connection(("127.0.0.1", server.ports["ftp"]), timeout=5) as sock:
        began = time.monotonic()
        assert sock.recv(200).startswith(b"220")
        while sock.recv(200):
            pass
        assert time.monotonic() - began < 4


@needs("curl")
def test_ftp_huge_command_is_refused(start: Any) -> None:
    fetched = curl(start().url("ftp", "/T46G/y000000000028.cfg"), "-Q", "NOOP " + "a" * 5000)
    assert fetched.body == b""


@needs("curl")
def test_a_served_file_swapped_for_a_symlink_out_is_refused(lab: Lab, start: Any) -> None:
    server = start()
    target = lab.root / "T46G" / "y000000000028.cfg"
    assert curl(server.url(path="/T46G/y000000000028.cfg")).status == 200  # now cached
    target.unlink()
    target.symlink_to(lab.secret)
    fetched = curl(server.url(path="/T46G/y000000000028.cfg"))
    assert fetched.status == 403 and SECRET.encode() not in fetched.body


@needs("tftp")
@pytest.mark.parametrize(
    "packet",
    [
        b"\x00\x03\x00\x01data",  # DATA to the server port
        b"\x00\x04\x00\x01",  # ACK
        b"\x00\x09whatever\x00",  # no such opcode
        b"\x00\x01" + b"a" * 2000 + b"\x00octet\x00",  # RRQ with a huge name
        b"\x00\x01T46G/y000000000028.cfg",  # RRQ without its mode
    ],
)
def test_tftp_packets_other_than_read_and_write_requests_change_nothing(
    lab: Lab, start: Any, tmp_path: Path, packet: bytes
) -> None:
    server = start()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.5)
        sock.sendto(packet, ("127.0.0.1", server.ports["tftp"]))
        try:
            answer = sock.recv(600)
        except TimeoutError:
            answer = b""
    assert answer == b"" or answer[:2] == b"\x00\x05"  # nothing, or an ERROR packet
    tftp_get(server.ports["tftp"], "T46G/y000000000028.cfg", tmp_path / "after")
    assert (tmp_path / "after").read_bytes() == (
        lab.root / "T46G" / "y000000000028.cfg"
    ).read_bytes()


@needs("tftp")
def test_tftp_client_that_never_acknowledges_does_not_block_others(
    lab: Lab, start: Any, tmp_path: Path
) -> None:
    server = start()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stalled:
        stalled.sendto(
            b"\x00\x01T46G/y000000000028.cfg\x00octet\x00", ("127.0.0.1", server.ports["tftp"])
        )
        began = time.monotonic()
        tftp_get(server.ports["tftp"], "T42G/y000000000029.cfg", tmp_path / "other")
        assert time.monotonic() - began < 3
    assert (tmp_path / "other").read_bytes() == (
        lab.root / "T42G" / "y000000000029.cfg"
    ).read_bytes()
