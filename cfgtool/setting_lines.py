"""The settings of a cfg text, read without building its document.

What a fleet of phones reads (:mod:`cfgtool.phone`): keys, values and line numbers
exactly as :func:`cfgtool.parser.loads` gives them as :class:`~cfgtool.nodes.Entry`
nodes, from one regex pass over the everyday lines; any other line goes to the
parser (:func:`~cfgtool.parser.parse_line`). The tests hold each reader to ``loads``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache

from cfgtool.nodes import Entry
from cfgtool.parser import BOM, loads, parse_line

__all__ = [
    "read_entries",
    "read_headed_settings",
    "read_settings",
    "read_settings_at",
    "read_settings_backwards",
]

# Every line of a text without BOM or ``\r``, one match each, in order (so the n-th
# match is line n): a setting in its everyday shape (groups 1-2: key and value, each
# with its trailing blanks, which the readers strip: a regex that stops before them
# must backtrack, and costs a third more; the key starts with a letter, digit or
# ``_``, so the line is never a comment, section, template tag or merge marker; the
# value does not start with ``=``; tab is text, control characters are not), a
# blank, comment or header line (no group), or any other line (group 3, for the
# full parser). Every repeat is possessive (``*+``): nothing backtracks, so a long
# line that is no setting costs linear time, not quadratic.
_NOT_TEXT = r"\x00-\x08\x0a-\x1f\x7f-\x9f"
_LINES = re.compile(
    rf"^(?:[ \t]*+([A-Za-z0-9_][^={_NOT_TEXT}]*+)=(?!=)[ \t]*+([^{_NOT_TEXT}]*+)"
    r"|[ \t]*+(?:#[^\n]*+)?|([^\n]+))$\n?",
    re.MULTILINE,
)
_BLANKS = " \t"


def read_entries(text: str) -> list[tuple[str, str, int]]:
    """The ``(key, value, line)`` of every setting of ``text``, in order: what
    :func:`loads` gives as :class:`~cfgtool.nodes.Entry` nodes, without building
    the document. Lines of the everyday shapes are read by one regex pass; any other
    line is parsed as :func:`loads` would; text with a BOM or ``\\r`` goes to
    :func:`loads` whole."""
    if text.startswith(BOM) or "\r" in text:
        return [
            (item.key, item.value, item.line) for item in loads(text).items if type(item) is Entry
        ]
    rows = _LINES.findall(text)
    if any([other for _, _, other in rows]):
        return _entries_of_rows(rows)
    return [
        (key.rstrip(_BLANKS), value.rstrip(_BLANKS), line)
        for line, (key, value, _) in enumerate(rows, 1)
        if key
    ]


def _row_setting(key: str, value: str, other: str) -> tuple[str, str] | None:
    """The ``(key, value)`` of one ``_LINES`` match's groups; None for no setting."""
    if key:
        return key.rstrip(_BLANKS), value.rstrip(_BLANKS)
    if other:
        node = parse_line(other)
        if type(node) is Entry:
            return node.key, node.value
    return None


def _entries_of_rows(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, int]]:
    entries: list[tuple[str, str, int]] = []
    for line, row in enumerate(rows, 1):
        if row[0] or row[2]:
            setting = _row_setting(*row)
            if setting is not None:
                entries.append((*setting, line))
    return entries


def read_settings(text: str) -> dict[str, str]:
    """Every key of ``text`` and its last value, keys in the order they first appear:
    ``{key: value for key, value, _ in read_entries(text)}`` without the line numbers
    (what a fleet of phones reads: no tuple per setting)."""
    if text.startswith(BOM) or "\r" in text:
        return {key: value for key, value, _ in read_entries(text)}
    rows = _LINES.findall(text)
    if any([other for _, _, other in rows]):
        return {key: value for key, value, _ in _entries_of_rows(rows)}
    settings = {key.rstrip(_BLANKS): value.rstrip(_BLANKS) for key, value, _ in rows}
    settings.pop("", None)  # blank, comment and header lines
    return settings


def _setting_at(text: str, start: int) -> tuple[str, str] | None:
    """The ``(key, value)`` of the line of ``text`` starting at ``start``, as
    :func:`read_settings` reads it; None for a line that is no setting."""
    match = _LINES.match(text, start)
    return None if match is None else _row_setting(*match.groups())


def read_settings_at(text: str, starts: Iterable[int]) -> dict[str, str]:
    """:func:`read_settings` of only the lines of ``text`` starting at ``starts``
    (line-start offsets, ascending): each of their keys and its last value, keys in
    the order they first appear. For text without BOM or ``\\r``."""
    found: dict[str, str] = {}
    for start in starts:
        setting = _setting_at(text, start)
        if setting is not None:
            found[setting[0]] = setting[1]
    return found


@cache
def _headed_lines(head: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    # A line whose key starts with ``head``: in the everyday shape of ``_LINES``
    # (groups 1-2), else any line (group 3, for the full parser). The first regex
    # finds such lines after a line break (the regex engine jumps from one line
    # break to the next at C speed), the second is for the first line.
    line = (
        rf"[ \t]*+(?={head})(?:([A-Za-z0-9_][^={_NOT_TEXT}]*+)=(?!=)[ \t]*+([^{_NOT_TEXT}]*+)$"
        r"|([^\n]++))"
    )
    return re.compile("\n" + line, re.MULTILINE), re.compile(line, re.MULTILINE)


def read_headed_settings(text: str, head: str) -> dict[str, str]:
    """:func:`read_settings` of only the lines of ``text`` whose key starts with a match
    of the regex ``head`` (after the line's blanks). For text without BOM or ``\\r``."""
    later, first = _headed_lines(head)
    rows = later.findall(text)
    opening = first.match(text)
    if opening is not None:
        rows.insert(0, opening.groups())
    if not any([other for _, _, other in rows]):
        return {key.rstrip(_BLANKS): value.rstrip(_BLANKS) for key, value, _ in rows}
    starts = [match.start() + 1 for match in later.finditer(text)]
    return read_settings_at(text, [0, *starts] if opening is not None else starts)


def read_settings_backwards(text: str) -> Iterator[tuple[str, str]]:
    """The ``(key, value)`` of each setting line of ``text``, from the last line up, as
    :func:`read_settings` reads them (a key set twice comes twice). For text without
    BOM or ``\\r``."""
    end = len(text)
    if text.endswith("\n"):
        end -= 1
    while end >= 0:
        start = text.rfind("\n", 0, end) + 1
        setting = _setting_at(text, start)
        if setting is not None:
            yield setting
        end = start - 1
