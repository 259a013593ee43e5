"""What several rules need to agree on: which rule owns a line, a key or a value.

One mistake should give one diagnostic. A line such as ``$ account.1.label = x``
is a pasted shell prompt (CFG110), and must not also be reported as an invalid
key (CFG104) and an unknown key (CFG201). Each helper here returns the kind of
problem; the one rule whose ``OWNS`` names that kind reports it, the others skip
it. Results for keys are memoised: files repeat the same keys, and lint runs
over thousands of files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING

from cfgtool.catalog import Param, load_catalog, normalize_key
from cfgtool.format import DEFAULT_VERSION, DIRECTIVE_MARKER, NULL_VALUE
from cfgtool.knowledge import value_spec
from cfgtool.masking import is_secret_key
from cfgtool.nodes import Comment, Document, Entry, Header, Invalid, MisplacedHeader, Node
from cfgtool.parser import BOM, loads

if TYPE_CHECKING:
    from cfgtool.linting.rule import LintContext

# --- kinds of problem that exactly one rule reports ----------------------------------
# Each rule module names the kinds it owns in ``OWNS``; the registry checks that
# every kind has exactly one owner (``rules.OWNERS`` maps a kind to its rule's code).
MALFORMED_LINE = "malformed-line"
INVALID_KEY = "invalid-key"
LEGACY_FORMAT = "legacy-format"
CONTROL_CHARACTER = "control-character"
MERGE_CONFLICT = "merge-conflict"
PASTED_SHELL = "pasted-shell"
JOINED_LINES = "joined-lines"
INDEX_PLACEHOLDER = "index-placeholder"
TEMPLATE_PLACEHOLDER = "template-placeholder"
TEMPLATE_LEFTOVER = "template-leftover"
OWNED_KINDS = frozenset(
    {
        MALFORMED_LINE,
        INVALID_KEY,
        LEGACY_FORMAT,
        CONTROL_CHARACTER,
        MERGE_CONFLICT,
        PASTED_SHELL,
        JOINED_LINES,
        INDEX_PLACEHOLDER,
        TEMPLATE_PLACEHOLDER,
        TEMPLATE_LEFTOVER,
    }
)

# --- keys --------------------------------------------------------------------------
# Real keys are ASCII letters, digits and `_` in dot-separated segments (a few
# vendors' keys use `-`, which is tolerated: CFG201 judges those).
VALID_KEY = re.compile(r"[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*")

# A segment that stands for an index: the X of the guides, printf's %d, a glob *.
_INDEX_WORDS = frozenset({"X", "x", "Y", "y", "N", "n", "i", "I"})
_INDEX_SYMBOL = re.compile(r"\*|%[dsiu]|#|\?|<\w*>|\{\w*\}|\[\w*\]|\$\w+")
# The characters _INDEX_SYMBOL can start with: others need no regex (keys of many segments).
_INDEX_SYMBOL_STARTS = frozenset("*%#?<{[$")

# A pasted terminal session: `$ cmd`, `> cmd`, `>>> code`, `user@host:~$ cmd`,
# `PS C:\> cmd`, `C:\> cmd`, or a line that starts with a shell command.
_PROMPT = re.compile(
    r"(?:\$|>|>>>|%|[\w.\-]+@[\w.\-]+(?::\S*)?\s?[#$%>]|PS [^>]*>|[A-Za-z]:\\[^>]*>)\s"
)
_SHELL_COMMAND = re.compile(
    r"(?:sudo|cat|echo|printf|scp|sftp|vi|vim|nano|curl|wget|tftp|ssh|cd|ls|cp|mv"
    r"|chmod|chown|grep|sed|tee|cfgtool)\s+\S"
)

# Template syntax. Complete placeholders first, then the fragments a broken
# template or a bad merge leaves behind.
PLACEHOLDER = re.compile(
    r"\{\{.*?\}\}|\{%.*?%\}|\{\$[A-Za-z_][^{}]*\}|%%[A-Za-z_][\w.]*%%|\$\{[A-Za-z_][^{}]*\}"
)
# In a password or AES key, `{`, `}`, `$` and `%` are ordinary characters: there
# only a whole value that is one placeholder (`{$password}`, `{{ pw }}`), or one
# that lost a brace (`{{ pw`), counts as template syntax. Used with fullmatch.
STRICT_PLACEHOLDER = re.compile(
    r"\{\{\s*[A-Za-z_][\w.]*\s*(?:\|[^{}]*)?\}\}|\{%\s*[a-z]+\b[^{}]*%\}"
    r"|\{\$[A-Za-z_][\w.]*(?:\|[^{}]*)?\}|%%[A-Za-z_]\w*%%|\$\{[A-Za-z_]\w*\}"
)
STRICT_FRAGMENT = re.compile(
    r"\{\{\s*[A-Za-z_][\w.]*\s*\}?|\{\$[A-Za-z_][\w.]*|[A-Za-z_][\w.]*\s*\}\}"
)
_TEMPLATE_CHARS = re.compile(r"[{}]|%%|\$\{")
_FRAGMENT = re.compile(r"\{\{|\}\}|\{%|%\}|\{\$|\$\{")

# v6x files: `[ account ]` sections, then `path = /config/voip/sipAccount0.cfg`.
_V6X_PATH_VALUE = re.compile(r"/(?:config|yealink|phone|tmp)/\S*", re.IGNORECASE)

# A value that starts with (or contains, after a space) another `key =`.
_JOINED = re.compile(r"(?:^|\s)([A-Za-z][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)+)\s*=")


def is_known(key: str, extra_known_keys: frozenset[str] = frozenset()) -> bool:
    """Known to the catalog, or listed by the user (exactly or as an ``X`` pattern)."""
    if extra_known_keys and (key in extra_known_keys or normalize_key(key) in extra_known_keys):
        return True
    return load_catalog().lookup(key) is not None


def index_placeholder(key: str) -> tuple[int, str] | None:
    """``(segment position, segment)`` of a literal index placeholder in ``key``.

    ``account.X.label``, ``account.%d.label`` and ``template.*.name`` stand for
    a number. Letters (``X``, ``n``…) count only where a number makes a known
    key, so a real key with a one-letter segment is never taken for one.
    """
    parts = key.split(".")
    letters: list[int] = []
    found: tuple[int, str] | None = None
    for position, part in enumerate(parts):
        if part in _INDEX_WORDS:
            letters.append(position)
        elif (
            found is None
            and part[:1] in _INDEX_SYMBOL_STARTS
            and _INDEX_SYMBOL.fullmatch(part)
            and len(parts) > 1
        ):
            found = (position, part)
    if found is not None:
        return found
    if letters:
        numbered = list(parts)
        for position in letters:
            numbered[position] = "1"
        if load_catalog().lookup(".".join(numbered)) is not None:
            return letters[0], parts[letters[0]]
    return None


def is_prompt(text: str) -> bool:
    """True when ``text`` starts like a pasted shell prompt or command."""
    return _PROMPT.match(text) is not None or _SHELL_COMMAND.match(text) is not None


def template_kind(text: str) -> str | None:
    """A complete placeholder (CFG501's), a lone fragment (CFG502's), or None."""
    if _TEMPLATE_CHARS.search(text) is None:
        return None
    if PLACEHOLDER.search(text):
        return TEMPLATE_PLACEHOLDER
    if _FRAGMENT.search(text):
        return TEMPLATE_LEFTOVER
    return None


def leftover_fragment(text: str, *, secret: bool = False) -> re.Match[str] | None:
    """A template delimiter that is not part of a complete placeholder (``}}``, ``{$``…).

    In a ``secret`` value only the unmistakable fragments of ``STRICT_FRAGMENT`` count.
    """
    if secret:
        return STRICT_FRAGMENT.fullmatch(text)
    if _TEMPLATE_CHARS.search(text) is None:
        return None
    stripped = PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)
    return _FRAGMENT.search(stripped)


@lru_cache(maxsize=65536)
def key_owner(key: str) -> str | None:
    """The kind of problem ``key`` itself has (one rule owns it), or None for a well-formed key.

    Order matters: a pasted prompt, an index placeholder, template syntax, then
    plain syntax. CFG201/CFG204 look only at keys no rule here owns.
    """
    if VALID_KEY.fullmatch(key):
        return INDEX_PLACEHOLDER if index_placeholder(key) else None
    if is_prompt(key):
        return PASTED_SHELL
    if index_placeholder(key):
        return INDEX_PLACEHOLDER
    kind = template_kind(key)
    if kind is not None:
        return kind
    return INVALID_KEY


def is_v6x_path(entry: Entry) -> bool:
    """``path = /config/voip/sipAccount0.cfg``: the v6x layout's file selector."""
    return entry.key.casefold() == "path" and _V6X_PATH_VALUE.fullmatch(entry.value) is not None


