"""Did you mean …? The one way cfgtool finds the names closest to a mistyped one.

Used for rule codes and names, configuration keys, phone models, inventory
columns and (through :meth:`cfgtool.catalog.Catalog.suggest`, which adds the
key's own structure) parameter keys. The work is bounded by the word's length:
a word too long to reach ``cutoff`` against any choice is not compared at all,
so a 1 MB argument costs no more than a short one.
"""

from __future__ import annotations

from collections.abc import Iterable

DEFAULT_CUTOFF = 0.6


def could_match(word: str, longest: int, cutoff: float = DEFAULT_CUTOFF) -> bool:
    """Whether ``word`` can be ``cutoff``-similar to a string of at most ``longest`` characters.

    Similarity is difflib's ratio, ``2 * matches / (len(a) + len(b))``; matches are
    at most the shorter length, so a much longer word can never reach the cutoff.
    """
    return cutoff <= 0 or 2 * longest >= cutoff * (len(word) + longest) - 1e-9


def similarity(typed: str, known: str) -> float:
    """How alike two strings are, 0 to 1 (difflib's ratio), ignoring case."""
    from difflib import SequenceMatcher  # lazy: difflib is not needed on the lint path

    return SequenceMatcher(None, typed.casefold(), known.casefold()).ratio()


def close_matches(
    word: str, choices: Iterable[str], *, n: int = 1, cutoff: float = DEFAULT_CUTOFF
) -> list[str]:
    """Up to ``n`` of ``choices`` closest to ``word``, best first, each ``cutoff`` alike."""
    candidates = list(choices)
    if not candidates or not could_match(word, max(map(len, candidates)), cutoff):
        return []
    from difflib import get_close_matches  # lazy: difflib is not needed on the lint path

    return get_close_matches(word, candidates, n=n, cutoff=cutoff)


def did_you_mean(
    word: str,
    choices: Iterable[str],
    *,
    n: int = 1,
    cutoff: float = DEFAULT_CUTOFF,
    quote: bool = True,
) -> str | None:
    """``did you mean 'select'?`` (``A or B`` for several), or None when nothing is close."""
    close = close_matches(word, choices, n=n, cutoff=cutoff)
    if not close:
        return None
    return f"did you mean {' or '.join(repr(c) if quote else c for c in close)}?"
