"""Uploads: <mac>-local.cfg and <mac>-contact.xml over HTTP PUT (curl -T), FTP STOR and
TFTP write; names, MAC, size, atomic write, previous versions kept, lint findings logged."""

from __future__ import annotations

import ftplib
from pathlib import Path
from typing import Any

import pytest

from tests.serve_helpers import (
    MAC,
    USER_AGENT,
    Lab,
    curl,
    lab,
    log_records,
    needs,
    start,
    tftp_put,
    wait_for,
    wait_for_record,
)

__all__ = ["lab", "start"]
LOCAL = f"T46G/{MAC}-local.cfg"
GOOD = b"#!version:1.0.0.1\naccount.1.label = Front desk\n"


@pytest.fixture
def body(tmp_path: Path) -> Path:
    path = tmp_path / "upload.cfg"
    path.write_bytes(GOOD)
    return path


@needs("curl")
def test_put_stores_the_file_and_keeps_every_previous_version(
    lab: Lab, start: Any, body: Path
) -> None:
    server = start()
    assert curl(server.url(path=f"/{LOCAL}"), "-T", str(body), "-A", USER_AGENT).status == 201
    assert (lab.root / LOCAL).read_bytes() == GOOD
    body.write_bytes(GOOD + b"lang.gui = German\n")
    assert curl(server.url(path=f"/{LOCAL}"), "-T", str(body)).status == 204
    backups = sorted((lab.root / "T46G").glob(f"{MAC}-local.cfg.*.bak"))
    assert [b.read_bytes() for b in backups] == [GOOD]
    assert curl(server.url(path=f"/{LOCAL}"), "-T", str(body)).status == 204  # identical
    assert len(list((lab.root / "T46G").glob("*.bak"))) == 1
    record = log_records(lab)[0]
    assert record["method"] == "PUT" and record["mac"] == MAC and record["model"] == "T46G"
    assert record["details"]["stored"].endswith(LOCAL)
    fetched = curl(server.url(path=f"/{LOCAL}"))
    assert fetched.body == GOOD + b"lang.gui = German\n"


@needs("curl")
def test_put_of_a_local_cfg_is_linted_and_the_findings_logged(
    lab: Lab, start: Any, tmp_path: Path
) -> None:
    server = start()
    bad = tmp_path / "bad.cfg"
    bad.write_text("account.1.lable = x\n")
    assert curl(server.url(path=f"/{LOCAL}"), "-T", str(bad)).status == 201
    record = log_records(lab)[-1]
    assert record["level"] == "warning" and "lint" in record["reason"]
    assert any("CFG101" in finding for finding in record["details"]["lint"])


@needs("curl")
@pytest.mark.parametrize(
    "path",
    [
        "/T46G/y000000000028.cfg",
        f"/T46G/{MAC}.cfg",
        "/T46G/0015651130F9-local.cfg",
        "/T46G/evil.cfg",
        f"/T46G/{MAC}-local.cfg.bak",
        f"/../{MAC}-local.cfg",
        f"/outside-link/{MAC}-local.cfg",
        f"/nodir/{MAC}-local.cfg",
        "/T46G/",
    ],
)
def test_put_of_any_other_name_or_place_is_refused(
    lab: Lab, start: Any, body: Path, path: str
) -> None:
    before = {
        p: p.read_bytes() for p in lab.base.rglob("*") if p.is_file() and p.name != "serve.jsonl"
    }
    fetched = curl(start().url(path=path), "-T", str(body))
    assert fetched.status in (400, 403, 404)
    after = {
        p: p.read_bytes() for p in lab.base.rglob("*") if p.is_file() and p.name != "serve.jsonl"
    }
    assert after == before


@needs("curl")
def test_put_with_another_phones_user_agent_is_refused(lab: Lab, start: Any, body: Path) -> None:
    server = start()
    other = "Yealink SIP-T46G 28.83.0.50 00:15:65:11:30:fa"
    assert curl(server.url(path=f"/{LOCAL}"), "-T", str(body), "-A", other).status == 403
    assert not (lab.root / LOCAL).exists()
    assert "not the file's" in log_records(lab)[-1]["reason"]


