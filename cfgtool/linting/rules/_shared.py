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
from typing import TYPE_CHECKING

from cfgtool.catalog import load_catalog, normalize_key
from cfgtool.masking import is_secret_key
from cfgtool.nodes import Document, Entry, Invalid
from cfgtool.parser import BOM, loads

if TYPE_CHECKING:
    pass

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


# --- what the one pass over a document (rules/_facts.py) looks for -----------------------

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
VALUE_SUSPECT = re.compile(
    "[{}%$=\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]"
)
