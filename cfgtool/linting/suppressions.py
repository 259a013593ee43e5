"""Suppression comments: silence a rule on one line or in a whole file.

::

    # cfgtool: disable-next-line=CFG201
    custom.site.label = Reception
    # cfgtool: disable-file=CFG201,CFG108

Codes may also be given by rule name (``disable-next-line=unknown-key``);
without ``=...`` a directive silences every rule. ``disable-next-line``
applies to the next line that is not itself a directive, so several
directives can be stacked above one setting. A directive that silences
nothing is reported as ``CFG100 unused-suppression`` (info), as is one that
cannot be read.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from cfgtool.diagnostics import Diagnostic
from cfgtool.directives import DISABLE_FILE, DISABLE_NEXT_LINE, ENDIF, IF, MODEL, directives
from cfgtool.nodes import Document

UNUSED_CODE = "CFG100"
_KINDS: dict[str, Literal["next-line", "file"]] = {
    DISABLE_NEXT_LINE: "next-line",
    DISABLE_FILE: "file",
}
# After the verb of a suppression: nothing, or `=` and the codes.
_CODES = re.compile(r"[ \t]*(?:=(?P<codes>.*))?")
# Directives that are not suppressions: `# cfgtool: model=T46G` names the phone model
# for `cfgtool validate`; `# cfgtool: if=COLUMN` … `# cfgtool: endif` mark optional
# blocks of a render template (all parsed by cfgtool.directives).
OTHER_DIRECTIVES = frozenset({MODEL, IF, ENDIF})


@dataclass
class Suppression:
    """One suppression comment; ``codes`` None means every rule."""

    line: int
    column: int
    kind: Literal["next-line", "file"]
    codes: tuple[str, ...] | None
    target: int | None = None
    used: set[str] = field(default_factory=set)

    def covers(self, code: str) -> bool:
        return self.codes is None or code in self.codes


@dataclass
class Suppressions:
    """The directives of one file, plus problems found while reading them."""

    directives: list[Suppression]
    problems: list[tuple[int, int, str]]  # (line, column, message)

    @property
    def file_wide(self) -> list[Suppression]:
        return [d for d in self.directives if d.kind == "file"]


def find_suppressions(doc: Document, rule_names: Mapping[str, str]) -> Suppressions:
    """Read every ``# cfgtool:`` directive of ``doc``.

    ``rule_names`` maps each known rule name to its code, so that names can be
    used in directives; codes that are neither known codes nor names are
    reported as problems.
    """
    found: list[Suppression] = []
    problems: list[tuple[int, int, str]] = []
    known_codes = set(rule_names.values())
    for directive in directives(doc):
        match = _CODES.fullmatch(directive.rest)
        if match is None:
            continue  # "cfgtool:" mentioned in prose, not a directive
        line, column = directive.line, directive.column
        if directive.verb in OTHER_DIRECTIVES:
            continue
        kind = _KINDS.get(directive.verb)
        if kind is None:
            problems.append(
                (
                    line,
                    column,
                    f"unknown directive {directive.verb!r}; use disable-next-line=CODE "
                    "or disable-file=CODE",
                )
            )
            continue
        codes: tuple[str, ...] | None = None
        if match["codes"] is not None:
            resolved: list[str] = []
            for word in filter(None, (part.strip() for part in match["codes"].split(","))):
                code = rule_names.get(word, word)
                if code not in known_codes:
                    problems.append((line, column, f"unknown rule {word!r} in suppression"))
                elif code not in resolved:
                    resolved.append(code)
            if not resolved:
                continue
            codes = tuple(resolved)
        found.append(Suppression(line, column, kind, codes))
    directive_lines = {d.line for d in found}
    for suppression in found:
        if suppression.kind == "next-line":
            target = suppression.line + 1
            while target in directive_lines:
                target += 1
            suppression.target = target if target <= len(doc.items) else None
    return Suppressions(found, problems)


def apply_suppressions(
    diagnostics: Iterable[Diagnostic], suppressions: Suppressions
) -> list[Diagnostic]:
    """Drop suppressed diagnostics, recording on each directive what it silenced."""
    if not suppressions.directives:
        return list(diagnostics)
    by_line: dict[int, list[Suppression]] = {}
    for directive in suppressions.directives:
        if directive.target is not None:
            by_line.setdefault(directive.target, []).append(directive)
    file_wide = suppressions.file_wide
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        silenced = False
        for directive in (*by_line.get(diagnostic.line, ()), *file_wide):
            if directive.covers(diagnostic.code):
                directive.used.add(diagnostic.code)
                silenced = True
        if not silenced:
            kept.append(diagnostic)
    return kept


def unused_suppressions(
    suppressions: Suppressions, enabled_codes: Collection[str]
) -> list[tuple[int, int, str]]:
    """``(line, column, message)`` for directives, or codes in them, that silenced nothing.

    Codes of rules that did not run (not selected) are not reported: the
    directive may well be needed when they do run.
    """
    found = list(suppressions.problems)
    for directive in suppressions.directives:
        where = "in this file" if directive.kind == "file" else _on_line(directive.target)
        if directive.codes is None:
            if not directive.used:
                found.append(
                    (
                        directive.line,
                        directive.column,
                        f"unused suppression: nothing reported {where}",
                    )
                )
            continue
        unused = [c for c in directive.codes if c not in directive.used and c in enabled_codes]
        if unused:
            found.append(
                (
                    directive.line,
                    directive.column,
                    f"unused suppression: no {', '.join(unused)} reported {where}",
                )
            )
    return sorted(found)


def _on_line(target: int | None) -> str:
    return f"on line {target}" if target is not None else "(no line follows the directive)"
