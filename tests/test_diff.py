"""The semantic diff library (issue 6): settings, apply, masking, reboot, trees."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cfgtool
from cfgtool.differ import (
    Change,
    apply_changes,
    diff,
    diff_paths,
    diff_trees,
    mark_reboot,
    mask_changes,
    text_lines,
    unified,
)
from cfgtool.errors import CfgError, CfgValueError
from cfgtool.nodes import Entry
from tests.conftest import write_tree

H = "#!version:1.0.0.1\n"


def changes_of(old: str, new: str) -> list[tuple[str | None, str, str | None, str | None]]:
    return [(c.key, c.change, c.old, c.new) for c in diff(cfgtool.loads(old), cfgtool.loads(new))]


# --------------------------------------------------------------------------- diff


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (H + "a = 1\n", H + "a = 2\n", [("a", "changed", "1", "2")]),
        (H + "a = 1\n", H + "a = 1\nb = 2\n", [("b", "added", None, "2")]),
        (H + "a = 1\nb = 2\n", H + "b = 2\n", [("a", "removed", "1", None)]),
        (H + "a = 1\n", H + "a =\n", [("a", "changed", "1", "")]),
        (H + "a =\n", H + "b =\n", [("a", "removed", "", None), ("b", "added", None, "")]),
        # the last occurrence wins, as on the phone
        (H + "a = 1\na = 2\n", H + "a = 2\n", []),
        (H + "a = 1\na = 2\n", H + "a = 1\n", [("a", "changed", "2", "1")]),
        (H + "a = 2\n", H + "a = 2\na = 3\n", [("a", "changed", "2", "3")]),
        # keys are case-sensitive (real keys are mixed-case)
        (
            H + "sip.timerAE = 1\n",
            H + "sip.timerae = 1\n",
            [("sip.timerAE", "removed", "1", None), ("sip.timerae", "added", None, "1")],
        ),
        # '#' and '=' belong to the value
        (H + "t = #\n", H + "t = #1\n", [("t", "changed", "#", "#1")]),
        (H + "u = cn=x\n", H + "u = cn=y\n", [("u", "changed", "cn=x", "cn=y")]),
    ],
)
def test_diff_cases(old: str, new: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert changes_of(old, new) == expected


@pytest.mark.parametrize(
    "new",
    [
        H + "b = 2\na = 1\n",  # reordered
        H + "a=1\n\tb   =   2  \n",  # spacing
        H + "# a comment\na = 1\n\n\nb = 2\n# another\n",  # comments and blank lines
        "a = 1\r\nb = 2\r\n",  # line endings, no header
        "\ufeff" + H + "a = 1\nb = 2",  # BOM, no final newline
        H + "a = 0\na = 1\nb = 2\n",  # an overridden duplicate
        H + "a = 1\nbad line\nb = 2\n",  # an invalid line is no setting
    ],
)
def test_noise_is_no_difference(new: str) -> None:
    assert changes_of(H + "a = 1\nb = 2\n", new) == []


def test_diff_order_old_keys_then_added_keys() -> None:
    got = changes_of(H + "c = 1\na = 1\nb = 1\n", H + "z = 1\nb = 2\ny = 1\na = 1\n")
    assert [(key, kind) for key, kind, _, _ in got] == [
        ("c", "removed"),
        ("b", "changed"),
        ("z", "added"),
        ("y", "added"),
    ]


def test_cfgtool_diff_is_the_library_function() -> None:
    assert cfgtool.diff is diff


def test_change_to_dict_shape() -> None:
    assert Change("a", "changed", "1", "2").to_dict() == {
        "key": "a",
        "change": "changed",
        "old": "1",
        "new": "2",
    }
    full = Change("a", "added", None, "2", path="p.cfg", mac="0015651130f9", reboot=True)
    assert full.to_dict() == {
        "key": "a",
        "change": "added",
        "old": None,
        "new": "2",
        "path": "p.cfg",
        "mac": "0015651130f9",
        "reboot": True,
    }


# --------------------------------------------------------------------------- apply


def test_apply_changes_keeps_other_lines_byte_identical() -> None:
    old = cfgtool.loads(H + "# keep me\na\t=  1 \nb = 2\r\nc = 3\n\nd=4")
    new = cfgtool.loads(H + "a = 10\nc = 3\nd = 4\ne = 5\n")
    patched = apply_changes(old, diff(old, new))
    assert cfgtool.dumps(patched) == H + "# keep me\na\t=  10 \nc = 3\n\nd=4\ne = 5"
    assert patched.to_dict() == new.to_dict()
    assert cfgtool.dumps(old) == H + "# keep me\na\t=  1 \nb = 2\r\nc = 3\n\nd=4"  # untouched


@pytest.mark.parametrize(
    ("text", "change", "message"),
    [
        ("a = 1\n", Change("a", "changed", "9", "2"), "expected value '9', found '1'"),
        ("a = 1\n", Change("a", "added", None, "2"), "expected it to be absent, found '1'"),
        ("", Change("a", "removed", "1", None), "expected value '1', but it is absent"),
        ("a = 1\n", Change("a", "changed", "1", "******", masked=True), "masked"),
        ("a = 1\n", Change(None, "changed", "x", "y", path="f.rom"), "whole-file"),
    ],
)
def test_apply_changes_refuses_what_does_not_fit(text: str, change: Change, message: str) -> None:
    doc = cfgtool.loads(text)
    with pytest.raises(CfgValueError, match=message):
        apply_changes(doc, [change])
    assert cfgtool.dumps(doc) == text


def test_apply_changes_without_check_forces_the_new_values() -> None:
    doc = cfgtool.loads("a = 1\n")
    patched = apply_changes(doc, [Change("a", "changed", "9", "2")], check=False)
    assert patched.to_dict() == {"a": "2"}


# --------------------------------------------------------------------------- properties

KEYS = ["a", "b", "account.1.label", "account.2.password", "net.ip", "K.x_1", "lang.gui"]
WS = st.sampled_from(["", " ", "  ", "\t", " \t"])
# Values as the parser yields them: no control characters, no surrounding spaces or tabs.
# A value starting with '=' cannot be written by Document.set after 'k=' (see the report).
VALUES = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)
    .map(lambda v: v.strip(" \t"))
    .filter(lambda v: not v.startswith("="))
)
KEY = st.one_of(
    st.sampled_from(KEYS),
    st.from_regex(r"[a-z][a-z0-9_]{0,5}(\.[a-zA-Z0-9_]{1,5}){0,2}", fullmatch=True),
)


@st.composite
def entry_line(draw: st.DrawFn, key: str | None = None, value: str | None = None) -> str:
    key = draw(KEY) if key is None else key
    value = draw(VALUES) if value is None else value
    return f"{draw(WS)}{key}{draw(WS)}={draw(WS)}{value}{draw(WS)}"


NOISE = st.sampled_from(["", "   ", "# comment", "## section", "  # indented = not a setting"])


@st.composite
def cfg_text(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.one_of(entry_line(), NOISE), max_size=12))
    if draw(st.booleans()):
        lines.insert(0, "#!version:1.0.0.1")
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    return eol.join(lines) + (eol if draw(st.booleans()) else "")


@settings(max_examples=300, deadline=None)
@given(cfg_text(), cfg_text())
def test_applying_the_diff_gives_the_other_settings(old: str, new: str) -> None:
    a, b = cfgtool.loads(old), cfgtool.loads(new)
    changes = diff(a, b)
    patched = apply_changes(a, changes)
    assert patched.to_dict() == b.to_dict()
    assert diff(patched, b) == []
    # every line of a setting that did not change survives byte for byte
    touched = {change.key for change in changes}
    kept = [item.raw for item in patched.items if isinstance(item, Entry)]
    for item in a.entries():
        if item.key not in touched:
            assert item.raw in kept


@settings(max_examples=200, deadline=None)
@given(cfg_text())
def test_diff_with_itself_is_empty(text: str) -> None:
    doc = cfgtool.loads(text)
    assert diff(doc, doc) == []
    assert diff(doc, cfgtool.loads(text)) == []


@settings(max_examples=200, deadline=None)
@given(cfg_text(), st.data())
def test_reordering_spacing_and_comments_make_no_difference(text: str, data: st.DataObject) -> None:
    doc = cfgtool.loads(text)
    effective = list(doc.to_dict().items())
    shuffled = data.draw(st.permutations(effective))
    lines: list[str] = []
    for key, value in shuffled:
        lines.extend(data.draw(st.lists(NOISE, max_size=2)))
        lines.append(data.draw(entry_line(key, value)))
    rewritten = cfgtool.loads(data.draw(st.sampled_from(["\n", "\r\n"])).join(lines))
    assert diff(doc, rewritten) == []
    assert diff(rewritten, doc) == []


@settings(max_examples=100, deadline=None)
@given(cfg_text(), cfg_text())
def test_diff_is_antisymmetric(old: str, new: str) -> None:
    a, b = cfgtool.loads(old), cfgtool.loads(new)
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    forward = {(c.key, flip[c.change], c.new, c.old) for c in diff(a, b)}
    backward = {(c.key, c.change, c.old, c.new) for c in diff(b, a)}
    assert forward == backward


def test_apply_a_value_starting_with_equals_after_a_tight_separator() -> None:
    old, new = cfgtool.loads("k=v\n"), cfgtool.loads("k = =x\n")
    assert apply_changes(old, diff(old, new)).to_dict() == {"k": "=x"}


# --------------------------------------------------------------------------- masking, reboot


def test_mask_changes_hides_secrets_but_keeps_the_change() -> None:
    changes = [
        Change("account.1.password", "changed", "old-secret", "new-secret"),
        Change("account.1.label", "changed", "A", "B"),
        Change("static.auto_provision.server.url", "added", None, "https://u:pw@prov/x"),
        Change("security.user_password", "removed", "admin:pw", None),
    ]
    masked = mask_changes(changes)
    assert [(c.key, c.change, c.old, c.new, c.masked) for c in masked] == [
        ("account.1.password", "changed", "******", "******", True),
        ("account.1.label", "changed", "A", "B", False),
        ("static.auto_provision.server.url", "added", None, "https://******@prov/x", True),
        ("security.user_password", "removed", "admin:******", None, True),
    ]


def test_mark_reboot_uses_the_catalog() -> None:
    marked = mark_reboot(
        [
            Change("static.network.vlan.internet_port_enable", "changed", "0", "1"),
            Change("account.1.label", "changed", "A", "B"),
            Change("no.such.key.anywhere", "added", None, "1"),
        ]
    )
    assert [c.reboot for c in marked] == [True, False, None]


def test_mark_reboot_with_an_explicit_lookup() -> None:
    marked = mark_reboot([Change("a", "added", None, "1")], lambda key: key == "a")
    assert marked[0].reboot is True


# --------------------------------------------------------------------------- trees

COMMON = (
    H
    + "## Common file of every T46G\n"
    + "local_time.ntp_server1 = pool.ntp.org\n"
    + "static.network.vlan.internet_port_enable = 0\n"
)
COMMON_CHANGED = COMMON.replace("internet_port_enable = 0", "internet_port_enable = 1")


def mac_file(number: int, extra: str = "") -> str:
    return H + f"account.1.label = Phone {number}\naccount.1.password = pw-{number}\n" + extra


def two_trees(
    tmp_path: Path, old: Mapping[str, str | bytes], new: Mapping[str, str | bytes]
) -> tuple[Path, Path]:
    return write_tree(tmp_path / "old", old), write_tree(tmp_path / "new", new)


# Three T46G phones; the third pins the VLAN flag in its own file.
FLAT = {
    "y000000000028.cfg": COMMON,
    "0015651130f9.cfg": mac_file(1),
    "0015651130f9-local.cfg": H + "lang.gui = German\n",
    "0015651130fa.cfg": mac_file(2),
    "0015651130fb.cfg": mac_file(3, "static.network.vlan.internet_port_enable = 0\n"),
}


def test_tree_one_common_change_by_file(tmp_path: Path) -> None:
    old, new = two_trees(tmp_path, FLAT, {**FLAT, "y000000000028.cfg": COMMON_CHANGED})
    result = diff_trees(old, new)
    assert [(c.key, c.change, c.old, c.new, c.path, c.reboot) for c in result.changes] == [
        (
            "static.network.vlan.internet_port_enable",
            "changed",
            "0",
            "1",
            "y000000000028.cfg",
            True,
        )
    ]
    assert {f.path: f.status for f in result.files} == {
        "0015651130f9-local.cfg": "unchanged",
        "0015651130f9.cfg": "unchanged",
        "0015651130fa.cfg": "unchanged",
        "0015651130fb.cfg": "unchanged",
        "y000000000028.cfg": "changed",
    }
    assert [(p.mac, p.model, p.status) for p in result.phones] == [
        ("0015651130f9", "T46G", "changed"),
        ("0015651130fa", "T46G", "changed"),
        ("0015651130fb", "T46G", "changed"),
    ]
    assert result.phones[0].files == (
        "y000000000028.cfg",
        "0015651130f9.cfg",
        "0015651130f9-local.cfg",
    )
    # by file, every phone that downloads the Common file counts as rebooting
    assert result.summary() == "3 phones will re-provision, 0 unchanged; 3 will reboot"
    assert result.differs


def test_tree_one_common_change_effective(tmp_path: Path) -> None:
    old, new = two_trees(tmp_path, FLAT, {**FLAT, "y000000000028.cfg": COMMON_CHANGED})
    result = diff_trees(old, new, effective=True)
    # the third phone overrides the key: its effective settings do not change
    assert [(c.key, c.path, c.mac, c.reboot) for c in result.changes] == [
        ("static.network.vlan.internet_port_enable", "0015651130f9.cfg", "0015651130f9", True),
        ("static.network.vlan.internet_port_enable", "0015651130fa.cfg", "0015651130fa", True),
    ]
    assert result.summary() == "3 phones will re-provision, 0 unchanged; 2 will reboot"
    text = "\n".join("".join(t for t, _ in line) for line in text_lines(result))
    assert "changed   0015651130f9.cfg  [T46G]" in text
    assert "0015651130fb.cfg" in text  # re-provisions, with no setting change
    assert "y000000000028.cfg" not in text  # shown through its phones


def test_tree_effective_applies_common_then_mac_then_local(tmp_path: Path) -> None:
    old = {
        "y000000000028.cfg": H + "lang.gui = English\n",
        "0015651130f9.cfg": H + "lang.gui = French\n",
        "0015651130f9-local.cfg": H + "lang.gui = German\n",
    }
    new = {**old, "y000000000028.cfg": H + "lang.gui = Italian\n", "0015651130f9-local.cfg": H}
    result = diff_trees(*two_trees(tmp_path, old, new), effective=True)
    assert [(c.key, c.old, c.new) for c in result.changes] == [("lang.gui", "German", "French")]
    assert result.phones[0].new_settings == {"lang.gui": "French"}


def test_tree_effective_settings_agree_with_cfgtool_effective(tmp_path: Path) -> None:
    from cfgtool.provisioning import phone_files

    old = {
        **FLAT,
        "y000000000000.cfg": H + "lang.gui = English\nlocal_time.ntp_server1 = a\n",
        "0015651130fa-local.cfg": H + "account.1.label = Mine\n",
    }
    new = {**old, "y000000000028.cfg": COMMON_CHANGED + "lang.gui = French\n"}
    old_dir, new_dir = two_trees(tmp_path, old, new)
    result = diff_trees(old_dir, new_dir, effective=True)
    assert len(result.phones) == 3
    for phone in result.phones:
        for root, got in ((old_dir, phone.old_settings), (new_dir, phone.new_settings)):
            files = phone_files(root, phone.mac)
            expected = cfgtool.effective(files.commons, files.mac_file, files.local_file)
            assert got == {key: setting.value for key, setting in expected.items()}


def test_tree_pn_layout_scopes_a_common_change_to_its_model(tmp_path: Path) -> None:
    old = {
        "T46G/y000000000028.cfg": COMMON,
        "T46G/0015651130f9.cfg": mac_file(1),
        "T46G/0015651130fa.cfg": mac_file(2),
        "T42G/y000000000029.cfg": COMMON,
        "T42G/0015651130fc.cfg": mac_file(3),
    }
    new = {**old, "T46G/y000000000028.cfg": COMMON_CHANGED}
    result = diff_trees(*two_trees(tmp_path, old, new), effective=True)
    assert [(c.path, c.mac) for c in result.changes] == [
        ("T46G/0015651130f9.cfg", "0015651130f9"),
        ("T46G/0015651130fa.cfg", "0015651130fa"),
    ]
    assert [(p.path, p.model, p.status) for p in result.phones] == [
        ("T42G/0015651130fc.cfg", "T42G", "unchanged"),
        ("T46G/0015651130f9.cfg", "T46G", "changed"),
        ("T46G/0015651130fa.cfg", "T46G", "changed"),
    ]
    assert result.summary() == "2 phones will re-provision, 1 unchanged; 2 will reboot"


def test_tree_all_models_file_and_common_at_the_root(tmp_path: Path) -> None:
    old = {
        "y000000000000.cfg": H + "lang.gui = English\n",
        "y000000000028.cfg": H + "lang.wui = English\n",
        "site/0015651130f9.cfg": mac_file(1),
    }
    new = {**old, "y000000000000.cfg": H + "lang.gui = French\n"}
    result = diff_trees(*two_trees(tmp_path, old, new), effective=True)
    [phone] = result.phones
    assert phone.files == ("y000000000000.cfg", "y000000000028.cfg", "site/0015651130f9.cfg")
    assert phone.model == "T46G"
    assert [(c.key, c.new, c.path) for c in result.changes] == [
        ("lang.gui", "French", "site/0015651130f9.cfg")
    ]


def test_tree_pn_directory_without_common_file_does_not_borrow_the_root_one(
    tmp_path: Path,
) -> None:
    old = {"y000000000028.cfg": COMMON, "T46G/0015651130f9.cfg": mac_file(1)}
    new = {**old, "y000000000028.cfg": COMMON_CHANGED}
    result = diff_trees(*two_trees(tmp_path, old, new), effective=True)
    [phone] = result.phones
    assert (phone.model, phone.files, phone.status) == (
        "T46G",
        ("T46G/0015651130f9.cfg",),
        "unchanged",
    )
    assert [(c.path, c.mac) for c in result.changes] == [("y000000000028.cfg", None)]


def test_tree_several_models_in_one_directory_leave_the_model_unknown(tmp_path: Path) -> None:
    old = {
        "y000000000028.cfg": H + "lang.gui = English\n",
        "y000000000029.cfg": H + "lang.gui = English\n",
        "0015651130f9.cfg": mac_file(1),
    }
    new = {**old, "y000000000029.cfg": H + "lang.gui = French\n"}
    result = diff_trees(*two_trees(tmp_path, old, new), effective=True)
    [phone] = result.phones
    assert (phone.model, phone.files, phone.status) == (None, ("0015651130f9.cfg",), "unchanged")
    # the Common change is still reported, for the file itself
    assert [(c.key, c.path, c.mac) for c in result.changes] == [
        ("lang.gui", "y000000000029.cfg", None)
    ]


def test_tree_model_comment_settles_which_common_file_applies(tmp_path: Path) -> None:
    old = {
        "y000000000028.cfg": H + "lang.gui = English\n",
        "y000000000029.cfg": H + "lang.gui = English\n",
        "0015651130f9.cfg": H + "# cfgtool: model=T42G\naccount.1.label = A\n",
    }
    new = {**old, "y000000000029.cfg": H + "lang.gui = French\n"}
    result = diff_trees(*two_trees(tmp_path, old, new), effective=True)
    [phone] = result.phones
    assert (phone.model, phone.files) == ("T42G", ("y000000000029.cfg", "0015651130f9.cfg"))
    assert [(c.key, c.new, c.mac) for c in result.changes] == [
        ("lang.gui", "French", "0015651130f9")
    ]


def test_tree_added_removed_binary_and_hidden_files(tmp_path: Path) -> None:
    old: dict[str, str | bytes] = {
        "y000000000028.cfg": COMMON,
        "0015651130f9.cfg": mac_file(1),
        "0015651130fa.cfg": mac_file(2),
        "firmware/28.83.0.35.rom": b"\x00\x01old firmware",
        "dialplan.xml": '<DialRule><Data Prefix="9" Replace=""/></DialRule>\n',
        "enc/0015651130fc.cfg": b"\x8f\x00encrypted",
        ".git/config": "[core]\n",
    }
    new: dict[str, str | bytes] = {
        "y000000000028.cfg": COMMON,
        "0015651130f9.cfg": mac_file(1),
        "0015651130fb.cfg": H + "account.1.label = New\n",
        "firmware/28.83.0.35.rom": b"\x00\x01new firmware",
        "dialplan.xml": '<DialRule><Data Prefix="0" Replace=""/></DialRule>\n',
        "enc/0015651130fc.cfg": b"\x8f\x00encrypted again",
        ".git/config": "[core]\nbare = true\n",
    }
    result = diff_trees(*two_trees(tmp_path, old, new))
    assert {f.path: f.status for f in result.files} == {
        "0015651130f9.cfg": "unchanged",
        "0015651130fa.cfg": "removed",
        "0015651130fb.cfg": "added",
        "dialplan.xml": "changed",
        "enc/0015651130fc.cfg": "changed",
        "firmware/28.83.0.35.rom": "changed",
        "y000000000028.cfg": "unchanged",
    }
    rom = next(f for f in result.files if f.path.endswith(".rom"))
    assert not rom.settings
    assert [(c.key, c.change, c.path) for c in rom.changes] == [
        (None, "changed", "firmware/28.83.0.35.rom")
    ]
    assert rom.changes[0].old == hashlib.md5(b"\x00\x01old firmware").hexdigest()
    assert [(c.key, c.change, c.path) for c in result.changes] == [
        ("account.1.label", "removed", "0015651130fa.cfg"),
        ("account.1.password", "removed", "0015651130fa.cfg"),
        ("account.1.label", "added", "0015651130fb.cfg"),
        # XML is taken whole, even though its attributes hold '='
        (None, "changed", "dialplan.xml"),
        # an encrypted cfg cannot be read as settings
        (None, "changed", "enc/0015651130fc.cfg"),
        (None, "changed", "firmware/28.83.0.35.rom"),
    ]
    assert [(p.mac, p.status, p.settings) for p in result.phones] == [
        ("0015651130f9", "unchanged", True),
        ("0015651130fa", "removed", True),
        ("0015651130fb", "added", True),
        ("0015651130fc", "changed", False),
    ]
    assert result.summary() == "2 phones will re-provision, 1 unchanged; 1 phone removed"
    effective = diff_trees(tmp_path / "old", tmp_path / "new", effective=True)
    assert [(c.key, c.path) for c in effective.changes if c.key is None] == [
        (None, "dialplan.xml"),
        (None, "enc/0015651130fc.cfg"),
        (None, "firmware/28.83.0.35.rom"),
    ]
    patch = unified(result)
    assert f"--- /dev/null\n+++ {tmp_path / 'new'}/0015651130fb.cfg\n" in patch
    assert f"--- {tmp_path / 'old'}/0015651130fa.cfg\n+++ /dev/null\n" in patch
    assert "+account.1.label = New" in patch
    assert (
        f"Files {tmp_path / 'old'}/dialplan.xml and {tmp_path / 'new'}/dialplan.xml differ" in patch
    )
    assert "28.83.0.35.rom differ" in patch


def test_tree_effective_new_and_dropped_phones_keep_the_common_settings(tmp_path: Path) -> None:
    old = {"y000000000028.cfg": COMMON, "0015651130f9.cfg": mac_file(1)}
    new = {"y000000000028.cfg": COMMON, "0015651130fa.cfg": mac_file(2)}
    result = diff_trees(*two_trees(tmp_path, old, new), effective=True)
    # a phone without its own file still downloads the Common file: only its own settings change
    assert [(c.mac, c.key, c.change) for c in result.changes] == [
        ("0015651130f9", "account.1.label", "removed"),
        ("0015651130f9", "account.1.password", "removed"),
        ("0015651130fa", "account.1.label", "added"),
        ("0015651130fa", "account.1.password", "added"),
    ]
    assert [(p.mac, p.status, p.files) for p in result.phones] == [
        ("0015651130f9", "removed", ("y000000000028.cfg", "0015651130f9.cfg")),
        ("0015651130fa", "added", ("y000000000028.cfg", "0015651130fa.cfg")),
    ]
    assert result.summary() == "1 phone will re-provision, 0 unchanged; 1 phone removed"


def test_tree_comment_only_change_reprovisions_but_changes_no_setting(tmp_path: Path) -> None:
    new = {**FLAT, "y000000000028.cfg": COMMON.replace("## Common", "## The Common")}
    result = diff_trees(*two_trees(tmp_path, FLAT, new))
    assert result.changes == ()
    assert not result.differs
    assert result.summary() == "3 phones will re-provision, 0 unchanged"
    text = "\n".join("".join(t for t, _ in line) for line in text_lines(result))
    assert "changed   y000000000028.cfg  (no setting changes)  (downloaded by 3 phones)" in text


def test_tree_masks_secrets_unless_asked(tmp_path: Path) -> None:
    new = {**FLAT, "0015651130fa.cfg": mac_file(2).replace("pw-2", "pw-22")}
    old_dir, new_dir = two_trees(tmp_path, FLAT, new)
    for effective in (False, True):
        [masked] = diff_trees(old_dir, new_dir, effective=effective).changes
        assert (masked.key, masked.change, masked.old, masked.new) == (
            "account.1.password",
            "changed",
            "******",
            "******",
        )
        [shown] = diff_trees(old_dir, new_dir, effective=effective, show_secrets=True).changes
        assert (shown.old, shown.new) == ("pw-2", "pw-22")
    patch = unified(diff_trees(old_dir, new_dir))
    assert "-account.1.password = ******\n+account.1.password = ******\n" in patch
    assert "pw-2" not in patch


def test_identical_trees(tmp_path: Path) -> None:
    result = diff_trees(*two_trees(tmp_path, FLAT, FLAT))
    assert result.changes == () and not result.differs
    assert result.summary() == "0 phones will re-provision, 3 unchanged"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("dir", "file", "is a directory but"),
        ("file", "dir", "is a directory but"),
        ("nope", "file", "no such file or directory"),
    ],
)
def test_diff_paths_refuses_mixed_or_missing(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text(H, encoding="utf-8")
    with pytest.raises(CfgError, match=message):
        diff_paths(tmp_path / old, tmp_path / new)


def test_diff_paths_on_files_marks_reboot_and_masks(tmp_path: Path) -> None:
    (tmp_path / "a.cfg").write_text(mac_file(1), encoding="utf-8")
    (tmp_path / "b.cfg").write_text(
        mac_file(1).replace("pw-1", "pw-9") + "network.vlan.pc_port_enable = 1\n", "utf-8"
    )
    result = diff_paths(tmp_path / "a.cfg", tmp_path / "b.cfg")
    assert [(c.key, c.old, c.new, c.reboot) for c in result.changes] == [
        ("account.1.password", "******", "******", False),
        ("network.vlan.pc_port_enable", None, "1", True),
    ]
    assert result.summary() == "2 settings differ"


# --------------------------------------------------------------------------- done when


def render_tree(root: Path, template: str, inventory: list[dict[str, str]]) -> Path:
    """Per-phone files the way a render does: the template with each row's key-columns set."""
    root.mkdir()
    for row in inventory:
        doc = cfgtool.loads(template)
        for column, value in row.items():
            if "." in column:
                doc.set(column, value)
        cfgtool.dump(doc, root / f"{row['mac']}.cfg")
    return root


