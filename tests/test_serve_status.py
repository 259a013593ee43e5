"""The status page: /_cfgtool/status (JSON) and /_cfgtool/ (HTML, read by headless Chromium)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cfgtool.server.requestlog import Record
from cfgtool.server.service import is_loopback
from cfgtool.server.status import StatusBoard, render_html
from tests.serve_helpers import MAC, USER_AGENT, Lab, curl, lab, needs, start, tftp_get

__all__ = ["lab", "start"]


def boot_one_phone(server: Any, tmp_path: Path) -> None:
    for path in ("/T46G/y000000000028.cfg", f"/T46G/{MAC}.cfg"):
        assert curl(server.url(path=path), "-A", USER_AGENT).status == 200
    assert curl(server.url(path=f"/T46G/{MAC}.boot"), "-A", USER_AGENT).status == 404
    body = tmp_path / "local.cfg"
    body.write_text("#!version:1.0.0.1\n")
    assert (
        curl(server.url(path=f"/T46G/{MAC}-local.cfg"), "-T", str(body), "-A", USER_AGENT).status
        == 201
    )
    tftp_get(server.ports["tftp"], "T42G/001565113101.cfg", tmp_path / "missing")


@needs("curl")
def test_status_json_shows_each_phone(start: Any, tmp_path: Path) -> None:
    server = start()
    boot_one_phone(server, tmp_path)
    fetched = curl(server.url(path="/_cfgtool/status"))
    assert fetched.status == 200
    data = json.loads(fetched.body)
    phones = {phone["mac"]: phone for phone in data["phones"]}
    phone = phones[MAC]
    assert phone["model"] == "T46G" and phone["firmware"] == "28.83.0.50"
    assert set(phone["files"]) == {"T46G/y000000000028.cfg", f"T46G/{MAC}.cfg"}
    assert all(len(info["md5"]) == 32 for info in phone["files"].values())
    assert [u["path"] for u in phone["uploads"]] == [f"T46G/{MAC}-local.cfg"]
    assert [f["status"] for f in phone["failures"]] == [404]
    assert phones["001565113101"]["failures"][0]["protocol"] == "tftp"
    assert set(data["listening"]) == {"http", "tftp", "ftp"}


@needs("curl")
def test_status_auth_protects_the_page(lab: Lab, start: Any) -> None:
    server = start(status_auth=lab.htpasswd)
    assert curl(server.url(path="/_cfgtool/status")).status == 401
    assert curl(server.url(path="/_cfgtool/")).status == 401
    assert curl(server.url(path="/_cfgtool/status"), "-u", "t23g:activate").status == 200


@needs("curl")
def test_status_page_is_read_only(start: Any) -> None:
    assert curl(start().url(path="/_cfgtool/status"), "-X", "PUT", "-d", "x").status == 405


@pytest.mark.parametrize(
    ("client", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.5", False),
        ("192.168.1.20", False),
        ("::ffff:10.0.0.1", False),
        ("-", False),
    ],
)
def test_without_status_auth_only_loopback_clients_see_the_page(
    client: str, loopback: bool
) -> None:
    assert is_loopback(client) is loopback


def test_html_escapes_what_phones_send() -> None:
    board = StatusBoard()
    board.observe(
        Record(
            "127.0.0.1",
            "http",
            "GET",
            "T46G/x.cfg",
            404,
            mac=MAC,
            model="<script>alert(1)</script>",
            reason="<b>",
        )
    )
    page = render_html(board.to_dict())
    assert "<script>alert" not in page and "&lt;script&gt;" in page


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs chromium (.ci/run installs it)")
def test_headless_chromium_shows_the_phones(start: Any, tmp_path: Path) -> None:
    server = start()
    boot_one_phone(server, tmp_path)
    done = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium'}",
            "--dump-dom",
            server.url(path="/_cfgtool/"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    dom = done.stdout
    assert "<title>cfgtool serve" in dom, done.stderr[-2000:]
    assert f'id="mac-{MAC}"' in dom
    row = dom[dom.index(f'id="mac-{MAC}"') :].split("</tr>", 1)[0]
    assert ">T46G<" in row and ">28.83.0.50<" in row
    assert f"T46G/{MAC}.cfg" in row and f"{MAC}-local.cfg" in row
    assert "404" in row and "boot-file probe" in row
    assert "requests: " in dom
