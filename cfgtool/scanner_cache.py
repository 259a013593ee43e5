"""The on-disk cache of scanner tables built from the grammars, checked before it is trusted.

:mod:`cfgtool.parser` (the line scanner) and :mod:`cfgtool.templating.lark_cache`
(Smarty, Mustache) build a scanner from a grammar's Lark terminals and keep the
``[[name, regex], ...]`` table in ``~/.cache/cfgtool`` (``$XDG_CACHE_HOME``)
so that a warm start imports no Lark. A cache file is used only when every
check passes, else the table is rebuilt from the grammar and written again:

- it is a regular file of the current user that nobody else can write;
- it records the format, the grammar text itself and a CRC-32 of that text
  with the table, and all three match (a malformed, stale or edited file fails
  here; the file name carries a CRC-32 of the grammar, so that two grammars do
  not overwrite each other's table);
- its terminal names are exactly those the grammar declares, and its regexes
  compile;
- the scanner it makes cuts the caller's sample lines into the terminals they
  must be (a planted table that hides errors fails here).

Every check is a string compare, a CRC or a match on a few lines: no Lark, no
re-parse, and no ``hashlib`` (loading OpenSSL for it costs the one-file lint ~3 ms;
nobody but the owner can write the file, so the digests only have to catch
accidents, which a CRC does).
"""

from __future__ import annotations

import json
import os
import re
import zlib
from collections.abc import Callable, Sequence
from typing import TypeGuard

from cfgtool.errors import CfgIOError
from cfgtool.fsutil import atomic_write_text
from cfgtool.reading import read_bytes

__all__ = ["CACHE_FORMAT", "cache_path", "declared_terminals", "load_table"]

CACHE_FORMAT = "3"
Table = list[list[str]]
# (text, the terminal names the scanner must cut it into, in order)
Sample = tuple[str, tuple[str, ...]]
_MAX_CACHE_BYTES = 1 << 20
_DECLARED = re.compile(r"(?m)^([A-Z][A-Z0-9_]*)(?:\.-?\d+)?[ \t]*:")


def declared_terminals(grammar_text: str) -> frozenset[str]:
    """The named terminals a grammar declares (``NAME:`` or ``NAME.2:``; ``_INLINED`` ones not)."""
    return frozenset(_DECLARED.findall(grammar_text))


def _digest(text: str) -> str:
    return f"{zlib.crc32(text.encode('utf-8')):08x}"


def cache_path(name: str, grammar_text: str) -> str:
    """Where the table of grammar ``name`` is cached (the name holds the grammar's hash)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    digest = _digest(CACHE_FORMAT + grammar_text)
    return os.path.join(base, "cfgtool", f"{name}-scanner-{digest}.json")


def load_table(
    name: str, grammar_text: str, build: Callable[[], Table], samples: Sequence[Sample] = ()
) -> Table:
    """The terminal table of grammar ``name``: the cached one when it checks out, else built."""
    path = cache_path(name, grammar_text)
    table = _checked(path, grammar_text, declared_terminals(grammar_text), samples)
    if table is not None:
        return table
    table = build()
    record = {"format": CACHE_FORMAT, "grammar": grammar_text, "table": table}
    record["check"] = _digest(grammar_text + json.dumps(table))
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        atomic_write_text(path, json.dumps(record), mode=0o600)
    except (OSError, CfgIOError):
        pass  # a cache that cannot be written only makes the next start slower
    return table


def _checked(
    path: str, grammar_text: str, names: frozenset[str], samples: Sequence[Sample]
) -> Table | None:
    try:
        info = os.stat(path)
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            return None  # someone else could have written it
        record = json.loads(read_bytes(path, limit=_MAX_CACHE_BYTES))
    except (OSError, CfgIOError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != CACHE_FORMAT:
        return None
    table = record.get("table")
    if record.get("grammar") != grammar_text or not _is_table(table):
        return None
    if record.get("check") != _digest(grammar_text + json.dumps(table)):
        return None
    if {row[0] for row in table} != names or len(table) != len(names):
        return None
    try:
        scanner = re.compile("|".join(f"(?P<{term}>{regex})" for term, regex in table))
    except (re.error, RecursionError):
        return None
    for text, expected in samples:
        if tuple(m.lastgroup for m in scanner.finditer(text)) != expected:
            return None
    return table


def _is_table(value: object) -> TypeGuard[Table]:
    return isinstance(value, list) and all(
        isinstance(row, list) and len(row) == 2 and all(isinstance(cell, str) for cell in row)
        for row in value
    )
