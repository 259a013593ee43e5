"""`cfgtool parse`, `--version`, `--help` and exit codes (issue 2, point 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool import __version__
from cfgtool.cli import main


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out


def test_help_lists_parse() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "parse" in out and "Exit codes" in out


def test_parse_json_prints_header_entries_and_invalid(tmp_path: Path) -> None:
    path = tmp_path / "a.cfg"
    path.write_text("#!version:1.0.0.1\nk = v\nbroken line\n")
    code, out, _ = run("parse", "--format", "json", str(path))
    assert code == 1
    [data] = json.loads(out)
    assert data["header"]["version"] == "1.0.0.1"
    assert data["entries"] == [
        {"type": "Entry", "line": 2, "key": "k", "value": "v", "key_column": 1, "value_column": 5}
    ]
    assert data["invalid"][0]["line"] == 3 and data["invalid"][0]["kind"] == "no-equals"


def test_parse_clean_file_exits_zero(examples_dir: Path) -> None:
    code, out, _ = run("parse", str(examples_dir / "y000000000028.cfg"))
    assert code == 0
    assert "Entry lang.gui = English" in out


def test_parse_stdin() -> None:
    code, out, _ = run("parse", "-", input=b"#!version:1.0.0.1\nk = v\n")
    assert code == 0 and "<stdin>:2: Entry k = v" in out


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "no such file"),
        (b"#!version:1.0.0.1\n\xff\xfe\x00binary", "not valid UTF-8"),
    ],
)
def test_user_mistakes_give_one_line_and_exit_2(
    tmp_path: Path, content: bytes | None, fragment: str
) -> None:
    path = tmp_path / "f.cfg"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run("parse", str(path))
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("parse", str(tmp_path))
    assert code == 2 and "directory" in err


def test_closed_pipe_stops_quietly(examples_dir: Path) -> None:
    import subprocess
    import sys

    reader = "import sys; sys.stdin.readline()"
    cfgtool = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cfgtool.cli import main; main()",
            "parse",
            *[str(p) for p in sorted(examples_dir.glob("*.cfg"))] * 200,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    head = subprocess.run([sys.executable, "-c", reader], stdin=cfgtool.stdout, check=True)
    assert head.returncode == 0
    assert cfgtool.stdout is not None
    cfgtool.stdout.close()
    _, err = cfgtool.communicate(timeout=60)
    assert b"Traceback" not in err and b"Broken pipe" not in err
