"""The parameter catalog (``schemas/params.json``): lookup by key or ``X`` pattern, did-you-mean.

Keys are never lowercased: real keys are mixed-case (``G722_1c_24kpbs``) and
phones compare them exactly. A catalog key pattern uses ``X`` for an index, so
``account.3.label`` is found as ``account.X.label``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any, Literal, NamedTuple

from cfgtool.catalog.models import (
    load_json,
)
from cfgtool.suggest import close_matches, could_match, similarity

INDEX = "X"


# --------------------------------------------------------------------------- parameters

ParamType = Literal[
    "unknown", "bool", "int", "string", "url", "enum", "password", "ip", "aes_key", "time"
]


class Param(NamedTuple):
    """One catalog key pattern (``X`` = index) and what public sources say about it.

    ``type_source`` says where the type came from: ``model`` (a typed settings
    model: the only *firm* types), ``values``, ``name`` or ``comment`` (hints),
    None for ``unknown``. ``enum``/``int_range`` are the listed permitted values,
    which can lag behind firmware. ``static_alias`` is the same key with the
    ``static.`` prefix added or removed when both are known. ``bounded`` is
    ``(segment position, Model attribute)`` for an index the model limits,
    e.g. ``(1, "accounts")`` for ``account.X.*``.
    """

    key: str
    type: ParamType
    type_source: str | None = None
    enum: tuple[str, ...] | None = None
    int_range: tuple[int, int] | None = None
    default: str | None = None
    static_alias: str | None = None
    sources: int = 0
    seen: str = "active"
    models: tuple[str, ...] = ()
    reboot: bool = False
    bounded: tuple[int, str] | None = None

    @property
    def firm(self) -> bool:
        """True when the type comes from a typed settings model, not from inference."""
        return self.type_source == "model"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping with every field."""
        return {
            "key": self.key,
            "type": self.type,
            "type_source": self.type_source,
            "enum": list(self.enum) if self.enum is not None else None,
            "int_range": list(self.int_range) if self.int_range is not None else None,
            "default": self.default,
            "static_alias": self.static_alias,
            "sources": self.sources,
            "seen": self.seen,
            "models": list(self.models),
            "reboot": self.reboot,
            "bounded": list(self.bounded) if self.bounded is not None else None,
        }


def _param_from_json(item: dict[str, Any]) -> Param:
    enum = item.get("enum")
    int_range = item.get("range")
    bounded = item.get("bounded")
    return Param(
        key=item["key"],
        type=item["type"],
        type_source=item.get("type_source"),
        enum=tuple(enum) if enum is not None else None,
        int_range=(int_range[0], int_range[1]) if int_range is not None else None,
        default=item.get("default"),
        static_alias=item.get("static_alias"),
        sources=item.get("sources", 0),
        seen=item.get("seen", "active"),
        models=tuple(item.get("models", ())),
        reboot=item.get("reboot", False),
        bounded=(bounded[0], bounded[1]) if bounded is not None else None,
    )


def normalize_key(key: str) -> str:
    """Replace every all-digit segment by ``X``: ``account.3.label`` → ``account.X.label``."""
    parts = key.split(".")
    for position, part in enumerate(parts):
        if part.isdigit() and part.isascii():
            parts[position] = INDEX
    return ".".join(parts)


_MISSING = object()
_LOOKUP_CACHE_LIMIT = 100_000
_STATIC = "static."
# Longer keys get no did-you-mean (the longest catalog key has under 100 characters).
SUGGEST_MAX_KEY_LENGTH = 1000


