"""HTTP(S) for played phones: one pooled aiohttp session, Basic and Digest, TLS options.

Like a phone, the first request carries no credentials; a ``401`` with a
``WWW-Authenticate`` challenge is answered once, with Digest
(:mod:`cfgtool.digest`, shared with SIP) when offered, else Basic. A second
``401`` is an authentication failure.
"""

from __future__ import annotations

import base64
import ssl
from typing import TYPE_CHECKING

from cfgtool.digest import DigestError, authorization, parse_challenge
from cfgtool.phone.transport.base import ClientOptions, Failure, Fetched, Identity, Method
from cfgtool.phone.urls import split_credentials

if TYPE_CHECKING:
    import aiohttp

__all__ = ["HttpClient"]


def _failure_for(status: int) -> Failure | None:
    if 200 <= status < 300:
        return None
    if status == 404:
        return "not found"
    if status in (401, 403):
        return "auth"
    return "protocol"


def _authorization(challenges: list[str], method: str, uri: str, user: str, password: str) -> str:
    for header in challenges:
        if header[:6].lower() == "digest":
            try:
                return authorization(parse_challenge(header), method, uri, user, password)
            except DigestError:
                continue
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


class HttpClient:
    """The HTTP side of :class:`~cfgtool.phone.transport.Transports` (one session)."""

    def __init__(self, options: ClientOptions) -> None:
        self.options = options
        self._session: aiohttp.ClientSession | None = None
        self._context: ssl.SSLContext | bool | None = None

    def _ssl(self) -> ssl.SSLContext | bool:
        # Made on the first https:// request: loading the CA store costs tens of ms,
        # which every worker process of a fleet over http:// would pay for nothing.
        if self._context is None:
            insecure = self.options.insecure
            self._context = (
                False if insecure else ssl.create_default_context(cafile=self.options.ca)
            )
        return self._context

    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            # aiohttp is heavy to import; only runs that speak HTTP load it.
            import aiohttp

            connector = aiohttp.TCPConnector(limit=self.options.connections, force_close=False)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self.options.timeout),
                auto_decompress=True,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request(
        self, method: Method, url: str, identity: Identity, data: bytes | None
    ) -> Fetched:
        import aiohttp  # already loaded by session(); a cheap lookup

        plain, url_user, url_password = split_credentials(url)
        user = url_user if url_user is not None else identity.user
        password = (url_password if url_user is not None else identity.password) or ""
        headers = {"User-Agent": identity.user_agent}
        session = self.session()
        tls = self._ssl() if plain[:6].lower() == "https:" else True
        try:
            async with session.request(
                method, plain, headers=headers, data=data, ssl=tls
            ) as response:
                status = response.status
                body = await response.read() if method == "GET" else b""
                size = response.content_length
                if status == 401 and user is not None:
                    challenges = response.headers.getall("WWW-Authenticate", [])
                    uri = response.url.raw_path_qs
            if status == 401 and user is not None:
                headers["Authorization"] = _authorization(challenges, method, uri, user, password)
                async with session.request(
                    method, plain, headers=headers, data=data, ssl=tls
                ) as response:
                    status = response.status
                    body = await response.read() if method == "GET" else b""
                    size = response.content_length
        except aiohttp.ClientConnectorCertificateError as exc:
            return Fetched(url, method, "tls", failure="tls", error=str(exc.certificate_error))
        except aiohttp.ClientSSLError as exc:
            return Fetched(url, method, "tls", failure="tls", error=str(exc))
        except aiohttp.ClientConnectorError as exc:
            refused = isinstance(exc.os_error, ConnectionRefusedError)
            return Fetched(
                url,
                method,
                "refused" if refused else "error",
                failure="refused" if refused else "connect",
                error=str(exc.os_error),
            )
        except TimeoutError:
            return Fetched(
                url,
                method,
                "timeout",
                failure="timeout",
                error=f"no answer within {self.options.timeout:g} s",
            )
        except aiohttp.ClientError as exc:
            return Fetched(url, method, "error", failure="protocol", error=str(exc))
        failure = _failure_for(status)
        if failure == "auth" and user is None:
            error = "the server asks for credentials and none were given"
        elif failure is not None:
            error = f"HTTP {status}"
        else:
            error = None
        return Fetched(
            url,
            method,
            str(status),
            body,
            failure=failure,
            error=error,
            size=len(body) if method == "GET" and failure is None else size,
        )
