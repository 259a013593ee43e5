"""The plain data a request gives and takes: :class:`Fetched`, :class:`Identity`, options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["ClientOptions", "Failure", "Fetched", "Identity", "Method"]

Failure = Literal["not found", "auth", "tls", "connect", "timeout", "refused", "protocol"]
Method = Literal["GET", "PUT", "HEAD"]


@dataclass(frozen=True, slots=True)
class Fetched:
    """The answer to one request: ``status`` as the protocol puts it (``200``,
    ``404``, ``ok``, ``file not found``), the body, and on failure its kind."""

    url: str
    method: Method
    status: str
    data: bytes = b""
    failure: Failure | None = None
    error: str | None = None
    seconds: float = 0.0
    size: int | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True, slots=True)
class Identity:
    """Who asks: the phone's User-Agent and the credentials it holds."""

    user_agent: str
    user: str | None = None
    password: str | None = None


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Connection settings shared by every phone: CA file, ``insecure``, timeout (s)."""

    ca: str | None = None
    insecure: bool = False
    timeout: float = 10.0
    connections: int = 200
