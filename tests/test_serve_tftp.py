"""TFTP reads with tftp-hpa and curl, blksize and tsize negotiation, many files in a row."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from tests.serve_helpers import MAC, Lab, curl, lab, log_records, needs, start, tftp_get

__all__ = ["lab", "start"]


@needs("tftp")
def test_tftp_hpa_gets_the_bytes_and_the_log_names_the_phone(
    lab: Lab, start: Any, tmp_path: Path
) -> None:
    server = start()
    for relative in ("T46G/y000000000028.cfg", f"T46G/{MAC}.cfg", "T42G/y000000000029.cfg"):
        local = tmp_path / relative.replace("/", "_")
        done = tftp_get(server.ports["tftp"], relative, local)
        assert local.read_bytes() == (lab.root / relative).read_bytes(), done.stderr
    record = next(r for r in log_records(lab) if r["mac"] == MAC)
    assert record["protocol"] == "tftp" and record["method"] == "RRQ" and record["status"] == 200


@needs("curl")
def test_curl_with_a_big_block_size(lab: Lab, start: Any) -> None:
    big = lab.root / "T46G" / "y000000000028.cfg"
    big.write_bytes(b"#!version:1.0.0.1\n" + b"# a long comment line to fill blocks\n" * 1500)
    fetched = curl(start().url("tftp", "/T46G/y000000000028.cfg"), "--tftp-blksize", "1428")
    assert fetched.body == big.read_bytes()


def test_tsize_and_blksize_are_negotiated(lab: Lab, start: Any) -> None:
    server = start()
    size = (lab.root / "T46G" / "y000000000028.cfg").stat().st_size
    request = b"\x00\x01T46G/y000000000028.cfg\x00octet\x00tsize\x000\x00blksize\x001024\x00"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(5)
        sock.sendto(request, ("127.0.0.1", server.ports["tftp"]))
        answer, peer = sock.recvfrom(2048)
        assert answer[:2] == b"\x00\x06"  # OACK
        options = answer[2:].split(b"\x00")
        assert options[options.index(b"tsize") + 1] == str(size).encode()
        assert options[options.index(b"blksize") + 1] == b"1024"
        sock.sendto(b"\x00\x05\x00\x00done\x00", peer)  # ERROR: end the transfer here


@needs("tftp")
def test_a_missing_file_is_an_error_at_once(start: Any, tmp_path: Path) -> None:
    server = start()
    done = tftp_get(server.ports["tftp"], "T46G/001565deadbe.cfg", tmp_path / "x")
    assert "not found" in (done.stdout + done.stderr).lower()
