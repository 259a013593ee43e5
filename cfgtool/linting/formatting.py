"""``cfgtool fmt``: rewrite files into the canonical form.

The canonical form: the header first, ``key = value`` with single spaces,
comments and blank lines without surrounding whitespace, LF line endings,
one final newline, no BOM. Lines that are not valid are kept (only trailing
whitespace is dropped): fixing them needs a human.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cfgtool.errors import CfgError
from cfgtool.format import DEFAULT_VERSION, HEADER_PREFIX
from cfgtool.fsutil import atomic_write_bytes
from cfgtool.inputs import InputFile, expand_paths
from cfgtool.linting.config import ConfigResolver
from cfgtool.linting.fixing import unified_diff
from cfgtool.linting.results import FileResult
from cfgtool.nodes import Blank, Comment, Document, Entry, Header, MisplacedHeader
from cfgtool.parser import decode, loads, parse_line
from cfgtool.reading import read_bytes
from cfgtool.sources import not_text_reason


def canonical_text(doc: Document) -> str:
    """The canonical form of ``doc`` as text (what ``cfgtool fmt`` writes)."""
    version: str | None = None
    lines: list[str] = []
    for item in doc.items:
        if isinstance(item, Header | MisplacedHeader):
            version = version or item.version or DEFAULT_VERSION
        elif isinstance(item, Entry):
            lines.append(_entry_text(item))
        elif isinstance(item, Comment):
            lines.append(item.raw.strip(" \t"))
        elif isinstance(item, Blank):
            lines.append("")
        else:
            lines.append(item.raw.rstrip(" \t"))
    while lines and not lines[-1]:
        lines.pop()
    header = HEADER_PREFIX + (version or DEFAULT_VERSION)
    return "\n".join([header, *lines]) + "\n"


def _entry_text(entry: Entry) -> str:
    """``key = value``, or the line as it is (trailing blanks dropped) when that spelling
    would read as another kind of line: `` <<<<<<< x=1`` is a setting, its key starting
    like a merge marker, and only the blank in column 1 keeps it one."""
    text = f"{entry.key} = {entry.value}".strip(" ")
    if entry.key[:1] in _OTHER_LINE_STARTS:
        node = parse_line(text)
        if not (type(node) is Entry and node.key == entry.key and node.value == entry.value):
            return entry.raw.rstrip(" \t")
    return text


# What a setting's key may start with and another kind of line too (a merge marker, a
# section, a template tag): only such keys can change kind when spelt canonically.
_OTHER_LINE_STARTS = frozenset("<=>|[{")


def format_one(
    item: InputFile, *, write: bool = True, diff: bool = False, data: bytes | None = None
) -> FileResult:
    """Bring one file into canonical form (written atomically when it changes and ``write``).

    For standard input the canonical text is returned in ``output``.
    """
    try:
        if data is None:
            data = read_bytes(item.path)
        text = decode(data, path=item.path)
        reason = not_text_reason(text)
        if reason:
            return FileResult(item.path, error=f"{item.path}: {reason}")
        new_text = canonical_text(loads(text, filename=item.path))
        result = FileResult(item.path, changed=new_text != text)
        if diff and result.changed:
            result.diff = unified_diff(text, new_text, item.path)
        if item.stdin:
            result.output = new_text
        elif write and result.changed:
            atomic_write_bytes(item.path, new_text.encode("utf-8"))
        return result
    except CfgError as exc:
        return FileResult(item.path, error=str(exc))


def format_paths(
    paths: Sequence[str],
    *,
    resolver: ConfigResolver | None = None,
    write: bool = True,
    diff: bool = False,
    stdin_filename: str | None = None,
    stdin_data: Callable[[], bytes] | None = None,
) -> list[FileResult]:
    """Format every file that ``paths`` expand to (see :func:`cfgtool.inputs.expand_paths`)."""
    resolver = resolver or ConfigResolver()
    items = expand_paths(paths, is_excluded=resolver.is_excluded, stdin_filename=stdin_filename)
    return [
        format_one(
            item,
            write=write,
            diff=diff,
            data=stdin_data() if item.stdin and stdin_data is not None else None,
        )
        for item in items
    ]
