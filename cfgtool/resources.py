"""Where the grammar and schema data live.

In a source checkout they are the top-level ``grammar/`` and ``schemas/``
folders; an installed wheel carries them as ``cfgtool/grammar`` and
``cfgtool/schemas`` (see ``pyproject.toml``). ``importlib.resources`` is not
used because importing it costs more start-up time than the whole lookup.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cfgtool.errors import SchemaError

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Return the directory ``name`` (``"grammar"`` or ``"schemas"``)."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise SchemaError(f"cfgtool data folder {name!r} is missing; reinstall cfgtool")


def grammar_path() -> Path:
    """Path of the Lark grammar of the cfg format."""
    return data_dir("grammar") / "cfg.lark"


def schema_path(filename: str) -> Path:
    """Path of one schema data file, e.g. ``schema_path("models.json")``."""
    return data_dir("schemas") / filename
