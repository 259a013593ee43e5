"""Linting a PBX template (Smarty, Jinja, Twig, Mustache): the rules on what it writes.

:func:`is_pbx_template` says whether a file is linted as one; :func:`lint_template`
parses it (:mod:`cfgtool.templating`; with a template root, a child as its base
renders it), makes its output lines a document (:mod:`.template_view`), runs the
rules on it with the template variants of :mod:`.template_checks`, and maps
every finding back to the template's own lines and columns. Structure problems
(an unclosed tag or placeholder, a Jinja2 syntax error) are CFG502 errors: the
engine would refuse the template or copy the text into every phone's file.

cfgtool's own dialect (``{{ name }}`` in values, ``# cfgtool: if=``) is valid
cfg text, so it keeps the plain document path (CFG501 checks it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from cfgtool.diagnostics import Diagnostic
from cfgtool.linting.config import LintConfig
from cfgtool.linting.engine import lint
from cfgtool.linting.rule import LintContext, Rule
from cfgtool.linting.rule import Problem as RuleProblem
from cfgtool.linting.rules import RULES_BY_CODE
from cfgtool.linting.template_checks import (
    DUPLICATES,
    KEY_PLACEHOLDERS,
    STATIC_VALUES,
    VIEW,
    view_of,
)
from cfgtool.linting.template_view import KEPT_ON_UNKNOWN_VALUES, TemplateView, build_view
from cfgtool.nodes import Document, Entry, Invalid
from cfgtool.templating import (
    Dialect,
    Problem,
    TemplateStructure,
    detect_dialect,
    model_from_path,
    parse_template,
    resolve_template,
)

STRUCTURE_CODE = "CFG502"
LEGACY_CODE = "CFG106"
ACCOUNT_CODE = "CFG302"
# A template with this many `[ section ]` lines is in the v6x layout (provisioner.net's t1x-t3x).
LEGACY_SECTIONS = 2
# What a broken tag or placeholder also looks like to the line rules: one mistake, one finding.
_BROKEN_LINE_CODES = frozenset({"CFG103", "CFG202", "CFG501", "CFG502"})
# Findings on a base template's line that only the child shows: an override, the child's model.
_THROUGH_BASE = frozenset({"CFG105", ACCOUNT_CODE})
WHITESPACE_CODE = "CFG108"
# Names a template engine fills in: FusionPBX `{$mac}.cfg`, provisioner.net `$mac.cfg`.
_PLACEHOLDER_NAME = re.compile(r"\{\$|\$[A-Za-z_]|\{\{")
# A directory of that name holds templates (FusionPBX, Wazo, Tancredi all use one).
TEMPLATE_DIRECTORY = "templates"
# Suffixes only templates have (a `.cfg` file is one when its content says so).
TEMPLATE_SUFFIXES = (".tpl", ".tmpl", ".twig", ".mustache", ".j2", ".jinja", ".jinja2")
# Tags (not just placeholders) of each dialect: a `.cfg` file with one is a template,
# while a rendered file with a `{$x}` left in it is a broken rendered file (CFG501).
_STRUCTURE = {
    "smarty": re.compile(
        r"\{/?(?:if|elseif|else|foreach|foreachelse|section|literal|strip)\b"
        r"|\{\*|\{/?(?:line_loop|loop_\w+)\}"
    ),
    "jinja": re.compile(r"\{%-?\s*(?:if|for|block|extends|include|macro|set|raw)\b|\{#"),
    "mustache": re.compile(r"\{\{[#^/!>]"),
}
# Rules a template's own checks replace, and rules about the file name (`{$mac}.cfg`).
_REPLACED = frozenset({"CFG105", "CFG301"})
_HEADER_CODES = frozenset({"CFG101", "CFG102"})


def template_dialect(
    path: str | None, text: str, choice: str | None, forced: bool = False
) -> Dialect | None:
    """The PBX dialect ``path`` is linted in, or None for the plain (or cfgtool) path.

    ``choice`` is ``--template-syntax`` / ``template-syntax`` (None or ``auto``:
    by name and content). With ``auto``, a file with a template suffix, a
    ``.cfg`` whose name or tags are a dialect's, or one in a ``templates``
    directory, is a template when it holds a dialect's syntax; ``forced``
    (``--template``) makes every file one.
    """
    if choice is not None and choice != "auto":
        return None if choice == "cfgtool" else choice  # type: ignore[return-value]
    name = os.path.basename(path or "")
    lowered = name.lower()
    dialect = detect_dialect(path, text)
    if dialect == "cfgtool":
        return None
    if forced or lowered.endswith(TEMPLATE_SUFFIXES) or _PLACEHOLDER_NAME.search(name):
        return dialect
    if path is not None and TEMPLATE_DIRECTORY in Path(path).parts[:-1]:
        return dialect  # FusionPBX resources/templates/provision/yealink/t46s/…
    family = "jinja" if dialect in ("jinja", "twig") else dialect
    pattern = _STRUCTURE.get(family)
    if pattern is not None and pattern.search(text):
        return dialect
    return None


def lint_template(
    text: str,
    dialect: Dialect,
    config: LintConfig,
    context: LintContext,
    rules: Sequence[Rule],
    *,
    root: str | None = None,
) -> list[Diagnostic]:
    """The diagnostics of the PBX template ``text`` (at ``context.path``), in its own lines."""
    path = context.path
    structure = _structure(text, dialect, path, root)
    view = build_view(structure, path)
    model = context.model or (model_from_path(path) if path else None)
    options = {**context.options, VIEW: view}
    template_context = replace(context, template=False, model=model, options=options)
    candidates = _rules(rules, view, model is not None)
    enabled = {rule.code for rule in config.enabled_rules(candidates)}
    legacy = _legacy(view, config, enabled)
    found = [] if legacy else lint(view.doc, config, context=template_context, rules=candidates)
    diagnostics: dict[tuple[str, str | None, int, str], Diagnostic] = {}
    source_lines = text.splitlines()
    broken = {(path, problem.line) for problem in structure.problems}
    for diagnostic in [*legacy, *found]:
        mapped = _mapped(view, diagnostic)
        if (mapped.path, mapped.line) in broken and mapped.code in _BROKEN_LINE_CODES:
            continue  # the structure problem (CFG502) is the one finding for that line
        if mapped.path != path and mapped.code not in _THROUGH_BASE:
            continue  # the base's own lint reports its lines
        if mapped.code == WHITESPACE_CODE and not _has_whitespace(source_lines, mapped, path):
            continue  # an arm that writes nothing left the space before it at the end
        diagnostics.setdefault((mapped.code, mapped.path, mapped.line, mapped.message), mapped)
    if STRUCTURE_CODE in enabled:
        for problem in structure.problems:
            structural = _structure_problem(problem, path, config)
            diagnostics.setdefault(
                (STRUCTURE_CODE, path, problem.line, problem.message), structural
            )
    return _collapse(_collapse_accounts(sorted(diagnostics.values(), key=Diagnostic.sort_key)))


def _structure_problem(problem: Problem, path: str | None, config: LintConfig) -> Diagnostic:
    return Diagnostic(
        STRUCTURE_CODE,
        config.severity_for(STRUCTURE_CODE) or "error",
        f"template structure: {problem.message}",
        path,
        problem.line,
        problem.column,
        hint="the template engine refuses this, or copies it into the phone's file",
    )


def _legacy(view: TemplateView, config: LintConfig, enabled: set[str]) -> list[Diagnostic]:
    """One CFG106 for a template in the v6x ``[ section ]`` layout, which nothing else fits."""
    sections = [
        node for node in view.doc.items if isinstance(node, Invalid) and node.kind == "section"
    ]
    if len(sections) < LEGACY_SECTIONS or LEGACY_CODE not in enabled:
        return []
    first = sections[0]
    return [
        Diagnostic(
            LEGACY_CODE,
            config.severity_for(LEGACY_CODE) or "error",
            f"the template writes the legacy v6x layout ({len(sections)} '[ section ]' lines), "
            "which firmware 70 and later ignores; its settings are not checked one by one",
            view.path,
            first.line,
            1,
            hint="rewrite the template as dotted 'key = value' lines (firmware 70 and later)",
        )
    ]


def _collapse(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One finding per message and file: the variants of an inline ``{if}`` say one thing."""
    kept: list[Diagnostic] = []
    lines: dict[tuple[str, str | None, str], list[int]] = {}
    index: dict[tuple[str, str | None, str], int] = {}
    for diagnostic in diagnostics:
        identity = (diagnostic.code, diagnostic.path, diagnostic.message)
        seen = lines.get(identity)
        if seen is not None:
            seen.append(diagnostic.line)
            continue
        lines[identity] = [diagnostic.line]
        index[identity] = len(kept)
        kept.append(diagnostic)
    for identity, numbers in lines.items():
        if len(numbers) > 1:
            first = kept[index[identity]]
            shown = ", ".join(str(n) for n in numbers[1:6]) + (" …" if len(numbers) > 6 else "")
            kept[index[identity]] = replace(first, message=f"{first.message} (also line {shown})")
    return kept