def joined_setting(
    value: str, extra_known_keys: frozenset[str] = frozenset()
) -> re.Match[str] | None:
    """The ``key =`` of another known setting inside ``value`` (two lines ran together)."""
    if "=" not in value:
        return None
    for match in _JOINED.finditer(value):
        if is_known(match.group(1), extra_known_keys):
            return match
    return None


def value_owner(entry: Entry, extra_known_keys: frozenset[str] = frozenset()) -> str | None:
    """The kind of problem that makes the value of ``entry`` something other than a value.

    CFG111 (another setting ran into it) or CFG501/CFG502 (template syntax);
    value checks (CFG202, CFG402) skip such values.
    """
    value = entry.value
    if joined_setting(value, extra_known_keys) is not None:
        return JOINED_LINES
    if is_secret_key(entry.key):
        if STRICT_PLACEHOLDER.fullmatch(value):
            return TEMPLATE_PLACEHOLDER
        return TEMPLATE_LEFTOVER if STRICT_FRAGMENT.fullmatch(value) else None
    return template_kind(value)


def invalid_owner(node: Invalid) -> str:
    """The kind of problem an invalid line is: each kind of line has one owning rule."""
    kind = node.kind
    if kind == "section":
        return LEGACY_FORMAT
    if kind == "control-character":
        return CONTROL_CHARACTER
    if kind == "merge-marker":
        return MERGE_CONFLICT
    if kind == "template-tag":
        return MALFORMED_LINE
    text = node.raw.strip(" \t")
    if is_prompt(text):
        return PASTED_SHELL
    if leftover_fragment(text) is not None and PLACEHOLDER.search(text) is None:
        return TEMPLATE_LEFTOVER
    return MALFORMED_LINE


