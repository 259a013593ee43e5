"""The template grammars in ``grammar/``, as fast scanners built from their Lark terminals.

As in :mod:`cfgtool.parser`, each grammar is a flat list of terminals: Lark
compiles it, its terminal regexes (in the order Lark's lexer tries them) form
one scanner, and that table is cached on disk keyed by the grammar's hash and
checked before use (:mod:`cfgtool.scanner_cache`), so
a warm start neither imports Lark nor rebuilds the grammar. :func:`lark_tokens`
is the reference (Lark's own lexer); the tests hold the scanner to it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from cfgtool.resources import grammar_text
from cfgtool.scanner_cache import load_table

Token = tuple[str, str, int]
"""``(terminal, text, offset)``."""


def _grammar_text(name: str) -> str:
    return grammar_text(name)


@cache
def compiled(name: str) -> Any:
    """Lark's LALR parser of ``grammar/<name>.lark`` (basic lexer)."""
    # lark is imported here: only a cold start (no cached table) and the tests need it.
    import lark

    return lark.Lark(_grammar_text(name), parser="lalr", lexer="basic")


# Text each scanner must cut into exactly these terminals: a cached table that does
# not (planted, or from another grammar) is rebuilt (see cfgtool.scanner_cache).
_SAMPLES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "smarty": (
        (
            "a {* c *} {literal}x{/literal} {$mac} } {",
            (
                *("TEXT", "COMMENT", "TEXT", "LITERAL", "TEXT", "TAG"),
                *("TEXT", "CLOSE_BRACE", "TEXT", "OPEN_BRACE"),
            ),
        ),
    ),
    "mustache": (
        (
            "a {{! c }} {{{x}}} {{y}} {{",
            ("TEXT", "COMMENT", "TEXT", "TRIPLE", "TEXT", "TAG", "TEXT", "OPEN"),
        ),
    ),
}


def _terminal_table(name: str) -> list[list[str]]:
    def build() -> list[list[str]]:
        terminals = sorted(compiled(name).terminals, key=lambda t: (-t.priority, t.name))
        return [[t.name, t.pattern.to_regexp()] for t in terminals]

    return load_table(name, _grammar_text(name), build, _SAMPLES.get(name, ()))


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
