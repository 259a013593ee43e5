"""Text ⇄ AST: the only place where lines of a cfg file are taken apart.

The grammar (``grammar/cfg.lark``) defines one terminal per kind of line. Lark
compiles it (LALR, basic lexer); the resulting terminal regexes form the line
scanner used here, and are cached on disk keyed by the grammar's hash, so that
a warm start neither imports Lark nor rebuilds the grammar. The full Lark LALR
parse (:func:`lark_parse`) gives the same token stream; the tests hold both to it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from cfgtool.errors import CfgDecodeError, CfgValueError
from cfgtool.format import HEADER_PREFIX
from cfgtool.fsutil import atomic_write_text
from cfgtool.nodes import (
    Blank,
    Comment,
    Document,
    Entry,
    Header,
    Invalid,
    InvalidKind,
    MisplacedHeader,
    Node,
    install_entry_builder,
)
from cfgtool.reading import read_bytes
from cfgtool.resources import grammar_text
from cfgtool.scanner_cache import load_table

BOM = "\ufeff"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_INVALID_REASONS: dict[str, tuple[InvalidKind, str]] = {
    "NO_EQUALS": ("no-equals", "no '=' in the line; write a setting as 'key = value'"),
    "DOUBLE_EQUALS": ("double-equals", "'==' is not a separator; write 'key = value'"),
    "SECTION": (
        "section",
        "'[ section ]' lines belong to the legacy v6x format, which firmware 70 and later ignores",
    ),
    "TEMPLATE_TAG": ("template-tag", "a template tag was left in the file"),
    "MERGE_MARKER": ("merge-marker", "a merge conflict marker was left in the file"),
}


# --- the line scanner compiled from the grammar ---------------------------------


def _lark(strict: bool = False) -> Any:
    import lark  # lazy: lark loads only for a full parse, not for `import cfgtool`

    return lark.Lark(
        grammar_text(),
        parser="lalr",
        lexer="basic",
        strict=strict,
    )


# Lines the line scanner must cut into exactly these terminals, one of each: a cached
# table that does not (planted, or from another grammar) is rebuilt.
_SAMPLES = (
    (
        "#!version:1.0.0.1\nk = v\n# c\n\n[s]\n{x}\n<<<<<<< h\nno equals\nk == v\nk = \x01\n",
        (
            *("VERSION", "ENTRY", "COMMENT", "BLANK", "SECTION", "TEMPLATE_TAG", "MERGE_MARKER"),
            *("NO_EQUALS", "DOUBLE_EQUALS", "CONTROL"),
        ),
    ),
)


def _build_table() -> list[list[str]]:
    terminals = sorted(_lark().terminals, key=lambda t: (-t.priority, t.name))
    return [[t.name, t.pattern.to_regexp()] for t in terminals]


def _terminal_table() -> list[list[str]]:
    """``[[name, regex], ...]`` in the order Lark's lexer tries them (priority first).

    From the checked cache (:mod:`cfgtool.scanner_cache`) when it is valid.
    """
    return load_table("line", grammar_text(), _build_table, _SAMPLES)


@cache
def _scanner() -> re.Pattern[str]:
    table = _terminal_table()
    return re.compile("|".join(f"(?P<{name}>{regex})" for name, regex in table))


def tokenize(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(terminal, line_text_with_ending)`` for every line of ``text``."""
    for match in _scanner().finditer(text):
        yield match.lastgroup or "", match.group()


def lark_parse(text: str) -> list[tuple[str, str]]:
    """The reference parse: Lark's LALR parser over the same grammar, as tokens."""
    tree = _lark_parser().parse(text)
    return [(token.type, str(token)) for token in tree.children]


@cache
def _lark_parser() -> Any:
    return _lark()


def check_grammar() -> None:
    """Build the grammar in Lark's strict mode: fails on any terminal collision."""
    _lark(strict=True)


# --- nodes -----------------------------------------------------------------------


def _entry(raw: str, eol: str, line: int) -> Entry:
    key_part, _, value_part = raw.partition("=")
    key = key_part.strip(" \t")
    value = value_part.strip(" \t")
    key_column = len(key_part) - len(key_part.lstrip(" \t")) + 1
    value_column = len(key_part) + 2 + len(value_part) - len(value_part.lstrip(" \t"))
    return Entry(raw, eol, line, key, value, key_column, value_column)


def _version(raw: str) -> str:
    return raw.lstrip(" \t")[len(HEADER_PREFIX) :].strip(" \t")


