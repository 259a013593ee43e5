"""Reporters: golden output for every format, colour decisions, summary, exit status.

Regenerate the goldens after an intended change with
``CFGTOOL_UPDATE_GOLDEN=1 python -m pytest tests/test_reporters.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cfgtool import __version__
from cfgtool.diagnostics import Diagnostic
from cfgtool.linting.results import FileResult
from cfgtool.reporters import (
    FORMATS,
    ReportOptions,
    default_format,
    exit_status,
    render,
    summary_line,
)
from cfgtool.terminal import use_color
from tests.lint_fakes import fake_registry

__all__ = ["fake_registry"]

GOLDEN = Path(__file__).parent / "golden"
FILES = ["site/y000000000028.cfg", "site/0015651130f9.cfg", "site/clean.cfg"]
DIAGNOSTICS = [
    Diagnostic("CFG903", "error", "no header", "site/y000000000028.cfg", 1, 1),
    Diagnostic(
        "CFG901",
        "warning",
        'account.1.label is x, "quoted" <tag> & 50%, a:b',
        "site/y000000000028.cfg",
        4,
        19,
        4,
        19,
        hint="write a real label",
    ),
    Diagnostic(
        "CFG902", "info", "trailing spaces\nand a control \x01", "site/0015651130f9.cfg", 2, 8
    ),
]


@pytest.mark.parametrize("output_format", FORMATS)
def test_golden_output(output_format: str, fake_registry: object) -> None:
    output = render(DIAGNOSTICS, FILES, output_format, ReportOptions(color=False))
    output = output.replace(f'"version": "{__version__}"', '"version": "VERSION"')
    golden = GOLDEN / f"report.{output_format}"
    if os.environ.get("CFGTOOL_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_text_and_github_lines_stay_one_line_per_diagnostic(fake_registry: object) -> None:
    assert len(render(DIAGNOSTICS, FILES, "text").splitlines()) == 4  # one hint line
    assert len(render(DIAGNOSTICS, FILES, "github").splitlines()) == 3


def test_empty_reports_are_valid(fake_registry: object) -> None:
    assert render([], [], "text") == "" and render([], [], "github") == ""
    assert json.loads(render([], [], "json")) == []
    assert json.loads(render([], ["a.cfg"], "sarif"))["runs"][0]["results"] == []
    suite = ET.fromstring(render([], ["a.cfg"], "junit"))
    assert suite.get("tests") == "1" and suite.get("failures") == "0"


def test_json_fields_are_one_based_and_complete(fake_registry: object) -> None:
    data = json.loads(render(DIAGNOSTICS, FILES, "json"))
    assert {"path", "line", "column", "code", "severity", "message"} <= set(data[0])
    assert data[1]["line"] == 4 and data[1]["column"] == 19 and data[1]["severity"] == "warning"


def test_sarif_structure(fake_registry: object) -> None:
    log = json.loads(render(DIAGNOSTICS, FILES, "sarif"))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    levels = [result["level"] for result in run["results"]]
    assert levels == ["error", "warning", "note"]
    region = run["results"][1]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 4, "startColumn": 19, "endLine": 4, "endColumn": 20}


def test_junit_is_well_formed_and_fails_by_severity(fake_registry: object) -> None:
    strict = ET.fromstring(render(DIAGNOSTICS, FILES, "junit", ReportOptions(strict=True)))
    normal = ET.fromstring(render(DIAGNOSTICS, FILES, "junit"))
    assert normal.get("failures") == "1" and strict.get("failures") == "1"
    only_warning = [DIAGNOSTICS[1]]
    assert ET.fromstring(render(only_warning, FILES, "junit")).get("failures") == "0"
    strict_warning = render(only_warning, FILES, "junit", ReportOptions(strict=True))
    assert ET.fromstring(strict_warning).get("failures") == "1"


def test_colour_text_uses_ansi_and_same_words(fake_registry: object) -> None:
    coloured = render(DIAGNOSTICS, FILES, "text", ReportOptions(color=True))
    plain = render(DIAGNOSTICS, FILES, "text")
    assert "\x1b[" in coloured and "\x1b[" not in plain
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


@pytest.mark.parametrize(
    ("choice", "tty", "env", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),
        ("auto", True, {"TERM": "dumb"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {}, False),
    ],
)
def test_use_color(choice: str, tty: bool, env: dict[str, str], expected: bool) -> None:
    assert use_color(choice, tty, env) is expected


def test_default_format_follows_github_actions() -> None:
    assert default_format({"GITHUB_ACTIONS": "true"}) == "github"
    assert default_format({"GITHUB_ACTIONS": "false"}) == "text"
    assert default_format({}) == "text"


def test_summary_line() -> None:
    assert summary_line(3, DIAGNOSTICS) == "Checked 3 files: 1 error, 1 warning, 1 info."
    assert (
        summary_line(1, [], fixed=1)
        == "Checked 1 file: 0 errors, 0 warnings, 0 info; fixed 1 file."
    )


def test_exit_status() -> None:
    error, warning, info = DIAGNOSTICS
    assert exit_status([FileResult("a", [info])]) == 0
    assert exit_status([FileResult("a", [warning])]) == 0
    assert exit_status([FileResult("a", [warning])], strict=True) == 1
    assert exit_status([FileResult("a", [error])]) == 1
    assert exit_status([FileResult("a", [error]), FileResult("b", error="unreadable")]) == 2
