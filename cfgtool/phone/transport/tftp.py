"""TFTP for a played phone: tftpy's client, run in a worker thread per request.

tftpy's client is blocking but keeps all its state in its own context and
socket, so one client per request in :func:`asyncio.to_thread` runs many
phones at once without a second TFTP implementation. Phones negotiate
``blksize`` (and ask for ``tsize``), so this client does too.
"""

from __future__ import annotations

import io
import logging

from cfgtool.phone.transport.base import Failure, Fetched, Method

__all__ = ["tftp_request"]

BLKSIZE = 1024
_DEFAULT_PORT = 69


def _target(url: str) -> tuple[str, int, str]:
    rest = url.partition("://")[2]
    authority, _, path = rest.partition("/")
    host, _, port = authority.rpartition("@")[2].partition(":")
    if host.startswith("["):
        host, _, port = authority.strip("[").partition("]:")
        host = host.rstrip("]")
    return host, int(port) if port else _DEFAULT_PORT, path.partition("?")[0]


def tftp_request(method: Method, url: str, data: bytes | None, timeout: float) -> Fetched:
    """GET (read request) or PUT (write request) ``url`` over TFTP."""
    # tftpy is only needed by TFTP runs; it is imported here, in the worker thread.
    import tftpy

    logging.getLogger("tftpy").setLevel(logging.CRITICAL)
    host, port, path = _target(url)
    if method == "HEAD":
        method = "GET"
        head = True
    else:
        head = False
    client = tftpy.TftpClient(host, port, options={"blksize": BLKSIZE}, flock=False)
    seconds = max(1, round(timeout))
    try:
        if method == "PUT":
            client.upload(path, io.BytesIO(data or b""), timeout=seconds, retries=1)
            return Fetched(url, "PUT", "ok", size=len(data or b""))
        buffer = io.BytesIO()
        client.download(path, buffer, timeout=seconds, retries=1)
    except tftpy.TftpFileNotFoundError as exc:
        return Fetched(url, method, "file not found", failure="not found", error=str(exc))
    except tftpy.TftpTimeout as exc:
        return Fetched(url, method, "timeout", failure="timeout", error=str(exc) or "timeout")
    except tftpy.TftpException as exc:
        message = str(exc)
        failure: Failure = "not found" if "not found" in message.lower() else "protocol"
        return Fetched(url, method, "error", failure=failure, error=message)
    except OSError as exc:
        return Fetched(url, method, "error", failure="connect", error=str(exc))
    body = buffer.getvalue()
    return Fetched(url, "HEAD" if head else "GET", "ok", b"" if head else body, size=len(body))
