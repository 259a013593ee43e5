"""Package attributes imported on first use: how ``cfgtool.crypto`` or ``cfgtool.rendering``
re-export their modules' names without importing every module up front.

``cfgtool lint FILE`` imports ``cfgtool.crypto.keys`` (CFG402) and
``cfgtool.rendering.template`` (CFG501); an eager package ``__init__`` would
drag in their batch modules (csv, process pools) on every lint run.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def homes(module: str, names: Iterable[str]) -> dict[str, str]:
    """``{name: module}`` for each of ``names``."""
    return dict.fromkeys(names, module)


def lazy_getattr(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``names[name]`` on first use."""

    def __getattr__(name: str) -> Any:
        home = names.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
