"""Resource files a cfg file points to (firmware, ring tones…) and where they are in the tree."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from cfgtool.format import EMPTY_VALUES
from cfgtool.provisioning.tree import FileView, tree_path
from cfgtool.provisioning.urls import SCHEME, split_query

# Settings that name a resource file the phone downloads (without `static.`),
# and what to call it in messages.
RESOURCE_KEYS: dict[str, str] = {
    "firmware.url": "firmware",
    "ringtone.url": "ring tone",
    "auto_dst.url": "DST rules file (AutoDST.xml)",
    "dialplan_replace_rule.url": "dial plan (dialplan.xml)",
    "dialplan_dialnow.url": "dial-now rules (dialnow.xml)",
    "gui_lang.url": "language pack",
    "wui_lang.url": "language pack",
    "wui_lang_note.url": "language pack",
    "local_contact.data.url": "contact file (contact.xml)",
    "lcd_logo.url": "logo",
    "wallpaper_upload.url": "wallpaper",
}
RINGTONE_URL_KEY = "ringtone.url"
_HOST_LIKE = re.compile(
    r"(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:]+\]|[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]+)"
    r"(?::\d+)?"
)


def resource_kind(key: str) -> str | None:
    """What resource file ``key`` downloads (``firmware``, ``ring tone``…), or None."""
    return RESOURCE_KEYS.get(key.removeprefix("static."))


def tree_target(view: FileView, value: str) -> str | None:
    """The tree path (relative to the root) a resource URL points to, or None when it
    points outside the tree: an absolute URL not under ``--server-url``, a bare
    host, a value with wildcards, or a path that leaves the tree."""
    text = value.strip()
    if text in EMPTY_VALUES or "$" in text:
        return None
    text, _ = split_query(text)
    if "://" in text:
        if view.server_url is None:
            return None
        under = _under_server(text, view.server_url)
        if under is None:
            return None
        base, rest = "", under
    elif text.startswith("/"):
        base, rest = "", text.lstrip("/")
    else:
        first = text.partition("/")[0]
        if "/" in text and _HOST_LIKE.fullmatch(first):
            return None  # "10.0.0.5/fw.rom": a host, fetched with TFTP from elsewhere
        base, rest = view.relative.rpartition("/")[0], text
    if not rest or rest.endswith("/"):
        return None
    target = posixpath.normpath(posixpath.join(base, unquote(rest)))
    if target in (".", "..") or target.startswith("../"):
        return None
    return target


def _under_server(url: str, server_url: str) -> str | None:
    """The part of ``url`` below ``server_url`` (scheme and host compared case-insensitively).

    A ``server_url`` ending in ``/$PN`` stands for the root of the ``$PN`` directories.
    """
    # The DHCP option 66 value itself may be given: tftp://host/$PN names the tree root.
    server = re.sub(r"/\$PN/?$", "/", server_url.strip())
    if SCHEME.match(server) is None:
        server = "tftp://" + server
    scheme_u, _, rest_u = url.partition("://")
    scheme_s, _, rest_s = server.partition("://")
    host_u, _, path_u = rest_u.partition("/")
    host_s, _, path_s = rest_s.partition("/")
    if scheme_u.lower() != scheme_s.lower() or host_u.lower() != host_s.lower():
        return None
    prefix = path_s.strip("/")
    if not prefix:
        return path_u
    if path_u == prefix or not path_u.startswith(prefix + "/"):
        return None
    return path_u[len(prefix) + 1 :]


def tree_file(view: FileView, relative: str) -> str:
    """The filesystem path of a tree-relative path."""
    return tree_path(view.tree, relative)
