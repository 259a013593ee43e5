"""`cfgtool lint ONE_FILE` starts fast: it imports only what linting one plain file uses.

The one-file lint path runs in a fresh interpreter, through the console script's entry
point named in pyproject.toml, and the test looks at what it imported, so that a later
import of something heavy on that path fails here (issue 15: the one-file lint must
start no slower than yamllint).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cfgtool.linting import rules as registry
from tests.conftest import REPO

# What pip's generated `cfgtool` script imports and calls.
ENTRY_POINT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]["cfgtool"]

# Modules the one-file lint path must not import: each is paid by every pre-commit run.
HEAVY = (
    # third-party: only their own commands or files need them
    "click",  # the console script lints plain paths without it
    "lark",  # the scanner comes from its cache (warmed below)
    "rich",
    "cryptography",
    "jinja2",
    "aiohttp",
    # standard library modules no step of a plain one-file lint needs
    "pathlib",  # paths are strings on this path; pathlib also imports the next two
    "urllib.parse",
    "ipaddress",  # only an IPv6 value needs it
    "tomllib",  # no configuration file here
    "hashlib",  # the scanner cache is checked with CRCs (hashlib loads OpenSSL)
    "signal",  # only writing a file blocks signals
    "tempfile",
    "shutil",
    "secrets",
    "random",
    "difflib",
    "multiprocessing",
    "concurrent.futures",
    "xml.etree.ElementTree",
    "csv",
    # cfgtool layers a plain file does not need
    "cfgtool.cli.group",  # the click command line: the console script lints without it
    "cfgtool.cli.options",
    "cfgtool.cli.lint",
    "cfgtool.catalog.values",  # validate's value checks (lint's are cfgtool.knowledge)
    "cfgtool.catalog.explain",
    "cfgtool.provisioning",
    "cfgtool.runners",
    "cfgtool.templating",
    "cfgtool.differ",
    "cfgtool.crypto.aes",
    "cfgtool.crypto.batch",
    "cfgtool.rendering.template",  # CFG501 needs it for templates only
    "cfgtool.rendering.batch",
    "cfgtool.rendering.inventory",
    "cfgtool.linting.templates",
)
# How many cfgtool modules the path may load (76 when this was written, 24 rule modules
# and 3 rule helpers among them): a ceiling that still catches a whole layer coming in.
CFGTOOL_MODULE_BUDGET = 84

LINT_ONE_FILE = """\
import contextlib, io, json, os, sys
opened = set()
sys.addaudithook(
    lambda event, args: event == "open" and isinstance(args[0], str) and opened.add(args[0])
)
module, _, function = sys.argv[2].partition(":")
main = getattr(__import__(module, fromlist=[function]), function)
from cfgtool.linting import rules
sys.argv = ["cfgtool", "lint", sys.argv[1]]
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        main()
    except SystemExit as exc:
        status = exc.code
print(json.dumps({
    "status": status, "out": out.getvalue(), "modules": sorted(sys.modules),
    "rules": sorted(rules._loaded),
    "schemas": sorted(os.path.basename(p) for p in opened if p.endswith(".json")),
}))
"""

PHONE = """\
#!version:1.0.0.1
account.1.enable = 1
account.1.label = 201 Reception
account.1.user_name = 201
account.1.password = Pw000201xQ
account.1.sip_server.1.address = pbx.example.com
linekey.1.type = 15
"""


Outcome = tuple[int, str, list[str], list[str], list[str]]


def _lint_in_fresh_interpreter(tmp_path: Path) -> Outcome:
    target = tmp_path / "0015651130f9.cfg"
    target.write_text(PHONE, encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [sys.executable, "-c", LINT_ONE_FILE, str(target), ENTRY_POINT]
    subprocess.run(command, cwd=tmp_path, env=env, check=True, capture_output=True)  # warm cache
    completed = subprocess.run(
        command, cwd=tmp_path, env=env, check=True, capture_output=True, text=True
    )
    found = json.loads(completed.stdout)
    return found["status"], found["out"], found["modules"], found["rules"], found["schemas"]


@pytest.fixture(scope="module")
def one_file_lint(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    return _lint_in_fresh_interpreter(tmp_path_factory.mktemp("startup"))


def test_the_one_file_lint_really_linted(one_file_lint: Outcome) -> None:
    status, out, modules, _, _ = one_file_lint
    assert (status, out) == (0, "Checked 1 file: 0 errors, 0 warnings, 0 info.\n")
    assert "cfgtool.linting.rules.cfg201_unknown_key" in modules  # the lint rules ran


@pytest.mark.parametrize("module", HEAVY)
def test_the_one_file_lint_imports_nothing_heavy(one_file_lint: Outcome, module: str) -> None:
    assert module not in one_file_lint[2]


def test_the_one_file_lint_loads_no_validate_only_rule(one_file_lint: Outcome) -> None:
    loaded = set(one_file_lint[3])
    assert "cfg201_unknown_key" in loaded
    assert not loaded & registry.MODEL_SCOPE_MODULES


@pytest.mark.parametrize("data", ["facts.json", "evidence.json"])
def test_the_one_file_lint_reads_no_bulky_vendor_facts(one_file_lint: Outcome, data: str) -> None:
    # the knowledge rules read facts.json only for a value its type cannot settle
    assert "params.json" in one_file_lint[4]  # the audit hook saw the catalog being read
    assert data not in one_file_lint[4]


def test_the_one_file_lint_stays_within_its_module_budget(
    one_file_lint: Outcome,
) -> None:
    ours = [name for name in one_file_lint[2] if name.split(".")[0] == "cfgtool"]
    assert len(ours) <= CFGTOOL_MODULE_BUDGET, ours


def test_model_scope_modules_are_exactly_the_validate_only_rules() -> None:
    assert set(registry.MODEL_SCOPE_MODULES) <= set(registry.RULE_MODULES)
    for name in registry.RULE_MODULES:
        module = importlib.import_module(f"cfgtool.linting.rules.{name}")
        scope = getattr(module, "SCOPE", "lint")
        assert (name in registry.MODEL_SCOPE_MODULES) == (scope == "model"), name


def test_rule_codes_and_names_read_off_the_module_names_match_the_rules() -> None:
    assert registry._names_from_modules() == {rule.code: rule.name for rule in registry.RULES}


def test_scoped_rules_are_the_registry_filtered_in_code_order() -> None:
    for scopes in (("lint",), ("lint", "model"), ("model",)):
        expected = tuple(rule for rule in registry.RULES if rule.scope in scopes)
        assert registry.rules_in_scopes(scopes) == expected
