"""The checks of filled rows: what validating each rendered file in full gives, from caches.

A batch renders most rows with :class:`cfgtool.rendering.fill.Filler`: the
rows of a *group* (the same kept blocks, the same key-columns set) share every
line but the ones their values fill. :class:`FillChecks` gives, for such a row,
exactly what :meth:`RenderedFileValidator.check
<cfgtool.runners.render_batch.RenderedFileValidator.check>` gives on the
whole file, working out once per group (and output directory, and model):

- the per-line rules' findings on the fixed lines (``LINE_RULES``);
- the other rules' findings (duplicate keys, the header, renamed keys...),
  for all rows whose filled lines are *plain* (see :data:`NOT_PLAIN`) and
  once more per distinct set of lines that are not;
- per filled line, the :data:`KEY_RULES`' findings with a plain value, and
  which value rules can find anything there at all (their own first test).

Only what was not seen yet is linted: a line's text seen before is looked up.
``test_render_paths.py`` holds this equal to checking every file in full, on
random inventories.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from cfgtool.diagnostics import Diagnostic
from cfgtool.directives import has_directives
from cfgtool.knowledge import value_spec
from cfgtool.linting import engine
from cfgtool.linting.config import LintConfig
from cfgtool.linting.rule import LintContext, Rule
from cfgtool.linting.rules._facts import scan
from cfgtool.linting.rules._knowledge import checked_entries
from cfgtool.linting.rules._shared import FIRMWARE_KEYS, INVISIBLE
from cfgtool.linting.rules.cfg307_value_range import GUIDE_KEYS
from cfgtool.nodes import Document, Entry, Node
from cfgtool.rendering.fill import Filled, Group
from cfgtool.rendering.template import NULL_CELL

__all__ = ["KEY_RULES", "NOT_PLAIN", "FillChecks"]

# What the rules outside LINE_RULES may see of a line a row fills, when its key
# is none of _VALUE_KEYS and its value is "plain": not empty, not %NULL%, and none
# of these characters (what the lint scan treats as possible template syntax,
# joined lines or invisible characters). For such a line those rules see the key
# only (an unknown or renamed key, the keys set twice: the same for every row of
# a group), never the value.
NOT_PLAIN = re.compile("[{}%$=]|" + INVISIBLE.pattern)
# Keys whose values the cross-line rules read: activation codes (CFG306), URLs
# (the firmware generation of CFG315/CFG316, CFG311's resources), the v6x `path`
# (CFG106's ownership); keys set twice (CFG105) are added per group.
_VALUE_KEYS = re.compile(r".*autoprovision.*|.*url|path", re.IGNORECASE)

# The per-line rules that, on a line with a plain value and a key other than
# `path`, look at the key only (its catalog entry, index, spelling), the model and
# the kind of file name (a rendered <mac>.cfg is never a Common file: CFG401):
# their findings are the same for every plain value of a filled line. (CFG111's
# lone carriage returns count the file's lines: such groups are checked in full.)
KEY_RULES = frozenset(
    {
        "CFG103", "CFG104", "CFG106", "CFG109", "CFG110", "CFG111",
        "CFG201", "CFG203", "CFG204", "CFG206", "CFG302", "CFG313", "CFG314",
        "CFG401", "CFG502",
    }
)  # fmt: skip
WHITESPACE_RULE = "CFG108"

# Findings kept per group and per filled line: one per distinct text.
_FILE_FINDINGS_MAX = 256
_LINE_FINDINGS_MAX = 256


def is_plain(entry: Entry) -> bool:
    """Whether ``entry``'s value is plain (see :data:`NOT_PLAIN`) and its key not `path`."""
    value = entry.value
    return (
        bool(value)
        and value != NULL_CELL
        and not NOT_PLAIN.search(value)
        and entry.key.casefold() != "path"
    )


def value_rule_gates(entry: Entry, context: LintContext) -> dict[str, bool]:
    """Which per-line rules that read values may find something on ``entry``'s line with
    any plain value, by code (a rule not named here always runs).

    Each is what the rule itself looks at first: the scan's typed, AES-key and
    password lists (for a plain value they depend on the key only, so ``entry``,
    one plain value of the line, stands for all), the catalog's documented shape
    or length (CFG205), the keys CFG303, CFG305, CFG307 and CFG312 check.
    """
    doc = Document([entry])
    found = scan(doc, context.extra_known_keys)
    local_types = context.config is not None and bool(context.config.known_keys)
    shaped = False
    for _, pattern in checked_entries(doc, context.with_facts(found)):
        spec = value_spec(pattern)
        shaped = shaped or (spec is not None and (spec.shape, spec.max_len) != (None, None))
    key = entry.key
    return {
        "CFG202": bool(found.typed) or local_types,
        "CFG205": shaped,
        "CFG303": key in FIRMWARE_KEYS,
        "CFG305": "provision" in key,
        "CFG307": key in GUIDE_KEYS,
        "CFG312": "ring" in key,
        "CFG402": bool(found.aes),
        "CFG403": bool(found.user_passwords),
    }


