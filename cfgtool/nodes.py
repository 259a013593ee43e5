"""The lossless AST of a provisioning file.

A :class:`Document` is the list of its physical lines, each one node that keeps
its exact text (``raw``) and line ending (``eol``), so ``dumps(loads(s)) == s``
for every string. Nodes are built only by :mod:`cfgtool.parser`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

InvalidKind = Literal[
    "no-equals",
    "double-equals",
    "section",
    "template-tag",
    "merge-marker",
    "control-character",
]


@dataclass(slots=True)
class Line:
    """One physical line: its text without the line ending, the ending, its 1-based number."""

    raw: str
    eol: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"type": type(self).__name__, "line": self.line, "raw": self.raw}


@dataclass(slots=True)
class Header(Line):
    """``#!version:1.0.0.1`` on line 1: not a comment, the file's format marker."""

    version: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": "Header", "line": self.line, "version": self.version}


@dataclass(slots=True)
class MisplacedHeader(Line):
    """A ``#!version:`` line that is not on line 1, or is indented."""

    version: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": "MisplacedHeader", "line": self.line, "version": self.version}


@dataclass(slots=True)
class Comment(Line):
    """A line whose first non-blank character is ``#``."""

    @property
    def text(self) -> str:
        """The comment text after ``#``, stripped."""
        return self.raw.lstrip(" \t")[1:].strip(" \t")

    def to_dict(self) -> dict[str, Any]:
        return {"type": "Comment", "line": self.line, "text": self.text}


@dataclass(slots=True)
class Blank(Line):
    """An empty or whitespace-only line."""


@dataclass(slots=True)
class Entry(Line):
    """A ``key = value`` setting; key and value stripped of spaces and tabs.

    ``key_column`` and ``value_column`` are 1-based; for an empty value the
    value column is where a value would start.
    """

    key: str
    value: str
    key_column: int
    value_column: int

    @property
    def value_end_column(self) -> int:
        """1-based column just past the value."""
        return self.value_column + len(self.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "Entry",
            "line": self.line,
            "key": self.key,
            "value": self.value,
            "key_column": self.key_column,
            "value_column": self.value_column,
        }


@dataclass(slots=True)
class Invalid(Line):
    """A line that is none of the above; ``kind`` classifies it, ``reason`` explains it."""

    kind: InvalidKind
    reason: str
    column: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "Invalid",
            "line": self.line,
            "column": self.column,
            "kind": self.kind,
            "reason": self.reason,
            "raw": self.raw,
        }


Node = Header | MisplacedHeader | Entry | Comment | Blank | Invalid


class EntryBuilder(Protocol):
    """Parses ``raw`` as line ``line`` and insists it reads back as ``key = value``."""

    def __call__(self, raw: str, eol: str, line: int, key: str, value: str) -> Entry: ...


# Document.set needs the parser to build a line, and the parser builds on these
# nodes: so the parser hands its builder down when it is imported (as importing
# any part of cfgtool does: cfgtool/__init__ imports it), and nodes never
# imports the parser.
_ENTRY_BUILDER: list[EntryBuilder] = []


def install_entry_builder(builder: EntryBuilder) -> None:
    """Set how :meth:`Document.set` builds a line (:func:`cfgtool.parser.build_entry`)."""
    _ENTRY_BUILDER[:] = [builder]


def _entry_builder() -> EntryBuilder:
    if not _ENTRY_BUILDER:  # pragma: no cover - cfgtool/__init__ always imports the parser
        raise RuntimeError("cfgtool.parser is not imported; import cfgtool first")
    return _ENTRY_BUILDER[0]


