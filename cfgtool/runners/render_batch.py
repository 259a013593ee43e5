"""``cfgtool render``: render an inventory, each file linted as ``cfgtool validate`` would.

A runner: the check of each rendered file drives the lint engine, so it sits
above it; :func:`cfgtool.rendering.batch.render_inventory` does the rendering
and writing, and calls :class:`RenderedFileValidator` in each worker.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Collection, Hashable
from dataclasses import dataclass, field, replace
from typing import Any

from cfgtool.catalog import find_model
from cfgtool.diagnostics import Diagnostic
from cfgtool.directives import has_directives
from cfgtool.knowledge import value_spec
from cfgtool.linting import engine
from cfgtool.linting.config import LintConfig, config_for
from cfgtool.linting.rule import LintContext, Rule
from cfgtool.linting.rules._knowledge import FIRMWARE_KEYS, checked_entries
from cfgtool.linting.rules._shared import INVISIBLE, scan
from cfgtool.linting.rules.cfg307_value_range import GUIDE_KEYS
from cfgtool.nodes import Document, Entry, Node
from cfgtool.parser import load
from cfgtool.rendering.batch import render_inventory
from cfgtool.rendering.fill import Filled, Group
from cfgtool.rendering.inventory import Inventory, read_inventory
from cfgtool.rendering.results import BatchResult
from cfgtool.rendering.template import NULL_CELL, Layout, ProgressCallback

__all__ = ["RenderedFileValidator", "render_batch", "render_files"]


# Rules whose findings on a line depend only on that line (its key, value and
# text), the row's model and the configuration, and on the file name only
# through whether it is a Common file (a rendered <mac>.cfg never is): never
# on other lines or the document as a whole. A rendered file is checked with
# these on its varying lines only (the template's fixed lines were checked
# once per shape); every other rule, and any rule added later, sees the whole
# file. test_render_paths.py holds both ways equal on random inventories.
LINE_RULES = frozenset(
    {
        "CFG103", "CFG104", "CFG106", "CFG108", "CFG109", "CFG110", "CFG111",
        "CFG201", "CFG202", "CFG203", "CFG204", "CFG205",
        "CFG302", "CFG303", "CFG305", "CFG307", "CFG312", "CFG313", "CFG314",
        "CFG401", "CFG402", "CFG403", "CFG502",
    }
)  # fmt: skip


# What the other rules (those not in LINE_RULES) may see of a line a row fills,
# when the line's key is not one of _value_keys' and its value is "plain":
# not empty, not %NULL%, and none of these characters (what the lint scan
# treats as possible template syntax, joined lines or invisible characters).
# For such a line those rules see only the key (an unknown or renamed key,
# the keys set twice: the same for every row of a group), never the value,
# so their findings are worked out once per group for all rows whose lines
# are plain, and once per distinct set of other lines otherwise.
# test_render_paths.py holds this equal to checking every file in full.
_NOT_PLAIN = re.compile("[{}%$=]|" + INVISIBLE.pattern)
# Values the cross-line rules read: activation codes (CFG306), URLs (firmware
# generation for CFG315/CFG316, resources CFG311), the v6x `path` (CFG106's
# ownership); keys set twice (CFG105) are added per group.
_VALUE_KEYS = re.compile(r".*autoprovision.*|.*url|path", re.IGNORECASE)
# Findings kept per group: each distinct set of lines that are not plain.
_FILE_FINDINGS_MAX = 256
_LINE_FINDINGS_MAX = 256


@dataclass(eq=False)
class _GroupChecks:
    """What a batch knows of one group of rows (see :mod:`cfgtool.rendering.fill`) for one
    output directory and model: the fixed lines' findings, and findings cached per line."""

    context: LintContext  # of the group's first row (the rules see no more of the name)
    fixed: list[Diagnostic]
    value_lines: tuple[bool, ...]  # per varying line: the other rules read its value
    lines: list[dict[str, tuple[list[Diagnostic], str | None]]]  # raw -> findings, key part
    # per varying line: the KEY_RULES' findings on it with a plain value (None: not yet)
    keyed: list[list[Diagnostic] | None]
    # per varying line: the other per-line rules to run on it with a plain value
    valued: list[tuple[Rule, ...] | None]
    files: dict[tuple[str | None, ...], list[Diagnostic]] = field(default_factory=dict)


def _position(diagnostic: Diagnostic) -> tuple[int, int, str]:
    return diagnostic.line, diagnostic.column, diagnostic.code


