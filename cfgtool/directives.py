"""Every ``# cfgtool:`` comment, parsed once.

::

    # cfgtool: disable-next-line=CFG201     (suppressions, cfgtool.linting.suppressions)
    # cfgtool: disable-file=CFG201,CFG108
    # cfgtool: model=T46G                   (the phone model, for validate)
    # cfgtool: if=ext2                      (an optional block of a render template)
    # cfgtool: endif

A directive is a comment whose text starts with ``cfgtool:``, then a verb
(letters, ``-``, ``_``), then the rest of the line as written. What the rest
must look like is for the verb's reader to say (and to report); a comment that
only mentions ``cfgtool:`` further on is prose.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from cfgtool.format import DIRECTIVE_MARKER, DIRECTIVE_SYNTAX
from cfgtool.nodes import Comment, Document

DISABLE_NEXT_LINE = "disable-next-line"
DISABLE_FILE = "disable-file"
MODEL = "model"
IF = "if"
ENDIF = "endif"

_DIRECTIVE = re.compile(DIRECTIVE_SYNTAX)
_ASSIGNMENT = re.compile(r"[ \t]*=[ \t]*(.*?)[ \t]*")


class Directive(NamedTuple):
    """One ``# cfgtool:`` comment: its ``verb`` and the ``rest`` of the line after it.

    ``line`` is 1-based, ``column`` the 1-based column of ``cfgtool:``.
    """

    line: int
    column: int
    verb: str
    rest: str

    @property
    def argument(self) -> str | None:
        """What follows ``=`` after the verb, stripped of blanks; None without ``=``."""
        match = _ASSIGNMENT.fullmatch(self.rest)
        return match.group(1) if match else None


def parse_directive(node: Comment) -> Directive | None:
    """The directive ``node`` is, or None for an ordinary comment."""
    raw = node.raw
    if DIRECTIVE_MARKER not in raw:
        return None
    match = _DIRECTIVE.fullmatch(raw)
    if match is None:
        return None
    return Directive(node.line, raw.index(DIRECTIVE_MARKER) + 1, match["verb"], match["rest"])


def has_directives(doc: Document) -> bool:
    """Whether any comment of ``doc`` mentions ``cfgtool:`` (a quick test before parsing)."""
    return any(type(item) is Comment and DIRECTIVE_MARKER in item.raw for item in doc.items)


def directives(doc: Document) -> list[Directive]:
    """Every directive of ``doc``, in file order."""
    found = []
    for item in doc.items:
        if type(item) is Comment and DIRECTIVE_MARKER in item.raw:
            directive = parse_directive(item)
            if directive is not None:
                found.append(directive)
    return found


def comment_model(doc: Document) -> str | None:
    """The model named by a ``# cfgtool: model=T46G`` comment in ``doc`` (the last one), or None."""
    found = None
    for directive in directives(doc):
        if directive.verb == MODEL and directive.argument:
            found = directive.argument
    return found
