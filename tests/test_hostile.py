"""Every command against hostile input (issue 16): a FIFO, /dev/zero, a symbolic link loop,
an unreadable file and a 1 MB dotted line. Each run finishes within 5 s with one
``cfgtool: error:`` line and exit 2 (the dotted line: diagnostics, no hang).

The cases of one kind run in one child process (click's runner, one case after
the other, each timed), killed after 5 s per case: a regression that hangs fails
its test instead of stalling the suite. As root nothing is unreadable, so the
unreadable case drops the capabilities that bypass file permissions
(``setpriv --bounding-set -dac_override,-dac_read_search``): root is then
refused a mode-000 file like anybody else.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

KEY = "0123456789abcdef"
CFG1 = "good/y000000000028.cfg"
CFG = "#!version:1.0.0.1\naccount.1.enable = 1\naccount.1.password = s3cret\n"
TEMPLATE = "#!version:1.0.0.1\naccount.1.user_name = {{ user }}\n"
INVENTORY = "mac,model,user\n0015651130f9,T46G,alice\n"
RUNNER = "import sys; from cfgtool.cli import main; sys.exit(main())"
# Runs [name, argv, stdin path or None] cases from stdin; prints one JSON line per case.
BATCH = """
import json, sys, time
from click.testing import CliRunner
from cfgtool.cli import main
for name, argv, stdin in json.load(sys.stdin):
    sys.stderr.write(name + "\\n")
    sys.stderr.flush()
    started = time.monotonic()
    with open(stdin or "/dev/null", "rb") as handle:
        result = CliRunner().invoke(main, argv, input=handle)
    error = result.exception
    crash = None if error is None or isinstance(error, SystemExit) else repr(error)
    row = [name, result.exit_code, result.stdout, result.stderr, time.monotonic() - started, crash]
    print(json.dumps(row), flush=True)