class Catalog:
    """The parameter catalog: look keys up, say whether they are known, suggest fixes.

    Lookups are dictionary hits on the index-normalised key, memoised per
    concrete key (files repeat the same keys), so linting many files stays cheap.
    :class:`Param` objects are built on first use, which keeps loading fast.
    """

    __slots__ = ("_cache", "_entries", "_most_dots", "_params", "_static_families")

    def __init__(self, entries: dict[str, dict[str, Any]], static_families: frozenset[str]) -> None:
        self._entries = entries  # raw schemas/params.json items by key pattern
        self._params: dict[str, Param] = {}
        self._static_families = static_families
        self._cache: dict[str, Param | None] = {}
        # A key with more segments than any pattern (plus a static. prefix) is unknown:
        # checked first, so a key of a million dots costs one count.
        self._most_dots = max((pattern.count(".") for pattern in entries), default=0) + 1

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Param]:
        """Every entry, sorted by key pattern."""
        for pattern in self._entries:
            param = self.lookup_pattern(pattern)
            assert param is not None
            yield param

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.lookup(key) is not None

    def lookup(self, key: str) -> Param | None:
        """The catalog entry for a concrete key (``account.1.enable``), or None.

        Numeric segments match ``X``; a literal ``X`` in ``key`` matches nothing
        (it is a template placeholder, not an index). Case is exact. When the key
        itself is unknown but its ``static.`` twin is known (prefix added or
        removed) and public files use both forms in that family (``network``,
        ``security``, ``auto_provision``…), the twin's entry is returned; compare
        ``param.key`` with :func:`normalize_key` of ``key`` to tell.
        """
        found = self._cache.get(key, _MISSING)
        if found is _MISSING:
            found = self._resolve(key)
            if len(self._cache) < _LOOKUP_CACHE_LIMIT:
                self._cache[key] = found
        return found  # type: ignore[return-value]

    def _resolve(self, key: str) -> Param | None:
        if key.count(".") > self._most_dots:
            return None
        parts = key.split(".")
        for position, part in enumerate(parts):
            if part.isdigit() and part.isascii():
                parts[position] = INDEX
            elif part == INDEX:
                return None
        pattern = ".".join(parts)
        if pattern in self._entries:
            return self.lookup_pattern(pattern)
        if pattern.startswith(_STATIC):
            family, twin = (parts[1] if len(parts) > 1 else ""), pattern[len(_STATIC) :]
        else:
            family, twin = parts[0], _STATIC + pattern
        if family in self._static_families:
            return self.lookup_pattern(twin)
        return None

    def lookup_pattern(self, pattern: str) -> Param | None:
        """The entry for a catalog pattern exactly as written (``account.X.label``), or None."""
        param = self._params.get(pattern)
        if param is None:
            item = self._entries.get(pattern)
            if item is None:
                return None
            param = self._params[pattern] = _param_from_json(item)
        return param

    def raw_entry(self, pattern: str) -> dict[str, Any] | None:
        """The ``params.json`` record of a pattern exactly as written (read-only), or None.

        :mod:`cfgtool.knowledge` reads its value-check fields from it, so the file
        is parsed once.
        """
        return self._entries.get(pattern)

    def is_known(self, key: str) -> bool:
        """True when :meth:`lookup` finds ``key``."""
        return self.lookup(key) is not None

    def suggest(self, key: str) -> str | None:
        """The closest known concrete key to an unknown ``key``, or None.

        The user's own indexes are kept: ``acount.1.enable`` → ``account.1.enable``,
        ``account.2.sip_server.1.adress`` → ``account.2.sip_server.1.address``.
        Handles one misspelled segment, one missing or extra segment (including
        the ``static.`` prefix) and, failing those, an overall close match.
        The work is bounded: a key with more segments than any catalog key plus
        one, or longer than :data:`SUGGEST_MAX_KEY_LENGTH`, gets no suggestion.
        """
        if len(key) > SUGGEST_MAX_KEY_LENGTH:
            return None
        index = _suggestion_index(self)
        if key.count(".") + 1 > index.most_segments + 1 or self.lookup(key) is not None:
            return None
        pattern = normalize_key(key)
        if pattern in self._entries:  # a literal X placeholder where an index belongs
            return ".".join(_fill_indexes(pattern.split("."), key.split("."), "same"))
        match = _suggest_pattern(self, pattern)
        if match is None:
            return None
        candidate, alignment = match
        return ".".join(_fill_indexes(candidate.split("."), key.split("."), alignment))


def _fill_indexes(candidate: list[str], user: list[str], alignment: str) -> list[str]:
    """Put the user's index numbers into the candidate pattern's ``X`` segments.

    ``alignment`` is ``same``, ``skip:N`` (candidate segment N has no user
    counterpart) or ``drop:N`` (user segment N has no candidate counterpart).
    """
    if alignment.startswith("skip:"):
        missing = int(alignment[5:])
        aligned: list[str | None] = [*user[:missing], None, *user[missing:]]
    elif alignment.startswith("drop:"):
        extra = int(alignment[5:])
        aligned = [*user[:extra], *user[extra + 1 :]]
    else:
        aligned = list(user)
    result = []
    for position, part in enumerate(candidate):
        if part != INDEX:
            result.append(part)
            continue
        mine = aligned[position] if position < len(aligned) else None
        result.append(mine if mine is not None and mine.isdigit() and mine.isascii() else "1")
    return result


