"""cfgtool: lint, validate, render, diff and encrypt Yealink provisioning files.

The library is the product; the ``cfgtool`` command is a thin layer over it::

    import cfgtool
    doc = cfgtool.load("y000000000028.cfg")
    doc.get("account.1.label")
    doc.set("account.1.label", "Reception")
    cfgtool.dump(doc, "y000000000028.cfg")

Heavier parts (lint, render, diff, crypto) are imported on first use, so that
``import cfgtool`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cfgtool._version import __version__
from cfgtool.diagnostics import Diagnostic, Severity
from cfgtool.errors import (
    CfgDecodeError,
    CfgError,
    CfgIOError,
    CfgValueError,
    ConfigError,
    CryptoError,
    SchemaError,
)
from cfgtool.nodes import Blank, Comment, Document, Entry, Header, Invalid, MisplacedHeader, Node
from cfgtool.parser import dump, dumps, load, loads

# Public names that live in modules imported on first use: name -> "module:attribute".
_LAZY: dict[str, str] = {
    "lint": "cfgtool.linting.engine:lint",
    "diff": "cfgtool.differ:diff",
    "render": "cfgtool.rendering:render",
    "effective": "cfgtool.provisioning:effective",
}

if TYPE_CHECKING:
    from cfgtool.differ import diff as diff
    from cfgtool.linting.engine import lint as lint
    from cfgtool.rendering import render as render


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'cfgtool' has no attribute {name!r}")
    module_name, attribute = target.split(":")
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value
    return value


__all__ = [
    "Blank",
    "CfgDecodeError",
    "CfgError",
    "CfgIOError",
    "CfgValueError",
    "Comment",
    "ConfigError",
    "CryptoError",
    "Diagnostic",
    "Document",
    "Entry",
    "Header",
    "Invalid",
    "MisplacedHeader",
    "Node",
    "SchemaError",
    "Severity",
    "__version__",
    "dump",
    "dumps",
    "load",
    "loads",
    *_LAZY,
]
