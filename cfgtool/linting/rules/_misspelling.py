"""Unknown keys by how close a known key is (CFG201, CFG204, CFG206).

An unknown key one slip away from a common catalog key is a misspelling
(CFG204); one that a known key is near to, not one slip away, is CFG201 (did
you mean ...?); one that no known key is near to is CFG206. Kept apart from
``_shared`` (which says which rule owns a problem) because only the key rules
ask it, and its segment statistics are built on first use.
"""

from __future__ import annotations

from functools import lru_cache

from cfgtool.catalog import INDEX, load_catalog, normalize_key
from cfgtool.catalog.params import SUGGEST_MAX_KEY_LENGTH
from cfgtool.linting.rules._shared import VALID_KEY
from cfgtool.suggest import DEFAULT_CUTOFF, similarity


class Misspelling:
    """An unknown key one slip away from a known one: what was meant, and the slip."""

    # A plain class, not a dataclass: every rule module import is start-up time.
    __slots__ = ("meant", "slip")

    def __init__(self, meant: str, slip: str) -> None:
        self.meant = meant
        self.slip = slip

    def __repr__(self) -> str:
        return f"Misspelling({self.meant!r}, {self.slip!r})"


@lru_cache(maxsize=1)
def _segment_counts() -> dict[tuple[int, str], int]:
    counts: dict[tuple[int, str], int] = {}
    for param in load_catalog():
        for position, part in enumerate(param.key.split(".")):
            counts[position, part] = counts.get((position, part), 0) + 1
    return counts


def _one_edit(typed: str, known: str) -> bool:
    """One inserted, deleted, replaced or swapped character (not a digit for a digit)."""
    if typed == known:
        return False
    short, long_ = (typed, known) if len(typed) <= len(known) else (known, typed)
    if len(long_) - len(short) > 1:
        return False
    if len(short) == len(long_):
        diff = [i for i in range(len(short)) if short[i] != long_[i]]
        if len(diff) == 1:
            a, b = typed[diff[0]], known[diff[0]]
            return not (a.isdigit() and b.isdigit())
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and typed[diff[0]] == known[diff[1]]
            and typed[diff[1]] == known[diff[0]]
        )
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _slip(typed: list[str], meant: list[str], pattern: list[str]) -> str | None:
    """Describe how ``typed`` differs from ``meant`` by one slip, or None."""
    if len(typed) == len(meant):
        diff = [i for i in range(len(typed)) if typed[i] != meant[i]]
        if len(diff) != 1:
            return None
        position = diff[0]
        mine, known = typed[position], meant[position]
        if mine.casefold() == known.casefold():
            # Real keys differ in case between sources (timerAE / timerae, G722 / g722):
            # a case difference is no evidence of a mistake. CFG201 reports the key.
            return None
        if len(known) >= 4 and _one_edit(mine, known):
            return f"{mine!r} should be {known!r}"
        return None
    if len(typed) + 1 == len(meant):
        for position in range(len(meant)):
            if meant[:position] + meant[position + 1 :] == typed:
                if pattern[position] == INDEX:
                    return f"the index after {meant[position - 1]!r} is missing"
                if position == 0 and meant[0] == "static":
                    return "the 'static.' prefix is missing"
        return None
    if len(typed) == len(meant) + 1:
        for position in range(len(typed)):
            if typed[:position] + typed[position + 1 :] != meant:
                continue
            extra = typed[position]
            if position == 0 and extra == "static":
                return "this key takes no 'static.' prefix"
            if (
                extra.isdigit()
                or extra in typed[position - 1 : position] + typed[position + 1 :][:1]
            ):
                return f"the segment {extra!r} is one too many"
        return None
    return None


@lru_cache(maxsize=16384)
def misspelling(key: str) -> Misspelling | None:
    """How an unknown ``key`` misspells a common catalog key, when it is one slip away.

    A slip is one wrong, missing, extra or swapped letter in a segment of four
    or more letters (``ccount``, ``adress``; not a digit for a digit), a
    missing index or ``static.`` prefix, or a doubled or extra index segment.
    The key meant must be common: seen in two or more public projects, or its
    corrected segment used by several catalog keys.
    """
    catalog = load_catalog()
    if not VALID_KEY.fullmatch(key) or catalog.lookup(key) is not None:
        return None
    written_twice = _doubled_segment(key) or _separator_slip(key)
    if written_twice is not None:
        return written_twice
    meant = catalog.suggest(key)
    param = catalog.lookup(meant) if meant else None
    if meant is None or param is None:
        return None
    typed_parts, meant_parts = key.split("."), meant.split(".")
    pattern = param.key.split(".")
    if len(pattern) != len(meant_parts):
        return None
    slip = _slip(typed_parts, meant_parts, pattern)
    if slip is None:
        return None
    if param.sources < 2:
        counts = _segment_counts()
        common_segment = any(
            counts.get((position, part), 0) >= 3
            for position, part in enumerate(pattern)
            if position >= len(typed_parts) or typed_parts[position] != meant_parts[position]
        )
        if not common_segment:
            return None
    return Misspelling(meant, slip)