class Document:
    """A parsed file: its lines in order, plus the BOM flag and file name.

    Lookups follow the phone: when a key is set twice, the LAST occurrence wins.
    Edits (:meth:`set`, :meth:`delete`) leave every other line byte-identical.
    """

    __slots__ = ("bom", "filename", "items")

    def __init__(
        self, items: list[Node] | None = None, *, bom: bool = False, filename: str | None = None
    ) -> None:
        self.items: list[Node] = items if items is not None else []
        self.bom = bom
        self.filename = filename

    def __repr__(self) -> str:
        return f"Document(filename={self.filename!r}, lines={len(self.items)}, bom={self.bom})"

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def header(self) -> Header | None:
        """The ``#!version`` header on line 1, if any."""
        first = self.items[0] if self.items else None
        return first if isinstance(first, Header) else None

    @property
    def newline(self) -> str:
        """The file's dominant line ending (``"\\n"`` when it has none)."""
        counts = Counter(item.eol for item in self.items if item.eol)
        return counts.most_common(1)[0][0] if counts else "\n"

    @property
    def line_endings(self) -> set[str]:
        """Every line ending used in the file."""
        return {item.eol for item in self.items if item.eol}

    def ast_dict(self) -> dict[str, Any]:
        """The AST as plain JSON-ready data (what ``cfgtool parse --format json`` prints)."""
        header = self.header
        return {
            "path": self.filename,
            "bom": self.bom,
            "newline": self.newline,
            "lines": len(self.items),
            "header": header.to_dict() if header else None,
            "entries": [item.to_dict() for item in self.items if isinstance(item, Entry)],
            "comments": [item.to_dict() for item in self.items if isinstance(item, Comment)],
            "misplaced_headers": [
                item.to_dict() for item in self.items if isinstance(item, MisplacedHeader)
            ],
            "invalid": [item.to_dict() for item in self.items if isinstance(item, Invalid)],
        }

    def entries(self) -> list[Entry]:
        """Every ``key = value`` line, duplicates included, in file order."""
        return [item for item in self.items if isinstance(item, Entry)]

    def find(self, key: str) -> list[Entry]:
        """Every occurrence of ``key`` (exact, case-sensitive), in file order."""
        return [item for item in self.items if isinstance(item, Entry) and item.key == key]

    def get(self, key: str, default: str | None = None) -> str | None:
        """The effective value of ``key``: its last occurrence, as the phone applies it."""
        for item in reversed(self.items):
            if isinstance(item, Entry) and item.key == key:
                return item.value
        return default

    def keys(self) -> list[str]:
        """Distinct keys in order of first appearance."""
        return list(self.to_dict())

    def to_dict(self) -> dict[str, str]:
        """Key → effective (last) value, keys in order of first appearance."""
        result: dict[str, str] = {}
        for item in self.items:
            if isinstance(item, Entry):
                result[item.key] = item.value
        return result

    def set(self, key: str, value: str) -> Entry:
        """Set ``key``: replace its last occurrence in place, or append a new line.

        Raises :class:`~cfgtool.errors.CfgValueError` when ``key = value`` would
        not read back as exactly this key and value (line breaks, control
        characters, surrounding spaces, an invalid key).
        """
        build_entry = _entry_builder()
        for index in range(len(self.items) - 1, -1, -1):
            old = self.items[index]
            if isinstance(old, Entry) and old.key == key:
                prefix = old.raw[: old.value_column - 1]
                suffix = old.raw[old.value_end_column - 1 :]
                # `k=` followed by a value needs a space: `k=x` is fine but `k==x` is no entry.
                needs_space = not old.value or value.startswith("=")
                if value and needs_space and not prefix.endswith((" ", "\t")):
                    prefix += " "
                entry = build_entry(prefix + value + suffix, old.eol, old.line, key, value)
                self.items[index] = entry
                return entry
        new_eol = self.newline
        if self.items and not self.items[-1].eol:
            # The new line needs a break before it; the file keeps ending without one.
            self.items[-1].eol, new_eol = new_eol, ""
        entry = build_entry(f"{key} = {value}", new_eol, len(self.items) + 1, key, value)
        self.items.append(entry)
        return entry

    def delete(self, key: str) -> int:
        """Remove every line that sets ``key``; return how many were removed."""
        kept = [item for item in self.items if not (isinstance(item, Entry) and item.key == key)]
        removed = len(self.items) - len(kept)
        if removed:
            self.items = kept
            for number, item in enumerate(self.items, start=1):
                item.line = number
        return removed
