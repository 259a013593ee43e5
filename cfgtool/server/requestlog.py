"""The log: one JSON line per request (``--log FILE``) and a short line on the terminal.

Every protocol reports a :class:`Record`; :class:`RequestLog` writes it and
hands it to the status page (:mod:`cfgtool.server.status`). A failed login
is one line with ``"event": "auth-failure"`` and the client address, so
fail2ban can match it. Boot-file probes that miss are ``debug`` records,
shown on the terminal only with ``--verbose``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from cfgtool.filenames import basename, classify
from cfgtool.useragent import parse_user_agent

Level = Literal["debug", "info", "warning", "error"]
_BOOT_PROBE_SUFFIX = ".boot"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Record:
    """One request, as logged. ``md5`` is of the bytes served (or stored, for an upload)."""

    client: str
    protocol: str
    method: str
    path: str
    status: int
    bytes: int = 0
    md5: str | None = None
    mac: str | None = None
    model: str | None = None
    firmware: str | None = None
    user: str | None = None
    reason: str | None = None
    event: str = "request"
    level: Level = "info"
    time: str = field(default_factory=now_iso)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        # Field by field: dataclasses.asdict deep-copies, and this runs once per request.
        data = {name: getattr(self, name) for name in _FIELDS}
        if self.details:
            data["details"] = self.details
        return data

    def human(self) -> str:
        """The terminal line: ``client PROTO METHOD path status bytes [mac model] reason``."""
        phone = " ".join(item for item in (self.mac, self.model, self.firmware) if item)
        line = f"{self.client} {self.protocol} {self.method} /{self.path.lstrip('/')} {self.status}"
        line += f" {self.bytes}B"
        if phone:
            line += f" [{phone}]"
        if self.user:
            line += f" user={self.user}"
        if self.reason:
            line += f" — {self.reason}"
        return line


_FIELDS = tuple(f.name for f in fields(Record) if f.name != "details")


def identify(record: Record, user_agent: str | None) -> Record:
    """Fill MAC (from the path, else the User-Agent), model and firmware (User-Agent)."""
    agent = parse_user_agent(user_agent) if user_agent else None
    name = classify(basename(record.path))
    record.mac = name.mac or (agent.mac if agent else None)
    if agent is not None:
        record.model, record.firmware = agent.model, agent.firmware
        if record.mac is None:
            record.mac = agent.mac
    return record


def is_boot_probe(path: str) -> bool:
    """``<mac>.boot`` and ``y000000000000.boot``: phones ask for these and carry on without."""
    return basename(path).lower().endswith(_BOOT_PROBE_SUFFIX)


class RequestLog:
    """Writes records to the JSON-lines file and the terminal; thread-safe."""

    def __init__(
        self,
        path: Path | None,
        echo: Callable[[str], None] | None,
        *,
        verbose: bool = False,
        observers: tuple[Callable[[Record], None], ...] = (),
    ) -> None:
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8", buffering=1)
        self._echo = echo
        self._verbose = verbose
        self._observers = observers

    def add_observer(self, observer: Callable[[Record], None]) -> None:
        self._observers = (*self._observers, observer)

    def write(self, record: Record) -> None:
        with self._lock:
            if self._file is not None:
                line = json.dumps(record.to_dict(), ensure_ascii=False, separators=(",", ":"))
                self._file.write(line + "\n")
            if self._echo is not None and (self._verbose or record.level != "debug"):
                self._echo(record.human())
            for observer in self._observers:
                observer(record)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