def _invalid(kind_name: str, raw: str, eol: str, line: int) -> Invalid:
    if kind_name == "CONTROL":
        match = _CONTROL_CHARS.search(raw)
        column = match.start() + 1 if match else 1
        char = match.group() if match else "\x00"
        reason = f"control character U+{ord(char):04X} at column {column}"
        return Invalid(raw, eol, line, "control-character", reason, column)
    kind, reason = _INVALID_REASONS[kind_name]
    column = len(raw) - len(raw.lstrip(" \t")) + 1
    return Invalid(raw, eol, line, kind, reason, column)


def _node(kind_name: str, raw: str, eol: str, line: int) -> Node:
    if kind_name == "ENTRY":
        return _entry(raw, eol, line)
    if kind_name == "COMMENT":
        return Comment(raw, eol, line)
    if kind_name == "BLANK":
        return Blank(raw, eol, line)
    if kind_name == "VERSION":
        if line == 1 and raw.startswith(HEADER_PREFIX):
            return Header(raw, eol, line, _version(raw))
        return MisplacedHeader(raw, eol, line, _version(raw))
    return _invalid(kind_name, raw, eol, line)


_FAST_NODES: dict[str, Callable[[str, str, int], Node]] = {
    "ENTRY": _entry,
    "COMMENT": Comment,
    "BLANK": Blank,
}


# --- public API ------------------------------------------------------------------


def loads(text: str, *, filename: str | None = None) -> Document:
    """Parse ``text`` into a lossless :class:`Document`; never raises on bad lines.

    A leading BOM is remembered and restored by :func:`dumps`; lines that are
    not valid become :class:`~cfgtool.nodes.Invalid` nodes with a reason.
    """
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    items: list[Node] = []
    append = items.append
    fast = _FAST_NODES
    everyday = _EVERYDAY.match
    scanner = _scanner()
    seen = _SEEN_LINES
    find = text.find
    position, end, line = 0, len(text), 0
    while position < end:
        line += 1
        newline = find("\n", position)
        stop = end if newline < 0 else newline + 1
        chunk = text[position:stop]
        known = seen.get(chunk)
        if known is not None:
            # A line read before (files repeat most of their lines): its parts as then.
            kind, raw, eol, key, value, key_column, value_column = known
            if kind == _ENTRY:
                append(Entry(raw, eol, line, key, value, key_column, value_column))
            elif kind == _COMMENT:
                append(Comment(raw, eol, line))
            elif kind == _BLANK:
                append(Blank(raw, eol, line))
            else:
                append(_node("VERSION", raw, eol, line))
            position = stop
            continue
        match = everyday(text, position)
        if match is not None and match.end() > position:
            # A line of an everyday shape (see _EVERYDAY): the node without the scanner.
            eol = match.group(5)
            after = match.end()
            raw = text[position : after - len(eol)]
            key = match.group(1)
            if key is not None:
                value = match.group(2)
                key_column = match.start(1) - position + 1
                value_column = match.start(2) - position + 1
                append(Entry(raw, eol, line, key, value, key_column, value_column))
                parts = (_ENTRY, raw, eol, key, value, key_column, value_column)
            else:
                if match.group(3) is not None:
                    kind = _COMMENT
                    append(Comment(raw, eol, line))
                elif match.group(4) is not None:
                    kind = "VERSION"
                    append(_node(kind, raw, eol, line))
                else:
                    kind = _BLANK
                    append(Blank(raw, eol, line))
                parts = (kind, raw, eol, "", "", 0, 0)
            if after == stop and len(seen) < _SEEN_LIMIT:
                seen[chunk] = parts  # the whole chunk is this one line
            position = after
            continue
        found = scanner.search(text, position)
        if found is None:
            break
        position = found.end()
        token = found.group()
        if token[-1] == "\n":
            if token[-2:] == "\r\n":
                raw, eol = token[:-2], "\r\n"
            else:
                raw, eol = token[:-1], "\n"
        elif token[-1] == "\r":
            raw, eol = token[:-1], "\r"
        else:
            raw, eol = token, ""
        kind_name = found.lastgroup or ""
        build = fast.get(kind_name)
        append(build(raw, eol, line) if build else _node(kind_name, raw, eol, line))
    return Document(items, bom=bom, filename=filename)


# Lines of the everyday shapes already read, up to and including their "\n" (or the end
# of the text), with their parts: a lint run over a fleet's files meets most lines again.
_SEEN_LINES: dict[str, tuple[str, str, str, str, str, int, int]] = {}
_SEEN_LIMIT = 50_000


def forget_seen_lines() -> None:
    """Forget the lines :func:`loads` has read (benchmarks time a first read with it)."""
    _SEEN_LINES.clear()


_ENTRY, _COMMENT, _BLANK = "ENTRY", "COMMENT", "BLANK"