def _collapse_accounts(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One CFG302 per account number and file: a template sets a whole account block."""
    kept: list[Diagnostic] = []
    first: dict[tuple[str | None, str], int] = {}
    counts: dict[int, int] = {}
    for diagnostic in diagnostics:
        if diagnostic.code == ACCOUNT_CODE:
            account = diagnostic.message.split(" ", 1)[0]
            index = first.get((diagnostic.path, account))
            if index is not None:
                counts[index] += 1
                continue
            first[diagnostic.path, account] = len(kept)
            counts[len(kept)] = 1
        kept.append(diagnostic)
    for index, count in counts.items():
        if count > 1:
            diagnostic = kept[index]
            kept[index] = replace(
                diagnostic, message=f"{diagnostic.message} ({count} lines of this account)"
            )
    return kept


def _structure(
    text: str, dialect: Dialect, path: str | None, root: str | None
) -> TemplateStructure:
    structure = parse_template(text, dialect, path)
    if root is not None and path is not None and structure.extends is not None:
        return resolve_template(Path(path), Path(root), dialect)
    return structure


def _rules(rules: Sequence[Rule], view: TemplateView, model_known: bool) -> tuple[Rule, ...]:
    skip = set(_REPLACED)
    if view.standalone:
        skip |= _HEADER_CODES  # the base writes the header
    chosen = [_value_blind(rule) for rule in rules if rule.code not in skip]
    codes = {rule.code for rule in rules}
    if model_known and "CFG302" not in codes:
        chosen.append(RULES_BY_CODE["CFG302"])  # the model comes from the template's path
    if "CFG105" in codes:
        chosen.append(DUPLICATES)
    if "CFG202" in codes:
        chosen.append(STATIC_VALUES)
    if "CFG501" in codes:
        chosen.append(KEY_PLACEHOLDERS)
    return tuple(chosen)


_BLIND: dict[Rule, Rule] = {}


def _value_blind(rule: Rule) -> Rule:
    """``rule``, minus what it says about a value that holds a placeholder (unknown)."""
    if rule.code in KEPT_ON_UNKNOWN_VALUES:
        return rule
    blind = _BLIND.get(rule)
    if blind is None:
        find = rule.find

        def find_known(doc: Document, context: LintContext) -> Iterator[RuleProblem]:
            view = view_of(context)
            for problem in find(doc, context):
                if view is None or not view.drops(problem.line, problem.column):
                    yield problem

        blind = _BLIND[rule] = replace(rule, find=find_known)
    return blind


def _mapped(view: TemplateView, diagnostic: Diagnostic) -> Diagnostic:
    path, line, column = view.source(diagnostic.line, diagnostic.column)
    end_column = None
    if diagnostic.end_column is not None:
        _, end_line, end_column = view.source(diagnostic.line, diagnostic.end_column)
        if end_line != line or end_column < column:
            end_column = None
    message = diagnostic.message
    node = view.doc.items[diagnostic.line - 1] if diagnostic.line <= len(view.doc.items) else None
    output = view.output_line(diagnostic.line)
    if isinstance(node, Entry) and output is not None and output.placeholders:
        written = output.text.split("=", 1)[0].strip(" \t")
        if written != node.key and "=" in output.text:
            message = message.replace(node.key, written)  # the key as the template spells it
    return replace(
        diagnostic,
        path=path,
        line=line,
        column=column,
        end_line=line,
        end_column=end_column,
        message=message,
    )


def _has_whitespace(source_lines: list[str], diagnostic: Diagnostic, path: str | None) -> bool:
    """True when the template's own line has the trailing space or tab CFG108 reports."""
    if diagnostic.path != path or not 1 <= diagnostic.line <= len(source_lines):
        return True  # a base template's line: its own lint reports it
    raw = source_lines[diagnostic.line - 1]
    return raw != raw.rstrip(" \t") or "\t" in raw
