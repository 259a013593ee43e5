"""No new noise: the knowledge checks on correct real-style files (issue 17).

``tests/data/correct/<MODEL>/`` holds Common and MAC files as real deployments
write them (US time zones, ``Resource:Ring1.wav``, ``lang.gui = Russian``,
vendor firmware names, V80 names on a V80 site); ``all/`` an all-models file.
Each directory is checked for its model and for the generation of the firmware
its Common file names. They must give no error and warnings on at most 0.5 % of
the entries; a catalog fact they contradict is downgraded in
``scripts/schema_facts.py``, never special-cased here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cfgtool.catalog import Model, find_model, load_catalog
from cfgtool.knowledge import Finding, check_entry, parse_firmware_image
from cfgtool.nodes import Entry
from cfgtool.parser import decode, loads

CORRECT = Path(__file__).resolve().parent / "data" / "correct"
DIRECTORIES = sorted(path for path in CORRECT.iterdir() if path.is_dir())
FIRMWARE_KEYS = ("firmware.url", "static.firmware.url")
NOISE_LIMIT = 0.005


def _entries(path: Path) -> list[Entry]:
    doc = loads(decode(path.read_bytes()), filename=str(path))
    return [node for node in doc.items if type(node) is Entry]


def _generation(directory: Path) -> int | None:
    for path in directory.glob("*.cfg"):
        for entry in _entries(path):
            if entry.key in FIRMWARE_KEYS:
                image = parse_firmware_image(entry.value)
                return image.generation if image is not None else None
    return None


def _model(directory: Path) -> Model | None:
    return find_model(directory.name)


def _findings(directory: Path, *, image: bool = True) -> list[tuple[str, Entry, Finding]]:
    """Findings for the directory's model, at its firmware image's generation (``image``)
    or at the generation the model implies (none given, as without ``--firmware``)."""
    model = _model(directory)
    generation = _generation(directory) if image else None
    return [
        (path.name, entry, finding)
        for path in sorted(directory.glob("*.cfg"))
        for entry in _entries(path)
        for finding in check_entry(entry.key, entry.value, model, generation)
    ]


def _all_entries() -> list[Entry]:
    return [e for d in DIRECTORIES for p in sorted(d.glob("*.cfg")) for e in _entries(p)]


def test_the_corpus_covers_models_generations_and_file_kinds() -> None:
    models = [_model(d) for d in DIRECTORIES]
    assert sum(m is not None for m in models) >= 6 and None in models
    generations = {_generation(d) for d in DIRECTORIES} - {None}
    assert len(generations) >= 4 and min(generations) < 80
    names = [p.name for d in DIRECTORIES for p in d.glob("*.cfg")]
    assert sum(n.startswith("y0000") for n in names) >= 7
    assert sum(len(n) == 16 for n in names) >= 6  # <12 hex digits>.cfg
    assert len(_all_entries()) >= 500


@pytest.mark.parametrize("image", [True, False], ids=["image-generation", "implied"])
@pytest.mark.parametrize("directory", DIRECTORIES, ids=lambda d: d.name)
def test_correct_files_give_no_error(directory: Path, image: bool) -> None:
    errors = [
        f"{name}: {entry.key} = {entry.value}: {finding.message}"
        for name, entry, finding in _findings(directory, image=image)
        if finding.grade == "error"
    ]
    assert errors == []


@pytest.mark.parametrize("image", [True, False], ids=["image-generation", "implied"])
def test_correct_files_give_warnings_on_at_most_half_a_percent_of_entries(image: bool) -> None:
    warnings = [
        f"{d.name}/{name}: {entry.key}: {finding.message}"
        for d in DIRECTORIES
        for name, entry, finding in _findings(d, image=image)
        if finding.grade == "warning"
    ]
    assert len(warnings) <= NOISE_LIMIT * len(_all_entries()), warnings


def test_correct_files_use_known_keys() -> None:
    catalog = load_catalog()
    unknown = [e.key for e in _all_entries() if not catalog.is_known(e.key)]
    assert len(unknown) <= NOISE_LIMIT * len(_all_entries()), unknown


def _mutations() -> list[tuple[str, str, str, str | None]]:
    """(directory, key, a wrong value, the grade) for the mistakes the checks must catch."""
    return [
        ("T46G", "account.1.enable", "yes", "error"),
        ("T46G", "account.1.dtmf.dtmf_payload", "300", "error"),
        ("T46G", "account.17.enable", "1", "error"),
        ("T46G", "static.firmware.url", "http://prov.example.com/fw/29.83.0.120.rom", "error"),
        ("T54W", "account.1.sip_server.1.transport_type", "TLS", "warning"),
        ("T54W", "static.security.user_password", "justapassword", "warning"),
        ("T54W", "account.1.transport", "2", "warning"),
        ("T19P_E2", "linekey.1.label", "Line", "warning"),
        ("T42G", "static.firmware.url", "http://h/29.80.0.95.rom", "info"),  # a static. twin
        ("T28P", "account.1.sip_server.1.transport_type", "0", "warning"),  # v73: transport
        ("T28P", "memorykey.1.line", "7", "error"),
        ("T27G", "expansion_module.1.key.21.label", "Booth", "warning"),  # Y1-20,22-40
        ("T27G", "expansion_module.7.key.1.label", "Booth", "warning"),  # X1-6
        ("T46S", "static.wifi.1.ssid", "office", None),  # T46S is in the list
        ("T23G", "static.wifi.1.ssid", "office", "warning"),  # the T23G is not
    ]


@pytest.mark.parametrize(("directory", "key", "value", "grade"), _mutations())
def test_the_checks_catch_a_mistake_in_the_same_setting(
    directory: str, key: str, value: str, grade: str | None
) -> None:
    path = CORRECT / directory
    generation = _generation(path)
    grades = [f.grade for f in check_entry(key, value, _model(path), generation)]
    assert grade in grades if grade is not None else grades == [], grades


def test_an_unknown_key_gives_no_knowledge_finding() -> None:
    assert check_entry("no.such.key", "yes", find_model("T46G"), 84) == []


def test_a_key_matched_through_its_static_twin_keeps_its_indexes_aligned() -> None:
    """``wifi.1.ssid`` style keys: the index check must look at the same segment."""
    model = find_model("T23G")
    assert model is not None
    for key in ("static.wifi.1.ssid", "wifi.1.ssid"):
        grades = [f.grade for f in check_entry(key, "office", model, 86)]
        assert grades == ["warning"], key  # the T23G is not in the list, no index noise
    t46s = find_model("T46S")
    assert t46s is not None
    # only static.wifi.X.eap_type is a catalog row; its comment says X1-5
    assert check_entry("wifi.5.eap_type", "0", t46s, 86) == []
    beyond = check_entry("wifi.6.eap_type", "0", t46s, 86)
    assert [f.message for f in beyond] == [
        "index 6 is outside 1-5 (Yealink's comment (no model named))"
    ]
