"""Rewriting files: ``--fix`` (rule fixes), ``--diff`` and ``cfgtool fmt`` (canonical form).

``--fix`` only runs the ``fix`` function of rules that reported something in
the file, so every line no fix touches keeps its exact bytes. ``fmt`` rewrites
the whole file into the canonical form: the header first, ``key = value``
with single spaces, comments and blank lines without surrounding whitespace,
LF line endings, one final newline, no BOM. Lines that are not valid are kept
(only trailing whitespace is dropped): fixing them needs a human.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from cfgtool.diagnostics import Diagnostic
from cfgtool.errors import CfgError
from cfgtool.format import DEFAULT_VERSION, HEADER_PREFIX
from cfgtool.fsutil import atomic_write_bytes, read_bytes
from cfgtool.inputs import InputFile, expand_paths
from cfgtool.linting.config import ConfigResolver
from cfgtool.linting.rule import LintContext, Rule
from cfgtool.nodes import Blank, Comment, Document, Entry, Header, MisplacedHeader
from cfgtool.parser import decode, loads

if TYPE_CHECKING:
    from cfgtool.linting.engine import FileResult


def apply_fixes(
    doc: Document, diagnostics: Iterable[Diagnostic], rules: Sequence[Rule], context: LintContext
) -> Document:
    """Run the fix of each fixable rule in ``rules`` that reported one of ``diagnostics``."""
    reported = {diagnostic.code for diagnostic in diagnostics}
    for rule in rules:
        if rule.fix is not None and rule.code in reported:
            doc = rule.fix(doc, context)
    return doc


def canonical_text(doc: Document) -> str:
    """The canonical form of ``doc`` as text (what ``cfgtool fmt`` writes)."""
    version: str | None = None
    lines: list[str] = []
    for item in doc.items:
        if isinstance(item, Header | MisplacedHeader):
            version = version or item.version or DEFAULT_VERSION
        elif isinstance(item, Entry):
            lines.append(f"{item.key} = {item.value}".strip(" "))
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


def canonical_document(doc: Document) -> Document:
    """``doc`` in canonical form, as a new document."""
    return loads(canonical_text(doc), filename=doc.filename)


def unified_diff(old: str, new: str, path: str) -> str:
    """A ``git diff``-style unified diff of one file; empty when nothing changed.

    Relative paths get git's ``a/`` and ``b/`` prefixes (apply with ``patch -p1``).
    """
    import difflib

    relative = not os.path.isabs(path)
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path}" if relative else path,
        tofile=f"b/{path}" if relative else path,
    )
    out: list[str] = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def format_one(
    item: InputFile, *, write: bool = True, diff: bool = False, data: bytes | None = None
) -> FileResult:
    """Bring one file into canonical form (written atomically when it changes and ``write``).

    For standard input the canonical text is returned in ``output``.
    """
    from cfgtool.linting.engine import FileResult, not_text_reason

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