def may_have_whitespace(entry: Entry) -> bool:
    """Whether CFG108 may find something on ``entry``'s line (the scan's own test, and the
    file's last line without a line ending, whose finding's column is the line's length)."""
    raw = entry.raw
    return bool(raw) and (raw[-1] in " \t" or "\t" in raw or not entry.eol)


def _position(diagnostic: Diagnostic) -> tuple[int, int, str]:
    return diagnostic.line, diagnostic.column, diagnostic.code


@dataclass(eq=False)
class _GroupChecks:
    """What a batch knows of one group of rows, for one output directory and model."""

    context: LintContext  # of the group's first row (the rules see no more of the name)
    fixed: list[Diagnostic]  # the per-line rules' findings on the fixed lines
    value_lines: tuple[bool, ...]  # per filled line: the cross-line rules read its value
    lines: list[dict[str, tuple[list[Diagnostic], str | None]]]  # raw -> findings, shown
    # per filled line: the KEY_RULES' findings with a plain value (None: not yet seen)
    keyed: list[list[Diagnostic] | None]
    # per filled line: the other per-line rules to run with a plain value (None: not yet)
    valued: list[tuple[Rule, ...] | None]
    # per filled line: the findings of every plain value when no value rule can find
    # anything there (None: not known yet, or some can)
    quiet: list[list[Diagnostic] | None]
    files: dict[tuple[str | None, ...], list[Diagnostic]] = field(default_factory=dict)


# The per-line rules' findings on a document's fixed lines (None: check it in full).
FixedFindings = Callable[[Document, Collection[int], LintContext], list[Diagnostic] | None]


