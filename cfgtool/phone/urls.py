"""The URLs a played phone requests: ``$PN``/``$MAC`` expansion, credentials, relatives.

Expansion is :func:`cfgtool.expand_url` (one place for the guide's rule: ``$PN``
from the model's ``auto_provision.url_wildcard.pn`` default, ``$MAC`` in lower
case, a directory URL yields the Common file then ``<mac>.cfg``). This module
adds what the phone does around it: credentials written in the URL
(``ftp://user:pw@host/``) are taken out and used for authentication, boot files
and ``<mac>-local.cfg`` sit in the same directory, and relative names (boot-file
includes, resource URLs) resolve against the file that names them.

    >>> from cfgtool.catalog import find_model
    >>> plan = plan_urls("http://bob:pw@10.0.0.1/$PN/", find_model("T46G"), "00:15:65:11:30:F9")
    >>> plan.common, plan.mac_file, plan.user
    ('http://10.0.0.1/T46G/y000000000028.cfg', 'http://10.0.0.1/T46G/0015651130f9.cfg', 'bob')
    >>> resolve("tftp://10.0.0.1/T46G/0015651130f9.boot", "sip.cfg")
    'tftp://10.0.0.1/T46G/sip.cfg'
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

import cfgtool
from cfgtool.catalog import Model
from cfgtool.filenames import mac_filename, normalize_mac

__all__ = [
    "UrlPlan",
    "host_of",
    "plan_urls",
    "resolve",
    "scheme_of",
    "sibling",
    "split_credentials",
]

ALL_MODELS_BOOT = "y000000000000.boot"


@dataclass(frozen=True, slots=True)
class UrlPlan:
    """The files a phone may request, all in the provisioning directory.

    ``common`` is None when the model has no Common file; ``single`` is set
    (and the others unused) when the URL names one file.
    """

    directory: str
    query: str
    common: str | None
    mac_file: str
    mac_boot: str
    all_boot: str
    local: str
    single: str | None
    user: str | None
    password: str | None


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``url`` without its ``user:password@`` part, and the (unquoted) user and password."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url, None, None
    authority, slash, path = rest.partition("/")
    userinfo, at, host = authority.rpartition("@")
    if not at:
        return url, None, None
    user, colon, password = userinfo.partition(":")
    return (
        f"{scheme}://{host}{slash}{path}",
        unquote(user) or None,
        unquote(password) if colon else None,
    )


def scheme_of(url: str) -> str:
    """``http``, ``https``, ``ftp`` or ``tftp`` (lower case)."""
    return url.partition("://")[0].lower()


def host_of(url: str) -> str:
    """``host[:port]`` of ``url``, lower case."""
    return url.partition("://")[2].partition("/")[0].rpartition("@")[2].lower()


def _split_query(url: str) -> tuple[str, str]:
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=-1)
    return (url, "") if cut < 0 else (url[:cut], url[cut:])


def plan_urls(url: str, model: Model, mac: str, *, pn: str | None = None) -> UrlPlan:
    """The :class:`UrlPlan` for provisioning URL ``url`` on a ``model`` with ``mac``.

    Raises :class:`~cfgtool.errors.CfgValueError` for a bad MAC, scheme or wildcard.
    """
    plain, user, password = split_credentials(url.strip())
    requested = cfgtool.expand_url(plain, model, mac, pn=pn)
    normalized = normalize_mac(mac) or mac.lower()
    first_head, query = _split_query(requested[0].url)
    directory = first_head.rpartition("/")[0] + "/"
    single = requested[0].url if requested[0].kind == "file" else None
    common = next((r.url for r in requested if r.kind == "common"), None)

    def in_directory(name: str) -> str:
        return directory + name + query

    return UrlPlan(
        directory=directory,
        query=query,
        common=common,
        mac_file=in_directory(mac_filename(normalized)),
        mac_boot=in_directory(normalized + ".boot"),
        all_boot=in_directory(ALL_MODELS_BOOT),
        local=in_directory(mac_filename(normalized, local=True)),
        single=single,
        user=user,
        password=password,
    )


def resolve(base: str, reference: str) -> str:
    """``reference`` (absolute URL, ``/path`` or relative name) seen from the file ``base``."""
    text = reference.strip()
    if "://" in text:
        return text
    head, _ = _split_query(base)
    if text.startswith("/"):
        scheme, _, rest = head.partition("://")
        return f"{scheme}://{rest.partition('/')[0]}{text}"
    return head.rpartition("/")[0] + "/" + text


def sibling(url: str, name: str) -> str:
    """The file ``name`` in the same directory as ``url`` (keeping its query)."""
    head, query = _split_query(url)
    return head.rpartition("/")[0] + "/" + name + query
