"""cfgtool phone against Python's http.server: the guide's sequence, auth, keys, MD5, reboot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import cfgtool
from cfgtool.cli import main
from cfgtool.phone import PhoneKeys, provision
from tests.conftest import write_tree
from tests.phone_servers import http_server

MAC = "0015651130f9"
URL_PN = "/$PN/"
COMMON = """#!version:1.0.0.1
lang.gui = English
static.network.vlan.internet_port_enable = 0
account.1.sip_server.1.address = pbx.example.com
"""
MAC_CFG = """#!version:1.0.0.1
account.1.enable = 1
account.1.label = Reception
account.1.password = s3cret-pw
lang.gui = German
"""
KEY_COMMON = "0123456789abcdef"
KEY_MAC = "fedcba9876543210"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(
        tmp_path / "srv", {"T46G/y000000000028.cfg": COMMON, f"T46G/{MAC}.cfg": MAC_CFG}
    )


def play(url: str, **options: object) -> cfgtool.phone.ProvisionResult:  # type: ignore[name-defined]
    options.setdefault("model", "T46G")
    return provision(url, options.pop("mac", MAC), timeout=5, **options)


# --------------------------------------------------------------------------- sequence


def test_request_order_and_user_agent_follow_the_guide(tree: Path) -> None:
    with http_server(tree) as server:
        result = play(server.url + URL_PN)
    assert server.paths() == [
        f"/T46G/{MAC}.boot",
        "/T46G/y000000000000.boot",
        "/T46G/y000000000028.cfg",
        f"/T46G/{MAC}.cfg",
    ]
    assert {seen.user_agent for seen in server.seen} == {
        "Yealink SIP-T46G 28.83.0.120 00:15:65:11:30:f9"
    }
    assert result.outcome == "provisioned" and result.ok
    assert [r.kind for r in result.requests] == ["boot", "boot", "common", "mac"]


@pytest.mark.parametrize(
    ("options", "agent_firmware"),
    [
        ({"boot": "never"}, "28.83.0.120"),
        ({"firmware": "80"}, "28.80.0.95"),
        ({"firmware": "80.0.0.7"}, "28.80.0.7"),
    ],
)
def test_boot_never_or_firmware_before_81_asks_for_no_boot_file(
    tree: Path, options: dict[str, str], agent_firmware: str
) -> None:
    with http_server(tree) as server:
        play(server.url + URL_PN, **options)
    assert server.paths() == ["/T46G/y000000000028.cfg", f"/T46G/{MAC}.cfg"]
    assert server.seen[0].user_agent == f"Yealink SIP-T46G {agent_firmware} 00:15:65:11:30:f9"


@pytest.mark.parametrize("spelling", ["00:15:65:11:30:F9", "0015651130F9", "00-15-65-11-30-f9"])
def test_mac_is_requested_in_lower_case_whatever_its_spelling(tree: Path, spelling: str) -> None:
    with http_server(tree) as server:
        result = play(server.url + URL_PN, mac=spelling, boot="never")
    assert server.paths()[-1] == f"/T46G/{MAC}.cfg"
    assert result.settings["lang.gui"].value == "German"


def test_pn_and_mac_wildcards_expand(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {f"phones/SIP46/{MAC}/y000000000028.cfg": COMMON})
    with http_server(root) as server:
        result = play(server.url + "/phones/$PN/$MAC/", pn="SIP46", boot="never")
    assert server.paths()[0] == f"/phones/SIP46/{MAC}/y000000000028.cfg"
    assert result.ok


def test_boot_file_includes_are_fetched_in_order_and_later_files_win(tree: Path) -> None:
    write_tree(
        tree,
        {
            f"T46G/{MAC}.boot": "#!version:1.0.0.1\ninclude:config <y000000000028.cfg>\n"
            'include:config "extra/sip.cfg"\noverwrite_mode = 1\n',
            "T46G/extra/sip.cfg": "#!version:1.0.0.1\nlang.gui = French\n",
        },
    )
    with http_server(tree) as server:
        result = play(server.url + URL_PN)
    assert server.paths() == [f"/T46G/{MAC}.boot", "/T46G/y000000000028.cfg", "/T46G/extra/sip.cfg"]
    assert result.settings["lang.gui"].value == "French"
    assert (result.settings["lang.gui"].file, result.settings["lang.gui"].line) == ("sip.cfg", 2)
    assert result.settings["account.1.sip_server.1.address"].file == "y000000000028.cfg"


def test_all_models_boot_file_is_the_fallback(tree: Path) -> None:
    write_tree(tree, {"T46G/y000000000000.boot": f'include:config "{MAC}.cfg"\n'})
    with http_server(tree) as server:
        result = play(server.url + URL_PN)
    assert server.paths()[1:] == ["/T46G/y000000000000.boot", f"/T46G/{MAC}.cfg"]
    assert next(iter(result.settings)) == "account.1.enable"


# --------------------------------------------------------------------------- failures


def test_missing_mac_file_alone_is_a_warning(tree: Path) -> None:
    (tree / f"T46G/{MAC}.cfg").unlink()
    with http_server(tree) as server:
        result = play(server.url + URL_PN)
    assert result.ok and result.exit_code == 0
    [warning] = [d for d in result.diagnostics if d.code == "PHONE101"]
    assert warning.severity == "warning" and "carry on with the Common file" in (warning.hint or "")


def test_wrong_pn_directory_fails_with_the_404_hint(tree: Path) -> None:
    with http_server(tree) as server:
        result = play(server.url + URL_PN, pn="T46")
    assert result.outcome == "failed" and result.exit_code == 1
    assert result.failure == "file not found"
    hints = [d.hint for d in result.diagnostics]
    assert any("check the URL and the $PN directory name" in (hint or "") for hint in hints)


@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_authentication_basic_and_digest(tree: Path, scheme: str) -> None:
    credentials = ("phone", "pa:ss w0rd")
    with http_server(tree, **{scheme: credentials}) as server:  # type: ignore[arg-type]
        refused = play(server.url + URL_PN)
        accepted = play(server.url + URL_PN, user="phone", password="pa:ss w0rd")
        in_url = play(server.url.replace("://", "://phone:pa%3Ass%20w0rd@") + URL_PN)
    assert refused.failure == "authentication" and refused.exit_code == 1
    [problem] = [d for d in refused.diagnostics if d.code == "PHONE102"]
    assert "credentials" in (problem.hint or "")
    assert accepted.ok and accepted.settings["lang.gui"].value == "German"
    assert in_url.ok
    assert any(seen.authorized for seen in server.seen)
    assert "pa:ss" not in in_url.to_json()


def test_wrong_password_is_an_authentication_failure(tree: Path) -> None:
    with http_server(tree, basic=("phone", "right")) as server:
        result = play(server.url + URL_PN, user="phone", password="wrong")
    assert result.failure == "authentication"
    assert len([s for s in server.seen if s.path.endswith(".boot")]) == 2  # one 401, one retry


# --------------------------------------------------------------------------- decryption


def encrypted_tree(root: Path, common_key: str, mac_key: str) -> Path:
    return write_tree(
        root,
        {
            "T46G/y000000000028.cfg": cfgtool.encrypt_bytes(COMMON.encode(), common_key),
            f"T46G/{MAC}.cfg": cfgtool.encrypt_bytes(MAC_CFG.encode(), mac_key),
        },
    )


def test_aes_files_decrypt_with_the_right_keys(tmp_path: Path) -> None:
    root = encrypted_tree(tmp_path, KEY_COMMON, KEY_MAC)
    with http_server(root) as server:
        result = play(
            server.url + URL_PN, boot="never", keys=PhoneKeys(common=KEY_COMMON, mac=KEY_MAC)
        )
    assert result.ok, result.diagnostics
    assert result.settings["account.1.label"].value == "Reception"


@pytest.mark.parametrize(
    ("keys", "code", "reason"),
    [
        (PhoneKeys(common=KEY_COMMON, mac=KEY_COMMON), "PHONE202", "wrong key"),
        (PhoneKeys(common=KEY_COMMON), "PHONE201", "missing key"),
    ],
)
def test_wrong_or_missing_aes_key_is_reported_as_such(
    tmp_path: Path, keys: PhoneKeys, code: str, reason: str
) -> None:
    root = encrypted_tree(tmp_path, KEY_COMMON, KEY_MAC)
    with http_server(root) as server:
        result = play(server.url + URL_PN, boot="never", keys=keys)
    assert result.failure == reason and result.exit_code == 1
    assert [d.code for d in result.diagnostics if d.severity == "error"] == [code]


def test_keys_csv_gives_each_file_its_key(tmp_path: Path) -> None:
    root = encrypted_tree(tmp_path / "srv", KEY_COMMON, KEY_MAC)
    keys_csv = tmp_path / "keys.csv"
    keys_csv.write_text(f"file,key\nT46G/y000000000028.cfg,{KEY_COMMON}\n{MAC}.cfg,{KEY_MAC}\n")
    from cfgtool.phone.decrypt import read_keys_csv

    with http_server(root) as server:
        result = play(
            server.url + URL_PN, boot="never", keys=PhoneKeys(by_file=read_keys_csv(str(keys_csv)))
        )
    assert result.ok, result.diagnostics


def test_key_file_mode_fetches_the_security_file(tmp_path: Path) -> None:
    common = cfgtool.encrypt_keyfile(COMMON.encode())
    mac = cfgtool.encrypt_keyfile(MAC_CFG.encode())
    root = write_tree(
        tmp_path,
        {
            "T46G/y000000000028.cfg": common.ciphertext,
            "T46G/y000000000028_Security.enc": common.security,
            f"T46G/{MAC}.cfg": mac.ciphertext,
            f"T46G/{MAC}_Security.enc": mac.security,
        },
    )
    with http_server(root) as server:
        right = play(server.url + URL_PN, boot="never")
        (root / f"T46G/{MAC}_Security.enc").write_bytes(common.security)
        wrong = play(server.url + URL_PN, boot="never")
    assert "/T46G/y000000000028_Security.enc" in server.paths()
    assert right.ok and right.settings["lang.gui"].file == f"{MAC}.cfg"
    assert [r.kind for r in right.requests] == ["common", "key", "mac", "key"]
    assert wrong.failure == "wrong key"


def test_rsa_files_decrypt_with_the_private_key(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    root = write_tree(
        tmp_path,
        {
            "T46G/y000000000028.cfg": cfgtool.encrypt_rsa(COMMON.encode(), private.public_key()),
        },
    )
    with http_server(root) as server:
        ok = play(server.url + URL_PN, boot="never", keys=PhoneKeys(rsa_private=pem))
        missing = play(server.url + URL_PN, boot="never")
    assert ok.ok and ok.settings["lang.gui"].value == "English"
    assert missing.failure == "missing key"


# --------------------------------------------------------------------------- MD5 rule and reboot


def test_second_run_says_no_update_and_a_change_updates(tree: Path, tmp_path: Path) -> None:
    state = str(tmp_path / "state")
    with http_server(tree) as server:
        first = play(server.url + URL_PN, state_dir=state)
        second = play(server.url + URL_PN, state_dir=state)
        (tree / f"T46G/{MAC}.cfg").write_text(MAC_CFG.replace("Reception", "Front desk"))
        third = play(server.url + URL_PN, state_dir=state)
    assert first.outcome == "provisioned" and first.changes
    assert second.outcome == "no update" and second.changes == [] and not second.reboot.needed
    assert [r.changed for r in second.requests if r.kind in ("common", "mac")] == [False, False]
    assert third.outcome == "provisioned"
    assert [(c.key, c.old, c.new) for c in third.changes] == [
        ("account.1.label", "Reception", "Front desk")
    ]
    assert [r.changed for r in third.requests if r.kind in ("common", "mac")] == [False, True]
    assert (Path(state) / f"{MAC}.json").stat().st_mode & 0o777 == 0o600


def test_reboot_decision_from_the_catalog_and_the_force_switch(tree: Path, tmp_path: Path) -> None:
    state = str(tmp_path / "state")
    common = tree / "T46G/y000000000028.cfg"
    with http_server(tree) as server:
        play(server.url + URL_PN, state_dir=state)
        common.write_text(COMMON.replace("lang.gui = English", "lang.gui = Italian"))
        no_reboot = play(server.url + URL_PN, state_dir=state)
        common.write_text(COMMON.replace("internet_port_enable = 0", "internet_port_enable = 1"))
        reboot = play(server.url + URL_PN, state_dir=state)
        common.write_text(COMMON + "static.auto_provision.reboot_force.enable = 1\n")
        forced = play(server.url + URL_PN, state_dir=state)
    assert no_reboot.reboot.to_dict() == {"needed": False, "forced": False, "keys": []}
    assert reboot.reboot.to_dict() == {
        "needed": True,
        "forced": False,
        "keys": ["static.network.vlan.internet_port_enable"],
    }
    assert next(c.reason for c in reboot.changes if c.reboot)
    assert forced.reboot.needed and forced.reboot.forced


def test_first_run_reboots_for_a_reboot_setting_that_differs_from_its_default(
    tree: Path,
) -> None:
    with http_server(tree) as server:
        default = play(server.url + URL_PN)
        (tree / "T46G/y000000000028.cfg").write_text(
            COMMON + "static.network.vlan.internet_port_enable = 1\n"
        )
        changed = play(server.url + URL_PN)
    assert not default.reboot.needed
    assert changed.reboot.keys == ("static.network.vlan.internet_port_enable",)


# --------------------------------------------------------------------------- local.cfg sync


SYNC = "static.auto_provision.custom.sync = 1\n"


@pytest.mark.parametrize(("protect", "winner"), [("1", "Local label"), ("0", "Reception")])
def test_local_cfg_sync_downloads_merges_and_uploads(
    tree: Path, tmp_path: Path, protect: str, winner: str
) -> None:
    (tree / "T46G/y000000000028.cfg").write_text(
        COMMON + SYNC + f"static.auto_provision.custom.protect = {protect}\n"
    )
    write_tree(
        tree, {f"T46G/{MAC}-local.cfg": "#!version:1.0.0.1\nphone_setting.ring_type = Ring3.wav\n"}
    )
    local = "#!version:1.0.0.1\naccount.1.label = Local label\n"
    with http_server(tree) as server:
        result = play(server.url + URL_PN, local=local)
    label = result.settings["account.1.label"]
    assert label.value == winner
    assert result.settings["phone_setting.ring_type"].kind == "local"
    assert server.paths("PUT") == [f"/T46G/{MAC}-local.cfg"]
    uploaded = (tree / f"T46G/{MAC}-local.cfg").read_text()
    assert "account.1.label = Local label" in uploaded and "Ring3.wav" in uploaded


def test_without_custom_sync_the_local_file_is_neither_fetched_nor_uploaded(tree: Path) -> None:
    with http_server(tree) as server:
        result = play(server.url + URL_PN, local="account.1.label = Mine\n")
    assert not any("-local" in path for path in server.paths() + server.paths("PUT"))
    assert result.settings["account.1.label"].value == "Reception"  # protect defaults to 0


# --------------------------------------------------------------------------- resources


def test_resources_on_the_server_are_checked(tree: Path) -> None:
    write_tree(tree, {"T46G/fw/28.83.0.120.rom": b"\0" * 100, "T46G/fw/29.83.0.120.rom": b"x"})
    (tree / "T46G/y000000000028.cfg").write_text(
        COMMON
        + (
            "static.firmware.url = fw/29.83.0.120.rom\n"
            "ringtone.url = {base}/T46G/tones/Ring9.wav\n"
            "remote_phonebook.data.1.url = https://phonebook.example.com/book.xml\n"
        )
    )
    with http_server(tree) as server:
        (tree / "T46G/y000000000028.cfg").write_text(
            (tree / "T46G/y000000000028.cfg").read_text().replace("{base}", server.url)
        )
        wrong = play(server.url + URL_PN, boot="never")
        (tree / "T46G/y000000000028.cfg").write_text(
            (tree / "T46G/y000000000028.cfg").read_text().replace("29.83", "28.83")
        )
        right = play(server.url + URL_PN, boot="never")
    statuses = {check.kind: check.status for check in wrong.resources}
    assert statuses == {
        "firmware": "wrong model",
        "ring tone": "missing",
        "phone book": "not checked",
    }
    assert "PHONE303" in {d.code for d in wrong.diagnostics} and wrong.exit_code == 1
    firmware = next(check for check in right.resources if check.kind == "firmware")
    assert (firmware.status, firmware.bytes) == ("ok", 100)
    assert any(d.code == "PHONE301" and d.severity == "warning" for d in right.diagnostics)
    assert "HEAD" in {seen.method for seen in server.seen}


# --------------------------------------------------------------------------- command line


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["phone", *args, "--timeout", "5"])
    return result.exit_code, result.output


def test_cli_text_output_and_exit_0(tree: Path) -> None:
    with http_server(tree) as server:
        code, out = run_cli(server.url + URL_PN, "--mac", MAC, "--model", "T46G")
    assert code == 0, out
    assert f"GET {server.url}/T46G/y000000000028.cfg 200 common" in out
    assert "account.1.password = ******" in out and "s3cret-pw" not in out
    assert "lang.gui = German" in out and f"{MAC}.cfg:5" in out
    assert "provisioned" in out


def test_cli_json_output_shape_and_show_secrets(tree: Path) -> None:
    with http_server(tree) as server:
        code, out = run_cli(
            server.url + URL_PN,
            "--mac",
            MAC,
            "--model",
            "T46G",
            "--format",
            "json",
            "--show-secrets",
        )
    data = json.loads(out)
    assert code == 0
    assert set(data["reboot"]) == {"needed", "forced", "keys"}
    assert {
        "url",
        "mac",
        "model",
        "firmware",
        "user_agent",
        "outcome",
        "requests",
        "settings",
        "changes",
        "reboot",
        "resources",
        "diagnostics",
    } <= set(data)
    assert set(data["requests"][0]) >= {
        "url",
        "protocol",
        "status",
        "bytes",
        "md5",
        "changed",
        "seconds",
    }
    password = next(s for s in data["settings"] if s["key"] == "account.1.password")
    assert password == {
        "key": "account.1.password",
        "value": "s3cret-pw",
        "file": f"{MAC}.cfg",
        "line": 4,
    }


def test_cli_exit_1_on_failure_and_on_invalid_downloaded_settings(tree: Path) -> None:
    with http_server(tree) as server:
        failed, _ = run_cli(server.url + "/nowhere/", "--mac", MAC, "--model", "T46G")
        (tree / f"T46G/{MAC}.cfg").write_text(MAC_CFG + "account.1.enable = maybe\nbroken line\n")
        invalid, out = run_cli(server.url + URL_PN, "--mac", MAC, "--model", "T46G")
    assert failed == 1
    assert invalid == 1 and "error" in out


@pytest.mark.parametrize(
    "args",
    [
        ["http://127.0.0.1:9/$PN/", "--model", "T46G"],
        ["http://127.0.0.1:9/$PN/", "--mac", "nope", "--model", "T46G"],
        ["http://127.0.0.1:9/$PN/", "--mac", MAC, "--model", "T99X"],
        ["gopher://127.0.0.1:9/", "--mac", MAC, "--model", "T46G"],
        ["http://127.0.0.1:9/$PN/", "--mac", MAC, "--model", "T46G", "--key-mac", "short"],
    ],
)
def test_cli_usage_errors_exit_2(args: list[str]) -> None:
    code, out = run_cli(*args)
    assert code == 2, out


def test_cli_connection_refused_has_a_hint() -> None:
    from tests.phone_servers import free_port

    code, out = run_cli(f"http://127.0.0.1:{free_port()}/$PN/", "--mac", MAC, "--model", "T46G")
    assert code == 1 and "nothing listens on that port" in out
