"""What a phone ends up with: its Common file(s), then its MAC file, then MAC-local (last wins)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from cfgtool.nodes import Document, Entry
from cfgtool.parser import load

Source: TypeAlias = "Document | str | os.PathLike[str]"


@dataclass(frozen=True, slots=True)
class Setting:
    """The value a phone ends up with for one key, and the file and line that set it."""

    value: str
    file: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "file": self.file, "line": self.line}


def _document(source: Source, role: str) -> Document:
    if isinstance(source, Document):
        if source.filename is None:
            return Document(source.items, bom=source.bom, filename=role)
        return source
    return load(source)


def effective(
    common: Source | Sequence[Source] | None,
    mac: Source | None,
    local: Source | None = None,
) -> dict[str, Setting]:
    """What a phone ends up with: the Common file(s), then its MAC file, then MAC-local.

    Each argument is a parsed :class:`~cfgtool.nodes.Document` or a path;
    ``common`` may also be a list (the all-models ``y000000000000.cfg`` first,
    then the model's own) or None, as may ``mac``. The last value of a key
    wins, within a file and across files, as on the phone. Keys keep the
    order in which they first appear. Values are not masked.

        >>> from cfgtool.parser import loads
        >>> common = loads("lang.gui = English\\n", filename="y000000000028.cfg")
        >>> phone = loads("#!version:1.0.0.1\\nlang.gui = German\\n", filename="0015651130f9.cfg")
        >>> effective(common, phone)["lang.gui"]
        Setting(value='German', file='0015651130f9.cfg', line=2)
    """
    commons: Sequence[Source]
    if common is None:
        commons = ()
    elif isinstance(common, (Document, str, os.PathLike)):
        commons = (common,)
    else:
        commons = tuple(common)
    layers = [_document(source, "<common>") for source in commons]
    if mac is not None:
        layers.append(_document(mac, "<mac>"))
    if local is not None:
        layers.append(_document(local, "<local>"))
    settings: dict[str, Setting] = {}
    for doc in layers:
        name = doc.filename or ""
        for item in doc.items:
            if type(item) is Entry:
                settings[item.key] = Setting(item.value, name, item.line)
    return settings
