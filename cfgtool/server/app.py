"""Start and stop every protocol of one server; the start-up message.

>>> import asyncio
>>> async def run() -> None:
...     server = ProvisioningServer(config)       # a ServeConfig
...     listening = await server.start()           # {"http": "http://127.0.0.1:8080", ...}
...     ...
...     await server.stop()
"""

from __future__ import annotations

import asyncio
import signal
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

from cfgtool.server.config import Endpoint, ServeConfig
from cfgtool.server.ftp import FtpFrontend
from cfgtool.server.http import HttpFrontend, start_http
from cfgtool.server.layout import model_directories
from cfgtool.server.service import Service
from cfgtool.server.tftp import TftpFrontend

ANY_HOST_PLACEHOLDER = "SERVER-ADDRESS"


def _url_host(endpoint: Endpoint) -> str:
    if endpoint.host in ("0.0.0.0", "::"):
        return ANY_HOST_PLACEHOLDER
    return endpoint.url_host


def _port_part(scheme: str, port: int) -> str:
    default = {"http": 80, "https": 443, "tftp": 69, "ftp": 21}[scheme]
    return "" if port == default else f":{port}"


class ProvisioningServer:
    """HTTP, HTTPS, TFTP and FTP over one :class:`Service`."""

    def __init__(
        self,
        config: ServeConfig,
        *,
        echo: Callable[[str], None] | None = None,
        verbose: bool = False,
    ) -> None:
        self.config = config
        self.service = Service(config, echo=echo, verbose=verbose)
        self.listening: dict[str, str] = {}
        self.ports: dict[str, int] = {}
        self._stops: list[Callable[[], Awaitable[None]]] = []
        self._threads: list[TftpFrontend | FtpFrontend] = []

    async def start(self) -> dict[str, str]:
        """Listen on every configured protocol; return ``{protocol: base URL}``."""
        config = self.config
        try:
            if config.http is not None or config.https is not None:
                frontend = HttpFrontend(self.service)
                if config.http is not None:
                    stop, port = await start_http(frontend, config.http.host, config.http.port)
                    self._stops.append(stop)
                    self._listen("http", config.http, port)
                if config.https is not None:
                    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                    context.load_cert_chain(str(config.tls_cert), str(config.tls_key))
                    stop, port = await start_http(
                        frontend, config.https.host, config.https.port, context
                    )
                    self._stops.append(stop)
                    self._listen("https", config.https, port)
            if config.tftp is not None:
                tftp = TftpFrontend(self.service)
                self._threads.append(tftp)
                port = tftp.start(config.tftp.host, config.tftp.port)
                self._listen("tftp", config.tftp, port)
            if config.ftp is not None:
                ftp = FtpFrontend(self.service)
                self._threads.append(ftp)
                port = ftp.start(config.ftp.host, config.ftp.port)
                self._listen("ftp", config.ftp, port)
        except BaseException:
            await self.stop()
            raise
        self.service.board.listening = dict(self.listening)
        return dict(self.listening)

    def _listen(self, scheme: str, endpoint: Endpoint, port: int) -> None:
        self.ports[scheme] = port
        self.listening[scheme] = f"{scheme}://{_url_host(endpoint)}{_port_part(scheme, port)}"

    async def stop(self) -> None:
        for stop in reversed(self._stops):
            await stop()
        self._stops.clear()
        for frontend in self._threads:
            await asyncio.get_running_loop().run_in_executor(None, frontend.stop)
        self._threads.clear()
        self.service.close()

    def banner(self) -> list[str]:
        """The start-up lines: what to give phones, what is protected, where uploads go."""
        config = self.config
        models = model_directories(config.root)
        suffix = "/$PN/" if models else "/"
        lines = [f"cfgtool serve: {config.root}"]
        if models:
            lines[0] += f" ($PN layout: {', '.join(models)})"
        for scheme, base in self.listening.items():
            lines.append(f"  {scheme:<5} {base}{suffix}")
        if self.listening:
            first = next(iter(self.listening.values()))
            lines.append(f"give phones:  auto_provision.server.url = {first}{suffix}")
        for directory in self.service.protections.directories():
            reachable = [s for s in self.listening if s != "tftp"]
            where = ", ".join(f"{self.listening[s]}/{directory}/" for s in reachable) or "none"
            lines.append(
                f"protected: {directory}/ needs auto_provision.server.username/password "
                f"({where}); TFTP refuses it (no credentials in TFTP)"
            )
        lines.append(
            f"uploads: {config.upload_root} (<mac>-local.cfg, <mac>-contact.xml, "
            f"at most {config.max_upload} bytes; previous versions kept as NAME.<time>.bak)"
        )
        if self.service.ondemand is not None:
            lines.append(
                f"rendering <mac>.cfg on request from {config.template} and {config.inventory} "
                f"({self.service.ondemand.rows} phones)"
            )
            if self.service.ondemand.error:
                lines.append(f"warning: {self.service.ondemand.error}")
        if self.service.keys is not None:
            lines.append(f"serving AES-encrypted files with the keys in {config.keys}")
        status_base = self.listening.get("http") or self.listening.get("https")
        if status_base:
            who = "users of --status-auth" if config.status_auth else "loopback clients only"
            lines.append(f"status: {status_base}/_cfgtool/ ({who}); JSON at /_cfgtool/status")
        if config.allow:
            lines.append("allowed clients: " + ", ".join(str(n) for n in config.allow))
        lines.append("Ctrl-C stops.")
        return lines


async def serve_forever(
    server: ProvisioningServer, on_ready: Callable[[list[str]], None] | None = None
) -> None:
    """Run until SIGINT or SIGTERM, then stop every protocol cleanly."""
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    await server.start()
    if on_ready is not None:
        on_ready(server.banner())
    try:
        await stopped.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await server.stop()


def run(server: ProvisioningServer, on_ready: Callable[[list[str]], None] | None = None) -> Any:
    return asyncio.run(serve_forever(server, on_ready))
