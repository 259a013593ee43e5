"""The template layer stays out of start-up: nothing heavy is imported before it is needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cfgtool.errors import CfgDecodeError
from cfgtool.templating import load_template, parse_template

REPO = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return set(out.split())


def test_import_cfgtool_does_not_load_the_template_layer() -> None:
    loaded = _modules_after("import cfgtool")
    assert not {"cfgtool.templating", "jinja2"} & loaded


def test_template_layer_imports_neither_jinja2_nor_lark() -> None:
    loaded = _modules_after("import cfgtool.templating")
    assert "jinja2" not in loaded
    assert "lark" not in loaded


def test_smarty_on_a_warm_cache_needs_no_lark() -> None:
    parse = "from cfgtool.templating import parse_template\nparse_template('a = {$x}\\n', 'smarty')"
    _modules_after(parse)  # warms the scanner cache
    assert "lark" not in _modules_after(parse)


def test_jinja_without_jinja2_still_checks_the_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)
    structure = parse_template("a = {{ x | }}\n{% endif %}\n", "jinja")
    assert [p.message for p in structure.problems] == ["'{% endif %}' closes nothing"]


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "T46G.tpl"
    path.write_bytes(b"a = \xff\n")
    with pytest.raises(CfgDecodeError, match="not UTF-8"):
        load_template(path)
