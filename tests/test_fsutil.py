"""Atomic writes: nothing half-written, nothing left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfgtool import blocks, staged_files
from cfgtool.errors import CfgIOError
from cfgtool.fsutil import TEMP_NAME, Staging, atomic_write_bytes, atomic_write_many
from cfgtool.staged_files import StagedFiles


def test_atomic_write_sets_mode_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "keys.csv"
    atomic_write_bytes(target, b"file,key\n", mode=0o600)
    assert target.read_bytes() == b"file,key\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["keys.csv"]


def test_write_many_replaces_all_and_keeps_modes(tmp_path: Path) -> None:
    old = tmp_path / "a.cfg"
    old.write_bytes(b"old")
    os.chmod(old, 0o640)
    atomic_write_many([(old, b"new a"), (tmp_path / "b.cfg", b"new b")])
    assert old.read_bytes() == b"new a" and (tmp_path / "b.cfg").read_bytes() == b"new b"
    assert old.stat().st_mode & 0o777 == 0o640
    assert sorted(os.listdir(tmp_path)) == ["a.cfg", "b.cfg"]


def test_write_many_failure_changes_no_target_and_cleans_up(tmp_path: Path) -> None:
    kept = tmp_path / "a.cfg"
    kept.write_bytes(b"old")
    with pytest.raises(CfgIOError):
        atomic_write_many([(kept, b"new"), (tmp_path / "missing-dir" / "b.cfg", b"x")])
    assert kept.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["a.cfg"]


def test_write_many_never_reuses_an_existing_temp_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = tmp_path / ".a.cfg.00000000.tmp"
    planted.symlink_to(tmp_path / "elsewhere")
    names = iter([b"\0\0\0\0", b"\1\1\1\1"])
    monkeypatch.setattr(os, "urandom", lambda size: next(names))
    atomic_write_many([(tmp_path / "a.cfg", b"new")])
    assert (tmp_path / "a.cfg").read_bytes() == b"new"
    assert planted.is_symlink() and not (tmp_path / "elsewhere").exists()
    assert sorted(os.listdir(tmp_path)) == [".a.cfg.00000000.tmp", "a.cfg"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_file_staged_the_short_way_gets_mode_644_whatever_the_umask(
    tmp_path: Path, umask: int
) -> None:
    old = os.umask(umask)
    try:
        with Staging() as staging, staging.deferring_signals():
            temp = staging.stage_new(str(tmp_path / "a.cfg"), b"a")
            temp2 = staging.stage_new(str(tmp_path / "b.cfg"), b"b")
            assert TEMP_NAME.fullmatch(os.path.basename(temp)) and temp != temp2
            staging.commit()
    finally:
        os.umask(old)
    assert (tmp_path / "a.cfg").read_bytes() == b"a"
    assert (tmp_path / "a.cfg").stat().st_mode & 0o777 == 0o644
    assert sorted(os.listdir(tmp_path)) == ["a.cfg", "b.cfg"]


def test_files_staged_the_short_way_are_removed_when_not_committed(tmp_path: Path) -> None:
    with Staging() as staging:
        staging.stage_new(str(tmp_path / "a.cfg"), b"a")  # outside deferring_signals too
    assert os.listdir(tmp_path) == []


def test_staging_keeps_each_pair_it_takes_over(tmp_path: Path) -> None:
    """A temp file named after its target is kept by name alone; any other pair as it is."""
    pairs = [
        (f"{tmp_path}/.a.cfg.0000000a.tmp", f"{tmp_path}/a.cfg"),
        (".b.cfg.0000000b.tmp", "b.cfg"),
        (f"{tmp_path}/.c.cfg.0000000c.tmp", f"{tmp_path}/other.cfg"),
        ("x", "y"),
    ]
    staging = Staging()
    staging.adopt(pairs)
    assert len(staging) == 4 and staging.release() == pairs


_NAME = st.text(alphabet="ab.é\udcff", min_size=1, max_size=6)
_TEMP_PAIR = st.builds(
    lambda folder, name, number: (f"{folder}.{name}.{number:08x}.tmp", folder + name),
    st.sampled_from(["", "/", "out/", "/srv/tftp/T46G/"]),
    _NAME,
    st.integers(0, 0xFFFFFFFF),
)
_OTHER_PAIR = st.tuples(st.sampled_from(["x", ".a.cfg.0000000A.tmp", "d/.a.1.tmp"]), _NAME)


@given(pairs=st.lists(st.one_of(_TEMP_PAIR, _OTHER_PAIR), max_size=8), data=st.data())
def test_staged_files_give_back_every_pair_in_order(
    pairs: list[tuple[str, str]], data: st.DataObject
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staged_files, "_PENDING", 3)  # most pairs kept compactly
        patch.setattr(blocks, "BLOCK_BYTES", 16)
        staged = StagedFiles(pairs[:2])
        staged.extend(pairs[2:5])
        for pair in pairs[5:]:
            staged.append(*pair)
    assert list(staged) == pairs and len(staged) == len(pairs)
    assert list(staged.temps()) == [temp for temp, _ in pairs]
    assert staged.directories() == {os.path.dirname(target) for _, target in pairs}
    gone = data.draw(st.sets(st.integers(0, max(0, len(pairs) - 1))))
    assert list(staged.without(gone)) == [p for i, p in enumerate(pairs) if i not in gone]


def test_staged_files_are_dropped_by_position(tmp_path: Path) -> None:
    with Staging() as staging, staging.deferring_signals():
        temps = [staging.stage_new(str(tmp_path / f"{name}.cfg"), b"x") for name in "abcd"]
        staging.drop_at([2, 0, 2])
        assert sorted(os.listdir(tmp_path)) == sorted(os.path.basename(t) for t in temps[1::2])
        staging.drop([(temps[3], str(tmp_path / "d.cfg"))])
        staging.commit()
    assert os.listdir(tmp_path) == ["b.cfg"]
