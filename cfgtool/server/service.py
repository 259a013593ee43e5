"""What every protocol shares: the policy (allow list, credentials, rate limits), the
content, the uploads and the log. One :class:`Service` per running server."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from pathlib import Path

from cfgtool.server.auth import CredentialFile, FailureLimiter, NonceStore, Protections
from cfgtool.server.config import ServeConfig
from cfgtool.server.content import Content
from cfgtool.server.keys import Keys
from cfgtool.server.ondemand import OnDemand
from cfgtool.server.paths import Refusal
from cfgtool.server.requestlog import Record, RequestLog
from cfgtool.server.status import StatusBoard
from cfgtool.server.uploads import Stored, UploadStore


def _real(path: Path | None) -> set[str]:
    return {os.path.realpath(path)} if path is not None else set()


def _client_address(client: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """A client's address (zone dropped, IPv4-mapped IPv6 as IPv4), or None if it is not one."""
    try:
        address = ipaddress.ip_address(client.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class Service:
    """The server's state, built once from a :class:`ServeConfig`."""

    def __init__(
        self,
        config: ServeConfig,
        *,
        echo: Callable[[str], None] | None = None,
        verbose: bool = False,
    ) -> None:
        self.config = config
        self.protections = Protections(config.auth)
        self.status_credentials = CredentialFile(config.status_auth) if config.status_auth else None
        self.nonces = NonceStore()
        self.limiter = FailureLimiter(config.failure_limit, config.failure_window)
        self.ondemand = (
            OnDemand(config.template, config.inventory, config.root, config.model)
            if config.template and config.inventory
            else None
        )
        self.keys = Keys(config.keys) if config.keys else None
        private: set[str] = set()
        for path in (
            config.keys,
            config.log,
            config.status_auth,
            config.template,
            config.inventory,
        ):
            private |= _real(path)
        for _, path in config.auth:
            private |= _real(path)
        self.content = Content(config.root, config.uploads, self.ondemand, self.keys, private)
        self.uploads = UploadStore(
            config.upload_root, config.max_upload, create=config.uploads is not None
        )
        self.board = StatusBoard()
        self.log = RequestLog(config.log, echo, verbose=verbose, observers=(self.board.observe,))

    def allowed(self, client: str) -> bool:
        """``--allow``: checked before anything else; no list allows everyone."""
        if not self.config.allow:
            return True
        address = _client_address(client)
        if address is None:
            return False
        return any(address in network for network in self.config.allow)

    def auth_failure(self, record: Record, reason: str) -> None:
        """One fail2ban-friendly line per failed login, and one strike for the client."""
        self.limiter.failed(record.client)
        record.event, record.level, record.reason = "auth-failure", "warning", reason
        self.log.write(record)

    def refuse(self, record: Record, refusal: Refusal) -> None:
        """Log a refused request: its status and reason, at debug level for a routine miss."""
        record.status, record.reason = refusal.status, refusal.reason
        record.level = "debug" if refusal.debug else "warning"
        self.log.write(record)

    def log_upload(self, record: Record, stored: Stored, status: int) -> None:
        """Log a stored upload with ``status``; lint findings in it make the line a warning."""
        record.status, record.bytes, record.md5 = status, stored.size, stored.md5
        record.details.update(stored.details())
        if stored.findings:
            record.level = "warning"
            record.reason = f"lint: {len(stored.findings)} findings in the upload"
        self.log.write(record)

    def store_upload(self, record: Record, parts: tuple[str, ...], data: bytes) -> None:
        """Store a finished FTP or TFTP upload and log it (201), or log why it was refused."""
        try:
            stored = self.uploads.store(parts, data)
        except Refusal as refusal:
            self.refuse(record, refusal)
            return
        self.log_upload(record, stored, 201)

    def close(self) -> None:
        self.log.close()


def is_loopback(client: str) -> bool:
    address = _client_address(client)
    return address is not None and address.is_loopback
