"""cfgtool.filenames: Common / MAC / MAC-local file names and MAC addresses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfgtool.errors import CfgValueError
from cfgtool.filenames import (
    classify,
    common_filename,
    is_common_filename,
    is_mac_filename,
    mac_filename,
    normalize_mac,
)


@pytest.mark.parametrize(
    "text",
    [
        "0015651130F9",
        "0015651130f9",
        "00:15:65:11:30:f9",
        "00-15-65-11-30-F9",
        "0015.6511.30f9",
        " 00:15:65:11:30:F9 ",
    ],
)
def test_normalize_mac_accepts_the_usual_spellings(text: str) -> None:
    assert normalize_mac(text) == "0015651130f9"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0015651130F",
        "0015651130F9A",
        "00:15:65:11:30-f9",
        "00:15:65:11:30:g9",
        "001565.1130f9",
        "0015:6511:30f9",
        "00 15 65 11 30 f9",
        "y000000000028",
    ],
)
def test_normalize_mac_refuses_anything_else(text: str) -> None:
    assert normalize_mac(text) is None


@given(st.binary(min_size=6, max_size=6), st.sampled_from(["", ":", "-", "."]), st.booleans())
def test_normalize_mac_round_trips_every_address(raw: bytes, sep: str, upper: bool) -> None:
    hex_digits = raw.hex().upper() if upper else raw.hex()
    if sep == ".":
        text = ".".join(hex_digits[i : i + 4] for i in range(0, 12, 4))
    else:
        text = sep.join(hex_digits[i : i + 2] for i in range(0, 12, 2)) if sep else hex_digits
    assert normalize_mac(text) == raw.hex()


@pytest.mark.parametrize(
    ("name", "kind", "hw_id", "mac"),
    [
        ("y000000000028.cfg", "common", 28, None),
        ("y000000000000.cfg", "common", 0, None),
        ("y000000000108.cfg", "common", 108, None),
        ("/srv/tftp/y000000000028.cfg", "common", 28, None),
        ("C:\\prov\\y000000000052.cfg", "common", 52, None),
        ("0015651130f9.cfg", "mac", None, "0015651130f9"),
        ("0015651130F9.cfg", "mac", None, "0015651130f9"),
        ("0015651130f9-local.cfg", "mac-local", None, "0015651130f9"),
        ("phones/0015651130f9-local.cfg", "mac-local", None, "0015651130f9"),
        ("y00000000028.cfg", "other", None, None),
        ("y0000000000028.cfg", "other", None, None),
        ("y000000000028.boot", "other", None, None),
        ("00:15:65:11:30:f9.cfg", "other", None, None),
        ("0015651130f9-contact.xml", "other", None, None),
        ("0015651130f9.cfg.tmpl", "other", None, None),
        ("site.cfg", "other", None, None),
    ],
)
def test_classify(name: str, kind: str, hw_id: int | None, mac: str | None) -> None:
    result = classify(name)
    assert (result.kind, result.hw_id, result.mac) == (kind, hw_id, mac)
    assert result.is_common is (kind == "common")
    assert result.is_mac is (kind in ("mac", "mac-local"))
    assert is_common_filename(name) is (kind == "common")
    assert is_mac_filename(name) is (kind in ("mac", "mac-local"))


def test_is_mac_filename_local_narrows() -> None:
    assert is_mac_filename("0015651130f9-local.cfg", local=True)
    assert not is_mac_filename("0015651130f9-local.cfg", local=False)
    assert is_mac_filename("0015651130f9.cfg", local=False)
    assert not is_mac_filename("0015651130f9.cfg", local=True)


def test_builders() -> None:
    assert common_filename(28) == "y000000000028.cfg"
    assert common_filename(180) == "y000000000180.cfg"
    assert mac_filename("00:15:65:11:30:F9") == "0015651130f9.cfg"
    assert mac_filename("0015651130f9", local=True) == "0015651130f9-local.cfg"
    with pytest.raises(CfgValueError, match="not a MAC address"):
        mac_filename("nope")
    with pytest.raises(CfgValueError):
        common_filename(1000)


@given(st.integers(min_value=0, max_value=999))
def test_common_filename_classifies_back(hw_id: int) -> None:
    assert classify(common_filename(hw_id)).hw_id == hw_id
