"""The template grammars in ``grammar/``, as fast scanners built from their Lark terminals.

As in :mod:`cfgtool.parser`, each grammar is a flat list of terminals: Lark
compiles it, its terminal regexes (in the order Lark's lexer tries them) form
one scanner, and that table is cached on disk keyed by the grammar's hash, so
a warm start neither imports Lark nor rebuilds the grammar. :func:`lark_tokens`
is the reference (Lark's own lexer); the tests hold the scanner to it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from cfgtool.errors import CfgIOError
from cfgtool.fsutil import atomic_write_text
from cfgtool.resources import data_dir

_CACHE_FORMAT = "1"

Token = tuple[str, str, int]
"""``(terminal, text, offset)``."""


def _grammar_text(name: str) -> str:
    return (data_dir("grammar") / f"{name}.lark").read_text(encoding="utf-8")


@cache
def compiled(name: str) -> Any:
    """Lark's LALR parser of ``grammar/<name>.lark`` (basic lexer)."""
    # lark is imported here: only a cold start (no cached table) and the tests need it.
    import lark

    return lark.Lark(_grammar_text(name), parser="lalr", lexer="basic")


def _cache_file(grammar_text: str, name: str) -> Path:
    digest = hashlib.sha256((_CACHE_FORMAT + grammar_text).encode()).hexdigest()[:16]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cfgtool" / f"{name}-scanner-{digest}.json"


def _terminal_table(name: str) -> list[list[str]]:
    grammar_text = _grammar_text(name)
    cache_file = _cache_file(grammar_text, name)
    try:
        table: list[list[str]] = json.loads(cache_file.read_text(encoding="utf-8"))
        return table
    except (OSError, ValueError):
        pass
    terminals = sorted(compiled(name).terminals, key=lambda t: (-t.priority, t.name))
    table = [[t.name, t.pattern.to_regexp()] for t in terminals]
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(cache_file, json.dumps(table))
    except (OSError, CfgIOError):
        pass  # a cache that cannot be written only makes the next start slower
    return table


@cache
def _scanner(name: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<{term}>{regex})" for term, regex in _terminal_table(name)))


def tokens(name: str, text: str) -> list[Token]:
    """The tokens of ``text`` under grammar ``name``; every character is in exactly one."""
    return [(m.lastgroup or "", m.group(), m.start()) for m in _scanner(name).finditer(text)]


def lark_tokens(name: str, text: str) -> list[Token]:
    """The same tokens from Lark's own parser: the reference :func:`tokens` is held to."""
    tree = compiled(name).parse(text)
    return [(token.type, str(token), token.start_pos) for token in tree.children]
