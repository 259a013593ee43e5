"""``cfgtool diff`` on files: exit codes like diff(1), formats, masking, colour."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main

H = "#!version:1.0.0.1\n"
OLD = H + "account.1.label = Reception\naccount.1.password = s3cret-old\nlang.gui = English\n"
NEW = (
    H
    + "# reordered, re-spaced, commented\nlang.gui=English\naccount.1.label = Front desk\n"
    + "account.1.password = s3cret-new\nstatic.network.vlan.internet_port_enable = 1\n"
)


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["diff", *args], input=input)
    return result.exit_code, result.output


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str]:
    old, new = tmp_path / "old.cfg", tmp_path / "new.cfg"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return str(old), str(new)


def test_no_difference_exits_0_and_prints_nothing(tmp_path: Path) -> None:
    a, b = tmp_path / "a.cfg", tmp_path / "b.cfg"
    a.write_text(H + "x = 1\ny = 2\n", encoding="utf-8")
    b.write_text("# other comments\r\ny=2\r\n\r\nx =  1\r\n", encoding="utf-8")
    assert run(str(a), str(b)) == (0, "")
    assert run(str(a), str(b), "--format", "json") == (0, "[]\n")
    assert run(str(a), str(b), "--format", "unified") == (0, "")


def test_differences_exit_1_with_text_output(pair: tuple[str, str]) -> None:
    code, output = run(*pair, "--color", "never")
    assert code == 1
    assert output.splitlines() == [
        "~ account.1.label: Reception → Front desk",
        "~ account.1.password: ****** → ******",
        "+ static.network.vlan.internet_port_enable = 1  (reboot)",
        "3 settings differ",
    ]
    assert "s3cret" not in output


def test_json_is_one_array_of_change_objects(pair: tuple[str, str]) -> None:
    code, output = run(*pair, "--format", "json")
    assert code == 1
    data = json.loads(output)
    assert [{k: item[k] for k in ("key", "change", "old", "new")} for item in data] == [
        {"key": "account.1.label", "change": "changed", "old": "Reception", "new": "Front desk"},
        {"key": "account.1.password", "change": "changed", "old": "******", "new": "******"},
        {
            "key": "static.network.vlan.internet_port_enable",
            "change": "added",
            "old": None,
            "new": "1",
        },
    ]
    for item in data:
        assert set(item) <= {"key", "change", "old", "new", "reboot"}
    assert [item.get("reboot") for item in data] == [False, False, True]


def test_show_secrets(pair: tuple[str, str]) -> None:
    code, output = run(*pair, "--show-secrets", "--format", "json")
    assert code == 1
    password = next(item for item in json.loads(output) if item["key"] == "account.1.password")
    assert (password["old"], password["new"]) == ("s3cret-old", "s3cret-new")


def test_url_credentials_are_masked(tmp_path: Path) -> None:
    a, b = tmp_path / "a.cfg", tmp_path / "b.cfg"
    a.write_text(H + "static.auto_provision.server.url = https://bob:pw1@prov/\n", "utf-8")
    b.write_text(H + "static.auto_provision.server.url = https://bob:pw2@prov/\n", "utf-8")
    code, output = run(str(a), str(b), "--format", "json")
    assert code == 1
    [change] = json.loads(output)
    assert (change["change"], change["old"], change["new"]) == (
        "changed",
        "https://******@prov/",
        "https://******@prov/",
    )


def test_unified_is_a_patch_of_sorted_normalised_lines(pair: tuple[str, str]) -> None:
    code, output = run(*pair, "--format", "unified")
    assert code == 1
    assert output.splitlines() == [
        f"--- {pair[0]}",
        f"+++ {pair[1]}",
        "@@ -1,3 +1,4 @@",
        "-account.1.label = Reception",
        "-account.1.password = ******",
        "+account.1.label = Front desk",
        "+account.1.password = ******",
        " lang.gui = English",
        "+static.network.vlan.internet_port_enable = 1",
    ]


def test_stdin_as_one_side(pair: tuple[str, str]) -> None:
    code, output = run(pair[0], "-", "--format", "json", input=NEW)
    assert code == 1
    assert len(json.loads(output)) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.cfg", "{a}"], "missing.cfg: no such file or directory"),
        (["{dir}", "{a}"], "is a directory but"),
        (["{a}", "{a}", "--effective"], "--effective compares provisioning trees"),
        (["{binary}", "{a}"], "not valid UTF-8"),
        (["-", "-"], "only one side can be -"),
        (["{a}"], "Missing argument"),
        (["{a}", "{a}", "--format", "xml"], "Invalid value for '--format'"),
    ],
)
def test_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    a = tmp_path / "a.cfg"
    a.write_text(H, encoding="utf-8")
    binary = tmp_path / "enc.cfg"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    names = {"a": str(a), "dir": str(tmp_path), "binary": str(binary)}
    result = CliRunner().invoke(main, ["diff", *(arg.format(**names) for arg in args)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_color_always_and_never(pair: tuple[str, str]) -> None:
    assert "\x1b[" in run(*pair, "--color", "always")[1]
    assert "\x1b[" not in run(*pair, "--color", "never")[1]


def test_plain_output_does_not_import_rich(pair: tuple[str, str]) -> None:
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from cfgtool.cli import main\n"
        f"r = CliRunner().invoke(main, ['diff', {pair[0]!r}, {pair[1]!r}, '--color', 'never'])\n"
        "print(r.exit_code, 'rich' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "False"]


def test_help_teaches_with_examples() -> None:
    result = CliRunner().invoke(main, ["diff", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert "--effective" in result.output


def make_tree(root: Path, common_vlan: str, label: str) -> Path:
    root.mkdir()
    (root / "y000000000028.cfg").write_text(
        H + f"static.network.vlan.internet_port_enable = {common_vlan}\n", "utf-8"
    )
    (root / "0015651130f9.cfg").write_text(H + f"account.1.label = {label}\n", "utf-8")
    (root / "0015651130fa.cfg").write_text(H + "account.1.label = B\n", "utf-8")
    return root


def test_tree_text_json_and_effective(tmp_path: Path) -> None:
    old = str(make_tree(tmp_path / "old", "0", "A"))
    new = str(make_tree(tmp_path / "new", "1", "A2"))
    code, output = run(old, new, "--color", "never")
    assert code == 1
    assert output.splitlines() == [
        "changed   0015651130f9.cfg",
        "  ~ account.1.label: A → A2",
        "changed   y000000000028.cfg  (downloaded by 2 phones)",
        "  ~ static.network.vlan.internet_port_enable: 0 → 1  (reboot)",
        "3 files, 1 unchanged",
        "2 phones will re-provision, 0 unchanged; 2 will reboot",
    ]
    code, output = run(old, new, "--effective", "--format", "json")
    assert code == 1
    assert [(c["key"], c["path"], c["mac"], c["reboot"]) for c in json.loads(output)] == [
        ("static.network.vlan.internet_port_enable", "0015651130f9.cfg", "0015651130f9", True),
        ("account.1.label", "0015651130f9.cfg", "0015651130f9", False),
        ("static.network.vlan.internet_port_enable", "0015651130fa.cfg", "0015651130fa", True),
    ]
    code, output = run(old, new, "--format", "json")
    assert {c["path"] for c in json.loads(output)} == {"0015651130f9.cfg", "y000000000028.cfg"}


def test_identical_trees_exit_0_with_a_summary(tmp_path: Path) -> None:
    old = str(make_tree(tmp_path / "old", "0", "A"))
    new = str(make_tree(tmp_path / "new", "0", "A"))
    assert run(old, new, "--color", "never") == (
        0,
        "3 files, 3 unchanged\n0 phones will re-provision, 2 unchanged\n",
    )
    assert run(old, new, "--format", "json") == (0, "[]\n")


TEMPLATE = """#!version:1.0.0.1
account.1.enable = 1
account.1.label = {{ label }}
account.1.user_name = {{ ext }}
account.1.password = {{ password }}
lang.gui = English
"""


def render(tmp_path: Path, name: str, rows: list[dict[str, str]], *options: str) -> str:
    template = tmp_path / "phones.cfg.tmpl"
    template.write_text(TEMPLATE, encoding="utf-8")
    inventory = tmp_path / f"{name}.csv"
    header = list(rows[0])
    inventory.write_text(
        "\n".join([",".join(header), *(",".join(row[c] for c in header) for row in rows)]) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / name
    result = CliRunner().invoke(
        main,
        ["render", str(template), "--inventory", str(inventory), "--out", str(out), "-q", *options],
    )
    assert result.exit_code == 0, result.output
    return str(out)


@pytest.mark.parametrize(
    ("column", "key"), [("label", "account.1.label"), ("password", "account.1.password")]
)
def test_two_renders_of_one_inventory_with_one_changed_column(
    tmp_path: Path, column: str, key: str
) -> None:
    rows = [
        {
            "mac": f"00:15:65:11:30:{n:02X}",
            "model": "T46G",
            "label": f"Desk {n}",
            "ext": str(100 + n),
            "password": f"pw-{n}",
        }
        for n in range(6)
    ]
    edited = [
        {**row, column: row[column] + "x"} if n in (1, 4) else row for n, row in enumerate(rows)
    ]
    old, new = render(tmp_path, "old", rows), render(tmp_path, "new", edited)
    code, output = run(old, new, "--format", "json")
    assert code == 1
    shown = (lambda value: "******") if column == "password" else (lambda value: value)
    assert json.loads(output) == [
        {
            "key": key,
            "change": "changed",
            "old": shown(rows[n][column]),
            "new": shown(edited[n][column]),
            "path": f"00156511300{n}.cfg",
            "reboot": False,
        }
        for n in (1, 4)
    ]
    code, output = run(old, new, "--color", "never")
    assert output.splitlines()[-1] == "2 phones will re-provision, 4 unchanged"
    assert "pw-" not in output
    assert run(old, render(tmp_path, "again", rows), "--format", "json") == (0, "[]\n")


def test_rendered_pn_tree_with_one_common_change(tmp_path: Path) -> None:
    rows = [
        {
            "mac": f"0015651130{n:02x}",
            "model": model,
            "label": f"Desk {n}",
            "ext": str(n),
            "password": f"pw-{n}",
        }
        for n, model in enumerate(["T46G", "T46G", "T46G", "T42G"])
    ]
    old, new = (render(tmp_path, name, rows, "--layout", "pn") for name in ("old", "new"))
    for root, server in ((old, "ntp1.example.com"), (new, "ntp2.example.com")):
        for directory, common in (("T46G", "y000000000028.cfg"), ("T42G", "y000000000029.cfg")):
            value = server if directory == "T46G" else "ntp1.example.com"
            (Path(root) / directory / common).write_text(
                f"{H}local_time.ntp_server1 = {value}\n", "utf-8"
            )
    code, output = run(old, new, "--effective", "--format", "json")
    assert code == 1
    assert [(c["key"], c["old"], c["new"], c["path"], c["mac"]) for c in json.loads(output)] == [
        (
            "local_time.ntp_server1",
            "ntp1.example.com",
            "ntp2.example.com",
            f"T46G/0015651130{n:02x}.cfg",
            f"0015651130{n:02x}",
        )
        for n in range(3)
    ]
    code, output = run(old, new, "--color", "never")
    assert output.splitlines()[-1] == "3 phones will re-provision, 1 unchanged"
    assert "changed   T46G/y000000000028.cfg  (downloaded by 3 phones)" in output
