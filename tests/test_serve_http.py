"""cfgtool serve over HTTP and HTTPS, with curl: what phones get, HEAD, ETag, 304."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.serve_helpers import MAC, USER_AGENT, Lab, curl, lab, log_records, needs, start

__all__ = ["lab", "start"]
pytestmark = needs("curl")


def test_get_serves_the_bytes_on_disk_as_text_plain_with_etag(lab: Lab, start: Any) -> None:
    server = start()
    url = server.url(path="/T46G/y000000000028.cfg")
    done = subprocess.run(
        ["curl", "-s", "-i", "--max-time", "5", url], capture_output=True, timeout=10
    )
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    assert body == (lab.root / "T46G" / "y000000000028.cfg").read_bytes()
    headers = head.decode().lower()
    assert headers.startswith("http/1.1 200")
    assert "content-type: text/plain" in headers
    assert "etag: " in headers and "last-modified: " in headers


def test_head_has_the_headers_and_no_body(start: Any) -> None:
    server = start()
    fetched = curl(server.url(path="/T46G/y000000000028.cfg"), "-I")
    assert fetched.status == 200
    assert b"Content-Length: 1798" in fetched.body or b"content-length" in fetched.body.lower()


def test_if_none_match_gives_304(start: Any) -> None:
    server = start()
    url = server.url(path="/T46G/y000000000028.cfg")
    first = subprocess.run(
        ["curl", "-s", "-D", "-", "-o", "/dev/null", url], capture_output=True, timeout=10
    )
    etag = next(
        line.split(":", 1)[1].strip()
        for line in first.stdout.decode().splitlines()
        if line.lower().startswith("etag:")
    )
    assert curl(url, "-H", f"If-None-Match: {etag}").status == 304
    assert curl(url, "-H", 'If-None-Match: "other"').status == 200


@pytest.mark.parametrize("path", ["/", "/T46G/", "/T46G"])
def test_no_directory_listing(start: Any, path: str) -> None:
    fetched = curl(start().url(path=path))
    assert fetched.status == 404
    assert b"y000000000028" not in fetched.body


def test_case_mismatch_is_a_404_with_a_hint_in_the_log(lab: Lab, start: Any) -> None:
    server = start()
    assert curl(server.url(path="/T46G/0015651130fb.cfg")).status == 404
    record = log_records(lab)[-1]
    assert record["status"] == 404 and "0015651130FB.cfg" in record["reason"]
    assert "letter case" in record["reason"]


def test_boot_file_probe_misses_are_debug_records(lab: Lab, start: Any) -> None:
    server = start()
    assert curl(server.url(path=f"/T46G/{MAC}.boot")).status == 404
    assert curl(server.url(path="/y000000000000.boot")).status == 404
    assert curl(server.url(path="/T46G/nothing.cfg")).status == 404
    levels = [r["level"] for r in log_records(lab)]
    assert levels == ["debug", "debug", "warning"]


def test_log_has_every_field_and_reads_the_user_agent(lab: Lab, start: Any) -> None:
    server = start()
    assert curl(server.url(path=f"/T46G/{MAC}.cfg"), "-A", USER_AGENT).status == 200
    assert (
        curl(
            server.url(path="/T46G/y000000000028.cfg"), "-A", "yealink  SIP VP-T49G 51.80.0.10"
        ).status
        == 200
    )
    first, second = log_records(lab)
    expected = {
        "time",
        "client",
        "protocol",
        "method",
        "path",
        "status",
        "bytes",
        "md5",
        "mac",
        "model",
        "firmware",
        "user",
        "reason",
    }
    assert expected <= set(first)
    assert first["mac"] == MAC and first["model"] == "T46G" and first["firmware"] == "28.83.0.50"
    assert first["client"] == "127.0.0.1" and first["protocol"] == "http" and first["bytes"] == 41
    import hashlib

    assert first["md5"] == hashlib.md5((lab.root / "T46G" / f"{MAC}.cfg").read_bytes()).hexdigest()
    assert second["model"] == "VP-T49G" and second["mac"] is None
    assert any(f"/T46G/{MAC}.cfg 200" in line for line in server.lines)


@needs("curl")
def test_https_with_a_throwaway_ca(lab: Lab, start: Any, tmp_path: Path) -> None:
    trustme = pytest.importorskip("trustme")
    from cfgtool.server.config import Endpoint

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert_pem, key_pem, ca_pem = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_pem))
    cert.private_key_pem.write_to_path(str(key_pem))
    ca.cert_pem.write_to_path(str(ca_pem))
    server = start(https=Endpoint("127.0.0.1", 0), tls_cert=cert_pem, tls_key=key_pem)
    fetched = curl(server.url("https", "/T46G/y000000000028.cfg"), "--cacert", str(ca_pem))
    assert fetched.status == 200
    assert fetched.body == (lab.root / "T46G" / "y000000000028.cfg").read_bytes()
    refused = curl(server.url("https", "/T46G/y000000000028.cfg"))  # no trust in the CA
    assert refused.status == 0 and "certificate" in refused.stderr.lower()
    assert log_records(lab)[-1]["protocol"] == "https"


def test_a_changed_file_is_served_new(lab: Lab, start: Any) -> None:
    server = start()
    path = lab.root / "T46G" / f"{MAC}.cfg"
    assert curl(server.url(path=f"/T46G/{MAC}.cfg")).body == path.read_bytes()
    path.write_text("#!version:1.0.0.1\naccount.1.label = Changed desk\n")
    assert curl(server.url(path=f"/T46G/{MAC}.cfg")).body == path.read_bytes()