TEMPLATE = H + "account.1.enable = 1\naccount.1.label =\naccount.1.password =\nlang.gui = English\n"


def inventory(count: int) -> list[dict[str, str]]:
    return [
        {
            "mac": f"00156511{index:04x}",
            "account.1.label": f"Desk {index}",
            "account.1.password": f"secret-{index}",
        }
        for index in range(count)
    ]


@pytest.mark.parametrize("column", ["account.1.label", "account.1.password"])
def test_two_renders_with_one_changed_column(tmp_path: Path, column: str) -> None:
    rows = inventory(6)
    old = render_tree(tmp_path / "old", TEMPLATE, rows)
    changed_rows = [1, 4]
    edited = [
        {**row, column: row[column] + " (moved)"} if index in changed_rows else row
        for index, row in enumerate(rows)
    ]
    new = render_tree(tmp_path / "new", TEMPLATE, edited)
    result = diff_paths(old, new)
    expected_old = ["******" if "password" in column else rows[i][column] for i in changed_rows]
    expected_new = ["******" if "password" in column else edited[i][column] for i in changed_rows]
    assert [c.to_dict() for c in result.changes] == [
        {
            "key": column,
            "change": "changed",
            "old": old_value,
            "new": new_value,
            "path": f"{rows[i]['mac']}.cfg",
            "reboot": False,
        }
        for i, old_value, new_value in zip(changed_rows, expected_old, expected_new, strict=True)
    ]
    assert result.summary() == "2 phones will re-provision, 4 unchanged"
    assert diff_paths(old, render_tree(tmp_path / "again", TEMPLATE, rows)).changes == ()


def test_an_rsa_encrypted_cfg_in_a_tree_is_compared_by_md5_only(tmp_path: Path) -> None:
    envelope = "#!encrypt:1.0.0.0\r\nkey_signatue=RSA_256\r\n#!---BEGIN CONFIG DATA---\r\n{}\r\n"
    for side, payload in (("old", "QUJD"), ("new", "REVG")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "0015651130f9.cfg").write_text(envelope.format(payload))
    result = diff_paths(tmp_path / "old", tmp_path / "new")
    (item,) = result.files
    assert (item.status, item.settings) == ("changed", False)
    assert [change.key for change in result.changes] == [None]
