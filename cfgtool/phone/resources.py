"""Resource files the settings name (firmware, ring tones, language packs, dial plans,
phone books, logos): does the provisioning server have them?

A resource on the provisioning server's host (same scheme-less ``host:port``;
relative names resolve against the provisioning directory) is asked for
with ``HEAD`` (HTTP, FTP ``SIZE``) or downloaded (TFTP has no HEAD); a
firmware file must also carry the model's firmware prefix (``28.83.0.120.rom``
for a T46G). Other hosts are listed as not checked unless ``check_external``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Mapping

from cfgtool.catalog import Model
from cfgtool.knowledge import check_firmware_image, model_firmware
from cfgtool.phone.result import ResourceCheck
from cfgtool.phone.transport import Identity, Method, Transports
from cfgtool.phone.urls import host_of, resolve
from cfgtool.provisioning import resource_kind

__all__ = ["check_resources", "resource_settings"]

# Beyond provisioning's resource keys: phone books the phone downloads too.
_PHONE_BOOK = re.compile(r"(?:static\.)?remote_phonebook\.data\.\d+\.url")
_HOST_FIRST = re.compile(r"(?:\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::\d+)?/")
_NULL = frozenset({"", "%NULL%"})
FIRMWARE = "firmware"


def resource_settings(
    values: Mapping[str, str], keys: Iterable[str] | None = None
) -> list[tuple[str, str, str]]:
    """``(key, kind, value)`` for every setting (key → value) that names a resource file;
    ``keys`` limits the search to these keys (those ending in ``url`` are enough)."""
    found: list[tuple[str, str, str]] = []
    for key in dict.fromkeys(keys) if keys is not None else values:
        if not key.endswith("url"):
            continue
        kind = resource_kind(key) or ("phone book" if _PHONE_BOOK.fullmatch(key) else None)
        value = values[key].strip()
        if kind is not None and value not in _NULL:
            found.append((key, kind, value))
    return found


def _absolute(value: str, directory: str) -> str:
    if "://" in value:
        return value
    if _HOST_FIRST.match(value):
        return "tftp://" + value
    return resolve(directory, value)


async def _check_one(
    key: str, kind: str, url: str, model: Model, transports: Transports, identity: Identity
) -> ResourceCheck:
    method: Method = "GET" if url.lower().startswith("tftp://") else "HEAD"
    fetched = await transports.request(method, url, identity)
    if fetched.failure == "not found":
        return ResourceCheck(key, kind, url, "missing", detail="the server has no such file")
    if not fetched.ok:
        return ResourceCheck(key, kind, url, "error", detail=fetched.error or fetched.status)
    if kind == FIRMWARE:
        wrong = check_firmware_image(url, model.name, model_firmware())
        if wrong is not None:
            return ResourceCheck(key, kind, url, "wrong model", fetched.size, wrong.message)
    return ResourceCheck(key, kind, url, "ok", fetched.size)


async def check_resources(
    resources: Iterable[tuple[str, str, str]],
    directory: str,
    model: Model,
    transports: Transports,
    identity: Identity,
    *,
    check_external: bool = False,
) -> list[ResourceCheck]:
    """Check every resource of ``resources`` (from :func:`resource_settings`); see the
    module docstring."""
    server = host_of(directory)
    pending: list[asyncio.Task[ResourceCheck] | ResourceCheck] = []
    for key, kind, value in resources:
        if "$" in value:
            pending.append(ResourceCheck(key, kind, value, "not checked", detail="has a wildcard"))
            continue
        url = _absolute(value, directory)
        if host_of(url) != server and not check_external:
            pending.append(
                ResourceCheck(
                    key, kind, url, "not checked", detail="not on the provisioning server"
                )
            )
            continue
        pending.append(
            asyncio.ensure_future(_check_one(key, kind, url, model, transports, identity))
        )
    return [item if isinstance(item, ResourceCheck) else await item for item in pending]
