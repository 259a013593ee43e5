#!/usr/bin/env python3
"""Generate the README's rule table from the rule registry.

The table sits between ``<!-- rule-table -->`` and ``<!-- /rule-table -->`` in
README.md; each row is a rule's code, name, default (severity, ``fixable``,
``validate``: what ``cfgtool rules`` prints) and summary.

    python scripts/rule_table.py            # print the table
    python scripts/rule_table.py --write    # rewrite it in README.md
    python scripts/rule_table.py --check    # exit 1 when README.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cfgtool.cli.lint import rule_label  # noqa: E402
from cfgtool.linting.rules import RULES  # noqa: E402

README = REPO / "README.md"
START, END = "<!-- rule-table -->", "<!-- /rule-table -->"
HEADER = ("code", "name", "default", "what it catches")


def cell(text: str) -> str:
    """``text`` as one Markdown table cell (a ``|`` would end the cell)."""
    return text.replace("|", "\\|")


def rows() -> list[tuple[str, str, str, str]]:
    """One row per registered rule, in code order."""
    return [(f"`{rule.code}`", rule.name, rule_label(rule), rule.summary) for rule in RULES]


def table() -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(cell(part) for part in row) + " |" for row in rows()]
    return "\n".join(lines) + "\n"


def with_table(readme: str) -> str:
    """``readme`` with the text between the markers replaced by :func:`table`."""
    start, end = readme.index(START) + len(START), readme.index(END)
    return readme[:start] + "\n" + table() + readme[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="rewrite the table in README.md")
    group.add_argument("--check", action="store_true", help="exit 1 when README.md is stale")
    args = parser.parse_args(argv)
    readme = README.read_text(encoding="utf-8")
    if args.check:
        if with_table(readme) != readme:
            print("README.md: the rule table is out of date; run scripts/rule_table.py --write")
            return 1
        return 0
    if args.write:
        README.write_text(with_table(readme), encoding="utf-8")
        return 0
    sys.stdout.write(table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
