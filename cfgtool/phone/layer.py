"""One file a played phone applies, as a :class:`Layer`: its text, read only when asked.

A fleet downloads hundreds of thousands of settings and its summary needs none
of them one by one: the switches, changes and resources of a phone's merged
settings (:mod:`.applied`) are computed where the texts are read — in a
worker process for a fleet. So a layer keeps its text and reads its
:attr:`~Layer.values` (key → last value) or :attr:`~Layer.settings` (with
file and line, for the report) the first time something asks, once: a
fleet's shared Common file is read once for every phone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import cast

from cfgtool.diagnostics import Diagnostic
from cfgtool.parser import BOM
from cfgtool.phone.result import FileKind, SettingSource
from cfgtool.setting_lines import read_entries, read_settings, read_settings_backwards

__all__ = ["Layer"]

# The keys seen so far, and those that end in ``url``: the phones of a fleet share
# most keys, and a set lookup is a fifth of the cost of a string method call.
_SEEN_KEYS: set[str] = set()
_URL_KEYS: set[str] = set()
_SEEN_LIMIT = 200_000


def _learn_keys(keys: Iterable[str]) -> None:
    if len(_SEEN_KEYS) > _SEEN_LIMIT:
        _SEEN_KEYS.clear()
        _URL_KEYS.clear()
    for key in keys:
        if key not in _SEEN_KEYS:
            _SEEN_KEYS.add(key)
            if key.endswith("url"):
                _URL_KEYS.add(key)


@dataclass(frozen=True, slots=True)
class Layer:
    """One file the phone applies: its name (as settings cite it), kind, text, the
    MD5 it is known by (its cache key) and its lint diagnostics."""

    name: str
    kind: FileKind
    text: str
    md5: str = ""
    diagnostics: tuple[Diagnostic, ...] = ()
    # What is read from the text, on first use; not part of the layer's identity.
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def __reduce__(
        self,
    ) -> tuple[type[Layer], tuple[str, FileKind, str, str, tuple[Diagnostic, ...]]]:
        # Sent between processes as its text: what was read from it is read again there.
        return (Layer, (self.name, self.kind, self.text, self.md5, self.diagnostics))

    @property
    def values(self) -> dict[str, str]:
        """Each key's last value, keys in the order they first appear."""
        found = self.memo.get("values")
        if found is None:
            found = self.memo["values"] = read_settings(self.text)
        return cast(dict[str, str], found)

    def settings_backwards(self) -> Iterator[tuple[str, str]]:
        """The file's settings from its last line up: the first time a key comes, it
        comes with its last value (later, a value it had before). Read from the end
        of the text, line by line, as long as asked."""
        if "values" in self.memo or self.text.startswith(BOM) or "\r" in self.text:
            return reversed(self.values.items())
        return read_settings_backwards(self.text)

    @property
    def url_keys(self) -> list[str]:
        """The keys that may name a resource file (they end in ``url``), in order."""
        found = self.memo.get("url_keys")
        if found is None:
            values = self.values
            if not _SEEN_KEYS.issuperset(values):
                _learn_keys(values)
            found = self.memo["url_keys"] = list(filter(_URL_KEYS.__contains__, values))
        return cast(list[str], found)

    @property
    def settings(self) -> dict[str, SettingSource]:
        """Each key's :class:`SettingSource` (last value, this file, its line)."""
        found = self.memo.get("settings")
        if found is None:
            # tuple.__new__ skips the named tuple's Python-level constructor (one per setting).
            new = tuple.__new__
            name, kind = self.name, self.kind
            found = self.memo["settings"] = {
                key: new(SettingSource, (key, value, name, kind, line))
                for key, value, line in read_entries(self.text)
            }
        return cast(dict[str, SettingSource], found)