class FillChecks:
    """The checks of filled rows for one output directory's configuration (see above)."""

    def __init__(
        self,
        config: LintConfig,
        line_rules: tuple[Rule, ...],
        file_rules: tuple[Rule, ...],
        context: Callable[[str, str | None], LintContext],
        fixed_findings: FixedFindings,
    ) -> None:
        self.config = config
        self.line_rules = line_rules
        self.file_rules = file_rules
        self.value_rules = tuple(rule for rule in line_rules if rule.code not in KEY_RULES)
        self.whitespace = tuple(rule for rule in line_rules if rule.code == WHITESPACE_RULE)
        self._context = context
        self._fixed_findings = fixed_findings
        # (group, directory, model) -> its checks, or None: check its rows in full
        self._groups: dict[tuple[Group, str, str], _GroupChecks | None] = {}

    def check(
        self, filled: Filled, relative_path: str, model: str | None
    ) -> list[Diagnostic] | None:
        """The findings on ``filled``'s file, sorted by position; None: check it in full."""
        if model is None:
            return None
        key = (filled.group, relative_path.rpartition("/")[0], model)
        if key in self._groups:
            checks = self._groups[key]
        else:
            checks = self._groups[key] = self._group_checks(filled, relative_path, model)
        if checks is None:
            return None
        found = list(checks.fixed)
        missed: list[int] = []
        parts: list[str | None] = []
        lines, quiet, value_lines = checks.lines, checks.quiet, checks.value_lines
        suspect = NOT_PLAIN.search
        raws = filled.raws
        for index, value in enumerate(filled.values):
            raw = raws[index]
            calm = quiet[index]
            # is_plain (quiet is never set for a `path` key) and not may_have_whitespace
            # (nor for a line without a line ending), inline: most lines of most rows end here.
            if (
                calm is not None
                and value
                and value != NULL_CELL
                and not suspect(value)
                and raw[-1] not in " \t"
                and "\t" not in raw
            ):
                found += calm
                parts.append(raw if value_lines[index] else None)
                continue
            cached = lines[index].get(raw)
            if cached is None:
                missed.append(index)
                parts.append(None)
            else:
                found += cached[0]
                parts.append(cached[1])
        if missed:
            self._check_lines(filled, checks, missed, parts, found)
        shown = tuple(parts)
        cross = checks.files.get(shown)
        if cross is None:
            context = checks.context
            doc = filled.document(context.filename)
            cross = engine.lint(doc, self.config, context=context, rules=self.file_rules)
            if len(checks.files) < _FILE_FINDINGS_MAX:
                checks.files[shown] = cross
        found += cross
        if len(found) > 1:
            found.sort(key=_position)
        return found

    def _check_lines(
        self,
        filled: Filled,
        checks: _GroupChecks,
        missed: list[int],
        parts: list[str | None],
        found: list[Diagnostic],
    ) -> None:
        """Lint the filled lines ``missed`` (by index) after the file's first line; cache
        and add what they give. The KEY_RULES run on a plain line only the first time
        its filled line has one; then only the value rules that can find anything."""
        entry_of = filled.entry
        whole: list[int] = []  # lines that need every per-line rule
        plain_lines: list[int] = []
        for index in missed:
            if is_plain(entry_of(index)):
                plain_lines.append(index)
                if checks.keyed[index] is None:
                    whole.append(index)
            else:
                whole.append(index)
        by_line = self._lint_lines(filled, whole, checks.context, self.line_rules)
        needing: dict[tuple[Rule, ...], list[int]] = {}  # one lint per set of rules
        for index in plain_lines:
            if checks.keyed[index] is None:
                continue
            entry = entry_of(index)
            rules = checks.valued[index]
            if rules is None:
                rules = checks.valued[index] = self._valued_rules(entry, checks.context)
            if may_have_whitespace(entry):
                rules = (*rules, *self.whitespace)
            if rules:
                needing.setdefault(rules, []).append(index)
        for rules, indexes in needing.items():
            for line, own in self._lint_lines(filled, indexes, checks.context, rules).items():
                by_line.setdefault(line, []).extend(own)
        for index in plain_lines:
            keyed = checks.keyed[index]
            own = by_line.get(entry_of(index).line, [])
            if keyed is None:
                checks.keyed[index] = [d for d in own if d.code in KEY_RULES]
            else:
                if keyed:
                    own = sorted([*own, *keyed], key=_position)
                if not checks.valued[index] and entry_of(index).eol:
                    checks.quiet[index] = keyed
            by_line[entry_of(index).line] = own
        for index in missed:
            entry = entry_of(index)
            shown = None if is_plain(entry) and not checks.value_lines[index] else entry.raw
            own = by_line.get(entry.line, [])
            cache = checks.lines[index]
            if len(cache) < _LINE_FINDINGS_MAX:
                cache[entry.raw] = (own, shown)
            parts[index] = shown
            found += own

    def _valued_rules(self, entry: Entry, context: LintContext) -> tuple[Rule, ...]:
        """The per-line rules other than KEY_RULES and CFG108 to run on plain values of
        ``entry``'s line (see :func:`value_rule_gates`)."""
        gates = value_rule_gates(entry, context)
        return tuple(
            rule
            for rule in self.value_rules
            if rule.code != WHITESPACE_RULE and gates.get(rule.code, True)
        )

    def _lint_lines(
        self, filled: Filled, indexes: list[int], context: LintContext, rules: tuple[Rule, ...]
    ) -> dict[int, list[Diagnostic]]:
        """``rules``' findings on the filled lines ``indexes``, by line."""
        by_line: dict[int, list[Diagnostic]] = {}
        if not indexes:
            return by_line
        head: Node = filled.group.items[0]
        lines = [head, *[filled.entry(index) for index in indexes]]
        part = Document(lines, filename=context.filename)
        for diagnostic in engine.lint(part, self.config, context=context, rules=rules):
            by_line.setdefault(diagnostic.line, []).append(diagnostic)
        return by_line

    def _group_checks(self, filled: Filled, relative_path: str, model: str) -> _GroupChecks | None:
        """The checks of ``filled``'s group, or None when its rows need checking in full:
        no known model, suppression comments, a filled first line, mixed line endings."""
        context = self._context(relative_path, model)
        if context.model is None:
            return None
        doc = filled.document(context.filename)
        numbers = [line.number for line in filled.group.lines]
        if has_directives(doc) or 1 in numbers or len(doc.line_endings) > 1:
            return None
        fixed = self._fixed_findings(doc, numbers, context)
        if fixed is None:
            return None
        keys = Counter(node.key for node in doc.items if isinstance(node, Entry))
        value_lines = tuple(
            keys[line.key] > 1 or _VALUE_KEYS.fullmatch(line.key) is not None
            for line in filled.group.lines
        )
        count = len(numbers)
        return _GroupChecks(
            context,
            fixed,
            value_lines,
            [{} for _ in range(count)],
            [None] * count,
            [None] * count,
            [None] * count,
        )
