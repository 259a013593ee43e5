"""A render into a new output directory: written hidden beside it, renamed into place whole.

The files of a new ``--out`` go straight to their names in ``.<out>.<8 hex>.new`` and
one rename shows them all. Everything a render into an existing, empty directory
gives must stay the same: the files, their bytes and modes, the result, the refusals.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import cfgtool
from cfgtool.dirlock import LOCK_NAME, locked
from cfgtool.errors import CfgIOError
from cfgtool.new_directory import NewDirectory, hidden_name, write_new_file
from cfgtool.rendering import parse_inventory, render_batch

HEADER = "#!version:1.0.0.1\n"
TEMPLATE = HEADER + "account.1.enable = 1\naccount.1.label = {{ label }}\n"
MACS = [f"{0x001565000000 + i:012x}" for i in range(40)]


def template() -> cfgtool.Document:
    return cfgtool.loads(TEMPLATE, filename="phones.cfg.tmpl")


def inventory(rows: list[str]) -> cfgtool.rendering.Inventory:
    return parse_inventory("\n".join(["mac,model,label", *rows]) + "\n", "phones.csv")


def phones(count: int = 40) -> list[str]:
    return [f"{mac},T46G,Desk {i}" for i, mac in enumerate(MACS[:count])]


def tree(root: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every entry under ``root``: bytes (None for a directory) and permission bits."""
    found: dict[str, tuple[bytes | None, int]] = {}
    for path in sorted(root.rglob("*")):
        mode = stat.S_IMODE(path.lstat().st_mode)
        found[str(path.relative_to(root))] = (None if path.is_dir() else path.read_bytes(), mode)
    return found


def hidden(parent: Path, name: str = "out") -> list[str]:
    pattern = hidden_name(name)
    return [entry for entry in os.listdir(parent) if pattern.fullmatch(entry)]


def render_both(
    tmp_path: Path, rows: list[str], **options: object
) -> Iterator[tuple[Path, cfgtool.rendering.BatchResult | Exception]]:
    """Render ``rows`` into a new directory and into an existing empty one."""
    for name, make in (("new", False), ("existing", True)):
        out = tmp_path / name / "out"
        out.parent.mkdir()
        if make:
            out.mkdir()
        if options.get("manifest"):
            options = {**options, "manifest": out / "manifest.json"}
        try:
            result: cfgtool.rendering.BatchResult | Exception = render_batch(
                template(),
                inventory(rows),
                out,
                **options,
            )
        except CfgIOError as exc:
            result = exc
        yield out, result


def comparable(result: cfgtool.rendering.BatchResult | Exception, out: Path) -> object:
    if isinstance(result, Exception):
        return str(result).replace(os.fspath(out), "OUT")
    return json.dumps(result.to_dict(), sort_keys=True).replace(os.fspath(out), "OUT")


@pytest.mark.parametrize(
    ("rows", "options"),
    [
        (phones(), {}),
        (phones(), {"jobs": 2}),
        (phones(3), {"layout": "pn"}),
        ([*phones(5), f"{MACS[0]},T46G,Again"], {"keep_going": True}),  # duplicate MAC
        ([*phones(5), f"{MACS[0]},T46G,Again"], {}),
        ([*phones(5), "not-a-mac,T46G,Bad"], {"keep_going": True}),
        ([*phones(5), f"{MACS[9]},T46G,bad\nvalue"], {}),
        (phones(4), {"manifest": "MANIFEST"}),
        (phones(4), {"dry_run": True}),
    ],
    ids=[
        "flat",
        "jobs-2",
        "pn",
        "duplicate-keep-going",
        "duplicate",
        "bad-mac-keep-going",
        "bad-value",
        "manifest",
        "dry-run",
    ],
)
def test_a_new_out_gets_what_an_existing_empty_one_gets(
    tmp_path: Path, rows: list[str], options: dict[str, object]
) -> None:
    seen = []
    for out, result in render_both(tmp_path, rows, **options):
        seen.append(
            (
                comparable(result, out),
                tree(out) if out.exists() else None,
                hidden(out.parent),
                os.path.exists(out / LOCK_NAME),
            )
        )
    new, existing = seen
    assert new[2] == [] and not new[3]  # no hidden directory, no lock file left
    if existing[1] == {}:  # nothing written: a new out is not made at all
        assert new[1] is None
        assert new[0] == existing[0]
    else:
        assert new == existing


