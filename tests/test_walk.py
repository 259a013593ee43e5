"""inputs.walk: the one directory walker, and the options each command picks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cfgtool.errors import CfgIOError
from cfgtool.inputs import walk

FILES = (
    "y000000000028.cfg",
    "phones.cfg.tmpl",
    "UPPER.CFG",
    "firmware.rom",
    ".hidden.cfg",
    "T46G/0015651130f9.cfg",
    "T46G/deep/0015651130fa.cfg",
    ".git/0015651130fb.cfg",
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in FILES:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!version:1.0.0.1\n")
    return tmp_path


def relative(root: Path, paths: list[str]) -> list[str]:
    return [os.path.relpath(path, root).replace(os.sep, "/") for path in paths]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # lint DIR: *.cfg and *.cfg.tmpl in any case at every level, hidden names skipped
        (
            {},
            [
                "phones.cfg.tmpl",
                "UPPER.CFG",
                "y000000000028.cfg",
                "T46G/0015651130f9.cfg",
                "T46G/deep/0015651130fa.cfg",
            ],
        ),
        # encrypt DIR: .cfg in any case, top level only, hidden files too
        (
            {"suffixes": (".cfg",), "max_depth": 0, "hidden": True},
            [".hidden.cfg", "UPPER.CFG", "y000000000028.cfg"],
        ),
        # render --prune, $PN layout: one directory down
        (
            {"suffixes": (".cfg",), "max_depth": 1},
            ["UPPER.CFG", "y000000000028.cfg", "T46G/0015651130f9.cfg"],
        ),
        # a caller that wants the exact suffix
        (
            {"suffixes": (".cfg",), "ignore_case": False, "max_depth": 0},
            ["y000000000028.cfg"],
        ),
        # diff: every file, hidden names skipped
        (
            {"suffixes": None},
            [
                "firmware.rom",
                "phones.cfg.tmpl",
                "UPPER.CFG",
                "y000000000028.cfg",
                "T46G/0015651130f9.cfg",
                "T46G/deep/0015651130fa.cfg",
            ],
        ),
    ],
)
def test_walk_options(tree: Path, options: dict[str, object], expected: list[str]) -> None:
    found = relative(tree, walk(str(tree), **options))  # type: ignore[arg-type]
    assert sorted(found) == sorted(expected)
    assert found == sorted(found, key=lambda path: path.split("/"))


def test_excluded_directories_are_not_entered(tree: Path) -> None:
    found = relative(tree, walk(str(tree), is_excluded=lambda path: path.endswith("T46G")))
    assert found == ["UPPER.CFG", "phones.cfg.tmpl", "y000000000028.cfg"]


def test_symlinks_can_be_skipped(tree: Path) -> None:
    (tree / "link.cfg").symlink_to(tree / "y000000000028.cfg")
    assert "link.cfg" in relative(tree, walk(str(tree), max_depth=0))
    assert "link.cfg" not in relative(tree, walk(str(tree), max_depth=0, symlinks=False))


def test_a_directory_that_cannot_be_read_raises_only_when_strict(tmp_path: Path) -> None:
    missing = str(tmp_path / "gone")
    with pytest.raises(CfgIOError, match="cannot read directory"):
        walk(missing)
    assert walk(missing, strict=False) == []
