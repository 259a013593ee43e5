"""The phone emulator's small pieces: firmware, URLs, boot files, keys, merge, state, reboot."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cfgtool
from cfgtool.catalog import find_model
from cfgtool.errors import CfgValueError
from cfgtool.phone.boot import Include, boot_includes
from cfgtool.phone.decrypt import PhoneKeys, aes_key_for, is_plain_cfg, mode_of
from cfgtool.phone.firmware import Firmware, resolve_firmware
from cfgtool.phone.merge import flag, merge_layers
from cfgtool.phone.reboot import decide_reboot, setting_changes, weigh_changes
from cfgtool.phone.state import PhoneState, is_unchanged, load_state, save_state
from cfgtool.phone.urls import plan_urls, resolve, split_credentials
from cfgtool.phone.workers import Layer, make_layer, parse_text


def model(name: str):  # type: ignore[no-untyped-def]
    found = find_model(name)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("name", "spec", "expected"),
    [
        ("T46G", None, Firmware(83, "28.83.0.120")),
        ("T19P_E2", None, Firmware(84, "53.84.0.125")),
        ("T46G", "81", Firmware(81, "28.81.0.110")),
        ("T46G", "v82", Firmware(82, "28.82.0.30")),
        ("T46G", "84", Firmware(84, "28.84.0.0")),
        ("T46G", "84.0.0.10", Firmware(84, "28.84.0.10")),
        ("T46G", "28.83.0.50", Firmware(83, "28.83.0.50")),
        ("T54W", "96.86.0.45", Firmware(86, "96.86.0.45")),
    ],
)
def test_resolve_firmware(name: str, spec: str | None, expected: Firmware) -> None:
    assert resolve_firmware(model(name), spec) == expected


@pytest.mark.parametrize("spec", ["latest", "8", "1.2"])
def test_resolve_firmware_rejects_nonsense(spec: str) -> None:
    with pytest.raises(CfgValueError, match="--firmware"):
        resolve_firmware(model("T46G"), spec)


@pytest.mark.parametrize(
    ("url", "user", "password", "plain"),
    [
        ("ftp://bob:pw@10.0.0.1/x/", "bob", "pw", "ftp://10.0.0.1/x/"),
        ("http://bob:p%40ss@h/", "bob", "p@ss", "http://h/"),
        ("http://bob@h/", "bob", None, "http://h/"),
        ("tftp://h/a@b/", None, None, "tftp://h/a@b/"),
        ("h/x", None, None, "h/x"),
    ],
)
def test_split_credentials(url: str, user: str | None, password: str | None, plain: str) -> None:
    assert split_credentials(url) == (plain, user, password)


def test_plan_urls_directory_and_single_file() -> None:
    plan = plan_urls("tftp://10.0.0.1/$PN/?x=1", model("T42G"), "00156543EC97")
    assert plan.common == "tftp://10.0.0.1/T42G/y000000000029.cfg?x=1"
    assert plan.mac_boot == "tftp://10.0.0.1/T42G/00156543ec97.boot?x=1"
    assert plan.local == "tftp://10.0.0.1/T42G/00156543ec97-local.cfg?x=1"
    single = plan_urls("http://h/prov/phone.cfg", model("T42G"), "00156543EC97")
    assert single.single == "http://h/prov/phone.cfg"


@pytest.mark.parametrize(
    ("base", "reference", "expected"),
    [
        ("http://h/a/b.boot", "c.cfg", "http://h/a/c.cfg"),
        ("http://h/a/b.boot", "/c.cfg", "http://h/c.cfg"),
        ("http://h/a/b.boot", "ftp://x/c.cfg", "ftp://x/c.cfg"),
        ("tftp://h:69/a/b.boot?q", "sub/c.cfg", "tftp://h:69/a/sub/c.cfg"),
    ],
)
def test_resolve(base: str, reference: str, expected: str) -> None:
    assert resolve(base, reference) == expected


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ('include:config "a.cfg"', "a.cfg"),
        ("include:config <y000000000028.cfg>", "y000000000028.cfg"),
        ("include:config http://h/x.cfg", "http://h/x.cfg"),
        ('  INCLUDE : config "dir/a b.cfg"  ', "dir/a b.cfg"),
    ],
)
def test_boot_include_forms(line: str, name: str) -> None:
    assert boot_includes(cfgtool.loads(f"#!version:1.0.0.1\n{line}\n")) == [Include(name, 2)]


def test_boot_file_without_includes_and_other_lines() -> None:
    doc = cfgtool.loads('#!version:1.0.0.1\noverwrite_mode = 1\ninclude:config ""\njunk\n')
    assert boot_includes(doc) == []


@pytest.mark.parametrize(
    ("data", "mode"),
    [
        (b"#!version:1.0.0.1\n", "plain"),
        (b"lang.gui = English\n", "plain"),
        (b"#!encrypt:1.0.0.0\r\n", "rsa"),
        (cfgtool.encrypt_bytes(b"#!version:1.0.0.1\n", "0123456789abcdef"), "aes"),
        (b"\xff\xfe\x00", "aes"),
        (b"<html>not found</html>", "plain"),
    ],
)
def test_mode_of(data: bytes, mode: str) -> None:
    assert mode_of(data) == mode


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=64))
def test_aes_ciphertext_is_never_taken_for_plain_text(value: str) -> None:
    plain = f"#!version:1.0.0.1\nlang.gui = {value}\n".encode()
    ciphertext = cfgtool.encrypt_bytes(plain, "0123456789abcdef")
    assert mode_of(ciphertext) == "aes" and not is_plain_cfg(ciphertext)


def test_aes_key_for_prefers_keys_csv_then_role() -> None:
    keys = PhoneKeys(common="C" * 16, mac="M" * 16, by_file={"T46G/y000000000028.cfg": "F" * 16})
    assert aes_key_for(keys, "y000000000028.cfg", "/T46G/y000000000028.cfg", True) == "F" * 16
    assert aes_key_for(keys, "y000000000029.cfg", "/T42G/y000000000029.cfg", True) == "C" * 16
    assert aes_key_for(keys, "0015651130f9.cfg", "/0015651130f9.cfg", False) == "M" * 16


def layer(name: str, kind: str, text: str) -> Layer:
    return make_layer(name, kind, text, parse_text(name, text, None))  # type: ignore[arg-type]


@pytest.mark.parametrize(("protect", "winner"), [(True, "local"), (False, "mac")])
def test_merge_order_and_provenance(protect: bool, winner: str) -> None:
    common = layer("y000000000028.cfg", "common", "a = 1\nb = 1\n")
    mac = layer("0015651130f9.cfg", "mac", "b = 2\nc = 2\n")
    local = layer("0015651130f9-local.cfg", "local", "c = 3\nd = 3\n")
    merged = merge_layers([common, mac], local, protect=protect)
    assert merged["a"].kind == "common" and merged["b"].kind == "mac"
    assert merged["c"].kind == winner and merged["d"].kind == "local"
    assert (merged["b"].file, merged["b"].line) == ("0015651130f9.cfg", 1)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"static.k": "1"}, True),
        ({"k": "1"}, True),
        ({"k": "0"}, False),
        ({"k": "1", "static.k": "0"}, False),
        ({}, False),
    ],
)
def test_flag_reads_both_spellings(values: dict[str, str], expected: bool) -> None:
    assert flag(values, "k") is expected


def test_state_round_trip_and_md5_rule(tmp_path: Path) -> None:
    directory = str(tmp_path / "state")
    assert load_state(directory, "0015651130f9") is None
    save_state(directory, "0015651130f9", PhoneState({"a.cfg": "x"}, {"k": "v"}))
    state = load_state(directory, "0015651130f9")
    assert state == PhoneState({"a.cfg": "x"}, {"k": "v"})
    assert is_unchanged(state, {"a.cfg": "x"})
    assert not is_unchanged(state, {"a.cfg": "y"})
    assert not is_unchanged(state, {"a.cfg": "x", "b.cfg": "z"})
    assert not is_unchanged(None, {"a.cfg": "x"})


def test_broken_state_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "0015651130f9.json").write_text("{")
    with pytest.raises(cfgtool.CfgIOError, match="delete it"):
        load_state(str(tmp_path), "0015651130f9")


def test_setting_changes_against_defaults_and_last_run() -> None:
    vlan = "static.network.vlan.internet_port_enable"
    first = setting_changes({vlan: "1", "lang.gui": "x"}, None)
    assert {c.key: c.reboot for c in first} == {vlan: True, "lang.gui": False}
    assert setting_changes({vlan: "0"}, None) == []  # the catalog's default
    later = setting_changes({"lang.gui": "y"}, {"lang.gui": "x", vlan: "1"})
    assert [(c.key, c.new) for c in later] == [("lang.gui", "y"), (vlan, None)]
    assert decide_reboot({"lang.gui": "y"}, later).keys == (vlan,)
    forced = decide_reboot({"auto_provision.reboot_force.enable": "1"}, [])
    assert forced.needed and forced.forced and forced.keys == ()


entry_lines = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", "static.a"]), st.sampled_from(["1", "2", "x y"])),
    max_size=8,
)


@settings(max_examples=40, deadline=None)
@given(st.lists(entry_lines, min_size=1, max_size=4))
def test_merge_follows_cfgtool_effective(files: list[list[tuple[str, str]]]) -> None:
    texts = ["".join(f"{key} = {value}\n" for key, value in lines) for lines in files]
    names = [f"f{index}.cfg" for index in range(len(texts))]
    layers = [layer(name, "include", text) for name, text in zip(names, texts, strict=True)]
    docs = [cfgtool.loads(text, filename=name) for name, text in zip(names, texts, strict=True)]
    expected = cfgtool.effective(docs, None)
    merged = merge_layers(layers)
    assert list(merged) == list(expected)
    assert {k: (s.value, s.file, s.line) for k, s in merged.items()} == {
        k: (s.value, s.file, s.line) for k, s in expected.items()
    }


_KEYS = st.sampled_from(
    ["static.network.vlan.internet_port_enable", "lang.gui", "account.1.enable", "x.unknown"]
)
_VALUES = st.dictionaries(_KEYS, st.sampled_from(["0", "1", "English", "x"]), max_size=4)


@settings(max_examples=200, deadline=None)
@given(_VALUES, st.one_of(st.none(), _VALUES))
def test_weigh_changes_counts_the_changes_and_their_reboot_keys(
    values: dict[str, str], previous: dict[str, str] | None
) -> None:
    changes = setting_changes(values, previous)
    expected = (len(changes), tuple(c.key for c in changes if c.reboot))
    assert weigh_changes(values, previous) == expected