def describe_char(char: str) -> str:
    """``'%'`` for a visible character, ``U+00A0 (NO-BREAK SPACE)`` for others."""
    if char.isprintable() and not char.isspace() and char.isascii():
        return repr(char)
    import unicodedata  # lazy: only an odd character in a key needs its Unicode name

    name = unicodedata.name(char, "")
    shown = f"{char!r} " if char.isprintable() and not char.isspace() else ""
    return f"{shown}U+{ord(char):04X}" + (f" ({name})" if name else "")


def rebuild(
    doc: Document, lines: Iterable[tuple[str, str]], *, bom: bool | None = None
) -> Document:
    """A new document from ``(text, line ending)`` pairs, parsed again so every node is right.

    Fixes edit text, never nodes: re-parsing keeps the AST exactly what the
    parser would make of the fixed file.
    """
    keep_bom = doc.bom if bom is None else bom
    text = "".join([raw + eol for raw, eol in lines])
    return loads(BOM + text if keep_bom else text, filename=doc.filename)


def fix_newline(doc: Document, choice: str) -> str:
    """The line ending a fix writes: the configured one, else the file's main one."""
    if choice == "lf":
        return "\n"
    if choice == "crlf":
        return "\r\n"
    return doc.newline


# --- one pass over a document, shared by every rule ---------------------------------------

# The settings that name the firmware image (its generation: see rules/_knowledge.py).
FIRMWARE_KEYS = frozenset({"firmware.url", "static.firmware.url"})
# Types that cfgtool.catalog.check_value has something to say about.
CHECKED_TYPES = frozenset({"bool", "int", "enum", "url", "ip", "time"})
PER_USER_KEYS = frozenset({"security.user_password", "static.security.user_password"})
AES_KEY = re.compile(r"aes_key(?!_in_file)|(?:^|\.|_)(?:com|mac)_aes$", re.IGNORECASE)
# No-break and odd-width spaces, zero-width characters, direction marks, a BOM
# inside the text, line/paragraph separators: all invisible in an editor.
INVISIBLE = re.compile(
    "[\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]"
)
# Any character that can start template syntax, a joined line or an invisible
# character: values without one (nearly all) need no closer look.
_VALUE_SUSPECT = re.compile(
    "[{}%$=\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]"
)


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
    suspect = _VALUE_SUSPECT.search
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
