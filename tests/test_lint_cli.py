"""`cfgtool lint`, `cfgtool rules` and `cfgtool fmt` through click's runner.

Most tests use the fake rules of ``tests/lint_fakes.py`` so that they test the
command, not what the real rules find; the last ones run the real registry.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cfgtool import fsutil
from cfgtool.cli import main
from cfgtool.errors import CfgIOError
from cfgtool.inputs import read_inventory_columns
from cfgtool.linting import engine
from cfgtool.linting import rules as registry
from cfgtool.linting.formatting import canonical_text
from cfgtool.linting.rule import LintContext, Rule
from cfgtool.parser import loads
from tests.lint_fakes import FAKE_RULES, fake_registry

__all__ = ["fake_registry"]

GOOD = "#!version:1.0.0.1\naccount.1.label = Reception\n"
ERROR = "account.1.label = Reception\n"  # CFG903: no header
WARNING = "#!version:1.0.0.1\naccount.1.label = x\n"  # CFG901
INFO = "#!version:1.0.0.1\naccount.1.label = y  \n"  # CFG902, fixable


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def run(
    *args: str, input: bytes | None = None, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input, env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


# --- exit codes and formats ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "strict", "code"),
    [(GOOD, False, 0), (INFO, True, 0), (WARNING, False, 0), (WARNING, True, 1), (ERROR, False, 1)],
)
def test_exit_codes(fake_registry: object, text: str, strict: bool, code: int) -> None:
    write(Path("a.cfg"), text)
    args = ["lint", "a.cfg", *(["--strict"] if strict else [])]
    assert run(*args)[0] == code


def test_text_output_and_summary(fake_registry: object) -> None:
    write(Path("a.cfg"), ERROR)
    write(Path("b.cfg"), GOOD)
    code, out, err = run("lint", "a.cfg", "b.cfg")
    assert code == 1 and err == ""
    assert (
        out == "a.cfg:1:1: CFG903 error no header\nChecked 2 files: 1 error, 0 warnings, 0 info.\n"
    )
    assert run("lint", "--quiet", "a.cfg")[1] == "a.cfg:1:1: CFG903 error no header\n"


def test_json_output_is_the_only_thing_on_stdout(fake_registry: object) -> None:
    write(Path("a.cfg"), WARNING)
    code, out, err = run("lint", "--format", "json", "a.cfg")
    assert code == 0
    [item] = json.loads(out)
    assert {k: item[k] for k in ("path", "line", "column", "code", "severity")} == {
        "path": "a.cfg",
        "line": 2,
        "column": 19,
        "code": "CFG901",
        "severity": "warning",
    }
    assert "Checked 1 file" in err


def test_github_actions_makes_github_the_default(fake_registry: object) -> None:
    write(Path("a.cfg"), ERROR)
    out = run("lint", "a.cfg", env={"GITHUB_ACTIONS": "true"})[1]
    assert out == "::error file=a.cfg,line=1,col=1,title=CFG903::no header\n"
    assert run("lint", "--format", "text", "a.cfg", env={"GITHUB_ACTIONS": "true"})[1].startswith(
        "a.cfg:1:1:"
    )


@pytest.mark.parametrize("output_format", ["sarif", "junit"])
def test_machine_formats_keep_the_summary_on_stderr(
    fake_registry: object, output_format: str
) -> None:
    write(Path("a.cfg"), ERROR)
    code, out, err = run("lint", "--format", output_format, "a.cfg")
    assert code == 1 and "Checked" not in out and "Checked 1 file" in err


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        (["--color", "always"], {"NO_COLOR": "1"}, True),
        (["--color", "never"], {}, False),
        ([], {}, False),  # auto: the runner is not a terminal
    ],
)
def test_colour(
    fake_registry: object, args: list[str], env: dict[str, str], coloured: bool
) -> None:
    write(Path("a.cfg"), ERROR)
    out = run("lint", *args, "a.cfg", env=env)[1]
    assert ("\x1b[" in out) is coloured


# --- inputs ------------------------------------------------------------------------


def test_directories_recurse_in_sorted_order(fake_registry: object) -> None:
    write(Path("site/b.cfg"), ERROR)
    write(Path("site/a/z.cfg"), ERROR)
    write(Path("site/phone.cfg.tmpl"), ERROR)
    write(Path("site/notes.txt"), ERROR)
    write(Path("site/.git/x.cfg"), ERROR)
    out = run("lint", "--quiet", "site")[1]
    assert [line.split(":")[0] for line in out.splitlines()] == [
        "site/a/z.cfg",
        "site/b.cfg",
        "site/phone.cfg.tmpl",
    ]


def test_missing_path_is_an_io_error(fake_registry: object) -> None:
    code, out, err = run("lint", "nope.cfg")
    assert code == 2 and out == "" and "nope.cfg: no such file or directory" in err


def test_unreadable_file_is_an_io_error_after_the_others(
    fake_registry: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_read_bytes = fsutil.read_bytes

    def read_bytes(path: str) -> bytes:
        if str(path).endswith("b.cfg"):
            raise CfgIOError(f"{path}: cannot read: Permission denied")
        return real_read_bytes(path)

    monkeypatch.setattr(engine, "read_bytes", read_bytes)  # where the engine reads files
    write(Path("a.cfg"), ERROR)
    write(Path("b.cfg"), GOOD)
    code, out, err = run("lint", "a.cfg", "b.cfg")
    assert code == 2 and "a.cfg:1:1" in out
    assert err == "cfgtool: error: b.cfg: cannot read: Permission denied\n"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (bytes(range(256)) * 4, "not valid UTF-8"),
        (b"#!encrypt:1.0.0.0\r\n#!key_signatue:RSA_256\r\n", "encrypted"),
    ],
    ids=["binary", "rsa-encrypted"],
)
def test_binary_or_encrypted_file_gets_one_diagnostic(
    fake_registry: object, data: bytes, words: str
) -> None:
    write(Path("enc.cfg"), data)
    code, out, err = run("lint", "--quiet", "enc.cfg")
    assert code == 1 and err == ""
    [line] = out.splitlines()
    assert line.startswith("enc.cfg:") and "CFG107 error" in line and words in line


def test_stdin_uses_the_stdin_filename(fake_registry: object) -> None:
    code, out, _ = run("lint", "--quiet", "-", input=ERROR.encode())
    assert code == 1 and out.startswith("<stdin>:1:1: CFG903")
    out = run("lint", "-q", "-", "--stdin-filename", "site/0015651130f9.cfg", input=ERROR.encode())[
        1
    ]
    assert out.startswith("site/0015651130f9.cfg:1:1: CFG903")


def test_stdin_filename_finds_the_configuration(fake_registry: object) -> None:
    write(Path("site/.cfgtool.toml"), 'ignore = ["CFG903"]\n')
    code, out, _ = run("lint", "-q", "-", "--stdin-filename", "site/a.cfg", input=ERROR.encode())
    assert code == 0 and out == ""


def test_exclude_from_config_and_command_line(fake_registry: object) -> None:
    write(Path(".cfgtool.toml"), 'exclude = ["archive/"]\n')
    write(Path("archive/old.cfg"), ERROR)
    write(Path("live/a.cfg"), ERROR)
    write(Path("live/b.orig.cfg"), ERROR)
    out = run("lint", "-q", ".")[1]
    assert {line.split(":")[0] for line in out.splitlines()} == {"live/a.cfg", "live/b.orig.cfg"}
    # explicit file names are excluded too (pre-commit passes every file by name)
    code, out, _ = run(
        "lint", "-q", "--exclude", "*.orig.cfg", "archive/old.cfg", "live/b.orig.cfg"
    )
    assert code == 0 and out == ""


def test_many_files_in_parallel_match_one_process(fake_registry: object) -> None:
    for number in range(260):
        write(Path(f"many/{number:012x}.cfg"), [GOOD, ERROR, WARNING, INFO][number % 4])
    parallel = run("lint", "--jobs", "2", "many")
    single = run("lint", "--jobs", "1", "many")
    assert parallel == single and parallel[0] == 1


# --- configuration and options -------------------------------------------------------


def test_select_ignore_and_config(fake_registry: object) -> None:
    write(Path("a.cfg"), "k = x  \n")
    assert {line.split()[1] for line in run("lint", "-q", "a.cfg")[1].splitlines()} == {
        "CFG901",
        "CFG902",
        "CFG903",
    }
    out = run("lint", "-q", "--select", "CFG901,CFG902", "--ignore", "trailing", "a.cfg")[1]
    assert [line.split()[1] for line in out.splitlines()] == ["CFG901"]
    write(Path("pyproject.toml"), '[tool.cfgtool]\nignore = ["CFG9"]\n')
    assert run("lint", "a.cfg")[0] == 0
    assert run("lint", "--select", "CFG903", "a.cfg")[0] == 1


@pytest.mark.parametrize(
    ("files", "args", "words"),
    [
        (
            {".cfgtool.toml": 'ignore = ["CFG999"]\n'},
            [],
            ".cfgtool.toml: ignore: no rule has code 'CFG999'",
        ),
        (
            {"pyproject.toml": "[tool.cfgtool]\nexlude = []\n"},
            [],
            "pyproject.toml: unknown key 'exlude'",
        ),
        ({}, ["--config", "missing.toml"], "missing.toml: configuration file not found"),
        ({}, ["--select", "CFG999"], "--select: no rule has code 'CFG999'"),
    ],
)
def test_configuration_errors_exit_2(
    fake_registry: object, files: dict[str, str], args: list[str], words: str
) -> None:
    for name, text in files.items():
        write(Path(name), text)
    write(Path("a.cfg"), GOOD)
    code, out, err = run("lint", *args, "a.cfg")
    assert code == 2 and out == "" and words in err and err.startswith("cfgtool: error: ")


def test_severity_override_changes_the_exit_code(fake_registry: object) -> None:
    write(Path("a.cfg"), WARNING)
    write(Path(".cfgtool.toml"), '[severity]\nCFG901 = "error"\n')
    code, out, _ = run("lint", "-q", "a.cfg")
    assert code == 1 and "CFG901 error" in out


def test_suppressions_through_the_command(fake_registry: object) -> None:
    write(
        Path("a.cfg"),
        "#!version:1.0.0.1\n# cfgtool: disable-next-line=no-x\nk = x\n"
        "# cfgtool: disable-file=CFG902\n",
    )
    code, out, _ = run("lint", "-q", "a.cfg")
    assert code == 0
    assert out == "a.cfg:4:3: CFG100 info unused suppression: no CFG902 reported in this file\n"


def test_template_and_inventory_reach_the_rules(
    fake_registry: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[LintContext] = []

    def spy(doc: object, context: LintContext) -> list[object]:
        seen.append(context)
        return []

    rule = Rule("CFG904", "spy", "info", "spy", "Spy.", spy)  # type: ignore[arg-type]
    monkeypatch.setattr(registry, "RULES", (*FAKE_RULES, rule))
    write(Path("phones.csv"), "\ufeffmac;name;account.2.label\n0015651130f9;a;b\n")
    write(Path("a.cfg"), GOOD)
    write(Path("p.cfg.tmpl"), GOOD)
    run("lint", "a.cfg", "p.cfg.tmpl")
    run("lint", "--template", "--inventory", "phones.csv", "a.cfg")
    assert [(c.filename, c.template, c.template_variables) for c in seen] == [
        ("a.cfg", False, None),
        ("p.cfg.tmpl", True, None),
        ("a.cfg", True, {"mac", "name", "account.2.label"}),
    ]


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("mac,name\n", {"mac", "name"}),
        ("\ufeffmac;model; name \n1;2;3\n", {"mac", "model", "name"}),
    ],
)
def test_inventory_columns(tmp_path: Path, text: str, columns: set[str]) -> None:
    assert read_inventory_columns(str(write(tmp_path / "i.csv", text))) == columns


def test_inventory_errors_exit_2(fake_registry: object) -> None:
    write(Path("a.cfg"), GOOD)
    assert run("lint", "--inventory", "missing.csv", "a.cfg")[0] == 2
    write(Path("empty.csv"), "")
    code, _, err = run("lint", "--inventory", "empty.csv", "a.cfg")
    assert code == 2 and "no header row" in err


# --- fixing ----------------------------------------------------------------------


def test_fix_rewrites_only_changed_files_and_keeps_other_bytes(fake_registry: object) -> None:
    dirty = write(
        Path("dirty.cfg"), b"\xef\xbb\xbf#!version:1.0.0.1\r\nk = v  \r\n\tj =w\n  odd line\t\n"
    )
    clean = write(Path("clean.cfg"), GOOD)
    clean_stat = clean.stat()
    dirty.chmod(0o640)
    code, out, _ = run("lint", "--fix", "dirty.cfg", "clean.cfg")
    assert code == 0 and "fixed 1 file" in out
    assert dirty.read_bytes() == b"\xef\xbb\xbf#!version:1.0.0.1\r\nk = v\r\n\tj =w\n  odd line\t\n"
    assert dirty.stat().st_mode & 0o777 == 0o640
    assert (clean.stat().st_ino, clean.stat().st_mtime_ns) == (
        clean_stat.st_ino,
        clean_stat.st_mtime_ns,
    )
    assert sorted(os.listdir(".")) == ["clean.cfg", "dirty.cfg"]  # no temporary files left


def test_diff_prints_the_fix_and_writes_nothing(fake_registry: object) -> None:
    path = write(Path("a.cfg"), INFO)
    code, out, err = run("lint", "--diff", "a.cfg")
    assert code == 1 and path.read_text() == INFO
    assert out == (
        "--- a/a.cfg\n+++ b/a.cfg\n@@ -1,2 +1,2 @@\n #!version:1.0.0.1\n"
        "-account.1.label = y  \n+account.1.label = y\n"
    )
    assert "1 file would be changed" in err
    assert run("lint", "--diff", "a.cfg", "--fix")[0] == 1 and path.read_text() == INFO
    write(Path("b.cfg"), GOOD)
    assert run("lint", "--diff", "b.cfg")[:2] == (0, "")


def test_fix_on_stdin_prints_the_fixed_text(fake_registry: object) -> None:
    code, out, err = run("lint", "--fix", "-", input=b"k = x  \n")
    assert out == "k = x\n" and "CFG901" in err and code == 1


# --- fmt -------------------------------------------------------------------------


MESSY = (
    "\ufeff# site phones\r\n   #!version:1.0.0.1  \r\nk=v\r\n\t x .y\t=  a b \r\n"
    "   \r\nbroken line  \n\n\n"
)
TIDY = "#!version:1.0.0.1\n# site phones\nk = v\nx .y = a b\n\nbroken line\n"


def test_fmt_writes_the_canonical_form(fake_registry: object) -> None:
    path = write(Path("a.cfg"), MESSY)
    assert run("fmt", "--check", "a.cfg")[0] == 1 and path.read_bytes() == MESSY.encode()
    code, _, err = run("fmt", "a.cfg")
    assert code == 0 and path.read_bytes() == TIDY.encode() and "reformatted: a.cfg" in err
    assert run("fmt", "--check", "a.cfg")[0] == 0


def test_fmt_diff_stdin_and_errors(fake_registry: object) -> None:
    write(Path("a.cfg"), "k=v\n")
    code, out, _ = run("fmt", "--diff", "a.cfg")
    assert code == 1 and out.endswith("@@ -1 +1,2 @@\n-k=v\n+#!version:1.0.0.1\n+k = v\n")
    assert run("fmt", "-", input=b"k=v")[:2] == (0, "#!version:1.0.0.1\nk = v\n")
    write(Path("bin.cfg"), b"\xff\xfe")
    code, _, err = run("fmt", "bin.cfg")
    assert code == 2 and "not valid UTF-8" in err


LINES = st.sampled_from(
    [
        "#!version:1.0.0.1",
        " #!version:1.0.0.1",
        "k=v",
        " k = v ",
        "a.b\t=\tc d",
        "k =",
        "= v",
        "# c ",
        "  #c",
        "",
        " ",
        "\t",
        "[ s ]",
        "{{ x }}",
        "<<<<<<< HEAD",
        "k == v",
        "no equals",
        "k = =v",
        "x\x01y",
        "\ufeffk=v",
        "k = v # not a comment",
    ]
)
ENDINGS = st.sampled_from(["\n", "\r\n", "\r", ""])
CFG_TEXT = st.lists(st.tuples(LINES, ENDINGS), max_size=12).map(
    lambda parts: "".join(line + end for line, end in parts)
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(CFG_TEXT, st.text()))
@example(" <<<<<<< HEADk=v\n")  # a setting whose key starts like a merge marker
@example("\t[a =b]x\n")
def test_fmt_is_idempotent_and_keeps_every_setting(text: str) -> None:
    once = canonical_text(loads(text))
    assert canonical_text(loads(once)) == once
    assert once.startswith("#!version:") and once.endswith("\n") and "\r" not in once
    assert loads(once).to_dict() == loads(text).to_dict()


# --- rules and the real registry -------------------------------------------------------


def test_rules_lists_and_explains(fake_registry: object) -> None:
    code, out, _ = run("rules")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == [
        r.code for r in FAKE_RULES
    ]
    assert "CFG902  trailing" in out and "info, fixable" in out
    code, out, _ = run("rules", "no-x")
    assert code == 0 and out.startswith("CFG901 no-x (warning)\n\nNo x.")
    assert json.loads(run("rules", "--format", "json", "CFG902")[1])[0]["fixable"] is True
    code, _, err = run("rules", "CFG9O1")
    assert code == 2 and "did you mean CFG901" in err


def test_every_registered_rule_is_documented_with_examples() -> None:
    code, out, _ = run("rules")
    assert code == 0
    for rule in registry.RULES:
        assert f"{rule.code}  {rule.name}" in out
        explained = run("rules", rule.code)[1]
        assert rule.summary and "example" in explained.lower()


def test_examples_have_no_errors() -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    code, out, _ = run("lint", "--format", "json", str(examples))
    errors = [item for item in json.loads(out) if item["severity"] == "error"]
    assert errors == [] and code == 0


# --- start-up --------------------------------------------------------------------

UNUSED_ON_THE_LINT_PATH = (
    "rich",
    "cryptography",
    "lark",
    "concurrent.futures",
    "multiprocessing",
    "difflib",
    "xml",
    "csv",
    "tomllib",
)
PROBE = """
import sys
from cfgtool.cli import main
try:
    main(["lint", sys.argv[1]])
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_linting_one_file_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = write(tmp_path / "y000000000028.cfg", GOOD)
    command = [sys.executable, "-c", PROBE, str(path)]
    subprocess.run(command, capture_output=True, cwd=tmp_path, check=True)  # warms the caches
    modules = set(subprocess.run(command, capture_output=True, cwd=tmp_path).stderr.split())
    imported = {m.decode() for m in modules}
    assert "cfgtool.linting.engine" in imported  # the probe really linted
    assert [name for name in UNUSED_ON_THE_LINT_PATH if name in imported] == []
