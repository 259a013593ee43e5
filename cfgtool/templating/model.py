"""The neutral structure a template becomes: its output lines, not its tags.

Every dialect parser produces a :class:`TemplateStructure`. The lint consumes
only this: lines the template would write (in source order, each with its
source line, its placeholders and the branch path it sits on), the
``extends``/``block``/``include`` references, and the structure problems found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Dialect = Literal["cfgtool", "smarty", "jinja", "twig", "mustache"]
DIALECTS: tuple[Dialect, ...] = ("cfgtool", "smarty", "jinja", "twig", "mustache")

#: Where a placeholder sits in its output line.
#: ``key-index``: a whole dot-separated segment of the key other than the first
#: (``account.{$n}.enable``); ``key``: anywhere else in the key; ``value``: after
#: the first ``=``; ``line``: the placeholder is the whole line.
PlaceholderPosition = Literal["key", "key-index", "value", "line"]

ReferenceKind = Literal["extends", "include", "import", "block"]


class Placeholder(NamedTuple):
    """One placeholder in an output line.

    ``start``/``end`` are 0-based offsets into :attr:`OutputLine.text`;
    ``line``/``column`` (1-based) locate it in the template's source.
    ``names`` are the root variable names it reads (``row`` for ``$row.label``).
    """

    start: int
    end: int
    expression: str
    line: int
    column: int
    position: PlaceholderPosition = "value"
    names: tuple[str, ...] = ()


class Branch(NamedTuple):
    """One arm of a conditional: ``arm`` counts from 0 (``if``), then ``elif``s, then ``else``.

    ``node`` identifies the conditional within its template, so two branches with
    the same ``node`` and ``origin`` and a different ``arm`` never both render.
    """

    node: int
    arm: int
    condition: str
    origin: str = ""


class Loop(NamedTuple):
    """A loop around a line; ``variables`` are the names the loop binds for each iteration."""

    node: int
    variables: tuple[str, ...]
    iterable: str
    origin: str = ""


PathStep = Branch | Loop


class OutputLine(NamedTuple):
    """A line of the template's output, with placeholders kept in their source form."""

    line: int
    text: str
    placeholders: tuple[Placeholder, ...] = ()
    path: tuple[PathStep, ...] = ()
    blocks: tuple[str, ...] = ()
    origin: str = ""

    @property
    def is_static(self) -> bool:
        """True when no placeholder is in the line."""
        return not self.placeholders

    def static_text(self, fill: str = "") -> str:
        """The line with every placeholder replaced by ``fill``."""
        parts: list[str] = []
        position = 0
        for placeholder in self.placeholders:
            parts.append(self.text[position : placeholder.start])
            parts.append(fill)
            position = placeholder.end
        parts.append(self.text[position:])
        return "".join(parts)


@dataclass(frozen=True)
class Reference:
    """An ``extends``, ``include``, ``import`` or ``block`` in the template."""

    kind: ReferenceKind
    target: str
    line: int
    column: int


@dataclass(frozen=True)
class Problem:
    """A structure mistake: a broken placeholder or tag the engine would reject or leave in."""

    line: int
    column: int
    message: str


@dataclass(frozen=True)
class TemplateStructure:
    """What a template writes, and what it refers to."""

    dialect: Dialect
    lines: tuple[OutputLine, ...]
    references: tuple[Reference, ...] = ()
    problems: tuple[Problem, ...] = ()
    origin: str = ""
    macros: tuple[str, ...] = field(default=())

    @property
    def extends(self) -> str | None:
        """The template this one extends, if any."""
        for reference in self.references:
            if reference.kind == "extends":
                return reference.target
        return None