@needs("curl")
def test_put_over_the_size_limit_is_413_and_writes_nothing(
    lab: Lab, start: Any, tmp_path: Path
) -> None:
    server = start(max_upload=1000)
    big = tmp_path / "big.cfg"
    big.write_bytes(b"#" * 2000)
    assert curl(server.url(path=f"/{LOCAL}"), "-T", str(big)).status == 413
    chunked = curl(server.url(path=f"/{LOCAL}"), "-T", str(big), "-H", "Transfer-Encoding: chunked")
    assert chunked.status == 413
    assert not (lab.root / LOCAL).exists()
    assert not list((lab.root / "T46G").glob(".*tmp"))


@needs("curl")
def test_put_into_a_protected_directory_needs_its_credentials(
    lab: Lab, start: Any, body: Path
) -> None:
    server = start()
    target = "/T23G_1/00156543ec97-local.cfg"
    assert curl(server.url(path=target), "-T", str(body)).status == 401
    assert (
        curl(server.url(path=target), "-T", str(body), "--digest", "-u", "t23g:activate").status
        == 201
    )
    assert (lab.root / "T23G_1" / "00156543ec97-local.cfg").read_bytes() == GOOD


@needs("curl")
def test_uploads_directory_is_created_and_used_for_every_protocol(
    lab: Lab, start: Any, body: Path
) -> None:
    uploads = lab.base / "uploads"
    server = start(uploads=uploads)
    assert curl(server.url(path=f"/{LOCAL}"), "-T", str(body)).status == 201
    assert (uploads / LOCAL).read_bytes() == GOOD
    assert not (lab.root / LOCAL).exists()
    assert curl(server.url(path=f"/{LOCAL}")).body == GOOD  # served back from --uploads
    curl(server.url("ftp", f"/T46G/{MAC}-contact.xml"), "-T", str(body))
    assert (uploads / "T46G" / f"{MAC}-contact.xml").read_bytes() == GOOD


@needs("curl")
def test_ftp_stor(lab: Lab, start: Any, body: Path) -> None:
    server = start()
    curl(server.url("ftp", f"/{LOCAL}"), "-T", str(body))
    assert (lab.root / LOCAL).read_bytes() == GOOD
    assert log_records(lab)[-1]["method"] == "STOR"


def test_ftp_stor_is_stored_and_logged_when_the_client_reads_226(
    lab: Lab, start: Any, body: Path
) -> None:
    """curl sends QUIT and waits for its answer, which the server gives only after storing;
    ftplib's storbinary returns on the 226 itself (pyftpdlib sent it before storing)."""
    server = start()
    with ftplib.FTP() as ftp:
        ftp.connect("127.0.0.1", server.ports["ftp"], timeout=5)
        ftp.login()
        with body.open("rb") as handle:
            assert ftp.storbinary(f"STOR /{LOCAL}", handle).startswith("226")
        assert (lab.root / LOCAL).read_bytes() == GOOD
        record = log_records(lab)[-1]
        assert (record["method"], record["status"], record["mac"]) == ("STOR", 201, MAC)


@needs("tftp")
def test_tftp_write(lab: Lab, start: Any, body: Path) -> None:
    server = start()
    tftp_put(server.ports["tftp"], body, LOCAL)
    # The server logs an upload after storing it: once the record is there, so is the file.
    record = wait_for_record(lab, lambda r: r["method"] == "WRQ")
    assert record is not None, log_records(lab)
    assert record["status"] == 201 and record["mac"] == MAC
    assert (lab.root / LOCAL).read_bytes() == GOOD


@needs("curl")
def test_tftp_write_with_curl_and_big_blocks(lab: Lab, start: Any, tmp_path: Path) -> None:
    server = start()
    data = b"#!version:1.0.0.1\n" + b"# padding line\n" * 2000
    source = tmp_path / "big.cfg"
    source.write_bytes(data)
    curl(server.url("tftp", f"/{LOCAL}"), "-T", str(source), "--tftp-blksize", "1428")
    assert wait_for(lab.root / LOCAL)
    assert (lab.root / LOCAL).read_bytes() == data
