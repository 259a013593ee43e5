"""The one pass over a document that every rule shares: its :class:`Facts`.

The engine scans each file once (:func:`scan`) and puts the facts in the lint
context; a rule asks :func:`facts` for them, and the engine runs a rule that
declares ``TRIGGERS`` only on a file that has one of them (:data:`TRIGGERS`,
as bits: :data:`TRIGGER_BITS`). What each key is (its owner, catalog entry,
kind) is worked out once per distinct key (:func:`key_facts`): files repeat
their keys, and lint runs over 100,000 files.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING

from cfgtool.catalog import Param, load_catalog
from cfgtool.format import DEFAULT_VERSION, DIRECTIVE_MARKER, NULL_VALUE
from cfgtool.knowledge import value_spec
from cfgtool.linting.rules._shared import (
    AES_KEY,
    CHECKED_TYPES,
    FIRMWARE_KEYS,
    INVISIBLE,
    LEGACY_FORMAT,
    PER_USER_KEYS,
    VALUE_SUSPECT,
    invalid_owner,
    is_known,
    is_v6x_path,
    key_owner,
    value_owner,
)
from cfgtool.masking import is_secret_key
from cfgtool.nodes import Comment, Document, Entry, Header, Invalid, MisplacedHeader, Node

if TYPE_CHECKING:
    from cfgtool.linting.rule import LintContext


class KeyFacts:
    """What the rules need to know about one key; computed once per distinct key."""

    __slots__ = (
        "aes",
        "firmware",
        "maybe_path",
        "owner",
        "param",
        "per_user",
        "plain",
        "secret",
        "shaped",
        "typed",
    )

    def __init__(self, key: str) -> None:
        self.owner = key_owner(key)
        self.param = param = load_catalog().lookup(key)
        self.typed = param is not None and param.type in CHECKED_TYPES
        spec = value_spec(param.key) if param is not None else None
        # a documented shape (user:password...) or length its values must keep to
        self.shaped = spec is not None and (spec.shape is not None or spec.max_len is not None)
        self.firmware = key in FIRMWARE_KEYS
        self.secret = is_secret_key(key)
        self.aes = "aes" in key.lower() and AES_KEY.search(key) is not None
        self.per_user = key in PER_USER_KEYS
        self.maybe_path = key.casefold() == "path"
        # A known key nothing else is said of: its entry is checked on its value alone.
        self.plain = param is not None and not (
            self.owner or self.maybe_path or self.firmware or self.aes or self.per_user
        )


_KEY_FACTS: dict[str, KeyFacts] = {}
_KEY_FACTS_LIMIT = 100_000


def key_facts(key: str) -> KeyFacts:
    found = _KEY_FACTS.get(key)
    if found is None:
        found = KeyFacts(key)
        if len(_KEY_FACTS) < _KEY_FACTS_LIMIT:
            _KEY_FACTS[key] = found
    return found


class Facts:
    """A document sorted into what each rule looks at, in file order.

    ``keys``: entries whose key a rule owns, with the kind of problem (see
    :func:`key_owner`; a legacy format for ``path = /config/...``). ``values``:
    entries whose value a rule owns (joined lines, template syntax). ``unknown``:
    well-formed keys neither the catalog nor the configuration knows. ``typed``:
    non-empty values of known keys with a checkable type. ``aes``: non-empty
    values of AES-key settings. ``odd_endings``: lines that end other than in
    LF (CRLF, CR, or the last line with none); ``bad_header``: line 1 is not
    the exact header; ``repeated``: a key is set twice.

    ``present`` names the facts a file has (see :data:`TRIGGERS`): the engine
    runs a rule that declares ``TRIGGERS`` only when one of them is present, so
    a clean file costs the rules that have nothing to look at nothing.
    """

    __slots__ = (
        "aes",
        "bad_header",
        "bom",
        "checked",
        "directives",
        "doc",
        "entries",
        "extra_known_keys",
        "firmware_urls",
        "invalid",
        "invisible",
        "items",
        "keys",
        "misplaced",
        "odd_endings",
        "present",
        "repeated",
        "shaped",
        "typed",
        "unknown",
        "user_passwords",
        "values",
        "whitespace",
    )

    def __init__(self) -> None:
        self.doc: Document | None = None
        self.items: list[Node] = []
        self.extra_known_keys: frozenset[str] = frozenset()
        self.entries: list[Entry] = []
        self.invalid: list[tuple[Invalid, str]] = []
        self.misplaced: list[MisplacedHeader] = []
        self.keys: list[tuple[Entry, str]] = []
        self.values: list[tuple[Entry, str]] = []
        self.unknown: list[Entry] = []
        self.typed: list[tuple[Entry, Param]] = []
        self.aes: list[Entry] = []
        self.user_passwords: list[Entry] = []
        self.invisible: list[Entry] = []
        self.whitespace: list[Node] = []
        self.odd_endings: list[Node] = []
        self.bom = False
        self.bad_header = False
        self.repeated = False  # a key is set twice
        self.shaped = False  # a checked entry's key has a documented shape or length
        self.directives = False  # a comment mentions ``cfgtool:`` (see directives.py)
        self.present = 0  # the bits of the triggers present (see TRIGGER_BITS)
        # (entry, catalog pattern) of the known keys whose key and value no rule owns,
        # values not empty: what the rules that use the vendor facts look at (six ask).
        self.checked: list[tuple[Entry, str]] = []
        # the values of the firmware.url settings, in file order
        self.firmware_urls: list[str] = []


# The facts a rule's ``TRIGGERS`` may name: the lists and flags of :class:`Facts`, and what
# the engine adds from the context: "template" (a template file), "site_types" (the
# configuration has typed known-keys), "common_file" (a Common file's name), "firmware"
# (the firmware generation is known from the user or, under validate, the Common file).
FACT_TRIGGERS = (
    "aes",
    "bad_header",
    "bom",
    "firmware_urls",
    "invalid",
    "invisible",
    "keys",
    "misplaced",
    "odd_endings",
    "repeated",
    "shaped",
    "typed",
    "unknown",
    "user_passwords",
    "values",
    "whitespace",
)
CONTEXT_TRIGGERS = frozenset({"template", "site_types", "common_file", "firmware"})
TRIGGERS = frozenset(FACT_TRIGGERS) | CONTEXT_TRIGGERS
# One bit per trigger: the engine tests a rule's triggers against a file's in one `&`.
TRIGGER_BITS = {name: 1 << index for index, name in enumerate(sorted(TRIGGERS))}


def trigger_mask(names: Iterable[str]) -> int:
    """The bits of ``names`` (see :data:`TRIGGER_BITS`)."""
    mask = 0
    for name in names:
        mask |= TRIGGER_BITS[name]
    return mask


def _present(found: Facts) -> int:
    """The bits of the facts ``found`` has: :data:`FACT_TRIGGERS` that are not empty."""
    return sum(compress(_FACT_BITS, map(bool, _FACT_VALUES(found))))


_FACT_VALUES = attrgetter(*FACT_TRIGGERS)
_FACT_BITS = tuple(TRIGGER_BITS[name] for name in FACT_TRIGGERS)


def scan(doc: Document, extra_known_keys: frozenset[str] = frozenset()) -> Facts:
    """Sort ``doc`` into :class:`Facts`; the engine does it once per file for all rules."""
    snapshot = list(doc.items)
    found = _scan(snapshot, extra_known_keys)
    found.doc, found.items, found.extra_known_keys = doc, snapshot, extra_known_keys
    found.bom = doc.bom
    first = snapshot[0] if snapshot else None
    found.bad_header = not (type(first) is Header and first.version == DEFAULT_VERSION)
    entries = found.entries
    found.repeated = len(entries) > 1 and len({node.key for node in entries}) != len(entries)
    found.present = _present(found)
    return found


def facts(doc: Document, context: LintContext | None = None) -> Facts:
    """The :class:`Facts` of ``doc``: those the engine put in ``context``, else a fresh scan.

    The engine's facts are used only while ``doc`` is the document they were
    built from and still holds exactly the same nodes (a fix that edits the
    document, such as ``Document.set``, gets a fresh scan).
    """
    extra = context.extra_known_keys if context is not None else frozenset()
    found = context.facts if context is not None else None
    if (
        found is not None
        and found.doc is doc
        and found.extra_known_keys == extra
        and found.items == doc.items
    ):
        return found
    return scan(doc, extra)


def _scan(items: list[Node], extra: frozenset[str]) -> Facts:
    result = Facts()
    entries, keys, values = result.entries, result.keys, result.values
    unknown, typed, aes, whitespace = result.unknown, result.typed, result.aes, result.whitespace
    cache = _KEY_FACTS
    suspect = VALUE_SUSPECT.search
    odd_endings, checked = result.odd_endings, result.checked
    for node in items:
        raw = node.raw
        if raw and (raw[-1] in " \t" or "\t" in raw):
            whitespace.append(node)
        if node.eol != "\n":
            odd_endings.append(node)
        if type(node) is Entry:
            entries.append(node)
            key = node.key
            facts_ = cache.get(key) or key_facts(key)
            value = node.value
            # Nearly every setting: a known key with an everyday value (what the general
            # path below finds for it, without asking each question).
            param = facts_.param
            if (
                param is not None
                and facts_.plain
                and value
                and value != NULL_VALUE
                and not suspect(value)
            ):
                checked.append((node, param.key))
                if facts_.typed:
                    typed.append((node, param))
                if facts_.shaped:
                    result.shaped = True
                continue
            owner = facts_.owner
            if facts_.maybe_path and is_v6x_path(node):
                owner = LEGACY_FORMAT
            if owner is not None:
                keys.append((node, owner))
            if facts_.firmware:
                result.firmware_urls.append(value)
            value_rule = None
            if value and value != NULL_VALUE:
                if suspect(value):
                    value_rule = value_owner(node, extra)
                    if value_rule is not None:
                        values.append((node, value_rule))
                    if INVISIBLE.search(value):
                        result.invisible.append(node)
                if owner is None and value_rule is None:
                    if param is not None:
                        checked.append((node, param.key))
                        if facts_.shaped:
                            result.shaped = True
                        if param.type in CHECKED_TYPES:
                            typed.append((node, param))
                    if facts_.aes:
                        aes.append(node)
                if facts_.per_user:
                    result.user_passwords.append(node)
            if owner is None and facts_.param is None and not (extra and is_known(key, extra)):
                unknown.append(node)
        elif isinstance(node, Invalid):
            result.invalid.append((node, invalid_owner(node)))
        elif type(node) is Comment:
            if DIRECTIVE_MARKER in raw:
                result.directives = True
        elif isinstance(node, MisplacedHeader):
            result.misplaced.append(node)
    return result
