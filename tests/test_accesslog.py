"""cfgtool log: per-phone summaries of serve's and nginx's JSON access logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.accesslog import summarize_log, text_report
from cfgtool.cli import main

MAC = "0015651130f9"
UA = "Yealink SIP-T46G 28.83.0.50 00:15:65:11:30:f9"


def nginx_line(path: str, status: int = 200, method: str = "GET", **extra: object) -> str:
    record = {
        "time": "2026-12-01T09:00:00+00:00",
        "client": "10.0.0.5",
        "protocol": "http",
        "method": method,
        "path": path,
        "status": status,
        "bytes": 41,
        "received": "",
        "user": "",
        "user_agent": UA,
        "event": "request",
        "server": "nginx",
        **extra,
    }
    return json.dumps(record)


def serve_line(path: str, status: int = 200, **extra: object) -> str:
    record = {
        "client": "10.0.0.6",
        "protocol": "tftp",
        "method": "RRQ",
        "path": path,
        "status": status,
        "bytes": 10,
        "md5": "abc",
        "mac": None,
        "model": None,
        "firmware": None,
        "user": None,
        "reason": None,
        "event": "request",
        "level": "info",
        "time": "2026-12-01T09:00:01.000Z",
        **extra,
    }
    return json.dumps(record)


LINES = [
    nginx_line("/T46G/y000000000028.cfg"),
    nginx_line(f"/T46G/{MAC}.cfg"),
    nginx_line(f"/T46G/{MAC}-local.cfg", 201, "PUT"),
    nginx_line(f"/T46G/{MAC}.boot", 404),
    serve_line("T42G/00156500aaaa.cfg"),
    serve_line("_cfgtool/status"),
    json.dumps({"status": 200, "path": "/x.cfg"}),
    "not json",
    "",
]


def test_phones_files_uploads_failures() -> None:
    summary = summarize_log(LINES)
    assert summary.totals == {
        "requests": 6,
        "served": 4,
        "uploads": 1,
        "failures": 1,
        "unidentified": 1,
    }
    by_mac = {phone.mac: phone for phone in summary.phones}
    phone = by_mac[MAC]
    assert (phone.model, phone.firmware, phone.client, phone.requests) == (
        "T46G",
        "28.83.0.50",
        "10.0.0.5",
        4,
    )
    assert set(phone.files) == {"T46G/y000000000028.cfg", f"T46G/{MAC}.cfg"}
    assert [u["path"] for u in phone.uploads] == [f"T46G/{MAC}-local.cfg"]
    assert [f["status"] for f in phone.failures] == [404]
    other = by_mac["00156500aaaa"]
    assert other.files["T42G/00156500aaaa.cfg"]["md5"] == "abc" and other.model is None
    assert summary.bad_lines == [8]


def test_most_recent_phone_first_and_table() -> None:
    summary = summarize_log(LINES)
    assert summary.phones[0].mac == "00156500aaaa"
    table = text_report(summary)
    assert table.splitlines()[0].startswith("MAC")
    assert "2 phones; 6 requests" in table


@pytest.mark.parametrize("line", ["[]", '{"status": "x"}', '{"path": "/a"}', "{"])
def test_lines_that_are_not_records_are_counted(line: str) -> None:
    assert summarize_log([line]).bad_lines == [1]


def test_cli_text_json_and_mac(tmp_path: Path) -> None:
    log = tmp_path / "access.json"
    log.write_text("\n".join(LINES) + "\n")
    runner = CliRunner()
    text = runner.invoke(main, ["log", str(log)])
    assert text.exit_code == 0 and MAC in text.stdout
    assert "1 lines are not log records (first: line 8)" in text.stderr
    data = json.loads(runner.invoke(main, ["log", str(log), "--format", "json"]).stdout)
    assert len(data["phones"]) == 2
    only = json.loads(runner.invoke(main, ["log", str(log), "--mac", "00:15:65:11:30:F9"]).stdout)
    assert [phone["mac"] for phone in only] == [MAC]
    assert runner.invoke(main, ["log", str(log), "--mac", "nope"]).exit_code == 2
