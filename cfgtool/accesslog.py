"""Per-phone summaries of a JSON-lines access log: ``cfgtool serve --log`` or nginx's.

Both write one JSON object per request with ``time``, ``client``,
``protocol``, ``method``, ``path``, ``status`` and ``bytes``; ``cfgtool
serve`` adds ``mac``/``model``/``firmware``/``md5``, the nginx file from
``cfgtool deploy nginx`` adds ``user_agent``, from which they are read here
(and the MAC from the file name, as the server does). The live status page
(:mod:`cfgtool.server.status`) keeps the same :class:`PhoneSummary` per phone
and counts requests with :func:`count_request`.

    >>> summary = summarize_log(['{"time":"t","client":"10.0.0.5","method":"GET",'
    ...     '"path":"/T46G/0015651130f9.cfg","status":200,"bytes":41}'])
    >>> summary.phones[0].mac, list(summary.phones[0].files)
    ('0015651130f9', ['T46G/0015651130f9.cfg'])
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cfgtool.filenames import basename, classify
from cfgtool.useragent import parse_user_agent

__all__ = ["LogSummary", "PhoneSummary", "count_request", "new_totals", "summarize_log"]

MAX_KEPT = 20  # failures and uploads kept per phone (the latest)
UPLOAD_METHODS = ("PUT", "STOR", "WRQ")


@dataclass
class PhoneSummary:
    """One phone: when and from where it was seen, what it got, uploaded and failed."""

    mac: str
    first_seen: str
    last_seen: str
    client: str
    model: str | None = None
    firmware: str | None = None
    requests: int = 0
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mac": self.mac,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "client": self.client,
            "model": self.model,
            "firmware": self.firmware,
            "requests": self.requests,
            "files": self.files,
            "uploads": self.uploads,
            "failures": self.failures,
        }


def new_totals() -> dict[str, int]:
    """The request counts of a summary, all zero."""
    return {"requests": 0, "served": 0, "uploads": 0, "failures": 0, "unidentified": 0}


def count_request(totals: dict[str, int], status: int, method: str) -> tuple[bool, bool]:
    """Count one request in ``totals``; whether it failed, and whether it was an upload."""
    totals["requests"] += 1
    failed = status >= 400
    upload = method in UPLOAD_METHODS and not failed
    totals["failures" if failed else "uploads" if upload else "served"] += 1
    return failed, upload


@dataclass
class LogSummary:
    """Every phone (most recently seen first), totals, and lines that were not records."""

    phones: list[PhoneSummary]
    totals: dict[str, int]
    bad_lines: list[int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "totals": self.totals,
            "phones": [phone.to_dict() for phone in self.phones],
            "bad_lines": self.bad_lines,
        }


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return str(value) if value not in (None, "", "-") else None


def _status(record: dict[str, Any]) -> int | None:
    try:
        return int(record["status"])
    except (KeyError, TypeError, ValueError):
        return None


def summarize_log(lines: Iterable[str]) -> LogSummary:
    """Fold log lines into per-phone summaries (lines that are not JSON records are counted)."""
    phones: dict[str, PhoneSummary] = {}
    totals = new_totals()
    bad: list[int] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            bad.append(number)
            continue
        status = _status(record) if isinstance(record, dict) else None
        if status is None:
            bad.append(number)
            continue
        path = str(record.get("path", "")).lstrip("/")
        if path.startswith("_cfgtool"):
            continue
        method = str(record.get("method", "")).upper()
        failed, upload = count_request(totals, status, method)
        agent = parse_user_agent(_text(record, "user_agent") or "")
        mac = _text(record, "mac") or classify(basename(path)).mac or agent.mac
        if mac is None:
            totals["unidentified"] += 1
            continue
        when = _text(record, "time") or ""
        client = _text(record, "client") or "?"
        phone = phones.get(mac)
        if phone is None:
            phone = phones[mac] = PhoneSummary(mac, when, when, client)
        phone.last_seen, phone.client = max(phone.last_seen, when), client
        phone.model = _text(record, "model") or agent.model or phone.model
        phone.firmware = _text(record, "firmware") or agent.firmware or phone.firmware
        phone.requests += 1
        entry = {
            "status": status,
            "bytes": record.get("bytes"),
            "md5": _text(record, "md5"),
            "time": when,
        }
        if failed:
            reason = _text(record, "reason")
            phone.failures.append({"path": path, "method": method, "reason": reason, **entry})
            del phone.failures[:-MAX_KEPT]
        elif upload:
            phone.uploads.append({"path": path, **entry})
            del phone.uploads[:-MAX_KEPT]
        else:
            phone.files[path] = entry
    ordered = sorted(phones.values(), key=lambda phone: phone.last_seen, reverse=True)
    return LogSummary(ordered, totals, bad)


def text_report(summary: LogSummary) -> str:
    """A table, one phone per line, then the totals."""
    header = ("MAC", "MODEL", "FIRMWARE", "CLIENT", "LAST SEEN", "REQ", "FILES", "UP", "FAIL")
    rows = [header] + [
        (
            phone.mac,
            phone.model or "-",
            phone.firmware or "-",
            phone.client,
            phone.last_seen,
            str(phone.requests),
            str(len(phone.files)),
            str(len(phone.uploads)),
            str(len(phone.failures)),
        )
        for phone in summary.phones
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    totals = summary.totals
    lines.append(
        f"{len(summary.phones)} phones; {totals['requests']} requests: {totals['served']} served, "
        f"{totals['uploads']} uploads, {totals['failures']} failures, "
        f"{totals['unidentified']} without a MAC"
    )
    return "\n".join(lines)
