"""Where the grammar and schema data live.

In a source checkout they are the top-level ``grammar/`` and ``schemas/``
folders; an installed wheel carries them as ``cfgtool/grammar`` and
``cfgtool/schemas`` (see ``pyproject.toml``). ``importlib.resources`` is not
used because importing it costs more start-up time than the whole lookup, nor
``pathlib`` (with the ``urllib.parse`` and ``ipaddress`` it imports): paths are strings.
"""

from __future__ import annotations

import os
from functools import cache

from cfgtool.errors import SchemaError

_PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))


@cache
def data_dir(name: str) -> str:
    """Return the directory ``name`` (``"grammar"`` or ``"schemas"``)."""
    for candidate in (
        os.path.join(_PACKAGE_DIR, name),
        os.path.join(os.path.dirname(_PACKAGE_DIR), name),
    ):
        if os.path.isdir(candidate):
            return candidate
    raise SchemaError(f"cfgtool data folder {name!r} is missing; reinstall cfgtool")


def grammar_path(name: str = "cfg") -> str:
    """Path of a Lark grammar: ``cfg`` (the cfg format), ``smarty``, ``mustache``."""
    return os.path.join(data_dir("grammar"), f"{name}.lark")


def grammar_text(name: str = "cfg") -> str:
    """The text of :func:`grammar_path` ``(name)``."""
    with open(grammar_path(name), encoding="utf-8") as handle:
        return handle.read()


def schema_path(filename: str) -> str:
    """Path of one schema data file, e.g. ``schema_path("models.json")``."""
    return os.path.join(data_dir("schemas"), filename)
