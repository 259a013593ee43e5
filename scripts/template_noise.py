#!/usr/bin/env python3
"""Measure how the template layer reads real PBX templates (dev-time only, not run by the tests).

    python scripts/template_noise.py fusionpbx=/path/resources/templates/provision/yealink \\
        wazo=/path/plugins tancredi=/path/data/templates provisioner=/path/endpoint/yealink

For each project: template files, output lines, setting lines (``key = value``
outside comments), the dialects detected, structure problems, and three
previews of lint noise phase B must avoid: output lines without ``=`` that are
not comments or blank (CFG103), lines whose static text still holds template
syntax (CFG502), and keys written twice on paths that are not mutually
exclusive (CFG105 candidates, by ``can_collide``), keys the catalog does not
know (CFG201/204, a key-index placeholder read as ``1``), and placeholders in a
key that are not a whole index segment. A child template that extends a base in its
own directory is read as its base renders it. ``--verbose`` lists each item.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cfgtool.catalog import load_catalog  # noqa: E402
from cfgtool.templating import (  # noqa: E402
    OutputLine,
    TemplateStructure,
    can_collide,
    key_placeholders,
    key_text,
    load_template,
    resolve_template,
)

CATALOG = load_catalog()
TEMPLATE_SUFFIXES = (".cfg", ".tpl", ".tmpl", ".twig", ".mustache", ".j2")
_TEMPLATE_SYNTAX = re.compile(r"\{[{%#$*/]|[}%#]\}|\{/?(?:if|foreach|else)\b")


@dataclass
class ProjectReport:
    name: str
    files: int = 0
    lines: int = 0
    setting_lines: int = 0
    dialects: collections.Counter[str] = field(default_factory=collections.Counter)
    problems: list[str] = field(default_factory=list)
    no_equals: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    unknown_keys: list[str] = field(default_factory=list)
    other_key_placeholders: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _is_comment_or_blank(line: OutputLine) -> bool:
    text = line.static_text("x").strip()
    return not text or text.startswith("#")


def _check_key(report: ProjectReport, line: OutputLine, where: str) -> None:
    placeholders = key_placeholders(line)
    if any(p.position == "key" for p in placeholders):
        report.other_key_placeholders.append(f"{where}: {line.text.strip()[:80]}")
        return
    key = key_text(line, "1")
    if key is not None and CATALOG.lookup(key) is None:
        report.unknown_keys.append(f"{where}: {key}")


def _duplicates(structure: TemplateStructure) -> list[tuple[OutputLine, OutputLine]]:
    by_key: dict[str, list[OutputLine]] = collections.defaultdict(list)
    for line in structure.lines:
        if _is_comment_or_blank(line):
            continue
        key = key_text(line)
        if key is not None:
            by_key[key].append(line)
    found = []
    for lines in by_key.values():
        for index, first in enumerate(lines):
            for second in lines[index + 1 :]:
                if first.line == second.line and first.origin == second.origin:
                    continue  # variants of one source line
                if can_collide(first, second):
                    found.append((first, second))
                    break
    return found


def _read(path: Path) -> TemplateStructure:
    structure = load_template(path)
    if structure.extends and (path.parent / structure.extends).is_file():
        return resolve_template(path, path.parent)
    return structure


def measure(name: str, root: Path) -> ProjectReport:
    report = ProjectReport(name)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if not path.name.endswith(TEMPLATE_SUFFIXES):
            continue
        relative = path.relative_to(root)
        try:
            structure = _read(path)
        except Exception as error:  # a measurement reports what broke and goes on
            report.errors.append(f"{relative}: {type(error).__name__}: {error}")
            continue
        report.files += 1
        report.dialects[structure.dialect] += 1
        report.lines += len(structure.lines)
        for problem in structure.problems:
            report.problems.append(f"{relative}:{problem.line}:{problem.column}: {problem.message}")
        for line in structure.lines:
            where = f"{Path(line.origin).name if line.origin else relative}:{line.line}"
            if _is_comment_or_blank(line):
                continue
            static = line.static_text("x")
            if "=" in static:
                report.setting_lines += 1
                _check_key(report, line, f"{relative} {where}")
            elif not line.placeholders or any(p.position != "line" for p in line.placeholders):
                report.no_equals.append(f"{relative} {where}: {line.text.strip()[:80]}")
            if _TEMPLATE_SYNTAX.search(static):
                report.leftovers.append(f"{relative} {where}: {line.text.strip()[:80]}")
        for first, second in _duplicates(structure):
            report.duplicates.append(
                f"{relative}: {key_text(first)} at lines {first.line} and {second.line}"
            )
    return report


def _print(report: ProjectReport, verbose: bool) -> None:
    dialects = ", ".join(f"{d} {n}" for d, n in report.dialects.most_common())
    print(f"== {report.name}")
    counts = f"files {report.files}, output lines {report.lines}"
    print(f"   {counts}, setting lines {report.setting_lines}")
    print(f"   dialects: {dialects or '-'}")
    for label, items in (
        ("structure problems", report.problems),
        ("lines without '=' (CFG103 preview)", report.no_equals),
        ("template syntax left in static text (CFG502 preview)", report.leftovers),
        ("keys twice on one path (CFG105 preview)", report.duplicates),
        ("keys the catalog does not know (CFG201/204 preview)", report.unknown_keys),
        ("placeholders in a key, not as an index", report.other_key_placeholders),
        ("files that could not be read", report.errors),
    ):
        print(f"   {label}: {len(items)}")
        for item in items if verbose else items[:5]:
            print(f"      {item}")
        if not verbose and len(items) > 5:
            print(f"      … {len(items) - 5} more (--verbose)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "projects", nargs="+", metavar="NAME=DIR", help="a project and its template tree"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="list every item, not the first five"
    )
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    args = parser.parse_args(argv)
    reports = []
    for spec in args.projects:
        name, _, directory = spec.rpartition("=")
        root = Path(directory)
        if not root.is_dir():
            parser.error(f"{directory}: not a directory")
        reports.append(measure(name or root.name, root))
    if args.json:
        print(json.dumps([{**vars(r), "dialects": dict(r.dialects)} for r in reports], indent=2))
    else:
        for report in reports:
            _print(report, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