# The per-line rules that, on a line with a plain value (see _NOT_PLAIN) and a key
# other than `path`, look at the key only (its catalog entry, index, spelling), the
# model and the kind of file name (a rendered <mac>.cfg is never a Common file, for
# CFG401): their findings are the same for every plain value of a filled line.
# (CFG111's lone carriage returns count the file's lines: a group whose lines end so
# is checked in full.)
KEY_RULES = frozenset(
    {
        "CFG103", "CFG104", "CFG106", "CFG109", "CFG110", "CFG111",
        "CFG201", "CFG203", "CFG204", "CFG302", "CFG313", "CFG314",
        "CFG401", "CFG502",
    }
)  # fmt: skip


def _value_rule_gates(entry: Entry, context: LintContext) -> dict[str, bool]:
    """Which per-line rules that read values may find something on ``entry``'s line with
    any plain value, by code (a rule not named here always runs).

    Each says what the rule itself looks at first: the scan's typed, AES-key and
    password lists (for a plain value they depend on the key only, so ``entry``, one
    plain value of the line, stands for all), the catalog's documented shape or
    length (CFG205), the keys CFG303, CFG305, CFG307 and CFG312 check.
    """
    doc = Document([entry])
    found = scan(doc, context.extra_known_keys)
    local_types = context.config is not None and bool(context.config.known_keys)
    checked = checked_entries(doc, context.with_facts(found))
    shaped = False
    for _, pattern in checked:
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


def _whitespace_rule(entry: Entry) -> bool:
    """Whether CFG108 may find something on ``entry``'s line (the scan's own test)."""
    raw = entry.raw
    return bool(raw) and (raw[-1] in " \t" or "\t" in raw)


@dataclass(frozen=True)
class _Split:
    """The rules of a batch, by what they look at, and what the fixed lines gave."""

    line_rules: tuple[Rule, ...]
    file_rules: tuple[Rule, ...]
    key_rules: tuple[Rule, ...] = ()  # of line_rules, see KEY_RULES
    value_rules: tuple[Rule, ...] = ()  # the other line_rules


