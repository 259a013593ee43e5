"""The file names Yealink phones download, and MAC addresses.

A phone fetches, in order, the Common file of its model ``y0000000000XX.cfg``
(``XX`` = hardware id, 2 or 3 digits padded to 12 with zeros), its own MAC file
``<mac>.cfg`` and the settings made on the phone itself, ``<mac>-local.cfg``.
Which hardware id belongs to which model is data (``schemas/models.json``, see
:mod:`cfgtool.catalog`); this module only knows the naming rules.

    >>> classify("y000000000028.cfg")
    FileName(kind='common', name='y000000000028.cfg', hw_id=28, mac=None)
    >>> classify("0015651130F9-local.cfg").mac
    '0015651130f9'
    >>> normalize_mac("0015.6511.30f9")
    '0015651130f9'
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from cfgtool.errors import CfgValueError

__all__ = [
    "FileKind",
    "FileName",
    "basename",
    "classify",
    "common_filename",
    "is_common_filename",
    "is_mac_filename",
    "mac_filename",
    "normalize_mac",
]

FileKind = Literal["common", "mac", "mac-local", "other"]

_HEX = "[0-9A-Fa-f]"
_MAC_FORMS = (
    re.compile(rf"{_HEX}{{12}}"),
    re.compile(rf"{_HEX}{{2}}(?::{_HEX}{{2}}){{5}}"),
    re.compile(rf"{_HEX}{{2}}(?:-{_HEX}{{2}}){{5}}"),
    re.compile(rf"{_HEX}{{4}}\.{_HEX}{{4}}\.{_HEX}{{4}}"),
)
_SEPARATORS = str.maketrans("", "", ":-.")
# y + 12 digits: y0000000000XX.cfg (XX = 2-digit id) or y000000000XXX.cfg (3 digits).
_COMMON = re.compile(r"y(0{9}[0-9]{3})\.cfg", re.IGNORECASE)
_MAC_FILE = re.compile(rf"({_HEX}{{12}})(-local)?\.cfg", re.IGNORECASE)


class FileName(NamedTuple):
    """What a file name says about a provisioning file.

    ``kind`` is ``common`` (``hw_id`` set), ``mac`` or ``mac-local`` (``mac``
    set, 12 lowercase hex digits) or ``other``; ``name`` is the base name.
    """

    kind: FileKind
    name: str
    hw_id: int | None = None
    mac: str | None = None

    @property
    def is_common(self) -> bool:
        return self.kind == "common"

    @property
    def is_mac(self) -> bool:
        """True for ``<mac>.cfg`` and ``<mac>-local.cfg``."""
        return self.kind in ("mac", "mac-local")


def basename(path: str) -> str:
    """The last component of ``path``, for ``/`` and ``\\`` separated paths alike."""
    return path.replace("\\", "/").rpartition("/")[2]


def normalize_mac(text: str) -> str | None:
    """A MAC address as 12 lowercase hex digits, or None when ``text`` is not one.

    Accepted: ``0015651130F9``, ``00:15:65:11:30:f9``, ``00-15-65-11-30-F9``,
    ``0015.6511.30f9`` (surrounding spaces are ignored). Mixed separators and
    any other length are refused.
    """
    candidate = text.strip()
    for form in _MAC_FORMS:
        if form.fullmatch(candidate):
            return candidate.translate(_SEPARATORS).lower()
    return None


def not_a_mac(text: str) -> str:
    """The one message for a value that is not a MAC address: what it is, and what to write."""
    return (
        f"{text!r} is not a MAC address; write 12 hex digits such as 0015651130F9, "
        "00:15:65:11:30:f9, 00-15-65-11-30-F9 or 0015.6511.30f9"
    )


def require_mac(text: str) -> str:
    """:func:`normalize_mac` of ``text``; raises :class:`CfgValueError` when it is not a MAC."""
    normalized = normalize_mac(text)
    if normalized is None:
        raise CfgValueError(not_a_mac(text))
    return normalized


def classify(name: str) -> FileName:
    """Classify a file by its name (a path is reduced to its base name).

    Letter case is not significant here: ``Y000000000028.CFG`` is still a
    Common file by intent, even if a case-sensitive server would not serve it.
    """
    base = basename(name)
    common = _COMMON.fullmatch(base)
    if common:
        return FileName("common", base, hw_id=int(common.group(1)))
    mac_file = _MAC_FILE.fullmatch(base)
    if mac_file:
        kind: FileKind = "mac-local" if mac_file.group(2) else "mac"
        return FileName(kind, base, mac=mac_file.group(1).lower())
    return FileName("other", base)


def is_common_filename(name: str) -> bool:
    """True for ``y0000000000XX.cfg`` / ``y000000000XXX.cfg``."""
    return classify(name).kind == "common"


def is_mac_filename(name: str, *, local: bool | None = None) -> bool:
    """True for ``<mac>.cfg`` or ``<mac>-local.cfg``; ``local`` narrows to one of them."""
    kind = classify(name).kind
    if local is None:
        return kind in ("mac", "mac-local")
    return kind == ("mac-local" if local else "mac")


def common_filename(hw_id: int) -> str:
    """The Common file name for a hardware id: ``28`` → ``y000000000028.cfg``."""
    if not 0 <= hw_id <= 999:
        raise CfgValueError(f"hardware id {hw_id} is out of range 0..999")
    return f"y{hw_id:012d}.cfg"


def mac_filename(mac: str, *, local: bool = False) -> str:
    """The MAC file name for any accepted MAC spelling: ``<mac>.cfg`` or ``<mac>-local.cfg``."""
    normalized = require_mac(mac)
    return f"{normalized}-local.cfg" if local else f"{normalized}.cfg"
