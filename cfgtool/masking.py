"""Which settings hold secrets, and how to show them without leaking them.

Every place that prints a value (lint messages, ``diff``, ``parse`` output)
passes it through :func:`mask_value` unless the user asked to see secrets.

    >>> mask_value("account.1.password", "s3cret")
    '******'
    >>> mask_value("security.user_password", "admin:s3cret")
    'admin:******'
    >>> mask_value("remote_phonebook.data.1.url", "https://bob:pw@pb.example.com/book.xml")
    'https://******@pb.example.com/book.xml'
"""

from __future__ import annotations

import re

from cfgtool.format import EMPTY_VALUES, URL_SCHEME_SYNTAX

__all__ = [
    "MASK",
    "has_url_credentials",
    "is_secret_key",
    "mask_diff",
    "mask_line",
    "mask_url_credentials",
    "mask_value",
]

MASK = "******"

# The last segment names a secret: `password`, `md5_password`, `pwd`, `unlock_pin`,
# `com_aes`... but not a flag about one (`startup_password_enable` ends in `_enable`).
_SECRET_LAST_SEGMENT = re.compile(
    r"(?:^|_)(?:password|passwd|pwd|pin|secret|token|credentials?|aes|aes_key(?:_\d+)?)$",
    re.IGNORECASE,
)
# `auto_provision.aes_key_16.com`: the key sits in a middle segment; `aes_key_in_file` is a flag.
_AES_KEY_SEGMENT = re.compile(r"(?:^|\.)aes_key(?:_\d+)?\.", re.IGNORECASE)
# `security.user_password = admin:secret` holds `user:password`; only the password is secret.
_USER_PASSWORD_KEYS = frozenset({"security.user_password", "static.security.user_password"})
# scheme://userinfo@host — userinfo runs up to the last `@` before the path.
_URL_USERINFO = re.compile(rf"({URL_SCHEME_SYNTAX}://)([^/?#\s]*)@")


def is_secret_key(key: str) -> bool:
    """True when the setting ``key`` holds a password, PIN, AES key, secret or token.

    ``account.1.password``, ``network.802_1x.md5_password``, ``features.xml_browser.pwd``,
    ``auto_provision.aes_key_16.com`` and ``autoprovision.1.com_aes`` are secret;
    ``hotdesking.startup_password_enable`` and ``auto_provision.aes_key_in_file`` are not.
    """
    last = key.rpartition(".")[2]
    if _SECRET_LAST_SEGMENT.search(last):
        return True
    return _AES_KEY_SEGMENT.search(key) is not None


def has_url_credentials(value: str) -> bool:
    """True when ``value`` contains a URL with a user name or password (``ftp://u:p@host``)."""
    return "://" in value and _URL_USERINFO.search(value) is not None


def mask_url_credentials(value: str) -> str:
    """Replace the ``user:password@`` part of every URL in ``value`` by ``******@``."""
    if "://" not in value:
        return value
    return _URL_USERINFO.sub(lambda match: match.group(1) + MASK + "@", value)


def mask_line(line: str) -> str:
    """One ``key = value`` line of a file as it may be shown (spacing and line ending kept).

    >>> mask_line("  account.1.password = s3cret\n")
    '  account.1.password = ******\n'
    >>> mask_line("# a comment = with an equals sign")
    '# a comment = with an equals sign'
    """
    key_part, equals, rest = line.partition("=")
    key = key_part.strip(" \t")
    if not equals or not key or key.startswith("#"):
        return line
    body = rest.rstrip("\r\n")
    ending = rest[len(body) :]
    value = body.strip(" \t")
    masked = mask_value(key, value)
    if masked == value:
        return line
    lead = body[: len(body) - len(body.lstrip(" \t"))]
    trail = body[len(body.rstrip(" \t")) :]
    return f"{key_part}={lead}{masked}{trail}{ending}"


def mask_diff(diff: str) -> str:
    """A unified diff of cfg files with every ``key = value`` line masked, context included."""
    out = []
    for line in diff.splitlines(keepends=True):
        if line[:1] in (" ", "+", "-") and not line.startswith(("+++ ", "--- ")):
            out.append(line[0] + mask_line(line[1:]))
        else:
            out.append(line)
    return "".join(out)


def mask_value(key: str, value: str) -> str:
    """``value`` as it may be shown: secrets become ``******``, URL credentials are hidden.

    Empty values and ``%NULL%`` are shown as they are (they reveal nothing).
    For ``security.user_password`` (``user:password``) the user name stays visible.
    """
    if value.strip() in EMPTY_VALUES:
        return value
    if key in _USER_PASSWORD_KEYS and ":" in value:
        return value.partition(":")[0] + ":" + MASK
    if is_secret_key(key):
        return MASK
    return mask_url_credentials(value)
