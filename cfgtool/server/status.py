"""Per-phone status, from the request log: ``/_cfgtool/status`` (JSON) and ``/_cfgtool/`` (HTML).

For each phone (by MAC; requests without one are counted under
``unidentified``): first and last seen, client address, model, firmware,
the files served with their MD5 and status, uploads, failures.
"""

from __future__ import annotations

import html
import threading
from typing import Any

from cfgtool._version import __version__
from cfgtool.accesslog import MAX_KEPT, PhoneSummary, count_request, new_totals
from cfgtool.server.requestlog import Record, now_iso


class StatusBoard:
    """Collects :class:`Record` s (a :class:`RequestLog` observer); thread-safe."""

    def __init__(self) -> None:
        self.started = now_iso()
        self._lock = threading.Lock()
        self._phones: dict[str, PhoneSummary] = {}
        self.totals = new_totals()
        self.listening: dict[str, str] = {}

    def observe(self, record: Record) -> None:
        if record.path.startswith("_cfgtool"):
            return
        with self._lock:
            failed, upload = count_request(self.totals, record.status, record.method)
            if record.mac is None:
                self.totals["unidentified"] += 1
                return
            phone = self._phones.get(record.mac)
            if phone is None:
                phone = self._phones[record.mac] = PhoneSummary(
                    record.mac, record.time, record.time, record.client
                )
            phone.last_seen, phone.client = record.time, record.client
            phone.model = record.model or phone.model
            phone.firmware = record.firmware or phone.firmware
            phone.requests += 1
            entry = {
                "protocol": record.protocol,
                "status": record.status,
                "md5": record.md5,
                "bytes": record.bytes,
                "time": record.time,
            }
            if failed:
                phone.failures.append({"path": record.path, "reason": record.reason, **entry})
                del phone.failures[:-MAX_KEPT]
            elif upload:
                phone.uploads.append({"path": record.path, **entry, **record.details})
                del phone.uploads[:-MAX_KEPT]
            else:
                phone.files[record.path] = entry

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            phones = [phone.to_dict() for phone in self._phones.values()]
            totals = dict(self.totals)
        phones.sort(key=lambda phone: str(phone["last_seen"]), reverse=True)
        return {
            "server": f"cfgtool {__version__}",
            "started": self.started,
            "now": now_iso(),
            "listening": self.listening,
            "totals": totals,
            "phones": phones,
        }


def _cell(value: object) -> str:
    return html.escape("" if value is None else str(value))


def render_html(data: dict[str, Any]) -> str:
    """The status page: a summary and one table row per phone (no script, no external assets)."""
    rows = []
    for phone in data["phones"]:
        files = "<br>".join(
            f"<code>{_cell(path)}</code> {_cell(info['status'])} <code>{_cell(info['md5'])}</code>"
            for path, info in sorted(phone["files"].items())
        )
        uploads = "<br>".join(
            f"<code>{_cell(item['path'])}</code> <code>{_cell(item['md5'])}</code>"
            for item in phone["uploads"]
        )
        failures = "<br>".join(
            f"<code>{_cell(item['path'])}</code> {_cell(item['status'])} {_cell(item['reason'])}"
            for item in phone["failures"]
        )
        rows.append(
            f'<tr class="phone" id="mac-{_cell(phone["mac"])}">'
            f'<td class="mac">{_cell(phone["mac"])}</td>'
            f'<td class="model">{_cell(phone["model"])}</td>'
            f'<td class="firmware">{_cell(phone["firmware"])}</td>'
            f'<td class="client">{_cell(phone["client"])}</td>'
            f'<td class="seen">{_cell(phone["last_seen"])}</td>'
            f'<td class="files">{files}</td><td class="uploads">{uploads}</td>'
            f'<td class="failures">{failures}</td></tr>'
        )
    totals = ", ".join(f"{_cell(key)}: {_cell(value)}" for key, value in data["totals"].items())
    listening = ", ".join(f"{_cell(k)} {_cell(v)}" for k, v in data["listening"].items())
    body = "\n".join(rows) or '<tr><td colspan="8">no phone has asked yet</td></tr>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cfgtool serve — phones</title>
<style>body{{font-family:sans-serif}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px;vertical-align:top}}</style></head>
<body><h1>cfgtool serve</h1>
<p id="summary">{_cell(data["server"])}, started {_cell(data["started"])}; {listening}</p>
<p id="totals">{totals}</p>
<table id="phones"><thead><tr><th>MAC</th><th>model</th><th>firmware</th><th>address</th>
<th>last seen</th><th>files served (MD5)</th><th>uploads</th><th>failures</th></tr></thead>
<tbody>
{body}
</tbody></table>
<p>JSON: <a href="status">/_cfgtool/status</a></p></body></html>
"""