# The lines nearly every file is made of, in shapes that only one terminal of the
# grammar matches, so the node is read off this match instead of the scanner's (whose
# every other terminal would be tried first; 100,000 files in a lint run): a setting
# whose key starts with a letter, digit or ``_`` and has only those, ``.`` and ``-``
# (groups 1-2: key and value, stripped), a comment that is not a header (group 3),
# a header (group 4: the priority-3 terminal of these lines) or a blank line (none);
# group 5 is the line ending. No other priority-3 terminal (section, template tag,
# merge marker) starts like these, and the priority-2 terminals exclude each other
# (Lark's strict mode proves it), so the scanner would take the same terminal; the
# tests hold both readings equal.
_TEXT_CHAR = r"[^\x00-\x08\x0a-\x1f\x7f-\x9f]"
_VALUE_END = r"[^\x00-\x08\x0a-\x1f\x7f-\x9f \t]"
_EVERYDAY = re.compile(
    r"[ \t]*+(?:([A-Za-z0-9_][A-Za-z0-9_.\-]*+)[ \t]*+=(?!=)[ \t]*+"
    rf"((?:{_TEXT_CHAR}*{_VALUE_END})?)[ \t]*+|(#)(?!!version:){_TEXT_CHAR}*+"
    rf"|(#!version:){_TEXT_CHAR}*+|)(\r\n|\r|\n|\Z)"
)


def dumps(doc: Document) -> str:
    """Serialise a :class:`Document` back to text, byte for byte what was parsed."""
    body = "".join([item.raw + item.eol for item in doc.items])
    return BOM + body if doc.bom else body


def decode(data: bytes, *, path: str | None = None) -> str:
    """Decode file bytes as UTF-8 (a BOM is kept as ``\\ufeff`` for :func:`loads`)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = f"{path}: " if path else ""
        raise CfgDecodeError(
            f"{where}not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "is it encrypted or binary?",
            path=path,
            offset=exc.start,
        ) from None


def load(path: str | os.PathLike[str]) -> Document:
    """Read and parse a file; raises :class:`~cfgtool.errors.CfgError` on I/O or bad UTF-8."""
    name = os.fspath(path)
    return loads(decode(read_bytes(name), path=name), filename=name)


def dump(doc: Document, path: str | os.PathLike[str]) -> None:
    """Write ``doc`` to ``path`` atomically, keeping its line endings and BOM."""
    atomic_write_text(path, dumps(doc))


def parse_line(raw: str, eol: str = "", line: int = 1) -> Node | None:
    """The node :func:`loads` makes of ``raw`` as line ``line`` ending in ``eol``.

    None when ``raw`` is not exactly one line without its line ending.
    """
    # Every line terminal ends where the line ends, so the scanner's first
    # match covers all of ``raw`` exactly when ``raw`` is one line.
    match = _scanner().match(raw)
    if match is None or match.end() != len(raw) or raw[-1] in "\r\n":
        return None
    kind = match.lastgroup or ""
    if kind == "ENTRY":
        return _entry(raw, eol, line)
    return _node(kind, raw, eol, line)


def build_entry(raw: str, eol: str, line: int, key: str, value: str) -> Entry:
    """Parse ``raw`` as one line and insist it reads back as exactly ``key = value``."""
    node = parse_line(raw, eol, line)
    if (
        isinstance(node, Entry)
        and node.key == key
        and node.value == value
        and key
        and not any(char.isspace() for char in key)
    ):
        return node
    for bad, what in ((key, "key"), (value, "value")):
        match = re.search(r"[\r\n]", bad) or _CONTROL_CHARS.search(bad)
        if match:
            char = match.group()
            kind = "a line break" if char in "\r\n" else "a control character"
            raise CfgValueError(
                f"{what} {bad!r} contains {kind} (U+{ord(char):04X}) at position "
                f"{match.start() + 1}; a setting must stay on one line"
            )
    if not key or any(char.isspace() for char in key):
        raise CfgValueError(f"cannot write key {key!r}: a key must be non-empty, without spaces")
    raise CfgValueError(
        f"cannot write {key!r} = {value!r} as one setting line: " + _why_not_entry(key, value)
    )


install_entry_builder(build_entry)


def _why_not_entry(key: str, value: str) -> str:
    if key != key.strip(" \t") or value != value.strip(" \t"):
        return "leading or trailing spaces are stripped by the phone"
    if not key:
        return "the key is empty"
    if "=" in key:
        return "a key cannot contain '='"
    if key.startswith("#"):
        return "a key cannot start with '#' (that makes a comment)"
    if value.startswith("="):
        return "a value cannot start with '='"
    return "it does not parse back as one 'key = value' line"


def format_entry(key: str, value: str) -> str:
    """The canonical text of a setting, ``key = value``, validated."""
    return build_entry(f"{key} = {value}", "", 1, key, value).raw
