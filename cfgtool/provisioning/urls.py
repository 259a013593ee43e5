"""Provisioning URLs: what a phone requests for a URL (``cfgtool url``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from cfgtool.catalog import Model
from cfgtool.catalog.models import pn_name
from cfgtool.errors import CfgValueError
from cfgtool.filenames import require_mac
from cfgtool.format import URL_SCHEME_SYNTAX, URL_SCHEMES


@dataclass(frozen=True, slots=True)
class RequestedFile:
    """One file a phone requests: ``kind`` is ``common``, ``mac`` or ``file`` (a file URL)."""

    kind: Literal["common", "mac", "file"]
    url: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "url": self.url}


SCHEME = re.compile(rf"({URL_SCHEME_SYNTAX})://")
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f]")
_PORT = re.compile(r"^(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*)(?::([^/]*))?$")


def check_url(url: str) -> str:
    """``url`` stripped, or :class:`CfgValueError` for what no phone can fetch.

    A line break, space or control character (a phone reads its URL setting to
    the end of the line) and a port outside 1-65535 are refused.

        >>> check_url("tftp://10.0.0.1:99999/")
        Traceback (most recent call last):
        ...
        cfgtool.errors.CfgValueError: port 99999 in the provisioning URL is not 1-65535
    """
    text = url.strip()
    if not text:
        raise CfgValueError("the provisioning URL is empty")
    bad = _UNSAFE.search(text)
    if bad:
        what = "a line break" if bad.group() in "\r\n" else f"character U+{ord(bad.group()):04X}"
        raise CfgValueError(f"the provisioning URL contains {what}; a URL is one word")
    authority = text.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]
    port = _PORT.match(authority)
    if port and port.group(1) is not None:
        number = port.group(1)
        if not number.isdigit() or not 1 <= int(number) <= 65535:
            raise CfgValueError(f"port {number} in the provisioning URL is not 1-65535")
    return text


def check_pn(pn: str) -> str:
    """``pn`` (what ``$PN`` becomes) when it is one path segment, else :class:`CfgValueError`."""
    if not pn or pn in (".", "..") or "/" in pn or "\\" in pn or _UNSAFE.search(pn):
        raise CfgValueError(
            f"--pn {pn!r} is not a directory name: one path segment, no '/', '..' or spaces"
        )
    return pn


def expand_url(
    url: str, model: Model, mac: str, *, pn: str | None = None, model_spelling: str | None = None
) -> list[RequestedFile]:
    """The files a phone of ``model`` with ``mac`` requests for provisioning URL ``url``.

    ``$PN`` becomes the model's directory name (``pn`` overrides it, as the
    phone's ``static.auto_provision.url_wildcard.pn`` does), ``$MAC`` the MAC in
    lower case. A URL that names a directory (ends in ``/``, or its last
    segment has no file extension) yields the Common file and then
    ``<mac>.cfg`` inside it, the order of the guide; a URL naming a file is
    assumed to be fetched as it is (the guide documents only the directory
    form). Firmware with boot files (80 and later) first asks for
    ``<mac>.boot``/``y000000000000.boot``, which are not listed. A URL
    without a scheme is fetched with TFTP, as phones do.

        >>> from cfgtool.catalog import find_model
        >>> for f in expand_url("tftp://10.0.0.1/$PN/", find_model("T42G"), "00156543EC97"):
        ...     print(f.url)
        tftp://10.0.0.1/T42G/y000000000029.cfg
        tftp://10.0.0.1/T42G/00156543ec97.cfg
    """
    normalized = require_mac(mac)
    text = check_url(url)
    if pn is not None:
        check_pn(pn)
    scheme = SCHEME.match(text)
    if scheme is None:
        text = "tftp://" + text
    elif scheme.group(1).lower() not in URL_SCHEMES:
        raise CfgValueError(
            f"{scheme.group(1)!r} is not a scheme phones provision from; "
            "use tftp://, ftp://, http:// or https://"
        )
    expanded = text.replace("$PN", pn or pn_name(model, model_spelling)).replace("$MAC", normalized)
    stray = re.search(r"\$[A-Za-z_]\w*", expanded)
    if stray:
        raise CfgValueError(f"{stray.group()} is not a wildcard phones expand; use $PN or $MAC")
    head, query = split_query(expanded)
    after_host = head.split("://", 1)[1]
    path = after_host.partition("/")[2]
    last = path.rpartition("/")[2]
    if last and "." in last:
        return [RequestedFile("file", expanded)]
    base = head if head.endswith("/") else head + "/"
    requested: list[RequestedFile] = []
    if model.common_file:
        requested.append(RequestedFile("common", base + model.common_file + query))
    requested.append(RequestedFile("mac", base + normalized + ".cfg" + query))
    return requested


def split_query(url: str) -> tuple[str, str]:
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=-1)
    return (url, "") if cut < 0 else (url[:cut], url[cut:])
