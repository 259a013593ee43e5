"""Firmware generations, renamed keys and firmware images (issue 17), from the catalog."""

from __future__ import annotations

import pytest

from cfgtool.catalog import Model, load_models
from cfgtool.knowledge import (
    KeyFacts,
    Rename,
    check_firmware_image,
    check_introduced,
    check_renamed,
    implied_generation,
    key_facts,
    load_renames,
    model_firmware,
    models_for_prefix,
    newest_generation,
    parse_firmware_image,
    parse_generation,
    rename_key,
)
from cfgtool.knowledge.store import _facts

RENAMES = load_renames()
DATED = [r for r in RENAMES if r.since is not None]
FIRMWARE = model_firmware()
WITH_PREFIXES = sorted(name for name, fw in FIRMWARE.items() if fw.prefixes)


def test_renames_come_from_the_shared_data() -> None:
    assert len(RENAMES) == 9 and len(DATED) == 8
    assert {r.since for r in DATED} <= set(range(70, 90))


@pytest.mark.parametrize(
    ("text", "generation"),
    [
        ("84", 84),
        ("v84", 84),
        ("V84", 84),
        ("84.x", 84),
        ("28.84.0.10", 84),
        ("66.86.0.15", 86),
        (" 81 ", 81),
        ("8", None),
        ("eighty", None),
        ("", None),
        ("v8x", None),
    ],
)
def test_parse_generation(text: str, generation: int | None) -> None:
    assert parse_generation(text) == generation


def _concrete(pattern: str) -> str:
    return pattern.replace("X", "2")


@pytest.mark.parametrize("rename", DATED, ids=lambda r: r.old)
def test_a_key_renamed_at_or_before_the_generation_gets_the_new_name(rename: Rename) -> None:
    assert rename.since is not None
    key = _concrete(rename.old)
    for generation in (rename.since, rename.since + 3):
        finding = check_renamed(key, rename.old, generation, RENAMES)
        assert finding is not None and finding.fix == rename_key(key, rename.old, rename.new)
        assert finding.grade == ("info" if rename.new == "static." + rename.old else "warning")
    assert check_renamed(key, rename.old, rename.since - 1, RENAMES) is None


@pytest.mark.parametrize("rename", DATED, ids=lambda r: r.new)
def test_the_new_name_is_unknown_to_older_firmware(rename: Rename) -> None:
    assert rename.since is not None
    key = _concrete(rename.new)
    facts = key_facts(rename.new)
    newest = newest_generation()
    finding = check_introduced(key, rename.new, facts, rename.since - 1, RENAMES, newest)
    assert finding is not None and finding.fix == rename_key(key, rename.new, rename.old)
    assert f"renamed in v{rename.since}" in finding.message
    assert check_introduced(key, rename.new, facts, rename.since, RENAMES, newest) is None


def test_an_undated_rename_is_info_from_v80_on() -> None:
    undated = next(r for r in RENAMES if r.since is None)
    finding = check_renamed(_concrete(undated.old), undated.old, 80, RENAMES)
    assert finding is not None and finding.grade == "info"
    assert finding.fix == rename_key(_concrete(undated.old), undated.old, undated.new)
    assert check_renamed(_concrete(undated.old), undated.old, 73, RENAMES) is None


@pytest.mark.parametrize(
    ("key", "old", "new", "expected"),
    [
        ("account.3.transport", "account.X.transport", "account.X.sip_server.X.transport_type",
         "account.3.sip_server.1.transport_type"),
        ("account.3.sip_server.2.transport_type", "account.X.sip_server.X.transport_type",
         "account.X.transport", "account.3.transport"),
        ("firmware.url", "firmware.url", "static.firmware.url", "static.firmware.url"),
    ],
)  # fmt: skip
def test_rename_key_keeps_the_indexes(key: str, old: str, new: str, expected: str) -> None:
    assert rename_key(key, old, new) == expected


def _first_set_cases() -> list[str]:
    newest = newest_generation()
    return sorted(
        p for p in _all_fact_keys() if (fw := key_facts(p).firmware) and 70 < fw[0] < newest
    )


def _all_fact_keys() -> list[str]:
    return list(_facts())