def _doubled_segment(key: str) -> Misspelling | None:
    """A known key with one of its segments written twice (``static.static.security.…``)."""
    if len(key) > SUGGEST_MAX_KEY_LENGTH:
        return None
    parts = key.split(".")
    for position in range(1, len(parts)):
        if parts[position] == parts[position - 1] and not parts[position].isdigit():
            candidate = ".".join(parts[:position] + parts[position + 1 :])
            if load_catalog().lookup(candidate) is not None:
                return Misspelling(candidate, f"the segment {parts[position]!r} is written twice")
    return None


def _separator_slip(key: str) -> Misspelling | None:
    """A known key written with ``_`` for one of its dots, or ``.`` for one of its ``_``.

    ``account.1.srtp_unencrypted_rtp.enable`` for
    ``account.1.srtp.unencrypted_rtp.enable``: the same letters, one separator
    changed, so the key meant is clear even when only one public source has it.
    """
    catalog = load_catalog()
    if len(key) > SUGGEST_MAX_KEY_LENGTH:
        return None
    for typed, written in (("_", "."), (".", "_")):
        position = key.find(typed)
        while position >= 0:
            candidate = key[:position] + written + key[position + 1 :]
            param = catalog.lookup(candidate)
            if param is not None and param.key == normalize_key(candidate):
                return Misspelling(candidate, _separator_note(key, candidate, position))
            position = key.find(typed, position + 1)
    return None


def _separator_note(key: str, meant: str, position: int) -> str:
    """``'srtp_unencrypted_rtp' should be 'srtp.unencrypted_rtp'``: the segments around the slip."""
    start = max(key.rfind(".", 0, position), meant.rfind(".", 0, position)) + 1
    typed = key[start : _segment_end(key, position)]
    return f"{typed!r} should be {meant[start : _segment_end(meant, position)]!r}"


def _segment_end(text: str, position: int) -> int:
    end = text.find(".", position + 1)
    return len(text) if end < 0 else end


@lru_cache(maxsize=16384)
def near_suggestion(key: str) -> str | None:
    """The known key an unknown ``key`` is near to, when it is not a misspelling of it.

    Near: the keys have the same segments but for a few, each of which is
    alike (difflib ratio of at least 0.6, or a case difference:
    ``server_address`` and ``address``), or ``key`` lacks one segment of the
    known key (``sip.tls_cipher_list`` for ``security.sip.tls_cipher_list``).
    A suggestion that drops a segment of ``key``, or whose differing segments
    are not alike (``base.repeater_mode.enable`` for ``base.eco_mode.enable``),
    is no evidence of a slip: such a key is CFG206's.
    """
    if misspelling(key) is not None:
        return None
    meant = load_catalog().suggest(key)
    if meant is None:
        return None
    typed_parts, meant_parts = key.split("."), meant.split(".")
    if len(typed_parts) + 1 == len(meant_parts):
        return meant if _is_missing_one(typed_parts, meant_parts) else None
    if len(typed_parts) != len(meant_parts):
        return None
    differing = [(t, m) for t, m in zip(typed_parts, meant_parts, strict=True) if t != m]
    alike = all(
        t.casefold() == m.casefold() or similarity(t, m) >= DEFAULT_CUTOFF for t, m in differing
    )
    return meant if differing and alike else None


def _is_missing_one(typed: list[str], meant: list[str]) -> bool:
    return any(meant[:i] + meant[i + 1 :] == typed for i in range(len(meant)))


_SHOWN = 80


def shown_key(key: str) -> str:
    """``key`` as a message quotes it: at most 80 characters (a pasted blob can be a "key")."""
    return key if len(key) <= _SHOWN else key[: _SHOWN - 1] + "…"