class _SuggestionIndex:
    """Candidate tables for :meth:`Catalog.suggest`, built on first use.

    ``one_segment``: ``"account.X.\\0"`` -> (pattern, its segment at the wildcard);
    ``one_removed``: a pattern with one segment removed -> (pattern, that position);
    ``by_length``: segment count -> patterns, for the overall close match.
    """

    __slots__ = ("by_length", "most_segments", "one_removed", "one_segment")

    def __init__(self) -> None:
        self.one_segment: dict[str, list[tuple[str, str]]] = {}
        self.one_removed: dict[str, list[tuple[str, int]]] = {}
        self.by_length: dict[int, list[str]] = {}
        self.most_segments = 0


@cache
def _suggestion_index(catalog: Catalog) -> _SuggestionIndex:
    index = _SuggestionIndex()
    for pattern, item in catalog._entries.items():
        if item.get("seen", "active") != "active":
            continue
        parts = pattern.split(".")
        index.by_length.setdefault(len(parts), []).append(pattern)
        index.most_segments = max(index.most_segments, len(parts))
        for position, part in enumerate(parts):
            wildcard = ".".join([*parts[:position], "\0", *parts[position + 1 :]])
            index.one_segment.setdefault(wildcard, []).append((pattern, part))
            removed = ".".join([*parts[:position], *parts[position + 1 :]])
            index.one_removed.setdefault(removed, []).append((pattern, position))
    return index


_SEGMENT_CUTOFF = 0.6
_OVERALL_CUTOFF = 0.8
_SKIP_SCORE = 0.85  # one segment missing or extra, everything else exact
_STATIC_SCORE = 0.95  # the missing or extra segment is the static. prefix


def _segment_score(typed: str, known: str) -> float:
    if known == INDEX:
        # a mangled index ("1a", "01x") where the catalog has X
        return 0.75 if any(c.isdigit() for c in typed) else 0.0
    if not could_match(typed, len(known), _SEGMENT_CUTOFF):
        return 0.0
    score = similarity(typed, known)
    return score if typed.casefold() != known.casefold() else 0.99


@lru_cache(maxsize=4096)
def _suggest_pattern(catalog: Catalog, pattern: str) -> tuple[str, str] | None:
    """Best (candidate pattern, alignment) for an unknown normalised pattern."""
    index = _suggestion_index(catalog)
    parts = pattern.split(".")
    # (score, popularity, candidate, alignment)
    options: list[tuple[float, int, str, str]] = []

    def popularity(candidate: str) -> int:
        param = catalog.lookup_pattern(candidate)
        return param.sources if param is not None else 0

    for position, typed in enumerate(parts):
        wildcard = ".".join([*parts[:position], "\0", *parts[position + 1 :]])
        for candidate, known in index.one_segment.get(wildcard, ()):
            score = _segment_score(typed, known)
            if score >= _SEGMENT_CUTOFF:
                options.append((score, popularity(candidate), candidate, "same"))
    for candidate, missing in index.one_removed.get(pattern, ()):
        score = _STATIC_SCORE if candidate.startswith(_STATIC) and missing == 0 else _SKIP_SCORE
        options.append((score, popularity(candidate), candidate, f"skip:{missing}"))
    for extra in range(len(parts)):
        shorter = ".".join([*parts[:extra], *parts[extra + 1 :]])
        if catalog.lookup_pattern(shorter) is not None:
            score = _STATIC_SCORE if extra == 0 and parts[0] == "static" else _SKIP_SCORE
            options.append((score, popularity(shorter), shorter, f"drop:{extra}"))
    if options:
        # best score, then the key more projects use, then alphabetical: deterministic
        best = min(options, key=lambda o: (-o[0], -o[1], o[2]))
        return best[2], best[3]

    close = close_matches(pattern, index.by_length.get(len(parts), []), cutoff=_OVERALL_CUTOFF)
    return (close[0], "same") if close else None


@cache
def load_catalog() -> Catalog:
    """The parameter catalog from ``schemas/params.json`` (loaded once per process)."""
    data = load_json("params.json")
    entries = {item["key"]: item for item in data["params"]}
    return Catalog(entries, frozenset(data["static_families"]))


@cache
def _reboot_rules() -> tuple[tuple[str, str], ...]:
    return tuple((rule["pattern"], rule["why"]) for rule in load_json("reboot.json")["rules"])


def reboot_reason(param: Param) -> str | None:
    """Why a change to ``param`` needs a reboot (``schemas/reboot.json``), or None."""
    from fnmatch import fnmatchcase  # lazy: only explain and reboot reasons need it

    for pattern, why in _reboot_rules():
        if fnmatchcase(param.key, pattern):
            return why
    return None
