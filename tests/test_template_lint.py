"""`cfgtool lint` on PBX template trees: options, configuration, directory walks, pre-commit.

The rule-by-rule behaviour is in tests/rules/template_cases.toml; here the
pieces around it: --template-syntax/--template-root and their configuration
keys, which files a directory walk and the pre-commit hook take, and that
plain files never load the template layer.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main
from cfgtool.errors import ConfigError
from cfgtool.inputs import expand_paths, is_cfg_template
from cfgtool.linting.config import config_from_table
from cfgtool.linting.templates import template_dialect

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).parent / "data" / "templates"

FUSIONPBX_TREE = {
    "resources/templates/provision/yealink/t46s/{$mac}.cfg": (
        "#!version:1.0.0.1\n"
        "{foreach $lines as $row}\n"
        "{if isset($row.password)}\n"
        "account.{$row.line_number}.enable = 1\n"
        "{else}\n"
        "account.{$row.line_number}.enable = 0\n"
        "{/if}\n"
        "account.{$row.line_number}.label = {$row.label}\n"
        "{/foreach}\n"
    ),
    "resources/templates/provision/yealink/t46s/y000000000066.cfg": (
        "#!version:1.0.0.1\n"
        "{if isset($yealink_time_zone)}local_time.time_zone = {$yealink_time_zone}{/if}\n"
        "local_time.ntp_server1 = {$ntp_server_primary}\n"
    ),
    "resources/templates/provision/yealink/t46s/directory.xml": "<xml>{$x}</xml>\n",
}
WAZO_TREE = {
    "plugins/wazo_yealink/v87/templates/base.tpl": (
        "#!version:1.0.0.1\n"
        "{% for line_no, line in sip_lines.items() %}\n"
        "account.{{ line_no }}.enable = 1\n"
        "{% endfor %}\n"
        "gui_lang.url =\n"
        "{% block model_specific_parameters %}{% endblock %}\n"
    ),
    "plugins/wazo_yealink/v87/templates/T46S.tpl": (
        "{% extends 'base.tpl' -%}\n"
        "{% block model_specific_parameters -%}\n"
        "gui_lang.url = {{ XX_server_url }}/lang/T46S.lang\n"
        "{% endblock %}\n"
    ),
    "plugins/wazo_cisco/v11/templates/base.tpl": "<device>{{ XX_name }}</device>\n",
    "plugins/wazo_cisco/v11/templates/CP8841.tpl": "{% extends 'base.tpl' %}\n",
    "plugins/wazo_yealink/v87/entry.py": "print('not a template')\n",
}


def make_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(*args: str) -> tuple[int, str]:
    """Exit code and standard output (reports; the summary line goes to standard error)."""
    result = CliRunner().invoke(main, ["lint", *args])
    return result.exit_code, result.stdout


def summary(*args: str) -> str:
    result = CliRunner().invoke(main, ["lint", *args])
    return result.stderr + result.stdout


def hook_pattern() -> re.Pattern[str]:
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    block = text.split("- id: cfgtool-lint", 1)[1].split("- id:", 1)[0]
    match = re.search(r"^\s*files:\s*(\S+)\s*$", block, re.MULTILINE)
    assert match is not None
    return re.compile(match.group(1))


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("y000000000028.cfg", True),
        ("phone.cfg.tmpl", True),
        ("{$mac}.cfg", True),
        ("T46G.tpl", True),
        ("yealink.tmpl", True),
        ("phone.twig", True),
        ("phone.mustache", True),
        ("directory.xml", False),
        ("entry.py", False),
        ("y000000000028.cfg.orig", False),
    ],
)
def test_the_pre_commit_hook_takes_cfg_files_and_templates(name: str, taken: bool) -> None:
    assert bool(hook_pattern().search(name)) is taken


def staged(root: Path) -> list[str]:
    """What pre-commit passes: every file of the tree whose name the hook's pattern takes."""
    pattern = hook_pattern()
    return sorted(str(p) for p in root.rglob("*") if p.is_file() and pattern.search(p.name))


def test_the_hook_lints_a_fusionpbx_tree_out_of_the_box(tmp_path: Path) -> None:
    files = staged(make_tree(tmp_path, FUSIONPBX_TREE))
    assert len(files) == 2
    code, output = run("--format", "json", *files)
    assert code == 0, output
    assert json.loads(output) == []
    mistake = tmp_path / "resources/templates/provision/yealink/t46s/y000000000066.cfg"
    mistake.write_text(mistake.read_text() + "local_time.ntp_server1 = pool.ntp.org\n")
    code, output = run(*files)
    assert code == 1
    assert "CFG105" in output and "y000000000066.cfg:4:" in output


def test_the_hook_lints_a_wazo_plugin_tree_out_of_the_box(tmp_path: Path) -> None:
    files = staged(make_tree(tmp_path, WAZO_TREE))
    code, output = run("--format", "json", *files)
    assert code == 0, output
    linted = {item["path"] for item in json.loads(output)}
    assert linted == set()
    assert "Checked 2 files" in summary(*files)  # the Cisco XML templates are not cfg files


def test_lint_dir_takes_templates_that_write_cfg_files_and_nothing_else(tmp_path: Path) -> None:
    make_tree(tmp_path, {**FUSIONPBX_TREE, **WAZO_TREE})
    names = sorted(
        Path(item.path).relative_to(tmp_path).as_posix()
        for item in expand_paths([str(tmp_path)], templates=True)
    )
    assert names == [
        "plugins/wazo_yealink/v87/templates/T46S.tpl",
        "plugins/wazo_yealink/v87/templates/base.tpl",
        "resources/templates/provision/yealink/t46s/y000000000066.cfg",
        "resources/templates/provision/yealink/t46s/{$mac}.cfg",
    ]
    plain = sorted(Path(item.path).name for item in expand_paths([str(tmp_path)]))
    assert plain == ["y000000000066.cfg", "{$mac}.cfg"]  # fmt and validate: no *.tpl


