"""The packages re-export their modules' names, and the names that moved up to the runners."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PACKAGES = (
    "cfgtool.catalog",
    "cfgtool.crypto",
    "cfgtool.differ",
    "cfgtool.provisioning",
    "cfgtool.rendering",
)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves(package: str) -> None:
    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert missing == []


@pytest.mark.parametrize(
    ("package", "name", "home"),
    [
        ("cfgtool.provisioning", "validate_paths", "cfgtool.runners.validate"),
        ("cfgtool.provisioning", "DirectorySummary", "cfgtool.runners.validate"),
        ("cfgtool.rendering", "render_batch", "cfgtool.runners.render_batch"),
        ("cfgtool.rendering", "render_files", "cfgtool.runners.render_batch"),
        ("cfgtool.crypto", "encrypt_paths", "cfgtool.runners.encrypt_batch"),
        ("cfgtool.crypto", "decrypt_paths", "cfgtool.crypto.batch"),
        ("cfgtool.crypto", "RSA_MAGIC", "cfgtool.crypto.rsa"),
    ],
)
def test_moved_names_are_the_same_objects(package: str, name: str, home: str) -> None:
    assert getattr(importlib.import_module(package), name) is getattr(
        importlib.import_module(home), name
    )


def test_unknown_names_are_attribute_errors() -> None:
    for package in ("cfgtool.crypto", "cfgtool.rendering", "cfgtool.provisioning"):
        with pytest.raises(AttributeError):
            _ = importlib.import_module(package).no_such_name


def test_lint_rules_load_no_batch_module() -> None:
    code = (
        "import sys, cfgtool.linting.rules; "
        "print(sorted(m for m in sys.modules if m.startswith(('cfgtool.runners', "
        "'cfgtool.crypto.batch', 'cfgtool.rendering.batch', 'cfgtool.linting.engine'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