class RenderedFileValidator:
    """Lints each rendered file with the lint engine: every lint rule and every model rule.

    The configuration is the one that applies to files in the output directory
    (as ``cfgtool lint DIR`` would find it), the context names the file that
    will be written and carries the row's model. What the template's fixed
    lines give is worked out once per shape of file (kept blocks, key-columns
    set) and model: each row then runs the per-line rules (:data:`LINE_RULES`)
    on the lines its values fill, and the other rules on the whole file. The
    result is exactly :meth:`check`'s.
    """

    def __init__(self, out_dir: str) -> None:
        self.out_dir = out_dir
        self.config: LintConfig = config_for(os.path.join(out_dir, "000000000000.cfg"))
        self.rules: tuple[Rule, ...] = engine.registered_rules(("lint", "model"))
        self._contexts: dict[tuple[str, str | None], LintContext] = {}
        line_rules = tuple(rule for rule in self.rules if rule.code in LINE_RULES)
        self._split = _Split(
            line_rules,
            tuple(rule for rule in self.rules if rule.code not in LINE_RULES),
            tuple(rule for rule in line_rules if rule.code in KEY_RULES),
            tuple(rule for rule in line_rules if rule.code not in KEY_RULES),
        )
        self._whitespace = tuple(rule for rule in line_rules if rule.code == "CFG108")
        # (output lines' origins, varying lines, directory, model) -> fixed lines' findings,
        # or None when the file has directives (suppressions need the whole file)
        self._fixed: dict[tuple[object, ...], list[Diagnostic] | None] = {}
        # (group, directory, model) -> its checks, or None: check its rows in full
        self._groups: dict[tuple[Group, str, str], _GroupChecks | None] = {}

    def context(self, relative_path: str, model: str | None) -> LintContext:
        """The lint context of the file to be written at ``relative_path``, with the row's model."""
        path = os.path.join(self.out_dir, relative_path)
        directory = os.path.dirname(path)
        base = self._contexts.get((directory, model))
        if base is None:
            base = engine.make_context(self.config, path, template=False)
            found = find_model(model) if model else None
            base = self._contexts[directory, model] = replace(base, model=found)
        return replace(base, path=path, filename=os.path.basename(path))

    def check(self, doc: Document, relative_path: str, model: str | None) -> list[Diagnostic]:
        """What ``cfgtool validate`` would report on ``doc`` once written."""
        context = self.context(relative_path, model)
        return engine.lint(doc, self.config, context=context, rules=self.rules)

    def check_filled(
        self,
        doc: Document,
        relative_path: str,
        model: str | None,
        varying: Collection[int],
        shape: Hashable,
    ) -> list[Diagnostic]:
        """What :meth:`check` gives, checking only the lines ``varying`` the row filled
        with the per-line rules (``shape`` names the template lines the file is made
        of: the same for rows with the same kept blocks and key-columns)."""
        context = self.context(relative_path, model)
        if context.model is None:
            return engine.lint(doc, self.config, context=context, rules=self.rules)
        key = (shape, frozenset(varying), os.path.dirname(relative_path), model)
        if key not in self._fixed:
            self._fixed[key] = self._fixed_findings(doc, varying, context)
        fixed = self._fixed[key]
        if fixed is None:
            return engine.lint(doc, self.config, context=context, rules=self.rules)
        items = doc.items
        lines = sorted(varying)
        head = [] if 1 in varying or not items else [items[0]]
        filled = Document(head + [items[n - 1] for n in lines], filename=doc.filename)
        wanted = set(lines)
        found = [
            d
            for d in engine.lint(filled, self.config, context=context, rules=self._split.line_rules)
            if d.line in wanted
        ]
        found += engine.lint(doc, self.config, context=context, rules=self._split.file_rules)
        path = context.path
        found += [d if d.path == path else replace(d, path=path) for d in fixed]
        found.sort(key=Diagnostic.sort_key)
        return found

    def check_fill(
        self, filled: Filled, relative_path: str, model: str | None
    ) -> list[Diagnostic] | None:
        """What :meth:`check` gives on the file ``filled`` renders, sorted by position (the
        diagnostics' ``path`` may name another row's file); None: check the row in full.

        The fixed lines' findings are the group's; each filled line's are looked up
        by its text, and the other rules' by the lines that are not plain (see
        :data:`_NOT_PLAIN`); only what was not seen yet is linted.
        """
        if model is None:
            return None
        directory = relative_path.rpartition("/")[0]
        key = (filled.group, directory, model)
        if key in self._groups:
            checks = self._groups[key]
        else:
            checks = self._groups[key] = self._group_checks(filled, relative_path, model)
        if checks is None:
            return None
        found = list(checks.fixed)
        missed: list[int] = []
        parts: list[str | None] = []
        lines = checks.lines
        for index, entry in enumerate(filled.entries):
            cached = lines[index].get(entry.raw)
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
            rules = self._split.file_rules
            cross = engine.lint(doc, self.config, context=context, rules=rules)
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
        """Lint the filled lines ``missed`` (by index) with the per-line rules, after the
        file's first line; cache and add what they give. The KEY_RULES run on a plain
        line only the first time its varying line has one."""
        entries = filled.entries
        head = filled.group.items[0]
        whole: list[int] = []  # lines that need every per-line rule
        plain_lines: list[int] = []
        for index in missed:
            value = entries[index].value
            key = entries[index].key
            if value and value != NULL_CELL and not _NOT_PLAIN.search(value) and key != "path":
                plain_lines.append(index)
                if checks.keyed[index] is None:
                    whole.append(index)
            else:
                whole.append(index)
        split = self._split
        by_line = self._lint_lines(head, entries, whole, checks.context, split.line_rules)
        # The other plain lines: by the rules each needs, one lint per set of rules.
        needing: dict[tuple[Rule, ...], list[int]] = {}
        for index in plain_lines:
            if checks.keyed[index] is None:
                continue
            entry = entries[index]
            rules = checks.valued[index]
            if rules is None:
                rules = checks.valued[index] = self._valued_rules(entry, checks.context)
            if _whitespace_rule(entry):
                rules = (*rules, *self._whitespace)
            if rules:
                needing.setdefault(rules, []).append(index)
        for rules, indexes in needing.items():
            for line, own in self._lint_lines(
                head, entries, indexes, checks.context, rules
            ).items():
                by_line.setdefault(line, []).extend(own)
        key_codes = KEY_RULES
        for index in plain_lines:
            keyed = checks.keyed[index]
            own = by_line.get(entries[index].line, [])
            if keyed is None:
                checks.keyed[index] = [d for d in own if d.code in key_codes]
            elif keyed:
                own = sorted([*own, *keyed], key=_position)
            by_line[entries[index].line] = own
        for index in missed:
            entry = entries[index]
            value = entry.value
            plain = value and value != NULL_CELL and not _NOT_PLAIN.search(value)
            shown = None if plain and not checks.value_lines[index] else entry.raw
            own = by_line.get(entry.line, [])
            cache = checks.lines[index]
            if len(cache) < _LINE_FINDINGS_MAX:
                cache[entry.raw] = (own, shown)
            parts[index] = shown
            found += own

    def _valued_rules(self, entry: Entry, context: LintContext) -> tuple[Rule, ...]:
        """The per-line rules other than KEY_RULES and CFG108 to run on plain values of
        ``entry``'s line (see :func:`_value_rule_gates`)."""
        gates = _value_rule_gates(entry, context)
        return tuple(
            rule
            for rule in self._split.value_rules
            if rule.code != "CFG108" and gates.get(rule.code, True)
        )

    def _lint_lines(
        self,
        head: Node,
        entries: list[Entry],
        indexes: list[int],
        context: LintContext,
        rules: tuple[Rule, ...],
    ) -> dict[int, list[Diagnostic]]:
        """``rules``' findings on the filled lines ``indexes``, by line."""
        by_line: dict[int, list[Diagnostic]] = {}
        if not indexes:
            return by_line
        part = Document([head, *[entries[index] for index in indexes]], filename=context.filename)
        for diagnostic in engine.lint(part, self.config, context=context, rules=rules):
            by_line.setdefault(diagnostic.line, []).append(diagnostic)
        return by_line

    def _group_checks(self, filled: Filled, relative_path: str, model: str) -> _GroupChecks | None:
        """The checks of ``filled``'s group, or None when its rows need checking in full:
        suppression comments, no known model, a filled first line, mixed line endings."""
        context = self.context(relative_path, model)
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
        return _GroupChecks(
            context,
            fixed,
            value_lines,
            [{} for _ in numbers],
            [None for _ in numbers],
            [None for _ in numbers],
        )

    def _fixed_findings(
        self, doc: Document, varying: Collection[int], context: LintContext
    ) -> list[Diagnostic] | None:
        """The per-line rules' findings on the lines no value fills (None: check whole files:
        suppression comments apply to the whole file, and CFG111 counts the lines that end
        in a carriage return alone)."""
        if has_directives(doc) or "\r" in doc.line_endings:
            return None
        fixed = [node for node in doc.items if node.line not in varying]
        part = Document(fixed, bom=doc.bom, filename=doc.filename)
        return engine.lint(part, self.config, context=context, rules=self._split.line_rules)


