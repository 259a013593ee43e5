"""`import cfgtool` gives everything the CLI does, and stays cheap to import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import cfgtool


@pytest.mark.parametrize("name", sorted(cfgtool.__all__))
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(cfgtool, name) is not None


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = cfgtool.no_such_thing  # type: ignore[attr-defined]


def test_import_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, cfgtool; "
        "print(sorted(m for m in ('rich', 'cryptography', 'lark', 'click') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
