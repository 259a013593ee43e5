"""A fleet's glance at the settings (phone/glance.py, applied.glance_layers) tells what the
full reading tells: the same switches, reboot keys, resources and whether anything changes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfgtool.phone.applied import Applied, apply_layers, glance_layers
from cfgtool.phone.glance import glance, key_heads
from cfgtool.phone.layer import Layer
from cfgtool.phone.merge import MergedSettings
from cfgtool.phone.reboot import PendingChanges
from cfgtool.setting_lines import (
    read_entries,
    read_headed_settings,
    read_settings,
    read_settings_at,
    read_settings_backwards,
)

KEYS = [
    "network.vpn_enable",
    "static.network.vpn_enable",
    "network.vlan.internet_port_enable",
    "network.port.http",
    "network.802_1x.mode",
    "wui.http_enable",
    "static.wui.https_enable",
    "security.trust_certificates",
    "static.security.trust_certificates",
    "auto_provision.custom.sync",
    "static.auto_provision.custom.protect",
    "auto_provision.custom.protect",
    "auto_provision.reboot_force.enable",
    "static.auto_provision.reboot_force.enable",
    "firmware.url",
    "static.firmware.url",
    "ringtone.url",
    "remote_phonebook.data.1.url",
    "static.remote_phonebook.data.12.url",
    "lang.gui",
    "lang.wui",
    "account.1.enable",
    "account.1.label",
    "network.foo",
    "networkx.vpn_enable",
    "my.network.vpn_enable",
    "features.dnd.enable",
    "phone_setting.backlight_time",
]
VALUES = ["0", "1", "", "%NULL%", "English", "http://127.0.0.1/fw/28.83.0.120.rom", "a = b", "x"]
SHAPES = [
    "{key} = {value}",
    "{key}={value}",
    "  {key}\t=  {value}  ",
    "{key} == {value}",
    "#{key} = {value}",
    "# {key} = {value}",
    "{key}",
    "{key} x = {value}",
    "{key} = {value}\x01",
    "{key}\x01 = {value}",
    "[{key}]",
    "#!version:1.0.0.1",
    "",
    "   ",
    "=",
]


@st.composite
def texts(draw: st.DrawFn) -> str:
    lines = draw(
        st.lists(
            st.builds(
                lambda shape, key, value: shape.format(key=key, value=value),
                st.sampled_from(SHAPES),
                st.sampled_from(KEYS),
                st.sampled_from(VALUES),
            ),
            max_size=12,
        )
    )
    header = draw(st.sampled_from(["#!version:1.0.0.1\n", "", "\ufeff#!version:1.0.0.1\n"]))
    eol = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    end = draw(st.sampled_from([eol, ""]))
    return header + eol.join(lines) + end


def _layers(text_list: list[str]) -> list[Layer]:
    return [Layer(f"f{index}.cfg", "mac", text) for index, text in enumerate(text_list)]


def _same(glanced: Applied, full: Applied) -> None:
    assert glanced.switches == full.switches
    assert glanced.reboot_keys == full.reboot_keys
    assert glanced.resources == full.resources
    assert glanced.changed == full.changed


@settings(max_examples=200, deadline=None)
@given(st.lists(texts(), min_size=1, max_size=3), st.booleans())
def test_glance_layers_agree_with_the_full_reading(text_list: list[str], changes: bool) -> None:
    order = list(range(len(text_list)))[::-1]
    full = apply_layers(_layers(text_list), order, None, changes=changes)
    glanced = glance_layers(_layers(text_list), order, None, changes=changes)
    if glanced is not None:
        _same(glanced, full)
        assert glanced.changes == (None if changes else 0)


@settings(max_examples=150, deadline=None)
@given(texts())
def test_glance_reads_wanted_keys_as_read_settings(text: str) -> None:
    found = glance(text)
    if found is None:
        assert text.startswith("\ufeff") or "\r" in text
        return
    full = read_settings(text)
    heads = key_heads()
    wanted = {
        key: value for key, value in full.items() if key.removeprefix("static.").startswith(heads)
    }
    assert {key: found[key] for key in wanted} == wanted
    assert all(full[key] == value for key, value in found.items())
    backwards = [(key, value) for key, value, _ in read_entries(text)][::-1]
    assert list(read_settings_backwards(text)) == backwards
    layer = Layer("f.cfg", "mac", text)
    assert list(layer.settings_backwards()) == backwards


@settings(max_examples=150, deadline=None)
@given(texts(), st.sampled_from(["", "lang", "network\\.|wui", "(?:static\\.)?firmware"]))
def test_read_headed_settings_reads_as_read_settings(text: str, head: str) -> None:
    if text.startswith("\ufeff") or "\r" in text:
        return
    expected = {key: value for key, value in read_settings(text).items() if re.match(head, key)}
    assert read_headed_settings(text, head) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(texts(), min_size=1, max_size=3))
def test_lazy_counts_answer_as_the_counted(text_list: list[str]) -> None:
    layers = _layers(text_list)
    full = apply_layers(layers, [0], None)
    lazy_settings = MergedSettings(_layers(text_list))
    assert bool(lazy_settings) == bool(full.count)
    assert len(lazy_settings) == full.count
    lazy_changes = PendingChanges(_layers(text_list), None, None, full.changed)
    assert len(lazy_changes) == full.changes
    assert bool(lazy_changes) == bool(full.changes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#!version:1.0.0.1\nnetwork.vpn_enable = 1\n", {"network.vpn_enable": "1"}),
        ("network.vpn_enable=1", {"network.vpn_enable": "1"}),
        ("  static.network.vpn_enable = 1\nlang.gui = x\n", {"static.network.vpn_enable": "1"}),
        ("#network.vpn_enable = 1\nnetwork.vpn_enable = 0\n", {"network.vpn_enable": "0"}),
        ("network.vpn_enable = 1\nnetwork.vpn_enable = %NULL%\n", {"network.vpn_enable": "%NULL%"}),
        ("lang.gui = network.vpn_enable\n", {}),
        ("network.vpn_enable = 1\r\n", None),
        ("\ufeffnetwork.vpn_enable = 1\n", None),
    ],
)
def test_glance_cases(text: str, expected: dict[str, str] | None) -> None:
    assert glance(text) == expected


def test_read_settings_at_reads_only_the_lines_asked() -> None:
    text = "#!version:1.0.0.1\na = 1\nb = 2\na = 3\n"
    starts = [text.index("a = 1"), text.index("a = 3")]
    assert read_settings_at(text, starts) == {"a": "3"}
    assert list(read_settings_backwards(text)) == [("a", "3"), ("b", "2"), ("a", "1")]
    assert list(read_settings_backwards("#!version:1.0.0.1\n# only a comment\n\n")) == []


def test_a_first_run_is_told_at_a_glance() -> None:
    common = "#!version:1.0.0.1\nnetwork.vpn_enable = 1\nauto_provision.custom.sync = 1\n"
    mac = "#!version:1.0.0.1\nfirmware.url = http://127.0.0.1/28.83.0.120.rom\nlang.gui = x\n"
    glanced = glance_layers(_layers([common, mac]), [0, 1], None)
    assert glanced is not None
    full = apply_layers(_layers([common, mac]), [0, 1], None)
    _same(glanced, full)
    assert glanced.reboot_keys == ("network.vpn_enable",)
    assert glanced.switches == {"auto_provision.custom.sync": "1"}
    assert [key for key, _, _ in glanced.resources] == ["firmware.url"]
    assert glance_layers(_layers([common, mac]), [0, 1], {"lang.gui": "x"}) is None
