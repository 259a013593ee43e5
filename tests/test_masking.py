"""cfgtool.masking: which keys are secret, and how values are shown."""

from __future__ import annotations

import pytest

from cfgtool.masking import MASK, has_url_credentials, is_secret_key, mask_value


@pytest.mark.parametrize(
    "key",
    [
        "account.1.password",
        "account.12.xsi.password",
        "network.802_1x.md5_password",
        "static.network.802_1x.md5_password",
        "security.user_password",
        "static.security.user_password",
        "features.xml_browser.pwd",
        "features.export_cfg_erase_pwd",
        "phone_setting.phone_lock.unlock_pin",
        "auto_provision.aes_key_16.com",
        "static.auto_provision.aes_key.mac",
        "autoprovision.1.com_aes",
        "autoprovision.1.mac_aes",
        "wifi.1.eap_password",
        "custom.api_secret",
        "bw.xsi.token",
        "sip.credential",
        "Config.Autoprovision.GENERAL.Pwd",
        "features.dsskey_unlock_password",
        "static.auto_provision.server.passwd",
    ],
)
def test_secret_keys(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "account.1.user_name",
        "account.1.auth_name",
        "hotdesking.startup_password_enable",
        "features.password_dial.enable",
        "features.password_dial.prefix",
        "auto_provision.aes_key_in_file",
        "static.auto_provision.aes_key_in_file",
        "security.user_name.admin",
        "account.1.label",
        "features.pickup.direct_pickup_code",
        "linekey.1.pin_code_type",
        "spinner.speed",
        "",
    ],
)
def test_not_secret_keys(key: str) -> None:
    assert not is_secret_key(key)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ftp://user:pw@10.0.0.1/cfg/", True),
        ("https://bob@prov.example.com/", True),
        ("https://prov.example.com/phones/", False),
        ("http://prov.example.com/a@b", False),
        ("sip:1001@pbx.example.com", False),
        ("1001@pbx.example.com", False),
        ("", False),
    ],
)
def test_url_credentials(value: str, expected: bool) -> None:
    assert has_url_credentials(value) is expected


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("account.1.password", "s3cret", MASK),
        ("account.1.password", "", ""),
        ("account.1.password", "%NULL%", "%NULL%"),
        ("security.user_password", "admin:s3cret", "admin:******"),
        ("static.security.user_password", "user:pw", "user:******"),
        ("security.user_password", "nocolon", MASK),
        ("account.1.label", "Reception", "Reception"),
        (
            "static.auto_provision.server.url",
            "ftp://prov:Secr3t@10.0.0.5/yealink/",
            "ftp://******@10.0.0.5/yealink/",
        ),
        (
            "remote_phonebook.data.1.url",
            "https://a:b@c@pb.example.com/x",
            "https://******@pb.example.com/x",
        ),
        (
            "static.firmware.url",
            "https://prov.example.com/fw.rom",
            "https://prov.example.com/fw.rom",
        ),
    ],
)
def test_mask_value(key: str, value: str, shown: str) -> None:
    assert mask_value(key, value) == shown


def test_masked_value_never_contains_the_secret() -> None:
    for key, value in [
        ("account.1.password", "hunter22"),
        ("security.user_password", "admin:hunter22"),
        ("static.auto_provision.server.url", "https://u:hunter22@h/"),
    ]:
        assert "hunter22" not in mask_value(key, value)
