"""Tree mode of ``cfgtool validate``: models from the tree, CFG308-CFG312, the directory table."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cfgtool.catalog import find_model
from cfgtool.diagnostics import Diagnostic
from cfgtool.linting.config import ConfigResolver
from cfgtool.provisioning import (
    FileView,
    ProvisioningTree,
    Validation,
    ValidationPlan,
    scan_tree,
    tree_target,
    validate_paths,
)
from tests.conftest import write_tree

HEADER = "#!version:1.0.0.1\n"
DATA_TREE = Path(__file__).resolve().parent / "data" / "tree"
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "


def run(root: Path, **options: object) -> Validation:
    return validate_paths([str(root)], jobs=1, **options)  # type: ignore[arg-type]


def found(validation: Validation, *codes: str) -> list[tuple[str, str, int]]:
    """(code, path relative to the tree root, line) for the given codes."""
    rows = []
    for d in validation.diagnostics:
        if d.code in codes:
            rows.append((d.code, _relative(d), d.line))
    return sorted(rows)


def _relative(d: Diagnostic) -> str:
    parts = Path(d.path or "").parts
    return "/".join(parts[-2:]) if len(parts) > 1 else parts[0]


# --- the correct tree ------------------------------------------------------------------


def test_correct_tree_for_several_models_reports_nothing() -> None:
    validation = run(DATA_TREE)
    assert validation.diagnostics == []
    assert all(result.error is None for result in validation.results)
    rows = {Path(row.directory).name: row for row in validation.directories}
    assert (rows["T46G"].model, rows["T46G"].common_files, rows["T46G"].phones) == (
        "T46G",
        ("y000000000028.cfg",),
        1,
    )
    assert rows["T19P_E2"].model == "T19(P) E2"
    assert rows["flat"].model == "mixed" and rows["flat"].phones == 2
    assert all(row.errors == 0 for row in rows.values())


def test_correct_tree_with_server_url_reports_nothing(tmp_path: Path) -> None:
    root = Path(shutil.copytree(DATA_TREE / "flat", tmp_path / "flat"))
    common = root / "y000000000000.cfg"
    common.write_text(
        common.read_text(encoding="utf-8")
        + "gui_lang.url = http://prov.example.com/lang/000.GUI.English.lang\n",
        encoding="utf-8",
    )
    validation = run(root, server_url="http://prov.example.com")
    assert found(validation, "CFG311") == [("CFG311", "flat/y000000000000.cfg", 6)]
    (root / "lang").mkdir()
    (root / "lang" / "000.GUI.English.lang").write_text("x", encoding="utf-8")
    assert run(root, server_url="http://prov.example.com/").diagnostics == []


# --- models from the tree ----------------------------------------------------------------


def test_pn_layout_directory_gives_the_model(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "T42G/y000000000000.cfg": HEADER,
            "T42G/00156543ec97.cfg": HEADER + "account.13.enable = 1\n",
        },
    )
    validation = run(root)
    assert found(validation, "CFG302") == [("CFG302", "T42G/00156543ec97.cfg", 2)]
    assert "T42G has 12 accounts" in validation.diagnostics[0].message


def test_flat_layout_common_file_gives_the_model(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "site",
        {"y000000000054.cfg": HEADER, "0015651130f9.cfg": HEADER + "account.4.enable = 1\n"},
    )
    assert found(run(root), "CFG302", "CFG304") == [("CFG302", "site/0015651130f9.cfg", 2)]


def test_common_file_at_the_root_serves_subdirectories(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "srv",
        {"y000000000029.cfg": HEADER, "office/0015651130f9.cfg": HEADER + "account.13.label = x\n"},
    )
    validation = run(root)
    assert found(validation, "CFG302", "CFG308") == [("CFG302", "office/0015651130f9.cfg", 2)]


def test_model_option_wins(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"T46G/0015651130f9.cfg": HEADER + "account.4.enable = 1\n"})
    assert found(run(root), "CFG302") == []
    validation = run(root, model="SIP-T40P")
    assert found(validation, "CFG302") == [("CFG302", "T46G/0015651130f9.cfg", 2)]
    assert found(validation, "CFG308") == [("CFG308", "T46G/0015651130f9.cfg", 1)]
    assert "y000000000054.cfg" in validation.diagnostics[0].message


def test_unknown_model_option_is_a_usage_error(tmp_path: Path) -> None:
    from cfgtool.errors import CfgError

    with pytest.raises(CfgError, match=r"unknown phone model 'T46X' \(did you mean"):
        run(tmp_path, model="T46X")


def test_several_common_files_leave_the_model_to_the_comment(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "mixed",
        {
            "y000000000028.cfg": HEADER,
            "y000000000029.cfg": HEADER,
            "0015651130f9.cfg": HEADER + "account.13.enable = 1\n",
            "0015651130fa.cfg": HEADER + "# cfgtool: model=T42G\naccount.13.enable = 1\n",
        },
    )
    assert found(run(root), "CFG302", "CFG304") == [
        ("CFG302", "mixed/0015651130fa.cfg", 3),
        ("CFG304", "mixed/0015651130f9.cfg", 1),
    ]


# --- CFG308 missing-common-file -----------------------------------------------------------


def test_pn_directory_with_another_models_common_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"T40P/y000000000036.cfg": HEADER, "T40P/0015651130f9.cfg": HEADER})
    validation = run(root)
    assert found(validation, "CFG308") == [("CFG308", "T40P/0015651130f9.cfg", 1)]
    [problem] = validation.diagnostics
    assert "T40P phones read y000000000054.cfg" in problem.message
    assert "y000000000036.cfg there is for the T41P" in problem.message
    assert problem.hint is not None and problem.hint.startswith("add y000000000054.cfg to")


def test_pn_directory_does_not_read_the_root(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"y000000000028.cfg": HEADER, "T46G/0015651130f9.cfg": HEADER})
    assert found(run(root), "CFG308") == [("CFG308", "T46G/0015651130f9.cfg", 1)]


def test_common_file_in_the_wrong_case(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "site", {"Y000000000054.cfg": HEADER, "0015651130f9.cfg": HEADER})
    validation = run(root, model="T40P")
    assert found(validation, "CFG301", "CFG308") == [
        ("CFG301", "site/Y000000000054.cfg", 1),
        ("CFG308", "site/0015651130f9.cfg", 1),
    ]
    assert any("differs in letter case" in d.message for d in validation.diagnostics)


def test_no_common_file_at_all(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "site", {"0015651130f9.cfg": HEADER})
    validation = run(root)
    assert found(validation, "CFG308", "CFG304") == [
        ("CFG304", "site/0015651130f9.cfg", 1),
        ("CFG308", "site/0015651130f9.cfg", 1),
    ]


def test_all_models_common_file_counts(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"T46G/y000000000000.cfg": HEADER, "T46G/0015651130f9.cfg": HEADER})
    assert run(root).diagnostics == []


def test_file_arguments_skip_tree_checks(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"T46G/0015651130f9.cfg": HEADER + "account.17.enable = 1\n"})
    validation = validate_paths([str(root / "T46G" / "0015651130f9.cfg")], jobs=1)
    assert [d.code for d in validation.diagnostics] == ["CFG302"]
    assert validation.directories == []


# --- CFG309 duplicate-phone and CFG310 orphan-local-file -----------------------------------


def test_duplicate_phone_in_two_model_directories(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "T46G/y000000000028.cfg": HEADER,
            "T46G/0015651130f9.cfg": HEADER,
            "T48G/y000000000035.cfg": HEADER,
            "T48G/0015651130f9.cfg": HEADER,
        },
    )
    validation = run(root)
    assert found(validation, "CFG309") == [("CFG309", "T48G/0015651130f9.cfg", 1)]
    assert "T46G/0015651130f9.cfg" in validation.diagnostics[0].message


def test_duplicate_phone_by_letter_case_reports_the_wrong_name(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "site",
        {"y000000000028.cfg": HEADER, "0015651130F9.cfg": HEADER, "0015651130f9.cfg": HEADER},
    )
    assert found(run(root), "CFG301", "CFG309") == [
        ("CFG301", "site/0015651130F9.cfg", 1),
        ("CFG309", "site/0015651130F9.cfg", 1),
    ]


def test_mac_and_local_file_are_not_duplicates(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "site",
        {
            "y000000000028.cfg": HEADER,
            "0015651130f9.cfg": HEADER,
            "0015651130f9-local.cfg": HEADER,
        },
    )
    assert run(root).diagnostics == []


def test_orphan_local_file(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "site",
        {
            "y000000000028.cfg": HEADER,
            "0015651130fa.cfg": HEADER,
            "0015651130f9-local.cfg": HEADER,
        },
    )
    validation = run(root)
    assert found(validation, "CFG310") == [("CFG310", "site/0015651130f9-local.cfg", 1)]
    [problem] = validation.diagnostics
    assert problem.severity == "warning" and "0015651130f9.cfg" in (problem.hint or "")


# --- CFG311 missing-resource-file and CFG312 ringtone-not-wav ---------------------------------

RESOURCES = [
    ("static.firmware.url", "firmware/28.83.0.50.rom"),
    ("ringtone.url", "tones/office.wav"),
    ("auto_dst.url", "AutoDST.xml"),
    ("dialplan_replace_rule.url", "dialplan.xml"),
    ("dialplan_dialnow.url", "dialnow.xml"),
    ("gui_lang.url", "lang/000.GUI.English.lang"),
    ("local_contact.data.url", "contact.xml"),
    ("lcd_logo.url", "logo.dob"),
    ("wallpaper_upload.url", "wallpaper.jpg"),
]


@pytest.mark.parametrize(("key", "target"), RESOURCES, ids=[k for k, _ in RESOURCES])
def test_resource_file_must_exist_in_the_tree(tmp_path: Path, key: str, target: str) -> None:
    files: dict[str, str | bytes] = {
        "T46G/y000000000028.cfg": HEADER + f"{key} = {target}\n",
    }
    root = write_tree(tmp_path, files)
    validation = run(root)
    assert found(validation, "CFG311") == [("CFG311", "T46G/y000000000028.cfg", 2)]
    missing = os.path.join(str(root), "T46G", *target.split("/"))
    assert missing in validation.diagnostics[0].message
    write_tree(root, {f"T46G/{target}": WAV})
    assert run(root).diagnostics == []


@pytest.mark.parametrize(
    "value",
    [
        "http://elsewhere.example.com/fw/28.83.0.50.rom",
        "10.0.0.5/fw/28.83.0.50.rom",
        "../../outside/28.83.0.50.rom",
        "http://prov.example.com/$PN/28.83.0.50.rom",
        "%NULL%",
    ],
)
def test_resources_outside_the_tree_are_not_checked(tmp_path: Path, value: str) -> None:
    root = write_tree(tmp_path, {"T46G/y000000000028.cfg": HEADER + f"firmware.url = {value}\n"})
    assert found(run(root, server_url="http://prov.example.com/"), "CFG311") == []


def test_server_url_maps_to_the_tree_root(tmp_path: Path) -> None:
    value = "HTTP://Prov.Example.com/yealink/fw/28.83.0.50.rom?v=2"
    root = write_tree(tmp_path, {"T46G/y000000000028.cfg": HEADER + f"firmware.url = {value}\n"})
    validation = run(root, server_url="http://prov.example.com/yealink/")
    assert found(validation, "CFG311") == [("CFG311", "T46G/y000000000028.cfg", 2)]
    assert os.path.join(str(root), "fw", "28.83.0.50.rom") in validation.diagnostics[0].message
    assert found(run(root), "CFG311") == []  # without --server-url the URL is not ours


def test_absolute_path_is_from_the_tree_root(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {"T46G/y000000000028.cfg": HEADER + "firmware.url = /fw/28.83.0.50.rom\n"},
    )
    assert found(run(root), "CFG311") == [("CFG311", "T46G/y000000000028.cfg", 2)]
    write_tree(root, {"fw/28.83.0.50.rom": b"rom"})
    assert run(root).diagnostics == []


def test_ring_tone_in_the_tree_must_be_a_wav_file(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "T46G/y000000000028.cfg": HEADER + "ringtone.url = tones/office.wav\n",
            "T46G/tones/office.wav": b"ID3\x03mp3 data really",
        },
    )
    validation = run(root)
    assert found(validation, "CFG312") == [("CFG312", "T46G/y000000000028.cfg", 2)]
    assert "no RIFF/WAVE header" in validation.diagnostics[0].message
    (root / "T46G" / "tones" / "office.wav").write_bytes(WAV)
    assert run(root).diagnostics == []


def test_tree_target_rules() -> None:
    tree = ProvisioningTree("/srv", {}, {})
    view = FileView(tree, "T46G/y000000000028.cfg", server_url="tftp://10.0.0.1/prov")
    assert tree_target(view, "fw/a.rom") == "T46G/fw/a.rom"
    assert tree_target(view, "../common/a%20b.rom") == "common/a b.rom"
    assert tree_target(view, "tftp://10.0.0.1/prov/x/a.rom") == "x/a.rom"
    assert tree_target(view, "tftp://10.0.0.1/provisioning/a.rom") is None
    assert tree_target(view, "tftp://10.0.0.2/prov/a.rom") is None
    assert tree_target(view, "prov.example.com/a.rom") is None
    assert tree_target(view, "fw/") is None
    assert tree_target(view, "../../etc/passwd") is None
    pn_view = FileView(tree, "T46G/y000000000028.cfg", server_url="tftp://10.0.0.1/$PN/")
    assert tree_target(pn_view, "tftp://10.0.0.1/T46G/fw/a.rom") == "T46G/fw/a.rom"
    assert tree_target(FileView(tree, "a.cfg", server_url="10.0.0.1"), "TFTP://10.0.0.1/a") == "a"


# --- suppressions, configuration, summary ---------------------------------------------------


def test_tree_findings_obey_suppressions_and_ignore(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "site/0015651130f9.cfg": HEADER + "# cfgtool: disable-file=missing-common-file\n",
            "site/0015651130fa.cfg": HEADER,
        },
    )
    validation = run(root, model="T46G")
    assert found(validation, "CFG308", "CFG100") == [("CFG308", "site/0015651130fa.cfg", 1)]
    from cfgtool.linting.config import ConfigOverrides

    resolver = ConfigResolver(None, ConfigOverrides(ignore=("CFG308",)))
    assert run(root, model="T46G", resolver=resolver).diagnostics == []


def test_severity_from_configuration(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            ".cfgtool.toml": '[severity]\nCFG310 = "error"\n',
            "site/y000000000028.cfg": HEADER,
            "site/0015651130f9-local.cfg": HEADER,
        },
    )
    [problem] = run(root).diagnostics
    assert (problem.code, problem.severity) == ("CFG310", "error")


def test_directory_summary_counts_errors(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "T46G/y000000000028.cfg": HEADER,
            "T46G/0015651130f9.cfg": HEADER + "account.17.enable = 1\naccount.18.enable = 1\n",
            "T46G/0015651130fa.cfg": HEADER,
            "T42G/00156543ec97.cfg": HEADER,
        },
    )
    rows = {Path(row.directory).name: row.to_dict() for row in run(root).directories}
    assert rows["T46G"] == {
        "directory": str(root / "T46G"),
        "model": "T46G",
        "common_files": ["y000000000028.cfg"],
        "phones": 2,
        "errors": 2,
    }
    assert rows["T42G"]["errors"] == 1 and rows["T42G"]["common_files"] == []


def test_scan_tree_indexes_names_only(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "T46G/0015651130f9.cfg": b"\x00\x01 not even text",
            "T46G/0015651130f9-local.cfg": HEADER,
            "notes.txt": "x",
            "T46G/phone.cfg.tmpl": HEADER,
        },
    )
    tree = scan_tree(root)
    assert set(tree.directories) == {"T46G"}
    assert tree.directories["T46G"].pn_model == find_model("T46G")
    assert tree.phones[("0015651130f9", "mac")] == ("T46G/0015651130f9.cfg",)
    assert tree.phones[("0015651130f9", "mac-local")] == ("T46G/0015651130f9-local.cfg",)


def test_plan_is_picklable_for_the_process_pool(tmp_path: Path) -> None:
    import pickle

    tree = scan_tree(DATA_TREE)
    plan = ValidationPlan((tree,), find_model("T46G"), "tftp://10.0.0.1/")
    again = pickle.loads(pickle.dumps(plan.context_for))
    assert again.__self__ == plan


def test_many_files_on_the_process_pool_match_one_process(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"T46G/y000000000028.cfg": HEADER}
    for number in range(260):
        extra = "account.17.enable = 1\n" if number % 50 == 0 else ""
        files[f"T46G/001565{number:06x}.cfg"] = HEADER + extra
    root = write_tree(tmp_path, files)
    serial = validate_paths([str(root)], jobs=1).diagnostics
    parallel = validate_paths([str(root)], jobs=2).diagnostics
    assert serial == parallel and [d.code for d in serial] == ["CFG302"] * 6
