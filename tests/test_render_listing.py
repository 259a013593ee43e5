"""The compact listing of an output directory: what was there, what is produced, what is stale."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cfgtool.rendering.batch import _stale_files
from cfgtool.rendering.output import existing_mac_files, list_mac_files, mac_files
from cfgtool.rendering.results import Phone, Phones
from cfgtool.rendering.template import Layout, RowProblem


def _tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith("/"):
            path.mkdir(exist_ok=True)
        else:
            path.write_text("x")


def test_a_listing_holds_every_mac_file_name_of_its_folders(tmp_path: Path) -> None:
    _tree(tmp_path, ["0015651130f9.cfg", "0015651130fa.cfg/", "T46G/0015651130fb.cfg", "notes.txt",
                     "0015651130FC.cfg", "T48G/0015651130fd.cfg"])  # fmt: skip
    listed = list_mac_files(os.fspath(tmp_path), {"", "T46G", "gone"})
    assert listed is not None and listed.count == 3
    # Of any kind (a directory of that name is listed: its target is compared and refused).
    assert "0015651130f9.cfg" in listed and "0015651130fa.cfg" in listed
    assert "T46G/0015651130fb.cfg" in listed and "0015651130fb.cfg" not in listed
    assert "T48G/0015651130fd.cfg" not in listed  # a folder not listed: nothing there
    assert "0015651130fc.cfg" not in listed and "gone/0015651130f9.cfg" not in listed
    assert "other.cfg" in listed  # no <mac>.cfg name: taken as there, compared
    positions = {listed.find(name) for name in ("0015651130f9.cfg", "0015651130fa.cfg")}
    assert positions in ({0, 1}, {1, 2}) and listed.find("0015651130fc.cfg") is None
    assert listed.find("T46G/0015651130fb.cfg") is not None


def test_a_folder_that_cannot_be_listed_gives_no_listing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert list_mac_files(os.fspath(tmp_path), {"", "file"}) is None


def _phone(path: str) -> Phone:
    mac = path.rsplit("/", 1)[-1][:12]
    return Phone(mac, "T46G", path, "0" * 32, "written")


@pytest.mark.parametrize("layout", ["flat", "pn"])
def test_stale_files_are_those_no_phone_writes(tmp_path: Path, layout: Layout) -> None:
    names = ["0015651130f9.cfg", "0015651130fa.cfg", "T46G/0015651130fb.cfg",
             "T46G/0015651130fc.cfg", "0015651130fd.cfg"]  # fmt: skip
    _tree(tmp_path, names)
    os.symlink("0015651130f9.cfg", tmp_path / "0015651130ff.cfg")  # never stale
    listed = list_mac_files(os.fspath(tmp_path), {"", "T46G"})
    _tree(tmp_path, ["0015651130ee.cfg", "T46G/0015651130ef.cfg"])  # appeared since
    phones = Phones(
        [_phone("0015651130f9.cfg"), _phone("T46G/0015651130fb.cfg"), _phone("0015651130ee.cfg")]
    )
    refused = [RowProblem("p.csv", 3, None, None, "bad", "0015651130fd")]
    found = _stale_files(tmp_path, layout, phones, refused, listed)
    written = {"0015651130f9.cfg", "T46G/0015651130fb.cfg", "0015651130ee.cfg"}
    expected = sorted(set(existing_mac_files(tmp_path, layout)) - written - {"0015651130fd.cfg"})
    assert found == expected
    assert found == (
        ["0015651130fa.cfg", "T46G/0015651130ef.cfg", "T46G/0015651130fc.cfg"]
        if layout == "pn"
        else ["0015651130fa.cfg"]
    )
    assert _stale_files(tmp_path, layout, phones, refused, None) == found
    assert sorted(mac_files(tmp_path, layout)) == existing_mac_files(tmp_path, layout)


def test_phones_give_each_file_as_folder_and_number() -> None:
    phones = Phones([_phone("0015651130f9.cfg"), _phone("T46G/0015651130fa.cfg"),
                     Phone("0015651130fb", None, "0015651130fb.cfg", "", "new"),
                     Phone("0015651130fc", None, "odd name.cfg", "", "new")])  # fmt: skip
    assert list(phones.numbers()) == [
        ("", 0x0015651130F9), ("T46G", 0x0015651130FA), ("", 0x0015651130FB), ("", -1)
    ]  # fmt: skip