def render_batch(
    template: Document,
    inventory: Inventory,
    out_dir: str | os.PathLike[str],
    *,
    layout: Layout = "flat",
    model: str | None = None,
    jobs: int = 0,
    dry_run: bool = False,
    keep_going: bool = False,
    prune: bool = False,
    manifest: str | os.PathLike[str] | None = None,
    validate: bool = True,
    progress: ProgressCallback | None = None,
) -> BatchResult:
    """Render one ``<mac>.cfg`` per inventory row into ``out_dir``: plan, validate, write.

    Every row is rendered and linted (lint rules plus model rules, with the
    configuration that applies to ``out_dir``) before anything is written,
    unless ``validate`` is False. When any row fails nothing is written, unless
    ``keep_going``: then the good rows are written and the bad ones listed in
    ``problems``. File names come from the normalised MAC only
    (``layout="pn"``: inside the model's ``$PN`` directory). A file whose bytes
    would not change is not rewritten, so its mtime is kept. ``<mac>.cfg``
    files in ``out_dir`` that this inventory does not produce are listed in
    ``stale`` and deleted only with ``prune``. ``manifest`` writes JSON
    ``{mac: {"file", "model", "md5"}}``. ``jobs`` is the number of processes
    (0: one per CPU). Raises :class:`~cfgtool.rendering.TemplateError` for
    mistakes that concern every row (template syntax, a placeholder that is no
    column, a bad header).
    """
    return render_inventory(
        template,
        inventory,
        out_dir,
        layout=layout,
        model=model,
        jobs=jobs,
        dry_run=dry_run,
        keep_going=keep_going,
        prune=prune,
        manifest=manifest,
        validator=RenderedFileValidator if validate else None,
        progress=progress,
    )


def render_files(
    template_path: str | os.PathLike[str],
    inventory_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    **options: Any,
) -> BatchResult:
    """:func:`render_batch` from a template file and an inventory file (the CLI's call)."""
    return render_batch(load(template_path), read_inventory(inventory_path), out_dir, **options)
