"""Effective configuration: Common, then MAC, then MAC-local, the last value winning."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cfgtool
from cfgtool.errors import CfgError
from cfgtool.parser import loads
from cfgtool.provisioning import Setting, effective, phone_files

HEADER = "#!version:1.0.0.1\n"
DATA_TREE = Path(__file__).resolve().parent / "data" / "tree"


def doc(text: str, name: str) -> cfgtool.Document:
    return loads(HEADER + text, filename=name)


COMMON = doc("lang.gui = English\nlocal_time.time_zone = +1\naccount.1.label = A\n", "y28.cfg")
MAC = doc("account.1.label = B\naccount.1.user_name = 2001\n", "mac.cfg")
LOCAL = doc("account.1.label = C\n", "local.cfg")


def test_mac_file_wins_over_common() -> None:
    settings = effective(COMMON, MAC)
    assert settings["account.1.label"] == Setting("B", "mac.cfg", 2)
    assert settings["lang.gui"] == Setting("English", "y28.cfg", 2)
    assert settings["account.1.user_name"] == Setting("2001", "mac.cfg", 3)


def test_local_file_wins_over_both() -> None:
    settings = effective(COMMON, MAC, LOCAL)
    assert settings["account.1.label"] == Setting("C", "local.cfg", 2)
    assert settings["local_time.time_zone"].file == "y28.cfg"


def test_last_line_wins_within_a_file() -> None:
    twice = doc("lang.gui = German\nlang.gui = French\n", "mac.cfg")
    assert effective(COMMON, twice)["lang.gui"] == Setting("French", "mac.cfg", 3)


def test_keys_keep_first_appearance_order() -> None:
    assert list(effective(COMMON, MAC, LOCAL)) == [
        "lang.gui",
        "local_time.time_zone",
        "account.1.label",
        "account.1.user_name",
    ]


def test_several_common_files_apply_in_order() -> None:
    all_models = doc("lang.gui = Polish\nfeatures.dnd.enable = 1\n", "y000000000000.cfg")
    settings = effective([all_models, COMMON], None)
    assert settings["lang.gui"].file == "y28.cfg"
    assert settings["features.dnd.enable"].file == "y000000000000.cfg"


def test_missing_layers_and_unnamed_documents() -> None:
    assert effective(None, None) == {}
    unnamed = loads("lang.gui = German\n")
    assert effective(None, unnamed)["lang.gui"] == Setting("German", "<mac>", 1)
    assert effective(None, None, unnamed)["lang.gui"].file == "<local>"


def test_paths_are_read(tmp_path: Path) -> None:
    common = tmp_path / "y000000000028.cfg"
    common.write_text(HEADER + "lang.gui = English\n", encoding="utf-8")
    mac = tmp_path / "0015651130f9.cfg"
    mac.write_text(HEADER + "lang.gui = German\n", encoding="utf-8")
    assert effective(str(common), mac)["lang.gui"] == Setting("German", str(mac), 2)


def test_values_are_not_masked_by_the_library() -> None:
    secret = doc("account.1.password = s3cret\n", "mac.cfg")
    assert effective(None, secret)["account.1.password"].value == "s3cret"


def test_public_name() -> None:
    assert cfgtool.effective is effective
    assert Setting("v", "f.cfg", 3).to_dict() == {"value": "v", "file": "f.cfg", "line": 3}


LAYER = st.dictionaries(
    st.sampled_from(
        ["lang.gui", "account.1.label", "features.dnd.enable", "local_time.ntp_server1"]
    ),
    st.text(alphabet="abc019", max_size=4),
    max_size=4,
)


@given(st.lists(LAYER, min_size=1, max_size=4))
def test_effective_equals_merging_each_files_settings(layers: list[dict[str, str]]) -> None:
    docs = [
        loads(HEADER + "".join(f"{k} = {v}\n" for k, v in layer.items()), filename=f"{i}.cfg")
        for i, layer in enumerate(layers)
    ]
    *commons, mac = docs
    merged: dict[str, str] = {}
    for layer in layers:
        merged.update(layer)
    assert {k: s.value for k, s in effective(commons, mac).items()} == merged


# --- the files a phone reads in a tree -------------------------------------------------------


def test_phone_files_in_the_pn_layout() -> None:
    phone = phone_files(DATA_TREE / "pn", "00:15:65:11:30:F9")
    root = DATA_TREE / "pn"
    assert phone.mac == "0015651130f9"
    assert phone.commons == (str(root / "T46G" / "y000000000028.cfg"),)
    assert phone.mac_file == str(root / "T46G" / "0015651130f9.cfg")
    assert phone.local_file == str(root / "T46G" / "0015651130f9-local.cfg")
    assert phone.model is not None and phone.model.name == "T46G"
    settings = effective(phone.commons, phone.mac_file, phone.local_file)
    assert settings["account.1.label"] == Setting("Front desk", phone.local_file, 2)
    assert settings["lang.gui"].file == phone.commons[0]


def test_phone_files_all_models_file_first_then_the_commented_model() -> None:
    phone = phone_files(DATA_TREE / "flat", "001565000041")
    assert [Path(p).name for p in phone.commons] == ["y000000000000.cfg", "y000000000036.cfg"]
    assert phone.local_file is None and phone.model is not None and phone.model.name == "T41P"


def test_phone_files_errors(tmp_path: Path) -> None:
    with pytest.raises(CfgError, match=r"no 0015651130f9\.cfg"):
        phone_files(tmp_path, "0015651130f9")
    with pytest.raises(CfgError, match="not a MAC address"):
        phone_files(tmp_path, "00:15")
    for name in ("a/0015651130f9.cfg", "b/0015651130f9.cfg"):
        (tmp_path / name).parent.mkdir()
        (tmp_path / name).write_text(HEADER, encoding="utf-8")
    with pytest.raises(CfgError, match="2 files for phone 0015651130f9"):
        phone_files(tmp_path, "0015651130f9")
