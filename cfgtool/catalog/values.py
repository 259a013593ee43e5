"""Checking a value against its parameter's type (bool, int range, enum, IP, URL…)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from cfgtool.catalog.params import (
    Param,
)
from cfgtool.format import EMPTY_VALUES, URL_SCHEME_SYNTAX, URL_SCHEMES

# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class ValueProblem:
    """Why a value does not fit its key's catalog type.

    ``firm`` problems are certain (the phone cannot read the value: report an
    error); the others are hints (a warning). ``open_list``: the value is only
    missing from an enumeration copied from public projects, which is open by
    nature (real phones take values such lists lack): at most an info.
    ``expected`` says what would be valid, for a hint line.
    """

    message: str
    expected: str
    firm: bool
    open_list: bool = False

    @property
    def severity(self) -> Literal["error", "warning", "info"]:
        if self.firm:
            return "error"
        return "info" if self.open_list else "warning"


class _Patterns:
    """Value regexes, compiled on first use so importing the catalog stays cheap."""

    def __init__(self) -> None:
        octet = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
        label = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
        self.integer = re.compile(r"[+-]?[0-9]+")
        self.url_scheme = re.compile(rf"({URL_SCHEME_SYNTAX})://")
        self.time = re.compile(r"(?:[01]?[0-9]|2[0-3]):[0-5][0-9]")
        self.ipv4 = re.compile(rf"(?:{octet}\.){{3}}{octet}")
        self.numeric_dotted = re.compile(r"[0-9.]+")
        self.host_name = re.compile(rf"{label}(?:\.{label})*\.?")


@cache
def _patterns() -> _Patterns:
    return _Patterns()


def _problem(
    value: str, expected: str, *, firm: bool, note: str = "", open_list: bool = False
) -> ValueProblem:
    return ValueProblem(f"{value!r} is not {expected}{note}", expected, firm, open_list)


_TYPE_SOURCE_WORDS = {
    "values": "the values public files use",
    "name": "the key's name",
    "comment": "a comment in a public template",
}


def _inferred_note(param: Param) -> str:
    if param.firm:
        return ""
    source = _TYPE_SOURCE_WORDS.get(param.type_source or "", "public files")
    return f" (the type is inferred from {source}, so this may be a false alarm)"


def check_value(param: Param, value: str) -> ValueProblem | None:
    """What is wrong with ``value`` for ``param``, or None when it fits (CFG202 rules).

    Firm (error): a bool that is not 0/1 or an int that is not an integer where
    the type is firm; a URL with a scheme other than tftp/ftp/http/https (a bare
    host or IP is fine: phones default to TFTP). Hints (warning): values outside
    an int range, and violations of inferred types. A value missing from an enum
    list (lists from public projects are open by nature) is an info. ``%NULL%``
    and the empty value are valid for every key.
    """
    value = value.strip()
    if value in EMPTY_VALUES:
        return None
    kind = param.type
    patterns = _patterns()
    if kind == "bool":
        if value in ("0", "1"):
            return None
        return _problem(value, "0 or 1", firm=param.firm, note=_inferred_note(param))
    if kind == "int":
        if patterns.integer.fullmatch(value) is None:
            return _problem(value, "an integer", firm=param.firm, note=_inferred_note(param))
        if param.int_range is not None:
            low, high = param.int_range
            if not low <= int(value) <= high:
                expected = f"in the listed range {low}..{high}"
                note = " (public lists can lag behind firmware; check your phone's guide)"
                return _problem(value, expected, firm=False, note=note)
        return None
    if kind == "enum" and param.enum is not None:
        if value in param.enum:
            return None
        listed = (
            ", ".join(param.enum) if len(param.enum) <= 12 else ", ".join(param.enum[:12]) + ", ..."
        )
        note = " (the public list may be incomplete; check your phone's guide)"
        expected = f"one of the listed values: {listed}"
        return _problem(value, expected, firm=False, note=note, open_list=True)
    if kind == "url":
        scheme = patterns.url_scheme.match(value)
        if scheme is None or scheme[1].lower() in URL_SCHEMES:
            return None
        return ValueProblem(
            f"URL scheme {scheme[1]!r} is not one phones fetch from",
            "a tftp://, ftp://, http:// or https:// URL, or a bare host (TFTP)",
            True,
        )
    if kind == "ip":
        if _is_address_or_host(value):
            return None
        expected = "an IPv4/IPv6 address or a host name"
        return _problem(value, expected, firm=False, note=_inferred_note(param))
    if kind == "time":
        if patterns.time.fullmatch(value):
            return None
        return _problem(value, "a time HH:MM", firm=False, note=_inferred_note(param))
    return None


def _is_address_or_host(value: str) -> bool:
    patterns = _patterns()
    if ":" in value:
        from ipaddress import IPv6Address  # lazy: ipaddress is slow to import, IPv6 values rare

        try:
            IPv6Address(value)
        except ValueError:
            return False
        return True
    if patterns.numeric_dotted.fullmatch(value):
        return patterns.ipv4.fullmatch(value) is not None
    return patterns.host_name.fullmatch(value) is not None