def test_the_manifest_inside_a_new_out_is_written_with_the_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = render_batch(template(), inventory(phones(3)), out, manifest=out / "phones.json")
    assert sorted(os.listdir(out)) == sorted([f"{mac}.cfg" for mac in MACS[:3]] + ["phones.json"])
    assert json.loads((out / "phones.json").read_text()).keys() == set(MACS[:3])
    assert result.manifest == os.fspath(out / "phones.json")


def test_a_new_out_keeps_the_mode_of_new_files_under_a_strict_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        render_batch(template(), inventory(phones(2)), tmp_path / "out", jobs=1)
    finally:
        os.umask(old)
    modes = {stat.S_IMODE(path.stat().st_mode) for path in (tmp_path / "out").iterdir()}
    assert modes == {0o644}


def test_a_failed_render_into_a_new_out_leaves_no_directory_at_all(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "out"
    result = render_batch(template(), inventory([*phones(3), "nope,T46G,x"]), out)
    assert result.wrote_nothing
    assert os.listdir(tmp_path) == []  # the parents made for it are gone too


def test_an_interrupted_render_into_a_new_out_removes_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(self: NewDirectory) -> None:
        assert len(os.listdir(self.path)) == 4  # 3 files and the lock
        raise KeyboardInterrupt

    monkeypatch.setattr(NewDirectory, "commit", interrupt)
    with pytest.raises(KeyboardInterrupt):
        render_batch(template(), inventory(phones(3)), tmp_path / "out", jobs=1)
    assert os.listdir(tmp_path) == []


def test_a_hidden_directory_a_killed_run_left_is_removed_a_live_ones_kept(tmp_path: Path) -> None:
    dead = tmp_path / ".out.0badc0de.new"
    (dead / "sub").mkdir(parents=True)
    (dead / "sub" / f"{MACS[0]}.cfg").write_text("half")
    live = tmp_path / ".out.0000cafe.new"
    live.mkdir()
    other = tmp_path / ".other.0badc0de.new"  # another directory's: not this run's business
    other.mkdir()
    with locked(live, "render"):
        render_batch(template(), inventory(phones(2)), tmp_path / "out")
        assert sorted(os.listdir(tmp_path)) == [".other.0badc0de.new", ".out.0000cafe.new", "out"]


def test_a_directory_made_meanwhile_at_the_target_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with NewDirectory(out, "render") as new:
        assert write_new_file(os.path.join(new.path, "a.cfg"), b"mine\n", None)
        out.mkdir()
        (out / "theirs.cfg").write_text("theirs\n")
        with pytest.raises(CfgIOError, match="appeared while cfgtool was writing it"):
            new.commit()
    assert sorted(os.listdir(tmp_path)) == ["out"]
    assert os.listdir(out) == ["theirs.cfg"]


def test_the_lock_moves_with_the_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with NewDirectory(out, "render") as new:
        new.commit()
        with (
            pytest.raises(CfgIOError, match="being written by another cfgtool run"),
            locked(out, "render"),
        ):
            pass  # pragma: no cover - the lock is held
    assert os.listdir(out) == []


def test_write_new_file_never_replaces_a_file(tmp_path: Path) -> None:
    path = os.fspath(tmp_path / "a.cfg")
    assert write_new_file(path, b"one\n", None)
    assert not write_new_file(path, b"two\n", None)
    assert Path(path).read_bytes() == b"one\n"
    os.symlink(tmp_path / "elsewhere", tmp_path / "link.cfg")
    assert not write_new_file(os.fspath(tmp_path / "link.cfg"), b"x", None)
    assert not (tmp_path / "elsewhere").exists()
