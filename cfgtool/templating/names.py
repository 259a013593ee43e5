"""The variable names an expression reads, for each dialect's expression syntax."""

from __future__ import annotations

import re

_STRING = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"")
_SIGIL_NAME = re.compile(r"\$([A-Za-z_]\w*)")
_FILTER = re.compile(r"\|\s*[A-Za-z_]\w*")
_BARE_NAME = re.compile(r"(?<![\w.$])([A-Za-z_]\w*)(?!\s*\()")
_KEYWORDS = frozenset(
    [
        "and",
        "or",
        "not",
        "in",
        "is",
        "if",
        "else",
        "elif",
        "true",
        "false",
        "none",
        "null",
        "True",
        "False",
        "None",
        "defined",
        "empty",
    ]
)


def sigil_names(expression: str) -> tuple[str, ...]:
    """``$name`` roots (Smarty): ``$row.label|upper`` reads ``row``."""
    return tuple(dict.fromkeys(_SIGIL_NAME.findall(_STRING.sub("''", expression))))


def bare_names(expression: str) -> tuple[str, ...]:
    """Bare identifier roots (Jinja, Twig, Mustache): ``line['x']|d(y)`` reads ``line``, ``y``."""
    cleaned = _FILTER.sub(" |", _STRING.sub("''", expression))
    found = (name for name in _BARE_NAME.findall(cleaned) if name not in _KEYWORDS)
    return tuple(dict.fromkeys(found))
