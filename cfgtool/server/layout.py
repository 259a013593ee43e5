"""Is a tree in the ``$PN`` layout? (one directory per model, named as ``$PN`` expands)."""

from __future__ import annotations

import os
from pathlib import Path

import cfgtool


def model_directories(root: Path) -> list[str]:
    """The directories right under ``root`` whose name is a model's ``$PN`` name."""
    names = []
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError:
        return []
    for entry in entries:
        if entry.is_dir() and not entry.name.startswith("."):
            model = cfgtool.find_model(entry.name)
            if model is not None and entry.name in model.pn_names:
                names.append(entry.name)
    return names


def is_pn_layout(root: Path) -> bool:
    return bool(model_directories(root))
