"""Rewriting files with rule fixes: ``--fix`` and ``--diff``.

``--fix`` only runs the ``fix`` function of rules that reported something in
the file, so every line no fix touches keeps its exact bytes. ``cfgtool fmt``
(the canonical form) is :mod:`cfgtool.linting.formatting`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from cfgtool.diagnostics import Diagnostic
from cfgtool.linting.rule import LintContext, Rule
from cfgtool.nodes import Document


def apply_fixes(
    doc: Document, diagnostics: Iterable[Diagnostic], rules: Sequence[Rule], context: LintContext
) -> Document:
    """Run the fix of each fixable rule in ``rules`` that reported one of ``diagnostics``."""
    reported = {diagnostic.code for diagnostic in diagnostics}
    for rule in rules:
        if rule.fix is not None and rule.code in reported:
            doc = rule.fix(doc, context)
    return doc


def unified_diff(old: str, new: str, path: str) -> str:
    """A ``git diff``-style unified diff of one file; empty when nothing changed.

    Relative paths get git's ``a/`` and ``b/`` prefixes (apply with ``patch -p1``).
    """
    import difflib  # lazy: only --diff needs it, not the lint path

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