def test_is_cfg_template_follows_extends_to_a_base_with_a_header(tmp_path: Path) -> None:
    make_tree(tmp_path, WAZO_TREE)
    yealink = tmp_path / "plugins/wazo_yealink/v87/templates"
    cisco = tmp_path / "plugins/wazo_cisco/v11/templates"
    assert is_cfg_template(str(yealink / "T46S.tpl"))
    assert not is_cfg_template(str(cisco / "CP8841.tpl"))
    assert not is_cfg_template(str(tmp_path / "missing.tpl"))


def test_template_root_lints_a_child_as_its_base_renders_it(tmp_path: Path) -> None:
    make_tree(tmp_path, WAZO_TREE)
    templates = tmp_path / "plugins/wazo_yealink/v87/templates"
    base = templates / "base.tpl"
    base.write_text(
        base.read_text().replace("gui_lang.url =", "account.2.enable = 0\ngui_lang.url =")
    )
    child = templates / "T19P_E2.tpl"
    child.write_text((templates / "T46S.tpl").read_text())
    code, output = run("--format", "json", str(child))
    assert (code, json.loads(output)) == (0, [])  # alone: the blocks, no header finding
    _, output = run("--format", "json", "--template-root", str(templates), str(child))
    [finding] = json.loads(output)
    assert finding["code"] == "CFG302"
    assert finding["path"] == str(base) and finding["line"] == 5
    assert "the T19(P) E2 has 1 account" in finding["message"]
    _, output = run("--format", "json", "--template-root", str(templates), str(base))
    assert json.loads(output) == []  # the base on its own writes account.2 for models with two


@pytest.mark.parametrize(
    ("syntax", "smarty_found", "jinja_found"),
    [
        ("smarty", set(), set()),  # Smarty reads {{ label }} as a tag too
        ("jinja", {"CFG501"}, set()),
        ("twig", {"CFG501"}, set()),
        ("mustache", {"CFG501"}, set()),
    ],
)
def test_template_syntax_forces_the_dialect(
    tmp_path: Path, syntax: str, smarty_found: set[str], jinja_found: set[str]
) -> None:
    smarty = tmp_path / "smarty.cfg"
    smarty.write_text("#!version:1.0.0.1\naccount.1.label = {$label}\n")
    jinja = tmp_path / "jinja.cfg"
    jinja.write_text("#!version:1.0.0.1\naccount.1.label = {{ label }}\n")
    for path, expected in ((smarty, smarty_found), (jinja, jinja_found)):
        _, output = run("--template-syntax", syntax, "--format", "json", str(path))
        assert {item["code"] for item in json.loads(output)} == expected, (path.name, output)
    assert template_dialect(str(smarty), smarty.read_text(), syntax) == syntax


def test_auto_keeps_a_rendered_file_with_a_leftover_a_rendered_file() -> None:
    text = "#!version:1.0.0.1\naccount.1.user_name = {$extension}\n"
    assert template_dialect("0015651130f9.cfg", text, "auto") is None
    assert template_dialect("{$mac}.cfg", text, "auto") == "smarty"
    assert template_dialect("templates/t46s/0015651130f9.cfg", text, "auto") == "smarty"
    assert template_dialect("0015651130f9.cfg", "{if $a}\n" + text + "{/if}\n", "auto") == "smarty"
    assert template_dialect("T46G.tpl", "{{ x }}\n", "auto") == "jinja"
    assert template_dialect("phone.cfg", text, "cfgtool") is None


def test_template_syntax_and_root_in_configuration(tmp_path: Path) -> None:
    config = config_from_table(
        {"template-syntax": "smarty", "template-root": "templates"},
        source=str(tmp_path / ".cfgtool.toml"),
    )
    assert config.template_syntax == "smarty"
    assert config.template_root == str(tmp_path / "templates")
    with pytest.raises(ConfigError, match="template-syntax must be one of auto, cfgtool"):
        config_from_table({"template-syntax": "php"})


def test_the_configuration_applies_per_directory(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            "smarty/.cfgtool.toml": 'template-syntax = "smarty"\n',
            "smarty/phone.cfg": "#!version:1.0.0.1\naccount.1.label = {$label}\n",
            "plain/phone.cfg": "#!version:1.0.0.1\naccount.1.label = {$label}\n",
        },
    )
    _, output = run("--format", "json", str(tmp_path))
    found = {(Path(item["path"]).parent.name, item["code"]) for item in json.loads(output)}
    assert found == {("plain", "CFG501")}


def test_the_fixture_t46s_template_has_only_its_genuine_findings() -> None:
    _, output = run("--format", "json", str(TEMPLATES / "smarty/yealink/t46s/{$mac}.cfg"))
    codes = [item["code"] for item in json.loads(output)]
    assert "CFG105" not in codes and "CFG501" not in codes and "CFG103" not in codes


def test_plain_lint_never_loads_the_template_layer(tmp_path: Path) -> None:
    path = tmp_path / "y000000000028.cfg"
    path.write_text("#!version:1.0.0.1\naccount.1.label = Reception\n")
    probe = (
        "import sys\n"
        "from cfgtool.cli import main\n"
        "try:\n"
        f"    main(['lint', {str(path)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in sys.modules if m.startswith(('cfgtool.templating', 'jinja2', "
        "'cfgtool.linting.templates'))]\n"
        "print('LOADED', loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert "LOADED []" in result.stdout, result.stdout + result.stderr