"""
LIMIT_S = 5.0
KINDS = ["fifo", "dev-zero", "symlink-loop", "unreadable"]
DROP_DAC = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


@dataclass(frozen=True)
class World:
    root: Path

    def bad(self, kind: str) -> Path:
        return self.root / "bad" / kind / "0015651130f9.cfg"

    def tree(self, kind: str) -> Path:
        return self.root / "trees" / kind


def _make_bad(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "symlink-loop":
        path.symlink_to(path.name)
    else:
        path.write_text(CFG, encoding="utf-8")
        path.chmod(0)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("hostile")
    (root / "good").mkdir()
    (root / "good" / "y000000000028.cfg").write_text(CFG, encoding="utf-8")
    (root / "good" / "0015651130f9.cfg").write_text(CFG, encoding="utf-8")
    (root / "key.txt").write_text(KEY + "\n", encoding="utf-8")
    (root / "key.txt").chmod(0o600)
    (root / "phone.cfg.tmpl").write_text(TEMPLATE, encoding="utf-8")
    (root / "inventory.csv").write_text(INVENTORY, encoding="utf-8")
    (root / "dotted.cfg").write_text(
        "#!version:1.0.0.1\n" + "a." * 500_000 + "x = 1\n", encoding="utf-8"
    )
    encrypted = subprocess.run(
        [sys.executable, "-c", RUNNER, "encrypt", "-q", "--key-file", "key.txt", "-o", "enc", CFG1],
        cwd=root,
        capture_output=True,
        check=False,
    )
    assert encrypted.returncode == 0, encrypted.stderr
    for kind in KINDS:
        _make_bad(World(root).bad(kind), kind)
        tree = World(root).tree(kind)
        shutil.copytree(root / "good", tree)
        (tree / "0015651130f9.cfg").unlink()
        _make_bad(tree / "0015651130f9.cfg", kind)
        if kind == "fifo":
            os.mkfifo(tree / "phones.tpl")  # sniffed for a template header: never opened
    yield World(root)
    for kind in KINDS:
        for path in (World(root).bad(kind), World(root).tree(kind) / "0015651130f9.cfg"):
            if path.exists() and not path.is_symlink():
                path.chmod(0o600)


# Each command (or option) that names a file, with {bad} the hostile file and {tree} a
# provisioning directory holding it as its MAC file.
INVOCATIONS = {
    "parse": ["parse", "{bad}"],
    "parse-json": ["parse", "--format", "json", "{bad}"],
    "lint": ["lint", "{bad}"],
    "lint-dir": ["lint", "{tree}"],
    "lint-fix": ["lint", "--fix", "{bad}"],
    "lint-diff": ["lint", "--diff", "{bad}"],
    "lint-inventory": ["lint", "--inventory", "{bad}", "phone.cfg.tmpl"],
    "fmt": ["fmt", "{bad}"],
    "fmt-check-dir": ["fmt", "--check", "{tree}"],
    "validate": ["validate", "--model", "T46G", "{bad}"],
    "validate-dir": ["validate", "{tree}"],
    "effective-dir": ["effective", "{tree}", "--mac", "0015651130f9"],
    "effective-mac-file": ["effective", "--mac-file", "{bad}"],
    "effective-common": ["effective", "--common", "{bad}", "--mac-file", "good/0015651130f9.cfg"],
    "diff-files": ["diff", "{bad}", "good/0015651130f9.cfg"],
    "diff-trees": ["diff", "good", "{tree}"],
    "diff-trees-effective": ["diff", "--effective", "good", "{tree}"],
    "encrypt": ["encrypt", "--key-file", "key.txt", "-o", "{out}", "{bad}"],
    "encrypt-key-file": ["encrypt", "--key-file", "{bad}", "-o", "{out}", CFG1],
    "encrypt-rsa-public": [
        "encrypt",
        "--mode",
        "rsa",
        "--rsa-public",
        "{bad}",
        "-o",
        "{out}",
        CFG1,
    ],
    "decrypt": ["decrypt", "--key-file", "key.txt", "-o", "{out}", "{bad}"],
    "decrypt-key-file": ["decrypt", "--key-file", "{bad}", "-o", "{out}", "enc"],
    "decrypt-rsa-private": ["decrypt", "--rsa-private", "{bad}", "-o", "{out}", "enc"],
    "render-template": ["render", "{bad}", "--inventory", "inventory.csv", "--out", "{out}"],
    "render-inventory": ["render", "phone.cfg.tmpl", "--inventory", "{bad}", "--out", "{out}"],
}


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    elapsed: float
    crash: str | None


def run_batch(
    root: Path, cases: list[tuple[str, list[str], str | None]], *, drop_dac: bool = False
) -> dict[str, Outcome | str]:
    """Each case's outcome, or why it has none (the case that hung, or the child's error)."""
    wrapper = DROP_DAC if drop_dac and os.geteuid() == 0 else []
    child = subprocess.Popen(
        [*wrapper, sys.executable, "-c", BATCH],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "HOME": str(root)},
    )
    try:
        stdout, stderr = child.communicate(json.dumps(cases).encode(), LIMIT_S * len(cases))
    except subprocess.TimeoutExpired:
        child.kill()
        stdout, stderr = child.communicate()
    outcomes: dict[str, Outcome | str] = {}
    for line in stdout.decode().splitlines():
        name, *fields = json.loads(line)
        outcomes[name] = Outcome(*fields)
    started = stderr.decode().splitlines()
    for name, _, _ in cases:
        if name not in outcomes:
            hung = started and started[-1] == name
            outcomes[name] = (
                f"{name}: still running after the time limit"
                if hung
                else (f"{name}: never ran; the child said {stderr.decode()[-2000:]}")
            )
    return outcomes


def outcome_of(outcomes: dict[str, Outcome | str], name: str) -> Outcome:
    outcome = outcomes[name]
    if isinstance(outcome, str):
        pytest.fail(outcome)
    assert outcome.crash is None, outcome.crash
    assert outcome.elapsed < LIMIT_S, f"{name} took {outcome.elapsed:.1f} s"
    return outcome


@pytest.fixture(scope="module")
def hostile_outcomes(world: World) -> Callable[[str], dict[str, Outcome | str]]:
    """The outcomes of every invocation on one kind of hostile file, run on first use."""
    by_kind: dict[str, dict[str, Outcome | str]] = {}

    def outcomes(kind: str) -> dict[str, Outcome | str]:
        if kind not in by_kind:
            out = world.root / "out" / kind
            out.mkdir(parents=True)
            out.chmod(0o777)
            cases = [
                (
                    name,
                    [
                        a.format(bad=world.bad(kind), tree=world.tree(kind), out=out / name)
                        for a in argv
                    ],
                    None,
                )
                for name, argv in INVOCATIONS.items()
            ]
            by_kind[kind] = run_batch(world.root, cases, drop_dac=kind == "unreadable")
        return by_kind[kind]

    return outcomes


CAUSES = {
    "fifo": "a FIFO (named pipe), not a regular file",
    "dev-zero": "a character device, not a regular file",
    "symlink-loop": "symbolic link loop",
    "unreadable": "cannot read: permission denied",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(INVOCATIONS))
def test_every_command_refuses_hostile_file_in_one_line(
    world: World, hostile_outcomes: Callable[[str], dict[str, Outcome | str]], kind: str, name: str
) -> None:
    outcome = outcome_of(hostile_outcomes(kind), name)
    assert outcome.code == 2, outcome
    assert "Traceback" not in outcome.stderr and "Usage:" not in outcome.stderr
    # One line (`cfgtool: error: PATH: cause`, or the command's per-file `PATH: error: cause`).
    errors = [line for line in outcome.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, outcome.stderr
    assert f"0015651130f9.cfg: {CAUSES[kind]}" in errors[0], errors[0]
    assert not (world.root / "out" / kind / name).exists()


STDIN_COMMANDS = ["lint", "validate", "parse", "fmt --check", "diff"]
DOTTED_INVOCATIONS = {
    "lint": ["lint", "dotted.cfg"],
    "validate": ["validate", "--model", "T46G", "dotted.cfg"],
    "fmt": ["fmt", "--check", "dotted.cfg"],
    "parse": ["parse", "--format", "json", "dotted.cfg"],
    "diff": ["diff", "dotted.cfg", "good/0015651130f9.cfg"],
    "effective": ["effective", "--mac-file", "dotted.cfg"],
    "encrypt": ["encrypt", "--key-file", "key.txt", "-o", "out/dotted", "dotted.cfg"],
    "explain": ["explain", "a." * 50_000 + "x"],
    "lint-select": ["lint", "--select", "CFG" + "1" * 100_000, "dotted.cfg"],
}


@pytest.fixture(scope="module")
def stream_outcomes(world: World) -> dict[str, Outcome | str]:
    cases: list[tuple[str, list[str], str | None]] = [
        (
            f"stdin {command}",
            ["--max-file-size", "4M", *command.split(), "-"]
            + (["good/0015651130f9.cfg"] if command == "diff" else []),
            "/dev/zero",
        )
        for command in STDIN_COMMANDS
    ]
    cases += [(f"dotted {name}", argv, None) for name, argv in DOTTED_INVOCATIONS.items()]
    return run_batch(world.root, cases)


@pytest.mark.parametrize("command", STDIN_COMMANDS)
def test_stdin_from_dev_zero_is_capped(
    stream_outcomes: dict[str, Outcome | str], command: str
) -> None:
    outcome = outcome_of(stream_outcomes, f"stdin {command}")
    assert outcome.code == 2
    errors = [line for line in outcome.stderr.splitlines() if "error:" in line]
    assert errors == [
        "cfgtool: error: <stdin>: larger than the maximum file size of 4 MiB"
        " (raise it with cfgtool --max-file-size or CFGTOOL_MAX_FILE_SIZE)"
    ], outcome.stderr


@pytest.mark.parametrize("name", sorted(DOTTED_INVOCATIONS))
def test_dotted_megabyte_line_finishes_fast(
    stream_outcomes: dict[str, Outcome | str], name: str
) -> None:
    outcome = outcome_of(stream_outcomes, f"dotted {name}")
    assert outcome.code in (0, 1, 2), outcome.stderr
    assert "Traceback" not in outcome.stderr
