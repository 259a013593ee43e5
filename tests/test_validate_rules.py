"""The model rules of ``cfgtool validate`` (CFG301-CFG307, CFG312) on single documents."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from cfgtool.catalog import Model, find_model, load_models
from cfgtool.diagnostics import Diagnostic
from cfgtool.linting.config import LintConfig
from cfgtool.linting.engine import lint, make_context, registered_rules
from cfgtool.linting.rules import RULES_BY_CODE
from cfgtool.parser import loads
from cfgtool.provisioning import model_for_common_file, shared_model, validate_paths
from tests.conftest import GUIDE_MODELS

HEADER = "#!version:1.0.0.1\n"
MAC_FILE = "0015651130f9.cfg"

GUIDE = GUIDE_MODELS
GUIDE_IDS = [name for name, _, _ in GUIDE]


def validate_text(
    text: str,
    filename: str = MAC_FILE,
    model: str | Model | None = None,
    config: LintConfig | None = None,
) -> list[Diagnostic]:
    """Every lint and model rule on one document, as validate runs them (no tree)."""
    config = config or LintConfig()
    context = make_context(config, filename)
    if model is not None:
        found = find_model(model) if isinstance(model, str) else model
        assert found is not None, model
        context = replace(context, model=found)
    doc = loads(text, filename=filename)
    return lint(doc, config, context=context, rules=registered_rules(("lint", "model")))


def codes(found: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in found if d.code == code]


# --- the 12 guide models ------------------------------------------------------------


@pytest.mark.parametrize(("name", "hw_id", "accounts"), GUIDE, ids=GUIDE_IDS)
def test_account_limit_passes_and_one_more_fails(name: str, hw_id: int, accounts: int) -> None:
    model = find_model(name)
    assert model is not None and model.accounts == accounts
    last = f"account.{accounts}.enable = 1\n"
    assert validate_text(HEADER + last, model=name) == []
    [found] = validate_text(HEADER + f"account.{accounts + 1}.enable = 1\n", model=name)
    assert (found.code, found.severity, found.line, found.column) == ("CFG302", "error", 2, 1)
    assert f"account.{accounts + 1} is out of range" in found.message
    assert found.hint is not None and f"from 1 to {accounts}" in found.hint


@pytest.mark.parametrize(("name", "hw_id", "accounts"), GUIDE, ids=GUIDE_IDS)
def test_common_file_names_of_the_guide(name: str, hw_id: int, accounts: int) -> None:
    common = f"y{hw_id:012d}.cfg"
    model = find_model(name)
    assert model is not None and model.common_file == common
    assert model_for_common_file(common) == model
    assert codes(validate_text(HEADER, filename=common), "CFG301") == []


@pytest.mark.parametrize(("name", "hw_id", "accounts"), GUIDE, ids=GUIDE_IDS)
def test_firmware_prefix_of_the_guide(name: str, hw_id: int, accounts: int) -> None:
    common = f"y{hw_id:012d}.cfg"
    good = HEADER + f"static.firmware.url = http://prov.example.com/fw/{hw_id}.83.0.10.rom\n"
    assert validate_text(good, filename=common) == []
    other = 28 if hw_id != 28 else 29
    bad = HEADER + f"firmware.url = http://prov.example.com/fw/{other}.83.0.10.rom\n"
    [found] = validate_text(bad, filename=common)
    assert found.code == "CFG303" and found.column == len("firmware.url = ") + 1
    assert "is firmware for the T4" in found.message and f"({hw_id}.x)" in found.message
    assert found.hint is not None and f"a {hw_id}.x image" in found.hint


def test_account_zero_is_out_of_range() -> None:
    [found] = validate_text(HEADER + "account.0.label = x\n", model="T46G")
    assert found.code == "CFG302"


def test_account_limit_comes_from_the_model_comment() -> None:
    text = HEADER + "# cfgtool: model=T40P\naccount.4.enable = 1\n"
    [found] = validate_text(text)
    assert found.code == "CFG302" and "T40P has 3 accounts" in found.message


def test_shared_common_file_allows_what_any_of_its_models_allows() -> None:
    t53 = model_for_common_file("y000000000095.cfg")
    assert t53 is not None and t53.name == "T53/T53W" and t53.firmware_prefixes == (95, 96)
    text = HEADER + "firmware.url = 96.85.0.5.rom\naccount.12.enable = 1\n"
    assert validate_text(text, filename="y000000000095.cfg") == []
    assert shared_model([]) is None


def test_firmware_prefix_differs_from_hardware_id() -> None:
    t42s = find_model("T42S")
    assert t42s is not None and t42s.hw_id == 67 and t42s.firmware_prefixes == (66,)
    ok = HEADER + "static.firmware.url = fw/T42S-66.84.0.10.rom\n"
    assert validate_text(ok, filename="y000000000067.cfg") == []
    # its hardware id too: no other model's firmware is 67.x (the T41S took 68.x before 66.x)
    own_id = HEADER + "static.firmware.url = fw/67.84.0.10.rom\n"
    assert validate_text(own_id, filename="y000000000067.cfg") == []
    bad = HEADER + "static.firmware.url = fw/28.84.0.10.rom\n"
    assert [d.code for d in validate_text(bad, filename="y000000000067.cfg")] == ["CFG303"]


# --- CFG301 bad-filename ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "severity", "words"),
    [
        ("0015651130F9.cfg", "error", "rename 0015651130F9.cfg to 0015651130f9.cfg"),
        ("0015651130F9-local.cfg", "error", "to 0015651130f9-local.cfg"),
        ("Y000000000054.cfg", "warning", "rename Y000000000054.cfg to y000000000054.cfg"),
        ("y000000000099.cfg", "warning", "cfgtool models"),
        ("00-15-65-11-30-f9.cfg", "warning", "rename it to 0015651130f9.cfg"),
        ("phone1.cfg", "warning", "allow-names"),
    ],
)
def test_bad_filenames(filename: str, severity: str, words: str) -> None:
    [found] = codes(validate_text(HEADER, filename=filename), "CFG301")
    assert found.severity == severity
    assert words in f"{found.message} {found.hint}"


@pytest.mark.parametrize(
    "filename",
    [
        "y000000000000.cfg",
        "y000000000028.cfg",
        "y000000000044.cfg",
        "0015651130f9.cfg",
        "0015651130f9-local.cfg",
    ],
)
def test_good_filenames(filename: str) -> None:
    assert codes(validate_text(HEADER, filename=filename), "CFG301") == []


def test_allow_names_silences_other_names() -> None:
    config = LintConfig(allow_names=("site-*.cfg",))
    assert codes(validate_text(HEADER, "site-a.cfg", config=config), "CFG301") == []
    assert codes(validate_text(HEADER, "other.cfg", config=config), "CFG301") != []


def test_filename_rule_skips_templates() -> None:
    context = replace(make_context(LintConfig(), "phone.cfg.tmpl"), template=True)
    rule = RULES_BY_CODE["CFG301"]
    assert list(rule.check(loads(HEADER), context)) == []


# --- CFG303 .. CFG307 on minimal broken examples --------------------------------------


def test_model_unknown_is_info_and_skips_model_checks() -> None:
    found = validate_text(HEADER + "account.99.enable = 1\n")
    assert [(d.code, d.severity) for d in found] == [("CFG304", "info")]
    assert found[0].hint is not None and "--model" in found[0].hint


def test_model_unknown_names_a_bad_comment() -> None:
    [found] = validate_text(HEADER + "# cfgtool: model=T99Z\n")
    assert found.code == "CFG304" and "'T99Z'" in found.message


def test_all_models_common_file_is_not_model_unknown() -> None:
    assert validate_text(HEADER, filename="y000000000000.cfg") == []


@pytest.mark.parametrize(
    ("value", "severity", "words"),
    [
        ("http:///yealink/", "error", "scheme://server/path"),
        ("http:/prov.example.com/", "error", "http://server/path"),
        ("http://prov.example.com/$MODEL/", "error", "$PN"),
        ("http://prov.example.com/$SN.cfg", "error", "$MAC"),
        ("http://prov.example.com/$pn/", "warning", "$PN"),
        ("http://prov.example.com/my dir/", "error", "%20"),
        ("ftp://prov:S3cret@prov.example.com/", "warning", "auto_provision.server.username"),
    ],
)
def test_provisioning_url_problems(value: str, severity: str, words: str) -> None:
    found = codes(validate_text(HEADER + f"auto_provision.server.url = {value}\n"), "CFG305")
    assert [d.severity for d in found] == [severity]
    assert words in f"{found[0].message} {found[0].hint}"


def test_bad_scheme_is_reported_once_under_validate() -> None:
    found = validate_text(HEADER + "auto_provision.server.url = sftp://prov.example.com/\n")
    scheme_problems = [d for d in found if d.code in ("CFG202", "CFG305")]
    assert [d.code for d in scheme_problems] == ["CFG202"]
    assert "tftp://, ftp://, http:// or https://" in str(scheme_problems[0].hint)


def test_bad_scheme_of_a_key_the_catalog_does_not_type_is_cfg305() -> None:
    assert _problems_of("sftp://prov.example.com/")


def _problems_of(value: str) -> list[tuple[int, str, str, str]]:
    from cfgtool.linting.rules.cfg305_provisioning_url import _problems

    return list(_problems("autoprovision.1.url", value, in_common=False))


@pytest.mark.parametrize(
    "value",
    [
        "tftp://192.168.1.100/$PN/",
        "https://prov.example.com/yealink/$MAC.cfg",
        "192.168.1.100",
        "prov.example.com:6969/boot",
        "%NULL%",
    ],
)
def test_good_provisioning_urls(value: str) -> None:
    for key in ("static.auto_provision.server.url", "autoprovision.3.url"):
        assert codes(validate_text(HEADER + f"{key} = {value}\n"), "CFG305") == []


def test_activation_code_credentials_point_at_its_own_keys() -> None:
    text = HEADER + "autoprovision.2.url = http://u:p@prov.example.com/\n"
    [found] = codes(validate_text(text), "CFG305")
    assert found.hint is not None and "autoprovision.2.user" in found.hint


def test_url_credentials_in_a_common_file_are_left_to_cfg401() -> None:
    text = HEADER + "static.auto_provision.server.url = ftp://u:p@prov.example.com/\n"
    found = validate_text(text, filename="y000000000028.cfg")
    assert [d.code for d in found] == ["CFG401"]


def test_activation_codes() -> None:
    text = HEADER + (
        "autoprovision.1.code = *99\n"
        "autoprovision.2.code = *99\n"
        "autoprovision.3.code = 12ab\n"
        f"autoprovision.4.code = {'1' * 33}\n"
        "autoprovision.51.url = http://prov.example.com/\n"
        "autoprovision.0.code = 5\n"
        "autoprovision.5.code = *98#\n"
        "autoprovision.6.code = %NULL%\n"
    )
    found = codes(validate_text(text), "CFG306")
    assert [d.line for d in found] == [3, 4, 5, 6, 7]
    messages = [d.message for d in found]
    assert "repeats the code *99 of autoprovision.1.code (line 2)" in messages[0]
    assert "'a' cannot be dialled" in messages[1]
    assert "33 characters" in messages[2]
    assert "numbered 1 to 50" in messages[3] and "numbered 1 to 50" in messages[4]


@pytest.mark.parametrize(
    ("key", "bad", "good"),
    [
        ("static.zero_touch.wait_time", "0", "100"),
        ("zero_touch.wait_time", "101", "1"),
        ("static.auto_provision.dhcp_option.list_user_options", "66", "128,254"),
        ("static.auto_provision.repeat.minutes", "0", "1440"),
        ("auto_provision.schedule.periodic_minute", "-5", "60"),
        ("static.auto_provision.weekly.begin_time", "24:00", "00:00"),
        ("auto_provision.weekly.end_time", "7pm", "23:59"),
        ("static.auto_provision.weekly.dayofweek", "1237", "0123456"),
        ("auto_provision.schedule.dayofweek", "115", "15"),
    ],
)
def test_value_ranges(key: str, bad: str, good: str) -> None:
    [found] = codes(validate_text(HEADER + f"{key} = {bad}\n"), "CFG307")
    assert found.severity == "error" and found.hint
    assert codes(validate_text(HEADER + f"{key} = {good}\n"), "CFG307") == []


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("ringtone.url = http://prov.example.com/tones/office.mp3", True),
        ("static.ringtone.url = tones/Office.WAV", False),
        ("ringtone.url = http://prov.example.com", False),
        ("phone_setting.ring_type = Custom:office.mp3", True),
        ("account.2.ringtone.ring_type = Custom:office.wav", False),
        ("phone_setting.ring_type = Ring3.wav", False),
    ],
)
def test_ring_tones_must_be_wav(line: str, flagged: bool) -> None:
    found = codes(validate_text(HEADER + line + "\n"), "CFG312")
    assert bool(found) == flagged
    if flagged:
        assert "not .mp3" in found[0].message and found[0].hint


# --- did-you-mean on real typos, through the validate rule set --------------------------


@pytest.mark.parametrize(
    ("typo", "right"),
    [
        ("acount.1.enable", "account.1.enable"),
        ("account.1.sip_server.1.adress", "account.1.sip_server.1.address"),
    ],
)
def test_did_you_mean_on_real_typos(typo: str, right: str) -> None:
    found = validate_text(HEADER + f"{typo} = 1\n", model="T46G")
    assert len(found) == 1 and found[0].code.startswith("CFG2")
    assert f"did you mean {right}?" in found[0].message


# --- the rules themselves ----------------------------------------------------------------

MY_CODES = [f"CFG3{n:02d}" for n in range(1, 13)]


@pytest.mark.parametrize("code", MY_CODES)
def test_rule_is_registered_for_validate_only(code: str) -> None:
    rule = RULES_BY_CODE[code]
    assert rule.scope == "model"
    assert rule not in registered_rules()
    assert "Failing example" in rule.doc and "Passing example" in rule.doc


def test_model_rules_are_silent_without_validate_context() -> None:
    text = HEADER + "account.99.enable = 1\nfirmware.url = 1.2.3.4.rom\n"
    doc = loads(text, filename="Bad Name.cfg")
    assert lint(doc) == []


def test_every_guide_model_is_in_the_schema() -> None:
    names = {model.name for model in load_models() if model.source == "guide"}
    assert names == set(GUIDE_IDS)


# --- the documented examples, run as validate runs them ---------------------------------------

_HEADING = re.compile(r"^(Failing|Passing) example(?: \(([^)]*)\))?::[ \t]*$", re.MULTILINE)


def documented_examples(doc: str) -> list[tuple[bool, str, list[str]]]:
    """(failing, text, files) per example; the text goes in the first file.

    ``(file NAME)`` puts the example alone in a tree; ``(tree: A, B)`` also
    creates the other files (cfg files with just the header, others with bytes).
    """
    found = []
    for match in _HEADING.finditer(doc):
        block = doc[match.end() :].split("\n\n", 2)[1]
        text = "\n".join(line[4:] for line in block.splitlines()) + "\n"
        context = match.group(2) or ""
        if context.startswith("tree:"):
            files = [name.strip() for name in context[5:].split(",")]
        else:
            files = [context.split()[1] if context.startswith("file ") else MAC_FILE]
        found.append((match.group(1) == "Failing", text, files))
    return found


@pytest.mark.parametrize("code", MY_CODES)
def test_documented_examples_behave_as_claimed(code: str, tmp_path: Path) -> None:
    rule = RULES_BY_CODE[code]
    examples = documented_examples(rule.doc)
    assert [failing for failing, _, _ in examples] == [True, False]
    for number, (failing, text, files) in enumerate(examples):
        root = tmp_path / str(number)
        for index, name in enumerate(files):
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            content = text if index == 0 else HEADER if name.endswith(".cfg") else "data"
            path.write_text(content, encoding="utf-8")
        found = codes(validate_paths([str(root)], jobs=1).diagnostics, code)
        assert bool(found) == failing, (code, failing, found)
