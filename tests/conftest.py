from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

# Yealink's auto-provisioning guide: model, hardware id (Common file), accounts (issue 4).
GUIDE_MODELS = [
    ("VP-T49G", 51, 16),
    ("T48G", 35, 16),
    ("T46G", 28, 16),
    ("T42G", 29, 12),
    ("T41P", 36, 6),
    ("T40P", 54, 3),
    ("T29G", 46, 16),
    ("T27P", 45, 6),
    ("T23P/G", 44, 3),
    ("T21(P) E2", 52, 2),
    ("T19(P) E2", 53, 1),
    ("CP860", 37, 1),
]


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create ``files`` (relative path -> text or bytes) under ``root``; return ``root``."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
