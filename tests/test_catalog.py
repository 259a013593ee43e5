"""The schema loader: models, parameter catalog, did-you-mean and value checks (issues 3, 4)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfgtool.catalog import (
    Param,
    all_models_common_file,
    check_value,
    explain_key,
    find_model,
    load_catalog,
    load_models,
    model_match_key,
    models_for_common_file,
    normalize_key,
    reboot_reason,
)
from tests.conftest import GUIDE_MODELS, REPO

SHARED = REPO.parent / "shared" / "yealink"


# --------------------------------------------------------------------------- models


@pytest.mark.parametrize(("name", "hw_id", "accounts"), GUIDE_MODELS)
def test_guide_models_are_exact(name: str, hw_id: int, accounts: int) -> None:
    model = find_model(name)
    assert model is not None and model.name == name
    assert model.hw_id == hw_id
    assert model.common_file == f"y{hw_id:012d}.cfg"
    assert model.accounts == accounts
    assert model.firmware_prefixes == (hw_id,)
    assert model.source == "guide"


def test_exactly_the_twelve_guide_entries_come_from_the_guide() -> None:
    guide = sorted(model.name for model in load_models() if model.source == "guide")
    assert guide == sorted(name for name, _, _ in GUIDE_MODELS)


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("T46G", "T46G"),
        ("SIP-T46G", "T46G"),
        ("t46g", "T46G"),
        ("sip t46g", "T46G"),
        ("SIPT46G", "T46G"),
        (" T46G ", "T46G"),
        ("T19(P) E2", "T19(P) E2"),
        ("T19P E2", "T19(P) E2"),
        ("T19P_E2", "T19(P) E2"),
        ("SIP-T19P-E2", "T19(P) E2"),
        ("T19 E2", "T19(P) E2"),
        ("T21P_E2", "T21(P) E2"),
        ("T23P", "T23P/G"),
        ("t23g", "T23P/G"),
        ("T23P/G", "T23P/G"),
        ("VP-T49G", "VP-T49G"),
        ("vpt49g", "VP-T49G"),
        ("T49G", "VP-T49G"),
        ("cp860", "CP860"),
        ("T19P", "T19P"),  # the older T19P without E2 is a different phone
        ("VP530P", "VP530"),
    ],
)
def test_find_model_ignores_case_sip_prefix_and_punctuation(spelling: str, name: str) -> None:
    model = find_model(spelling)
    assert model is not None and model.name == name


@pytest.mark.parametrize("spelling", ["T46", "T46GX", "", "SIP-", "y000000000028.cfg", "46"])
def test_find_model_unknown(spelling: str) -> None:
    assert find_model(spelling) is None


def test_model_names_do_not_collide_when_folded() -> None:
    folded = [model_match_key(s) for m in load_models() for s in (m.name, *m.aliases)]
    assert len(folded) == len(set(folded))


@pytest.mark.parametrize(
    ("filename", "names"),
    [
        ("y000000000028.cfg", ["T46G"]),
        ("y000000000044.cfg", ["T23P/G"]),
        ("y000000000058.cfg", ["T58A", "T58V"]),
        ("y000000000000.cfg", ["T28P"]),
        ("Y000000000054.cfg", []),  # phones request lowercase; validate warns about this
        ("y000000000999.cfg", []),
        ("0015651130f9.cfg", []),
    ],
)
def test_models_for_common_file(filename: str, names: list[str]) -> None:
    assert [model.name for model in models_for_common_file(filename)] == names


def test_all_models_common_file() -> None:
    assert all_models_common_file() == "y000000000000.cfg"


def test_common_file_hw_id_and_firmware_agree() -> None:
    for model in load_models():
        if model.common_file is not None:
            assert model.common_file == f"y{model.hw_id:012d}.cfg", model.name
            assert model.firmware_prefixes, model.name


@pytest.mark.parametrize(
    ("name", "prefixes"),
    [("T41S", (66,)), ("T52S", (70,)), ("T56A", (58,)), ("T28P", (2,)), ("T53", (95, 96))],
)
def test_firmware_prefix_differs_from_hw_id_where_wazo_says_so(
    name: str, prefixes: tuple[int, ...]
) -> None:
    model = find_model(name)
    assert model is not None and model.firmware_prefixes == prefixes


def test_model_limit() -> None:
    model = find_model("T42G")
    assert model is not None
    assert model.limit("accounts") == 12 and model.limit("line_keys") == 15


# --------------------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    ("key", "pattern"),
    [
        ("account.1.enable", "account.X.enable"),
        ("account.16.enable", "account.X.enable"),
        ("account.01.enable", "account.X.enable"),
        ("account.1.sip_server.2.address", "account.X.sip_server.X.address"),
        ("account.3.X", None),
        ("account.3.7", "account.X.X"),
        ("account.1.codec.G722_1c_24kpbs.enable", "account.X.codec.G722_1c_24kpbs.enable"),
        ("account.1.codec.g722_1c_24kpbs.enable", "account.X.codec.g722_1c_24kpbs.enable"),
        ("lang.gui", "lang.gui"),
        ("static.lang.gui", "static.lang.gui"),
        ("auto_provision.server.url", "auto_provision.server.url"),
        ("static.auto_provision.server.url", "static.auto_provision.server.url"),
        # static. twin: the family uses both forms, only one is in the catalog
        ("network.vpn.mode", "static.network.vpn.mode"),
        ("static.features.call_waiting", None),  # features is not a static. family
        ("static.account.1.label", None),
        ("Account.1.enable", None),  # case is exact
        ("ACCOUNT.1.ENABLE", None),
        ("account.X.enable", None),  # a template placeholder, not an index
        ("account.\u0661.enable", None),  # only ASCII digits are indexes
        ("account.1.enable ", None),
        ("", None),
        ("static", None),
        ("static.", None),
    ],
)
def test_lookup(key: str, pattern: str | None) -> None:
    param = load_catalog().lookup(key)
    assert (param.key if param else None) == pattern
    assert load_catalog().is_known(key) is (pattern is not None)
    assert (key in load_catalog()) is (pattern is not None)


def test_lookup_pattern_takes_the_pattern_as_written() -> None:
    catalog = load_catalog()
    param = catalog.lookup_pattern("account.X.label")
    assert param is not None and param.key == "account.X.label"
    assert catalog.lookup_pattern("account.1.label") is None


def test_lookup_is_memoised_and_stable() -> None:
    catalog = load_catalog()
    assert catalog.lookup("account.2.label") is catalog.lookup("account.2.label")
    assert catalog.lookup("account.2.label") is catalog.lookup("account.9.label")


@pytest.mark.parametrize(
    ("key", "pattern"),
    [
        ("account.3.label", "account.X.label"),
        ("a.1.b.22.c", "a.X.b.X.c"),
        ("1.2", "X.X"),
        ("account.1a.label", "account.1a.label"),
        ("account.X.label", "account.X.label"),
        ("", ""),
    ],
)
def test_normalize_key(key: str, pattern: str) -> None:
    assert normalize_key(key) == pattern


@given(st.sampled_from(sorted(p.key for p in load_catalog())), st.data())
def test_any_concrete_instance_of_a_pattern_finds_that_pattern(
    pattern: str, data: st.DataObject
) -> None:
    parts = [
        str(data.draw(st.integers(min_value=0, max_value=9999))) if part == "X" else part
        for part in pattern.split(".")
    ]
    key = ".".join(parts)
    param = load_catalog().lookup(key)
    assert param is not None and param.key == pattern
    assert normalize_key(key) == pattern


def test_catalog_size_and_types() -> None:
    catalog = load_catalog()
    assert len(catalog) == 2292
    kinds = {param.type for param in catalog}
    assert kinds == {
        "unknown", "bool", "int", "string", "url", "enum", "password", "ip", "aes_key", "time"
    }  # fmt: skip


def test_param_fields() -> None:
    catalog = load_catalog()
    timer = catalog.lookup("account.1.acd.auto_available_timer")
    assert timer is not None
    assert timer.type == "int" and timer.firm and timer.int_range == (0, 120)
    assert timer.default == "60" and timer.bounded == (1, "accounts")
    gui = catalog.lookup("lang.gui")
    assert gui is not None and gui.enum is not None and "English" in gui.enum
    assert gui.static_alias == "static.lang.gui"
    inferred = catalog.lookup("account.1.alert_info_url_enable")
    assert inferred is not None and inferred.type == "bool" and not inferred.firm
    linekey = catalog.lookup("linekey.3.label")
    assert linekey is not None and linekey.bounded == (1, "line_keys")
    assert catalog.lookup("features.dnd.enable") is not None
    assert json.loads(json.dumps(timer.to_dict()))["int_range"] == [0, 120]


def test_reboot_flags_match_reboot_json() -> None:
    catalog = load_catalog()
    flagged = [param for param in catalog if param.reboot]
    assert flagged, "network settings need a reboot"
    for param in catalog:
        assert param.reboot is (reboot_reason(param) is not None), param.key
    vid = catalog.lookup("static.network.vlan.internet_port_vid")
    assert vid is not None and vid.reboot
    label = catalog.lookup("account.1.label")
    assert label is not None and not label.reboot


# --------------------------------------------------------------------------- suggest


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("acount.1.enable", "account.1.enable"),
        ("account.1.sip_server.1.adress", "account.1.sip_server.1.address"),
        ("account.7.sip_server.2.adress", "account.7.sip_server.2.address"),
        ("ccount.1.expires", "account.1.expires"),
        ("ccount.12.expires", "account.12.expires"),
        ("acount.1.enabel", "account.1.enable"),  # two slips: overall close match
        ("account.1.Enable", "account.1.enable"),
        ("account.1.lable", "account.1.label"),
        ("account.1a.enable", "account.1.enable"),
        ("account.2.sip_server.address", "account.2.sip_server.1.address"),  # missing index
        ("static.account.1.label", "account.1.label"),  # extra static.
        ("satic.security.trust_certificates", "static.security.trust_certificates"),
        ("auto_provision.server.urll", "auto_provision.server.url"),
        ("linekey.3.lable", "linekey.3.label"),
        ("account.X.label", "account.1.label"),  # literal placeholder
    ],
)
def test_suggest_real_typos(typo: str, suggestion: str) -> None:
    assert load_catalog().suggest(typo) == suggestion


@pytest.mark.parametrize("key", ["account.1.enable", "lang.gui", "network.vpn.mode"])
def test_suggest_nothing_for_known_keys(key: str) -> None:
    assert load_catalog().suggest(key) is None


@pytest.mark.parametrize("key", ["completely.unrelated.thing", "zzz", "my_site.custom_value"])
def test_suggest_nothing_when_nothing_is_close(key: str) -> None:
    assert load_catalog().suggest(key) is None


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz._0123456789X", max_size=40))
def test_suggest_returns_a_known_key_or_none(key: str) -> None:
    suggestion = load_catalog().suggest(key)
    assert suggestion is None or load_catalog().is_known(suggestion)


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("key", "value", "severity"),
    [
        # firm bool (type from a typed settings model)
        ("account.1.enable", "1", None),
        ("account.1.enable", "0", None),
        ("account.1.enable", " 1", None),
        ("account.1.enable", "yes", "error"),
        ("account.1.enable", "2", "error"),
        ("account.1.enable", "true", "error"),
        # inferred bool: only a hint
        ("account.1.alert_info_url_enable", "2", "warning"),
        ("account.1.alert_info_url_enable", "1", None),
        # firm int, with a listed range
        ("account.1.acd.auto_available_timer", "60", None),
        ("account.1.acd.auto_available_timer", "-0", None),
        ("account.1.acd.auto_available_timer", "abc", "error"),
        ("account.1.acd.auto_available_timer", "1.5", "error"),
        ("account.1.acd.auto_available_timer", "500", "warning"),
        ("local_time.offset_time", "-300", None),
        ("local_time.offset_time", "+60", None),
        # int from a template comment: range and type are hints
        ("multicast.receive_priority.priority", "31", "warning"),
        ("multicast.receive_priority.priority", "high", "warning"),
        # enum lists can be incomplete
        ("lang.gui", "English", None),
        ("lang.gui", "Russian", "info"),  # enum lists from public projects are open
        ("local_time.time_zone", "+8", None),
        ("wifi.1.cipher_type", "TKIP CCMP", None),
        # URLs: only the scheme is firm
        ("firmware.url", "http://10.0.0.1/T46-28.83.0.50.rom", None),
        ("firmware.url", "HTTPS://prov.example.com/fw.rom", None),
        ("firmware.url", "tftp://10.0.0.1/", None),
        ("firmware.url", "ftp://user:pw@host/fw.rom", None),
        ("firmware.url", "10.0.0.1", None),
        ("firmware.url", "prov.example.com/firmware", None),
        ("firmware.url", "sftp://host/fw.rom", "error"),
        ("auto_provision.server.url", "file:///etc/passwd", "error"),
        ("auto_provision.server.url", "ldap://host", "error"),
        # ip and time: hints
        ("syslog.server", "192.168.1.20", None),
        ("syslog.server", "logs.example.com", None),
        ("syslog.server", "2001:db8::1", None),
        ("syslog.server", "192.168.1.300", "warning"),
        ("syslog.server", "fe80::zz", "warning"),
        ("syslog.server", "bad host!", "warning"),
        ("auto_provision.weekly.begin_time", "08:30", None),
        ("auto_provision.weekly.begin_time", "25:00", "warning"),
        # untyped, string and password keys accept anything
        ("account.1.label", "anything at all", None),
        ("account.1.sip_server.1.address", "sip.example.com", None),
        ("account.1.password", "s3cr3t", None),
        # %NULL% and empty are valid everywhere
        ("account.1.enable", "%NULL%", None),
        ("account.1.enable", "", None),
        ("firmware.url", "%NULL%", None),
        ("lang.gui", "", None),
    ],
)
def test_check_value(key: str, value: str, severity: str | None) -> None:
    param = load_catalog().lookup(key)
    assert param is not None
    problem = check_value(param, value)
    assert (problem.severity if problem else None) == severity
    if problem is not None:
        assert problem.firm is (severity == "error")
        assert problem.message and problem.expected


def test_check_value_messages_say_what_to_change() -> None:
    catalog = load_catalog()
    enable = catalog.lookup("account.1.enable")
    assert enable is not None
    problem = check_value(enable, "yes")
    assert problem is not None and "0 or 1" in problem.message
    timer = catalog.lookup("account.1.acd.auto_available_timer")
    assert timer is not None
    problem = check_value(timer, "500")
    assert problem is not None and "0..120" in problem.message
    url = catalog.lookup("firmware.url")
    assert url is not None
    problem = check_value(url, "sftp://h/f.rom")
    assert problem is not None and "'sftp'" in problem.message and "tftp" in problem.expected


def test_check_value_on_a_synthetic_param() -> None:
    param = Param(key="x.y", type="int", type_source="values", int_range=(1, 5))
    problem = check_value(param, "x")
    assert problem is not None and problem.severity == "warning"
    assert "inferred" in problem.message


# --------------------------------------------------------------------------- explain


def test_explain_known_and_unknown() -> None:
    known = explain_key("account.2.sip_server.1.address")
    assert known["known"] and known["pattern"] == "account.X.sip_server.X.address"
    assert not known["via_static_alias"]
    pattern = explain_key("account.X.label")
    assert pattern["known"] and pattern["pattern"] == "account.X.label"
    twin = explain_key("network.vpn.mode")
    assert twin["via_static_alias"] and twin["pattern"] == "static.network.vpn.mode"
    reboot = explain_key("static.network.vlan.internet_port_vid")
    assert reboot["reboot_reason"]
    unknown = explain_key("acount.1.enable")
    assert not unknown["known"] and unknown["suggestion"] == "account.1.enable"
    json.dumps([known, unknown])


# --------------------------------------------------------------------------- data and speed


@pytest.mark.skipif(not (SHARED / "params.tsv").exists(), reason="needs ../shared/yealink")
def test_generated_schemas_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_schemas.py"), str(SHARED), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_loading_is_fast() -> None:
    # CPU time, not wall time: other processes on a loaded CI machine must not fail it;
    # and no collector pass over the heap that the suite's earlier tests left in this
    # worker (a real run starts with an empty one).
    load_catalog.cache_clear()
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        catalog = load_catalog()
        elapsed = time.process_time() - started
    finally:
        gc.enable()
    assert elapsed < 0.05, f"load_catalog took {elapsed * 1000:.1f} ms"
    keys = [f"account.{n}.{leaf}" for n in range(1, 17) for leaf in ("enable", "label", "bogus")]
    started = time.process_time()
    for _ in range(200):
        for key in keys:
            catalog.lookup(key)
    per_lookup = (time.process_time() - started) / (200 * len(keys))
    assert per_lookup < 5e-6, f"lookup took {per_lookup * 1e9:.0f} ns"


def test_suggest_is_fast_enough_for_unknown_keys() -> None:
    catalog = load_catalog()
    catalog.suggest("warm.up.index")
    started = time.perf_counter()
    for n in range(50):
        catalog.suggest(f"acount.{n}.enable")
        catalog.suggest(f"account.{n}.sip_server.1.adress")
    per_call = (time.perf_counter() - started) / 100
    assert per_call < 0.005, f"suggest took {per_call * 1000:.2f} ms"


def test_import_stays_light() -> None:
    code = (
        "import sys, cfgtool.catalog as c; c.load_catalog().lookup('account.1.enable');"
        "c.find_model('T46G');"
        "print(','.join(m for m in ('rich', 'cryptography', 'difflib') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == ""
