"""cfgtool dhcp: every snippet passes its daemon's own syntax check (no sockets: -t/--test)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cfgtool.cli import main
from cfgtool.dhcp import (
    YEALINK_OUIS,
    check_with_daemon,
    dhcp_config,
    normalize_oui,
    option43_payload,
)
from cfgtool.errors import CfgValueError

URLS = ["http://10.0.0.1/$PN/", "tftp://10.0.0.1", "https://prov.example.com/a,b/$MAC.cfg?x=1"]
OPTIONS = [66, 43, 128, 150, 160, 224, 252, 254]


def syntax_check(server: str, path: Path) -> subprocess.CompletedProcess[str]:
    commands = {
        "isc": ["dhcpd", "-t", "-cf", str(path)],
        "dnsmasq": ["dnsmasq", "--test", f"--conf-file={path}"],
        "kea": ["kea-dhcp4", "-t", str(path)],
    }
    command = commands[server]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed (.ci/run installs it)")
    return subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)


def check_passes(server: str, path: Path) -> None:
    result = syntax_check(server, path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("server", ["isc", "dnsmasq", "kea"])
@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("vendor_class", [None, "yealink"])
def test_each_snippet_passes_the_daemons_syntax_check(
    tmp_path: Path, server: str, option: int, vendor_class: str | None
) -> None:
    if server == "dnsmasq" and option == 150:
        with pytest.raises(CfgValueError, match="dnsmasq defines option 150"):
            dhcp_config(URLS[0], server=server, option=option)
        return
    path = tmp_path / "snippet.conf"
    path.write_text(
        dhcp_config(URLS[option % 3], server=server, option=option, vendor_class=vendor_class)
    )
    check_passes(server, path)


@pytest.mark.parametrize("server", ["isc", "dnsmasq", "kea"])
def test_all_clients_and_vendor_class_only_pass(tmp_path: Path, server: str) -> None:
    for name, text in {
        "all.conf": dhcp_config(URLS[0], server=server, all_clients=True),
        "vc.conf": dhcp_config(URLS[1], server=server, vendor_class="yealink", mac_prefixes=()),
    }.items():
        (tmp_path / name).write_text(text)
        check_passes(server, tmp_path / name)


@pytest.mark.parametrize(
    ("server", "broken"),
    [
        ("isc", 'class "x" { option tftp-server-name "a" }\n'),
        ("dnsmasq", "dhcp-optio=66,x\n"),
        ("kea", '{"Dhcp4": {"client-classes": [{"name": "x", "test": "substring("}]}}\n'),
    ],
)
def test_the_syntax_check_rejects_a_broken_file(tmp_path: Path, server: str, broken: str) -> None:
    path = tmp_path / "broken.conf"
    path.write_text(broken)
    assert syntax_check(server, path).returncode != 0


def test_isc_snippet_is_includable_in_a_full_dhcpd_conf(tmp_path: Path) -> None:
    snippet = tmp_path / "yealink.conf"
    snippet.write_text(dhcp_config(URLS[0], server="isc", option=160, vendor_class="yealink"))
    main_conf = tmp_path / "dhcpd.conf"
    main_conf.write_text(
        "authoritative;\n"
        f'include "{snippet}";\n'
        "subnet 127.0.0.0 netmask 255.0.0.0 { range 127.0.0.10 127.0.0.20; }\n"
    )
    check_passes("isc", main_conf)


def test_dnsmasq_snippet_is_includable_with_conf_file(tmp_path: Path) -> None:
    snippet = tmp_path / "yealink.conf"
    snippet.write_text(dhcp_config(URLS[2], server="dnsmasq", option=43))
    main_conf = tmp_path / "dnsmasq.conf"
    main_conf.write_text(f"conf-file={snippet}\ndhcp-range=127.0.0.10,127.0.0.20,1h\nport=0\n")
    result = subprocess.run(
        ["dnsmasq", "--test", "-C", str(main_conf)], capture_output=True, text=True, timeout=20
    )
    assert result.returncode == 0, result.stderr


def test_isc_matches_vendor_class_and_every_oui() -> None:
    text = dhcp_config(URLS[0], server="isc", vendor_class="yealink")
    assert 'substring(option vendor-class-identifier, 0, 7) = "yealink"' in text
    for oui in YEALINK_OUIS:
        assert f"substring(hardware, 1, 3) = {oui}" in text
    assert f'option tftp-server-name "{URLS[0]}";' in text


def test_dnsmasq_custom_option_is_forced_text() -> None:
    text = dhcp_config(URLS[0], server="dnsmasq", option=160)
    assert f'dhcp-option-force=tag:cfgtool-yealink,160,"{URLS[0]}"' in text
    assert "dhcp-mac=set:cfgtool-yealink,00:15:65:*:*:*" in text


def test_kea_is_a_complete_dhcp4_object_with_the_class() -> None:
    config = json.loads(dhcp_config(URLS[0], server="kea", option=160, vendor_class="yealink"))
    (klass,) = config["Dhcp4"]["client-classes"]
    assert "substring(option[60].hex,0,7) == 'yealink'" in klass["test"]
    assert "substring(pkt4.mac,0,3) == 0x001565" in klass["test"]
    (option,) = klass["option-data"]
    assert bytes.fromhex(option["data"]).decode() == URLS[0]
    assert option["code"] == 160


def test_option43_is_suboption_1_with_the_url() -> None:
    assert option43_payload("http://a/") == b"\x01\x09http://a/"
    text = dhcp_config("http://a/", server="isc", option=43)
    assert "option vendor-encapsulated-options 01:09:68:74:74:70:3a:2f:2f:61:2f;" in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"url": ""}, "empty"),
        ({"url": 'http://a/"; option x'}, "quotes"),
        ({"url": "http://a/\nb"}, "printable"),
        ({"url": "http://a/" + "x" * 250, "option": 43}, "holds 253"),
        ({"url": "http://a/", "option": 67}, "66, 43 or a custom option"),
        ({"url": "http://a/", "option": 255}, "128-254"),
        ({"url": "http://a/", "mac_prefixes": ("00:15",)}, "OUI"),
        ({"url": "http://a/", "vendor_class": 'ye"link'}, "vendor class"),
        ({"url": "http://a/", "mac_prefixes": ()}, "no phone would match"),
        ({"url": "http://a/", "server": "windows"}, "unknown DHCP server"),
    ],
)
def test_bad_input_says_what_to_change(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(CfgValueError, match=message):
        dhcp_config(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["001565", "00-15-65", "00:15:65", "0015.65", " 00:15:65 "])
def test_oui_spellings(text: str) -> None:
    assert normalize_oui(text) == "00:15:65"


@settings(max_examples=60, deadline=None)
@given(url=st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF), min_size=1, max_size=80))
def test_any_accepted_url_stays_inside_one_quoted_string(url: str) -> None:
    try:
        text = dhcp_config(url, server="dnsmasq", option=66, all_clients=True)
    except CfgValueError:
        return
    (line,) = [line for line in text.splitlines() if not line.startswith("#")]
    assert line == f'dhcp-option=66,"{url.strip()}"'


def test_cli_writes_the_file_and_help_names_the_source(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "kea.conf"
    result = runner.invoke(
        main, ["dhcp", "http://10.0.0.1/", "--option", "160", "--format", "kea", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    check_passes("kea", out)
    help_text = runner.invoke(main, ["dhcp", "--help"]).output
    assert "Option 66, Option 43 and Custom" in help_text
    assert "Examples:" in help_text


def test_cli_error_is_one_line_and_exit_2() -> None:
    result = CliRunner().invoke(main, ["dhcp", "http://a/", "--option", "12"])
    assert result.exit_code == 2
    assert "custom option 128-254" in result.output


@pytest.mark.parametrize("server", ["isc", "dnsmasq", "kea"])
def test_cli_check_runs_the_daemon(server: str) -> None:
    result = CliRunner().invoke(main, ["dhcp", "http://10.0.0.1/", "--format", server, "--check"])
    assert result.exit_code == 0, result.output
    assert f"the {server} syntax check passed" in result.stderr


def test_check_with_daemon_reports_a_failure() -> None:
    passed, report = check_with_daemon("dhcp-optio=1\n", "dnsmasq")
    assert not passed and "bad option" in report
