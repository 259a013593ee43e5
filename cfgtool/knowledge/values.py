"""Value checks from the vendor's facts: type, range, enum, name-for-number, length, shape.

Pure functions over :class:`~cfgtool.knowledge.store.ValueSpec` and the enum
``meanings`` (``{"0": "UDP", "1": "TCP"}``); ``%NULL%`` and the empty value
are valid for every key.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import cache

from cfgtool.knowledge.finding import Finding, Grade
from cfgtool.knowledge.store import ValueSpec

__all__ = ["check_length", "check_shape", "check_value", "describe_values", "number_for_name"]

NULL_VALUES = frozenset({"", "%NULL%"})
URL_SCHEMES = frozenset({"tftp", "ftp", "http", "https"})
_LISTED = 12  # values shown in a message before "..."
# Patterns as text: ``re`` compiles each on first use and caches it, so importing this
# module (every lint run imports the rules that use it) compiles nothing.
_INTEGER = r"[+-]?[0-9]+"
_URL_SCHEME = r"([A-Za-z][A-Za-z0-9+.\-]*)://"
_TIME = r"(?:[01]?[0-9]|2[0-3]):[0-5][0-9]"
_NOT_ALNUM = r"[^0-9a-z]+"
_PLACEHOLDER = r"<[^<>]+>"
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = rf"(?:{_OCTET}\.){{3}}{_OCTET}"
_NUMERIC_DOTTED = r"[0-9.]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
_HOST_NAME = rf"{_LABEL}(?:\.{_LABEL})*\.?"


def _fold(text: str) -> str:
    return re.sub(_NOT_ALNUM, "", text.casefold())


def number_for_name(
    value: str, meanings: Mapping[str, str], accepted: Collection[str]
) -> str | None:
    """The value whose vendor meaning ``value`` names (``TLS`` -> ``2``), when exactly one.

    Case, spaces and punctuation are ignored (``dns srv`` names ``DNS SRV``); a
    name of three letters or more may be the start of the meaning (``Enable``
    names ``Enabled``). Only values in ``accepted`` (when given) are offered.
    """
    folded = _fold(value)
    if not folded or folded.isdigit():
        return None
    candidates = {number for number, name in meanings.items() if _fold(name) == folded}
    if not candidates and len(folded) >= 3:
        candidates = {n for n, name in meanings.items() if _fold(name).startswith(folded)}
    if accepted:
        candidates &= set(accepted)
    return candidates.pop() if len(candidates) == 1 else None


def describe_values(values: Collection[str], meanings: Mapping[str, str]) -> str:
    """``0 (UDP), 1 (TCP), 2 (TLS)``: the values with their vendor meanings, the first 12."""
    ordered = sorted(values, key=lambda v: (not re.fullmatch(_INTEGER, v), _as_number(v), v))
    shown = [f"{v} ({meanings[v]})" if v in meanings else v for v in ordered[:_LISTED]]
    return ", ".join(shown) + (", ..." if len(ordered) > _LISTED else "")


def _as_number(value: str) -> int:
    return int(value) if re.fullmatch(_INTEGER, value) else 0


def _grade(spec: ValueSpec, meanings: Mapping[str, str]) -> Grade:
    """A type only inferred from the values public files happen to use, with no vendor
    meanings for them, is a hint like an enum list only public projects give
    (``codec.opus.para`` looks numeric there, but real templates set ``opus-wb``)."""
    if spec.contradicted or (spec.type_source == "values" and not spec.closed and not meanings):
        return "info"
    return "error" if spec.closed else "warning"


def _enum_grade(spec: ValueSpec, meanings: Mapping[str, str]) -> Grade:
    """An enum Yealink's comment states (its type or its value meanings) warns; a list
    only public projects give is open by nature (real phones take values they lack)."""
    if spec.contradicted:
        return "info"
    if spec.closed:
        return "error"  # a closed list (a site's own typed key): the catalog has none
    return "warning" if spec.type_source == "vendor-comment" or meanings else "info"


def _why(spec: ValueSpec) -> str:
    if spec.contradicted:
        return " (correct real files use values outside this list, so it is only a hint)"
    if spec.closed:
        return ""
    if spec.type_source in ("model", "vendor-comment"):
        return " (the public list may be incomplete; check your phone's guide)"
    return " (the type is inferred from public files, so this may be a false alarm)"


def _miss(spec: ValueSpec, value: str, expected: str, fix: str | None, grade: Grade) -> Finding:
    hint = f"; did you mean {fix}?" if fix is not None else ""
    return Finding(grade, f"{value!r} is not {expected}{_why(spec)}{hint}", expected, fix)


def check_value(spec: ValueSpec, value: str, meanings: Mapping[str, str]) -> Finding | None:
    """What is wrong with ``value`` for the key ``spec`` describes, or None when it fits.

    bool, int (with its range) and ip are errors when ``spec.closed``, else warnings
    (infos where the type is only inferred from the values public files use);
    an enum miss lists the values and their meanings: a warning where Yealink's
    comment states the enum (its type or ``meanings``), else an info (a list from
    public projects is open); a name
    where the vendor lists a number for it gets that number as ``fix``; a URL
    scheme phones do not fetch from is an error; facts contradicted by correct
    files give info only.
    """
    text = value.strip()
    if text in NULL_VALUES:
        return None
    kind = spec.type
    if kind == "bool":
        accepted = {"0", "1", *spec.also}
        if text in accepted:
            return None
        fix = number_for_name(text, meanings, accepted)
        expected = describe_values(accepted, meanings) if meanings else "0 or 1"
        return _miss(spec, text, expected, fix, _grade(spec, meanings))
    if kind == "int":
        return _check_int(spec, text, meanings)
    if kind == "enum" and spec.enum:
        accepted = {*spec.enum, *spec.also}
        if text in accepted:
            return None
        fix = number_for_name(text, meanings, accepted)
        listed = f"one of the listed values: {describe_values(accepted, meanings)}"
        return _miss(spec, text, listed, fix, _enum_grade(spec, meanings))
    if kind == "url":
        scheme = re.match(_URL_SCHEME, text)
        if scheme is None or scheme[1].lower() in URL_SCHEMES:
            return None
        expected = "a tftp://, ftp://, http:// or https:// URL, or a bare host (TFTP)"
        return Finding("error", f"URL scheme {scheme[1]!r} is not one phones fetch from", expected)
    if kind == "ip" and not _is_address_or_host(text):
        return _miss(
            spec, text, "an IPv4/IPv6 address or a host name", None, _grade(spec, meanings)
        )
    if kind == "time" and re.fullmatch(_TIME, text) is None:
        return _miss(spec, text, "a time HH:MM", None, _grade(spec, meanings))
    return None


def _is_address_or_host(text: str) -> bool:
    if ":" in text:
        from ipaddress import IPv6Address  # lazy: ipaddress is slow to import, IPv6 values rare

        try:
            IPv6Address(text)
        except ValueError:
            return False
        return True
    if re.fullmatch(_NUMERIC_DOTTED, text):
        return re.fullmatch(_IPV4, text) is not None
    return re.fullmatch(_HOST_NAME, text) is not None


def _check_int(spec: ValueSpec, text: str, meanings: Mapping[str, str]) -> Finding | None:
    if text in spec.also:
        return None
    if re.fullmatch(_INTEGER, text) is None:
        accepted = {*meanings, *spec.also}
        fix = number_for_name(text, meanings, accepted)
        return _miss(spec, text, "an integer", fix, _grade(spec, meanings))
    if spec.int_range is None:
        return None
    low, high = spec.int_range
    if low <= int(text) <= high:
        return None
    extra = f" or {', '.join(spec.also)}" if spec.also else ""
    return _miss(spec, text, f"in the range {low}..{high}{extra}", None, _grade(spec, meanings))


def check_length(spec: ValueSpec, value: str) -> Finding | None:
    """A value longer than the vendor's stated maximum length (a warning)."""
    if spec.max_len is None or len(value.strip()) <= spec.max_len:
        return None
    expected = f"at most {spec.max_len} characters"
    return Finding(
        "warning", f"the value is {len(value.strip())} characters, not {expected}", expected
    )


@cache
def _shape_pattern(shape: str) -> re.Pattern[str]:
    literals = re.split(_PLACEHOLDER, shape)
    return re.compile(".*".join(re.escape(part) for part in literals), re.DOTALL)


def check_shape(shape: str, value: str) -> Finding | None:
    """A value that is not built like the documented ``value_shape`` (a warning).

    ``<name>`` in the shape is any text (an empty part, such as an empty password, is
    another rule's business), the rest literal:
    ``<admin_name>:<admin_password>`` wants ``admin:secret``.
    """
    text = value.strip()
    if text in NULL_VALUES or _shape_pattern(shape).fullmatch(text):
        return None
    # the value is not quoted: shapes are documented for passwords (user:password)
    return Finding("warning", f"the value is not built like {shape}", f"a value shaped {shape}")
