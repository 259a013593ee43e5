"""The console script's plain `cfgtool lint FILE...` path behaves exactly like the click command.

`cfgtool.cli.console` runs `cfgtool lint` with plain paths and no option without
importing click (issue 15); everything else goes to the click group. Both paths
must write the same bytes and exit alike, so each case below runs through both.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cfgtool.cli.console import is_plain_lint
from cfgtool.cli.lint import lint
from cfgtool.cli.run_lint import run_lint
from tests.conftest import EXAMPLES, REPO, write_tree

CONSOLE = "from cfgtool.cli.console import main; main()"
GROUP = "from cfgtool.cli import main; main()"

TREE = {
    "clean/0015651130f9.cfg": "#!version:1.0.0.1\naccount.1.enable = 1\n",
    "errors/0015651130fa.cfg": "account.1.enable = 1\naccount.1.enable = 0\nbogus line\n",
    "warnings/y000000000028.cfg": "#!version:1.0.0.1\nlang.gui = English \n",
    "unknown/0015651130fb.cfg": "#!version:1.0.0.1\naccount.1.enabel = 1\n",
    "template/phone.cfg.tmpl": "#!version:1.0.0.1\naccount.1.user_name = {{ ext }}\n",
    "configured/.cfgtool.toml": 'ignore = ["CFG101"]\n',
    "configured/0015651130fc.cfg": "account.1.enable = 1\n",
    "pyproject/pyproject.toml": '[project]\nname = "x"\n[tool.cfgtool]\nignore = ["CFG101"]\n',
    "pyproject/0015651130f1.cfg": "account.1.enable = 1\n",
    "otherproject/pyproject.toml": '[project]\nname = "y"\n',
    "otherproject/0015651130f2.cfg": "account.1.enable = 1\n",
    "badconfig/.cfgtool.toml": "select = [\n",
    "badconfig/0015651130fd.cfg": "#!version:1.0.0.1\n",
    "binary/0015651130fe.cfg": b"#!version:1.0.0.1\n\xff\xfe = \x00\n",
    "notes/readme.txt": "no provisioning file here\n",
}

CASES = {
    "clean": ["clean/0015651130f9.cfg"],
    "errors": ["errors/0015651130fa.cfg"],
    "warnings": ["warnings/y000000000028.cfg"],
    "unknown key": ["unknown/0015651130fb.cfg"],
    "template": ["template/phone.cfg.tmpl"],
    "configuration file": ["configured/0015651130fc.cfg"],
    "pyproject.toml with a cfgtool table": ["pyproject/0015651130f1.cfg"],
    "pyproject.toml without one": ["otherproject/0015651130f2.cfg"],
    "broken configuration": ["badconfig/0015651130fd.cfg"],
    "binary": ["binary/0015651130fe.cfg"],
    "missing file": ["missing.cfg"],
    "a directory": ["errors"],
    "nothing to lint": ["notes"],
    "several": ["clean/0015651130f9.cfg", "missing.cfg", "errors", "warnings"],
    "examples": [str(EXAMPLES)],
}


def _run(code: str, args: list[str], cwd: Path, **env: str) -> tuple[int, bytes, bytes]:
    done = subprocess.run(
        [sys.executable, "-c", code, "lint", *args],
        cwd=cwd,
        capture_output=True,
        env={**_environment(cwd), **env},
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


def _environment(cwd: Path) -> dict[str, str]:
    keep = ("PATH", "PYTHONPATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT")
    return {
        **{name: os.environ[name] for name in keep if name in os.environ},
        "XDG_CACHE_HOME": str(cwd / ".cache"),
    }


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tree(tmp_path_factory.mktemp("console"), TREE)


@pytest.mark.parametrize("args", CASES.values(), ids=CASES.keys())
def test_plain_lint_writes_the_same_bytes_and_status_as_the_click_command(
    tree: Path, args: list[str]
) -> None:
    assert is_plain_lint(["lint", *args], {})
    fast = _run(CONSOLE, args, tree)
    assert fast == _run(GROUP, args, tree)
    assert fast[0] in (0, 1, 2) and (fast[1] or fast[2])


def test_plain_lint_in_github_actions_reports_as_the_click_command(tree: Path) -> None:
    args = ["errors", "warnings"]
    fast = _run(CONSOLE, args, tree, GITHUB_ACTIONS="true")
    assert fast == _run(GROUP, args, tree, GITHUB_ACTIONS="true")
    assert b"::error " in fast[1]


def test_the_console_script_is_the_entry_point_with_the_plain_path() -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["cfgtool"] == "cfgtool.cli.console:main"


def test_run_lint_defaults_are_the_values_click_gives_for_plain_paths() -> None:
    given = lint.make_context("lint", ["a.cfg", "b.cfg"]).params
    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(run_lint).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }
    assert given == {"paths": ("a.cfg", "b.cfg"), **defaults}


@pytest.mark.parametrize(
    ("args", "environ", "plain"),
    [
        (["lint", "a.cfg"], {}, True),
        (["lint", "a.cfg", "dir", "b.cfg.tmpl"], {"GITHUB_ACTIONS": "true"}, True),
        (["lint"], {}, False),
        (["lint", "-"], {}, False),
        (["lint", ""], {}, False),
        (["lint", "--", "a.cfg"], {}, False),
        (["lint", "a.cfg", "-q"], {}, False),
        (["lint", "--format", "json", "a.cfg"], {}, False),
        (["lint", "--help"], {}, False),
        (["--max-file-size", "1k", "lint", "a.cfg"], {}, False),
        (["validate", "a.cfg"], {}, False),
        (["fmt", "a.cfg"], {}, False),
        ([], {}, False),
        (["lint", "a.cfg"], {"CFGTOOL_MAX_FILE_SIZE": "1k"}, False),
        (["lint", "a.cfg"], {"_CFGTOOL_COMPLETE": "bash_complete"}, False),
    ],
)
def test_only_plain_paths_take_the_plain_path(
    args: list[str], environ: dict[str, str], plain: bool
) -> None:
    assert is_plain_lint(args, environ) is plain


def test_everything_else_reaches_the_click_group(tree: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CONSOLE, "lint", "--format", "json", "errors"],
        cwd=tree,
        capture_output=True,
        text=True,
        env=_environment(tree),
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout.lstrip().startswith("[")


def test_python_dash_m_cfgtool_runs_the_console_script(tree: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cfgtool", "lint", "clean"],
        cwd=tree,
        capture_output=True,
        text=True,
        env=_environment(tree),
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, "Checked 1 file: 0 errors, 0 warnings, 0 info.\n")
