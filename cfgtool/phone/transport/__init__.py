"""How a played phone talks to the provisioning server: one call per request, any protocol.

:class:`Transports` dispatches by scheme to :mod:`.http` (aiohttp, Basic and
Digest, TLS), :mod:`.tftp` (tftpy) and :mod:`.ftp` (stdlib ftplib), the last two
in a thread per request in flight (up to the connection limit), and always
answers with a :class:`Fetched`: a failure is data (``failure`` says which
kind, for the troubleshooting hint), never an exception. One
:class:`Transports` serves a whole fleet, so HTTP connections are pooled
across phones.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from cfgtool.phone.transport.base import ClientOptions, Failure, Fetched, Identity, Method
from cfgtool.phone.transport.ftp import ftp_request
from cfgtool.phone.transport.http import HttpClient
from cfgtool.phone.transport.tftp import tftp_request
from cfgtool.phone.urls import scheme_of

__all__ = ["ClientOptions", "Failure", "Fetched", "Identity", "Method", "Transports"]


class Transports:
    """Makes requests for phones; use ``async with`` (closes pooled connections)."""

    def __init__(self, options: ClientOptions | None = None) -> None:
        self.options = options or ClientOptions()
        self._http: HttpClient | None = None
        self._threads: ThreadPoolExecutor | None = None

    async def __aenter__(self) -> Transports:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
            self._threads = None

    def _blocking(self) -> ThreadPoolExecutor:
        # TFTP and FTP clients block: one thread per request in flight, up to the
        # connection limit (asyncio's default executor has only a few threads).
        if self._threads is None:
            self._threads = ThreadPoolExecutor(
                max_workers=self.options.connections, thread_name_prefix="cfgtool-phone"
            )
        return self._threads

    def _http_client(self) -> HttpClient:
        if self._http is None:
            self._http = HttpClient(self.options)
        return self._http

    async def request(
        self, method: Method, url: str, identity: Identity, data: bytes | None = None
    ) -> Fetched:
        """``method`` (GET, PUT or HEAD) on ``url``; failures come back as :class:`Fetched`."""
        scheme = scheme_of(url)
        if scheme in ("http", "https"):
            self._http_client().session()  # opened (aiohttp imported) before the clock starts
        started = time.perf_counter()
        try:
            if scheme in ("http", "https"):
                fetched = await self._http_client().request(method, url, identity, data)
            elif scheme == "tftp":
                fetched = await asyncio.get_running_loop().run_in_executor(
                    self._blocking(), tftp_request, method, url, data, self.options.timeout
                )
            elif scheme == "ftp":
                fetched = await asyncio.get_running_loop().run_in_executor(
                    self._blocking(),
                    ftp_request,
                    method,
                    url,
                    identity,
                    data,
                    self.options.timeout,
                )
            else:
                fetched = Fetched(
                    url,
                    method,
                    "unsupported",
                    failure="protocol",
                    error=f"phones do not provision over {scheme}://",
                )
        except TimeoutError:
            fetched = Fetched(
                url,
                method,
                "timeout",
                failure="timeout",
                error=f"no answer within {self.options.timeout:g} s",
            )
        elapsed = time.perf_counter() - started
        # The constructor, not dataclasses.replace: a fleet makes thousands of these.
        return Fetched(
            fetched.url,
            fetched.method,
            fetched.status,
            fetched.data,
            fetched.failure,
            fetched.error,
            elapsed,
            fetched.size,
        )
