"""The dialect-independent template tree that each dialect parser builds.

Offsets are 0-based positions in the template's source text. :mod:`flatten`
turns the tree into output lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

_LINE_BREAK = re.compile("\n")


@lru_cache(maxsize=4)
def line_starts(source: str) -> tuple[int, ...]:
    """The offset where each line of ``source`` starts (line 1 at index 0).

    Cached: the tree builder and the flattener of one template both need it.
    """
    return (0, *(match.end() for match in _LINE_BREAK.finditer(source)))


class Text(NamedTuple):
    """Literal output text (also the inside of raw/literal blocks)."""

    text: str
    offset: int


class Expression(NamedTuple):
    """A placeholder: ``source`` is its text as written (``{$row.label}``)."""

    source: str
    expression: str
    offset: int
    names: tuple[str, ...] = ()


class Tag(NamedTuple):
    """A tag with no output of its own (comment, ``set``, ``assign``, ``import``…)."""

    offset: int


@dataclass
class Arm:
    condition: str
    body: list[Node] = field(default_factory=list)


@dataclass
class Conditional:
    """``if``/``elif``/``else`` (or a Mustache section): one of the arms renders, or none."""

    offset: int
    arms: list[Arm] = field(default_factory=list)
    exhaustive: bool = False


@dataclass
class LoopNode:
    """A loop; ``otherwise`` is the body of ``{foreachelse}``/``{% else %}``."""

    offset: int
    variables: tuple[str, ...]
    iterable: str
    body: list[Node] = field(default_factory=list)
    otherwise: list[Node] = field(default_factory=list)


@dataclass
class BlockNode:
    """An inheritance block: its lines render in place, and a child may replace them."""

    offset: int
    name: str
    body: list[Node] = field(default_factory=list)


@dataclass
class Hidden:
    """A body that writes nothing where it stands (a macro definition, ``{% set x %}``…)."""

    offset: int
    name: str
    body: list[Node] = field(default_factory=list)


Node = Text | Expression | Tag | Conditional | LoopNode | BlockNode | Hidden
