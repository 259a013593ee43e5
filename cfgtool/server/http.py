"""HTTP and HTTPS (aiohttp): GET and HEAD of phone files, PUT of uploads, the status page.

Per request, in this order: ``--allow`` (403), the method (405: only GET,
HEAD and PUT), the path (:mod:`cfgtool.server.paths`), credentials of a
protected directory (401, 429 after repeated failures), then the file. No
directory listing; ``Content-Type: text/plain``; ETag and Last-Modified with
304 answers. Slow clients are cut off: the request head must arrive within
``header_timeout`` seconds, a body within ``body_timeout``; aiohttp refuses
over-long request lines and headers (400/431).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

from cfgtool.server.auth import CredentialFile, Verdict, challenges, check_authorization
from cfgtool.server.paths import Refusal, request_parts
from cfgtool.server.requestlog import Record, identify
from cfgtool.server.service import Service, is_loopback
from cfgtool.server.status import render_html
from cfgtool.server.uploads import upload_mac
from cfgtool.useragent import parse_user_agent

if TYPE_CHECKING:
    from aiohttp import web

METHODS = ("GET", "HEAD", "PUT")
STATUS_PREFIX = "_cfgtool"
MAX_LINE = 8190
MAX_FIELD = 8190
KEEPALIVE_TIMEOUT = 15.0
CHUNK = 64 * 1024


class SlowClientGuard(asyncio.Protocol):
    """Wraps aiohttp's protocol: closes a connection whose request head does not arrive in time.

    aiohttp has no timeout for reading a request head, so one slow client
    (slowloris) could hold a connection for ever. The handler calls
    :meth:`started` when a request reaches it; from the connection's start,
    or from the first byte after a response, the head has ``timeout`` seconds.
    """

    def __init__(self, inner: asyncio.Protocol, timeout: float, guards: dict[object, Any]) -> None:
        self.inner = inner
        self.timeout = timeout
        self.guards = guards
        self.waiting_since: float | None = None
        self.transport: asyncio.BaseTransport | None = None
        self.loop = asyncio.get_running_loop()
        self.timer: asyncio.TimerHandle | None = None
        self.busy = False  # a request is being handled: its body has its own timeout

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.guards[transport] = self
        self.waiting_since = self.loop.time()
        self.timer = self.loop.call_later(self.timeout, self._check)
        self.inner.connection_made(transport)

    def _check(self) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        if self.waiting_since is not None and self.loop.time() - self.waiting_since >= self.timeout:
            self.transport.close()
            return
        self.timer = self.loop.call_later(self.timeout / 2, self._check)

    def started(self) -> None:
        self.waiting_since = None
        self.busy = True

    def finished(self) -> None:
        self.waiting_since = None  # keep-alive idleness is aiohttp's keepalive_timeout
        self.busy = False

    def data_received(self, data: bytes) -> None:
        if self.waiting_since is None and not self.busy:
            self.waiting_since = self.loop.time()
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.guards.pop(self.transport, None)
        self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


def _not_modified(request: web.BaseRequest, etag: str, mtime: float) -> bool:
    match = request.headers.get("If-None-Match")
    if match is not None:
        return etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            parsed = email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
        return int(mtime) <= int(parsed)
    return False


class HttpFrontend:
    """The request handler; one per :class:`Service`, for HTTP and HTTPS alike."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.guards: dict[object, SlowClientGuard] = {}
        self.aio: Any = None  # aiohttp.web, set by start_http

    def protocol(
        self, inner_factory: Callable[[], asyncio.Protocol]
    ) -> Callable[[], asyncio.Protocol]:
        timeout = self.service.config.header_timeout
        return lambda: SlowClientGuard(inner_factory(), timeout, self.guards)

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        aio = self.aio
        guard = self.guards.get(request.transport)
        if guard is not None:
            guard.started()
        try:
            return await self._handle(request, aio)
        finally:
            if guard is not None:
                guard.finished()

    async def _handle(self, request: web.BaseRequest, aio: Any) -> web.StreamResponse:
        service = self.service
        client = request.remote or "-"
        protocol = "https" if request.secure else "http"
        raw_target = request.raw_path
        raw_path = raw_target.split("?", 1)[0]
        record = Record(client, protocol, request.method, raw_path.lstrip("/"), 0)
        user_agent = request.headers.get("User-Agent")
        if not service.allowed(client):
            return self._refuse(aio, record, Refusal(403, "client not in --allow"))
        identify(record, user_agent)
        if request.method not in METHODS:
            response = self._refuse(
                aio, record, Refusal(405, f"method {request.method} not allowed")
            )
            response.headers["Allow"] = ", ".join(METHODS)
            return response
        try:
            parts = request_parts(raw_path)
        except Refusal as refusal:
            return self._refuse(aio, record, refusal)
        record.path = "/".join(parts)
        if parts[:1] == (STATUS_PREFIX,):
            return await self._status(request, aio, record, parts)
        protection = service.protections.for_parts(parts)
        if protection is not None:
            verdict = self._authenticate(request, record, protection[1])
            if verdict.user is None:
                return self._challenge(aio, record, protection[1], verdict)
            record.user = verdict.user
        if request.method == "PUT":
            return await self._put(request, aio, record, parts)
        return await self._get(request, aio, record, parts)

    def _authenticate(
        self, request: web.BaseRequest, record: Record, credentials: CredentialFile
    ) -> Verdict:
        service = self.service
        if service.limiter.blocked(record.client):
            return Verdict(None, "too many failed logins from this address; wait a minute")
        header = request.headers.get("Authorization")
        verdict = check_authorization(
            credentials, service.nonces, header, request.method, request.raw_path
        )
        if verdict.user is None and header and not verdict.stale:
            service.auth_failure(
                Record(
                    record.client,
                    record.protocol,
                    record.method,
                    record.path,
                    401,
                    mac=record.mac,
                    model=record.model,
                    firmware=record.firmware,
                ),
                verdict.reason or "wrong credentials",
            )
        return verdict

    def _challenge(
        self, aio: Any, record: Record, credentials: CredentialFile, verdict: Verdict
    ) -> web.StreamResponse:
        blocked = verdict.reason is not None and verdict.reason.startswith("too many")
        status = 429 if blocked else 401
        response = self._refuse(
            aio, record, Refusal(status, verdict.reason or "credentials needed")
        )
        if not blocked:
            for value in challenges(credentials, self.service.nonces, stale=verdict.stale):
                response.headers.add("WWW-Authenticate", value)
        else:
            response.headers["Retry-After"] = str(int(self.service.config.failure_window))
        return response

    def _refuse(self, aio: Any, record: Record, refusal: Refusal) -> web.StreamResponse:
        self.service.refuse(record, refusal)
        text = {
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            405: "Method Not Allowed",
            408: "Request Timeout",
            413: "Payload Too Large",
            414: "URI Too Long",
            429: "Too Many Requests",
            503: "Service Unavailable",
        }.get(refusal.status, "Error")
        response = aio.Response(
            status=refusal.status, text=f"{refusal.status} {text}\n", content_type="text/plain"
        )
        return cast("web.StreamResponse", response)

    async def _get(
        self, request: web.BaseRequest, aio: Any, record: Record, parts: tuple[str, ...]
    ) -> web.StreamResponse:
        content = self.service.content
        try:
            if content.ondemand is not None:
                served = await asyncio.get_running_loop().run_in_executor(
                    None, content.get, parts, record.mac
                )
            else:
                served = content.get(parts, record.mac)
        except Refusal as refusal:
            return self._refuse(aio, record, refusal)
        record.md5 = served.md5
        headers = {
            "ETag": served.etag,
            "Last-Modified": served.last_modified,
            "Cache-Control": "no-cache",
        }
        if _not_modified(request, served.etag, served.mtime):
            record.status = 304
            self.service.log.write(record)
            return aio.Response(status=304, headers=headers)  # type: ignore[no-any-return]
        record.status = 200
        record.bytes = 0 if request.method == "HEAD" else len(served.data)
        if served.source != "file":
            record.details["source"] = served.source
        if served.encrypted:
            record.details["encrypted"] = True
        self.service.log.write(record)
        return aio.Response(  # type: ignore[no-any-return]
            body=served.data,
            headers=headers,
            content_type="text/plain",
            charset=None if served.encrypted else "utf-8",
        )

    async def _put(
        self, request: web.BaseRequest, aio: Any, record: Record, parts: tuple[str, ...]
    ) -> web.StreamResponse:
        service = self.service
        try:
            upload_mac(parts, _agent_mac(request))
            length = request.content_length
            if length is not None and length > service.config.max_upload:
                raise service.uploads.too_large()
            service.uploads.target(parts)
            data = await asyncio.wait_for(
                self._read_body(request, service.config.max_upload), service.config.body_timeout
            )
            stored = await asyncio.get_running_loop().run_in_executor(
                None, service.uploads.store, parts, data
            )
        except TimeoutError:
            return self._refuse(aio, record, Refusal(408, "upload too slow"))
        except Refusal as refusal:
            return self._refuse(aio, record, refusal)
        service.log_upload(record, stored, 204 if stored.previous or stored.unchanged else 201)
        return aio.Response(status=record.status, headers={"ETag": f'"{stored.md5}"'})  # type: ignore[no-any-return]

    @staticmethod
    async def _read_body(request: web.BaseRequest, limit: int) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = await request.content.read(CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise Refusal(413, f"upload larger than {limit} bytes")
            chunks.append(chunk)

    async def _status(
        self, request: web.BaseRequest, aio: Any, record: Record, parts: tuple[str, ...]
    ) -> web.StreamResponse:
        service = self.service
        if request.method not in ("GET", "HEAD"):
            return self._refuse(aio, record, Refusal(405, "the status page is read-only"))
        if service.status_credentials is not None:
            verdict = self._authenticate(request, record, service.status_credentials)
            if verdict.user is None:
                return self._challenge(aio, record, service.status_credentials, verdict)
            record.user = verdict.user
        elif not is_loopback(record.client):
            return self._refuse(
                aio, record, Refusal(403, "status page: loopback only (or --status-auth)")
            )
        data = service.board.to_dict()
        if parts == (STATUS_PREFIX, "status"):
            body, kind = json.dumps(data, indent=2), "application/json"
        elif parts == (STATUS_PREFIX,) or parts == (STATUS_PREFIX, "index.html"):
            body, kind = render_html(data), "text/html"
        else:
            return self._refuse(aio, record, Refusal(404, "not found"))
        record.status, record.level = 200, "debug"
        service.log.write(record)
        return aio.Response(text=body, content_type=kind, headers={"Cache-Control": "no-store"})  # type: ignore[no-any-return]


def _agent_mac(request: web.BaseRequest) -> str | None:
    agent = request.headers.get("User-Agent")
    return parse_user_agent(agent).mac if agent else None


async def start_http(
    frontend: HttpFrontend, host: str, port: int, ssl_context: Any = None
) -> tuple[Callable[[], Awaitable[None]], int]:
    """Listen on ``host:port``; return (an async stop function, the bound port)."""
    # aiohttp is the serve extra: imported when the server starts, not by `cfgtool --help`.
    from aiohttp import web

    frontend.aio = web
    # aiohttp's low-level server: every request goes to one handler, so there is no
    # router or middleware chain to run (nor a route that could match differently).
    handler = web.Server(
        frontend.handle,
        access_log=None,
        keepalive_timeout=KEEPALIVE_TIMEOUT,
        max_line_size=MAX_LINE,
        max_field_size=MAX_FIELD,
    )
    runner = web.ServerRunner(handler, handle_signals=False)
    await runner.setup()
    assert runner.server is not None
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        frontend.protocol(runner.server),
        host,
        port,
        ssl=ssl_context,
        reuse_address=True,
        backlog=1024,
    )
    bound = server.sockets[0].getsockname()[1]

    async def stop() -> None:
        server.close()
        if runner.server is not None:
            await runner.server.shutdown(2.0)
        await runner.cleanup()
        await server.wait_closed()

    return stop, bound