@pytest.mark.parametrize("pattern", _first_set_cases())
def test_a_key_first_set_after_the_generation_is_info(pattern: str) -> None:
    facts = key_facts(pattern)
    assert facts.firmware is not None
    first = facts.firmware[0]
    newest = newest_generation()
    renamed_to = {r.new for r in DATED}
    finding = check_introduced(pattern, pattern, facts, first - 1, RENAMES, newest)
    assert finding is not None
    if pattern in renamed_to:
        return  # the rename's generation decides (test_the_new_name_is_unknown_...)
    assert finding.grade == "info" and f"v{first}" in finding.message
    assert check_introduced(pattern, pattern, facts, first, RENAMES, newest) is None


def test_the_newest_generation_says_nothing() -> None:
    """v87's template sets ~840 keys: fw_first = v87 is not when Yealink added them."""
    newest = newest_generation()
    assert newest == 87
    facts = KeyFacts(key="a.b", firmware=(newest, newest))
    assert check_introduced("a.b", "a.b", facts, 80, (), newest) is None


@pytest.mark.parametrize(
    ("url", "prefix", "generation"),
    [
        ("http://h/fw/28.83.0.120.rom", 28, 83),
        ("https://h/T54W-96.86.0.100.rom", 96, 86),
        ("http://h/T46S(T48S,T42S,T41S)-66.86.0.15.rom", 66, 86),
        ("tftp://h/fw/108.86.0.45.zip?x=1", 108, 86),
        ("28.83.0.120.rom", 28, 83),
        ("http://h/fw/firmware.rom", None, None),
        ("http://h/fw/28.83.rom", None, None),
        ("", None, None),
    ],
)
def test_parse_firmware_image(url: str, prefix: int | None, generation: int | None) -> None:
    image = parse_firmware_image(url)
    found = (image.prefix, image.generation) if image is not None else (None, None)
    assert found == (prefix, generation)


@pytest.mark.parametrize("name", WITH_PREFIXES)
def test_a_models_own_images_pass_and_another_models_fail(name: str) -> None:
    own = FIRMWARE[name]
    for prefix in own.prefixes:
        assert check_firmware_image(f"http://h/{prefix}.86.0.1.rom", name, FIRMWARE) is None
        assert name in models_for_prefix(prefix, FIRMWARE)
    other = next(p for n in WITH_PREFIXES for p in FIRMWARE[n].prefixes if p not in own.prefixes)
    finding = check_firmware_image(f"http://h/fw/{other}.84.0.10.rom", name, FIRMWARE)
    assert finding is not None and finding.grade == "error"
    assert models_for_prefix(other, FIRMWARE)[0] in finding.message


def test_wazo_prefixes_and_safe_hardware_ids() -> None:
    """T41S took 68.x before 66.x; the T20P's hw id 7 is the T22P's firmware prefix."""
    assert set(FIRMWARE["T41S"].prefixes) == {66, 68}
    assert FIRMWARE["T20P"].prefixes == (9,)
    assert check_firmware_image("http://h/7.73.0.50.rom", "T20P", FIRMWARE) is not None
    for model in load_models():
        assert set(model.firmware_prefixes) <= set(FIRMWARE[model.name].prefixes)


def test_an_unknown_prefix_or_model_is_not_reported() -> None:
    assert check_firmware_image("http://h/250.86.0.1.rom", "T46G", FIRMWARE) is None
    assert check_firmware_image("http://h/28.86.0.1.rom", "NoSuchModel", FIRMWARE) is None


@pytest.mark.parametrize("model", sorted(load_models(), key=lambda m: m.name), ids=lambda m: m.name)
def test_implied_generation_only_for_models_that_only_ran_v8x(model: Model) -> None:
    floor = implied_generation(FIRMWARE[model.name])
    ids = [*FIRMWARE[model.name].prefixes, *([model.hw_id] if model.hw_id is not None else [])]
    if model.source == "guide":
        assert floor is None  # the guide's models ran V7x
    if floor is not None:
        assert floor == 80 and min(ids) >= 56
    assert implied_generation(None) is None


@pytest.mark.parametrize(
    ("name", "floor"), [("T46S", 80), ("T54W", 80), ("T46G", None), ("T20P", None), ("W52P", None)]
)
def test_implied_generation_examples(name: str, floor: int | None) -> None:
    assert implied_generation(FIRMWARE[name]) == floor
