"""The few settings of a file a fleet's summary needs, found without reading the others.

A fleet's summary needs, of each phone's settings, only the provisioning
switches (custom sync and protect, reboot force), the changed settings that
need a reboot and the resource URLs (:mod:`.applied`); the other settings are
read when something asks for them (``--format json``). :func:`glance` finds the
lines whose key may be one of those — a key that begins, after blanks and an
optional ``static.``, with the literal head of a reboot pattern of the catalog
(``network.``, ``wui.http_enable``…), a resource key or a switch — and reads
those lines alone, as :func:`cfgtool.setting_lines.read_settings` would
(:func:`cfgtool.setting_lines.read_headed_settings`: its regex starts with a line break,
so the regex engine jumps from line to line at C speed and tries the keys'
heads, a trie, only there). It is a superset: the keys it returns are
checked one by one downstream (the catalog for reboots, the resource keys).

    >>> glance("#!version:1.0.0.1\\nlang.gui = English\\nstatic.network.vpn_enable=1\\n")
    {'static.network.vpn_enable': '1'}
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import cfgtool
from cfgtool.parser import BOM
from cfgtool.phone.merge import PROTECT_KEY, REBOOT_FORCE_KEY, SYNC_KEY
from cfgtool.provisioning.resource_files import RESOURCE_KEYS
from cfgtool.setting_lines import read_headed_settings

__all__ = ["glance", "key_heads"]

_STATIC = "static."
_INDEX = "X"
# The phone books the phone downloads (resources.py) are keyed by number.
_PHONE_BOOK_HEAD = "remote_phonebook.data."
_Node = dict[str, "_Node"]


@cache
def key_heads() -> tuple[str, ...]:
    """The literal heads (without ``static.``) that every key the summary needs starts
    with: each reboot pattern up to its first index, each resource key, each switch;
    none that another one starts with."""
    heads = {key.removeprefix(_STATIC) for key in RESOURCE_KEYS}
    heads |= {_PHONE_BOOK_HEAD, PROTECT_KEY, SYNC_KEY, REBOOT_FORCE_KEY}
    for param in cfgtool.load_catalog():
        if param.reboot:
            parts = param.key.removeprefix(_STATIC).split(".")
            if _INDEX in parts:
                parts = [*parts[: parts.index(_INDEX)], ""]
            heads.add(".".join(parts))
    if "" in heads:
        raise ValueError("a reboot pattern starts with an index: no literal head to look for")
    return tuple(
        sorted(head for head in heads if not any(head != o and head.startswith(o) for o in heads))
    )


def _trie(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` (none the head of another), as a trie: the
    regex engine tries shared heads once."""
    root: _Node = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})

    def pattern(node: _Node) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items())]
        if len(branches) <= 1:
            return "".join(branches)
        return "(?:" + "|".join(branches) + ")"

    return pattern(root)


@cache
def _head() -> str:
    """The regex of a wanted key's head: an optional ``static.``, then the trie."""
    return r"(?:static\.)?" + _trie(key_heads())


def glance(text: str) -> dict[str, str] | None:
    """The settings of ``text`` whose keys the summary may need (a superset; see the
    module docstring): key → last value, keys in the order they first appear. None
    for a text with a byte-order mark or ``\\r`` (read it in full)."""
    if text.startswith(BOM) or "\r" in text:
        return None
    return read_headed_settings(text, _head())
