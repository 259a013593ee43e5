"""FTP for a played phone: the standard library's ftplib, in a worker thread per request.

Credentials come from the URL (``ftp://user:pw@host/``) or the options; without
any the phone logs in anonymously, as the guide describes.
"""

from __future__ import annotations

import ftplib
import io
from urllib.parse import unquote

from cfgtool.phone.transport.base import Failure, Fetched, Identity, Method
from cfgtool.phone.urls import split_credentials

__all__ = ["ftp_request"]

_DEFAULT_PORT = 21


def ftp_request(
    method: Method, url: str, identity: Identity, data: bytes | None, timeout: float
) -> Fetched:
    """RETR (GET), SIZE (HEAD) or STOR (PUT) ``url`` over FTP."""
    plain, url_user, url_password = split_credentials(url)
    user = url_user or identity.user or "anonymous"
    password = (url_password if url_user else identity.password) or ""
    rest = plain.partition("://")[2]
    authority, _, path = rest.partition("/")
    host, _, port = authority.partition(":")
    path = unquote(path.partition("?")[0])
    client = ftplib.FTP(timeout=timeout)
    try:
        client.connect(host, int(port) if port else _DEFAULT_PORT)
        try:
            client.login(user, password)
        except ftplib.error_perm as exc:
            return Fetched(url, method, str(exc)[:3], failure="auth", error=str(exc))
        if method == "PUT":
            client.storbinary(f"STOR {path}", io.BytesIO(data or b""))
            return Fetched(url, method, "226", size=len(data or b""))
        if method == "HEAD":
            client.voidcmd("TYPE I")
            size = client.size(path)
            return Fetched(url, method, "213", size=size)
        chunks: list[bytes] = []
        client.retrbinary(f"RETR {path}", chunks.append)
        body = b"".join(chunks)
        return Fetched(url, method, "226", body, size=len(body))
    except ftplib.error_perm as exc:
        code = str(exc)[:3]
        failure: Failure = "not found" if code == "550" else "auth" if code == "530" else "protocol"
        return Fetched(url, method, code, failure=failure, error=str(exc))
    except TimeoutError as exc:
        return Fetched(url, method, "timeout", failure="timeout", error=str(exc) or "timeout")
    except ConnectionRefusedError as exc:
        return Fetched(url, method, "refused", failure="refused", error=str(exc))
    except (OSError, ftplib.Error, EOFError) as exc:
        return Fetched(url, method, "error", failure="connect", error=str(exc))
    finally:
        try:
            client.quit()
        except (OSError, ftplib.Error, EOFError):
            client.close()
