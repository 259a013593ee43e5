"""The lint engine: run the selected rules over a document, apply configuration and suppressions.

Library use::

    import cfgtool
    for problem in cfgtool.lint(cfgtool.load("y000000000028.cfg")):
        print(problem.line, problem.code, problem.message)

:func:`lint` checks one parsed document; :func:`lint_source` starts from the
file's bytes (undecodable, encrypted or binary input becomes one ``CFG107``
diagnostic); :func:`lint_files` and :func:`lint_paths` work through many
files, with a process pool when there are enough of them to pay for it. The
result for a file depends only on that file and its configuration.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from cfgtool import linting as package  # package.templates loads on first use (see __init__)
from cfgtool.diagnostics import Diagnostic
from cfgtool.errors import CfgDecodeError, CfgError
from cfgtool.filenames import basename, classify
from cfgtool.fsutil import atomic_write_bytes
from cfgtool.inputs import InputFile, expand_paths
from cfgtool.linting import rules as registry
from cfgtool.linting.config import ConfigResolver, LintConfig
from cfgtool.linting.fixing import apply_fixes, unified_diff
from cfgtool.linting.results import FileResult
from cfgtool.linting.rule import LintContext, Rule
from cfgtool.linting.rules._facts import TRIGGER_BITS, Facts, scan, trigger_mask
from cfgtool.linting.suppressions import (
    UNUSED_CODE,
    apply_suppressions,
    find_suppressions,
    unused_suppressions,
)
from cfgtool.nodes import Document
from cfgtool.parallel import default_jobs, range_map
from cfgtool.parser import decode, dumps, loads
from cfgtool.reading import read_bytes
from cfgtool.sources import not_text_reason

ENCODING_CODE = "CFG107"
# What a PBX template has and a plain file (almost) never: `{$`, `{%`, `{#`, `{{`,
# `{*`, `{/if}`, `{if …}`, `{foreach …}`, provisioner.net's `{line_loop}`. Only a file
# with one of these (or a template's name) loads the template layer.
_TEMPLATE_SIGN = re.compile(r"\{[$%#*/{]|\{(?:if|foreach|section|literal|line_loop|loop_)\b")
# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 200


def registered_rules(scopes: Iterable[str] = ("lint",)) -> tuple[Rule, ...]:
    """The registered rules of the given scopes (``"lint"``; ``validate`` adds ``"model"``)."""
    return registry.rules_in_scopes(scopes)


def make_context(
    config: LintConfig,
    path: str | None,
    *,
    template: bool | None = None,
    template_variables: Iterable[str] | None = None,
) -> LintContext:
    """The :class:`LintContext` for a file at ``path`` under ``config``.

    ``template`` None decides by the file name (``template-patterns``);
    template variables are the configured ones plus ``template_variables``,
    or None when neither says anything.
    """
    variables: frozenset[str] | None = None
    if template_variables is not None or config.template_variables:
        variables = config.template_variables | frozenset(template_variables or ())
    is_template = config.is_template(path) if template is None else template
    # The context of every file under one configuration differs only in its path: one
    # is made per configuration and copied (a frozen dataclass costs 4 us to build).
    memo = (id(config), is_template, variables)
    base = _BASE_CONTEXTS.get(memo)
    if base is None or base.config is not config:
        if len(_BASE_CONTEXTS) >= 64:
            _BASE_CONTEXTS.clear()
        base = _BASE_CONTEXTS[memo] = LintContext(
            template=is_template,
            template_variables=variables,
            extra_known_keys=config.extend_known_keys,
            firmware=config.firmware,
            config=config,
        )
    return base.at(path, os.path.basename(path) if path else None)


_BASE_CONTEXTS: dict[tuple[int, bool, frozenset[str] | None], LintContext] = {}


def lint(
    doc: Document,
    config: LintConfig | None = None,
    *,
    context: LintContext | None = None,
    rules: Sequence[Rule] | None = None,
) -> list[Diagnostic]:
    """Check ``doc`` and return its diagnostics, sorted by position.

    ``config`` None means the defaults (every rule, its own severity); no
    configuration file is looked up, use :func:`config_for` for that.
    ``rules`` replaces the registered lint rules (``validate`` passes more).
    """
    config = config or LintConfig()
    context = context or make_context(config, doc.filename)
    # The per-file state: the document's facts, sorted once for every rule.
    facts = scan(doc, context.extra_known_keys)
    context = context.with_facts(facts)
    candidates = registered_rules() if rules is None else tuple(rules)
    plan = _plan(config, candidates)
    diagnostics: list[Diagnostic] = []
    for rule in plan.to_run(_present(facts, context)):
        diagnostics.extend(rule.check(doc, context))
    return _finish(doc, diagnostics, config, context, plan.enabled, candidates)


def _present(facts: Facts, context: LintContext) -> int:
    """The triggers a file has, as bits: its facts', and its context's (see ``rules/_facts.py``)."""
    present = facts.present | _EVERY_FILE
    if context.template:
        present |= _TEMPLATE
    if context.config is not None and context.config.known_keys:
        present |= _SITE_TYPES
    name = context.filename or (basename(context.path) if context.path else None)
    if name and name[:1] in "yY" and classify(name).is_common:
        present |= _COMMON_FILE
    if context.firmware is not None or context.firmware_image is not None:
        present |= _FIRMWARE
    return present


# The bit every file has: the one rules without triggers wait for.
_EVERY_FILE = 1 << len(TRIGGER_BITS)
_TEMPLATE = trigger_mask(["template"])
_SITE_TYPES = trigger_mask(["site_types"])
_COMMON_FILE = trigger_mask(["common_file"])
_FIRMWARE = trigger_mask(["firmware"])


def _with_masks(rules: tuple[Rule, ...]) -> tuple[tuple[Rule, int], ...]:
    """Each rule with the bits of its triggers (a rule without triggers: every file's)."""
    return tuple(
        (rule, _EVERY_FILE if rule.triggers is None else trigger_mask(rule.triggers))
        for rule in rules
    )


class _Plan:
    """The rules for files under one configuration, worked out once: those enabled, and
    for each combination of triggers a file has, those that run (a few combinations
    cover a whole tree)."""

    __slots__ = ("candidates", "config", "enabled", "masks", "runs")

    def __init__(self, config: LintConfig, candidates: tuple[Rule, ...]) -> None:
        self.config = config
        self.candidates = candidates
        self.enabled = config.enabled_rules(candidates)
        self.masks = _with_masks(self.enabled)
        self.runs: dict[int, tuple[Rule, ...]] = {}

    def to_run(self, present: int) -> tuple[Rule, ...]:
        found = self.runs.get(present)
        if found is None:
            found = tuple(rule for rule, mask in self.masks if mask & present)
            if len(self.runs) < 1024:
                self.runs[present] = found
        return found


def _plan(config: LintConfig, candidates: tuple[Rule, ...]) -> _Plan:
    memo = (id(config), id(candidates))
    plan = _PLANS.get(memo)
    if plan is None or plan.config is not config or plan.candidates is not candidates:
        if len(_PLANS) >= 64:
            _PLANS.clear()
        plan = _PLANS[memo] = _Plan(config, candidates)
    return plan


# (id of a configuration, id of a tuple of candidate rules) -> their plan
_PLANS: dict[tuple[int, int], _Plan] = {}


def _finish(
    doc: Document,
    diagnostics: list[Diagnostic],
    config: LintConfig,
    context: LintContext,
    enabled: Sequence[Rule],
    candidates: Sequence[Rule],
) -> list[Diagnostic]:
    assert context.facts is not None
    if context.facts.directives:
        suppressions = find_suppressions(doc, _rule_names(candidates))
        diagnostics = apply_suppressions(diagnostics, suppressions)
        enabled_codes = {rule.code for rule in enabled}
        if UNUSED_CODE in enabled_codes:
            unused = [
                Diagnostic(UNUSED_CODE, "info", message, context.path, line, column)
                for line, column, message in unused_suppressions(suppressions, enabled_codes)
            ]
            diagnostics.extend(apply_suppressions(unused, suppressions))
    return _settle(diagnostics, config, context.path)


def _settle(
    diagnostics: list[Diagnostic], config: LintConfig, path: str | None
) -> list[Diagnostic]:
    """Apply configured severities and the path, then sort."""
    if config.severity or any(d.path != path for d in diagnostics):
        settled = []
        for diagnostic in diagnostics:
            severity = config.severity_for(diagnostic.code) or diagnostic.severity
            if severity != diagnostic.severity or diagnostic.path != path:
                diagnostic = replace(diagnostic, severity=severity, path=path)
            settled.append(diagnostic)
        diagnostics = settled
    diagnostics.sort(key=Diagnostic.sort_key)
    return diagnostics


def _rule_names(candidates: Sequence[Rule]) -> dict[str, str]:
    """Name and code -> code, for every rule a suppression may name."""
    return _names_of((*registered_rules(("lint", "model")), *candidates))


@lru_cache(maxsize=16)
def _names_of(rules: tuple[Rule, ...]) -> dict[str, str]:
    names: dict[str, str] = {}
    for rule in rules:
        names[rule.name] = rule.code
        names[rule.code] = rule.code
    return names


# --- from bytes ------------------------------------------------------------------


@dataclass
class Linted:
    """One linted source: its text and document (None when it is not text) and diagnostics."""

    text: str | None
    doc: Document | None
    diagnostics: list[Diagnostic]


def lint_source(
    data: bytes,
    path: str | None,
    config: LintConfig | None = None,
    *,
    context: LintContext | None = None,
    rules: Sequence[Rule] | None = None,
) -> Linted:
    """Decode and lint a file's bytes; input that is not cfg text gets one CFG107 error."""
    config = config or LintConfig()
    try:
        text = decode(data)
    except CfgDecodeError as exc:
        return Linted(None, None, _not_text(data, exc.offset, str(exc), path, config, rules))
    reason = not_text_reason(text)
    if reason:
        offset = len(text[: max(text.find("\x00"), 0)].encode("utf-8"))
        return Linted(text, None, _not_text(data, offset, reason, path, config, rules))
    context = context or make_context(config, path)
    if _may_be_template(text, config.template_syntax):
        dialect = package.template_dialect(path, text, config.template_syntax, context.template)
        if dialect is not None:
            candidates = registered_rules() if rules is None else tuple(rules)
            found: list[Diagnostic] = package.lint_template(
                text, dialect, config, context, candidates, root=config.template_root
            )
            return Linted(text, None, found)
    doc = loads(text, filename=path)
    return Linted(text, doc, lint(doc, config, context=context, rules=rules))


def _may_be_template(text: str, syntax: str) -> bool:
    """A cheap test before the template layer is loaded: plain files never load it."""
    if syntax != "auto":
        return syntax != "cfgtool"
    if "{" not in text:
        return False
    return _TEMPLATE_SIGN.search(text) is not None


def _not_text(
    data: bytes,
    offset: int,
    message: str,
    path: str | None,
    config: LintConfig,
    rules: Sequence[Rule] | None,
) -> list[Diagnostic]:
    candidates = registered_rules() if rules is None else tuple(rules)
    enabled = {rule.code for rule in config.enabled_rules(candidates)}
    registered = any(rule.code == ENCODING_CODE for rule in candidates)
    if registered and ENCODING_CODE not in enabled:
        return []
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    diagnostic = Diagnostic(ENCODING_CODE, "error", message, path, line, column)
    return _settle([diagnostic], config, path)


# --- many files ------------------------------------------------------------------


@dataclass(frozen=True)
class LintOptions:
    """What to do with each file besides linting it (picklable, shared by a batch)."""

    fix: bool = False
    diff: bool = False
    template: bool | None = None
    template_variables: frozenset[str] | None = None
    scopes: tuple[str, ...] = ("lint",)
    # Adds per-file facts to each file's context (validate: the model, the tree);
    # must be picklable (a module-level function, or a bound method of a dataclass).
    context_hook: Callable[[LintContext], LintContext] | None = None


def lint_one(
    item: InputFile, config: LintConfig, options: LintOptions, data: bytes | None = None
) -> FileResult:
    """Lint (and fix, when asked) one input file; never raises :class:`CfgError`."""
    try:
        if data is None:
            data = read_bytes(item.path)
        rules = registered_rules(options.scopes)
        template = options.template
        if template is None:
            template = (
                config.is_template(item.name_for_rules) or config.template_syntax == "cfgtool"
            )
        context = make_context(
            config, item.path, template=template, template_variables=options.template_variables
        )
        if options.context_hook is not None:
            context = options.context_hook(context)
        linted = lint_source(data, item.path, config, context=context, rules=rules)
        result = FileResult(item.path, linted.diagnostics)
        if (options.fix or options.diff) and linted.doc is not None and linted.text is not None:
            _fix(item, linted.text, linted.doc, result, config, context, rules, options)
        elif options.fix and item.stdin:
            result.output = linted.text if linted.text is not None else ""
        return result
    except CfgError as exc:
        return FileResult(item.path, error=str(exc))


def _fix(
    item: InputFile,
    text: str,
    doc: Document,
    result: FileResult,
    config: LintConfig,
    context: LintContext,
    rules: Sequence[Rule],
    options: LintOptions,
) -> None:
    enabled = config.enabled_rules(rules)
    fixed_text = dumps(apply_fixes(doc, result.diagnostics, enabled, context))
    result.changed = fixed_text != text
    if options.diff:
        result.diff = unified_diff(text, fixed_text, item.path) if result.changed else ""
        return
    if item.stdin:
        result.output = fixed_text
    elif result.changed:
        atomic_write_bytes(item.path, fixed_text.encode("utf-8"))
    if result.changed:
        fixed = loads(fixed_text, filename=item.path)
        result.diagnostics = lint(fixed, config, context=context, rules=rules)


@dataclass(frozen=True)
class _Batch:
    """What the workers of :func:`lint_files` lint: given to each worker once."""

    items: Sequence[InputFile]
    configs: Sequence[LintConfig]
    options: LintOptions
    data: dict[int, bytes]


def _lint_range(batch: _Batch, start: int, stop: int) -> list[tuple[int, FileResult]]:
    """Lint files ``start`` to ``stop`` of ``batch``; only the results with something in
    them come back (most files are clean: no need to send those)."""
    found = []
    items, configs, options, data = batch.items, batch.configs, batch.options, batch.data
    for index in range(start, stop):
        result = lint_one(items[index], configs[index], options, data.get(index))
        if (
            result.diagnostics
            or result.error is not None
            or result.changed
            or result.diff
            or result.output is not None
        ):
            found.append((index, result))
    return found


def lint_files(
    items: Sequence[InputFile],
    resolve: Callable[[InputFile], LintConfig],
    options: LintOptions = LintOptions(),
    *,
    jobs: int = 0,
    stdin_data: Callable[[], bytes] | None = None,
) -> list[FileResult]:
    """Lint many files, in input order; ``jobs`` 0 means one process per CPU."""
    data: dict[int, bytes] = {}
    for index, item in enumerate(items):
        if item.stdin and stdin_data is not None:
            data[index] = stdin_data()
    batch = _Batch(items, [resolve(item) for item in items], options, data)
    total = len(items)
    workers = min(jobs or default_jobs(), total // (PARALLEL_THRESHOLD // 2) or 1)
    if workers <= 1 or total < PARALLEL_THRESHOLD:
        return [
            lint_one(item, config, options, data.get(i))
            for i, (item, config) in enumerate(zip(items, batch.configs, strict=True))
        ]
    # Lint the first file here: the forked workers then inherit the compiled
    # scanner, the imported rules and the loaded catalog instead of each
    # loading them again. This process then lints ranges too, from the end,
    # while the workers (one fewer than the CPUs) lint theirs from the start.
    results = [lint_one(items[0], batch.configs[0], options, data.get(0))]
    results.extend(FileResult(item.path) for item in items[1:])
    chunk = max(25, min(_CHUNK_MAX, -(-total // (workers * 8))))
    for index, result in range_map(_lint_range, batch, 1, total, workers=workers, chunk=chunk):
        results[index] = result
    return results


# Files per range sent to a worker: small enough to share out evenly, large enough
# that the message per range costs nothing beside linting it.
_CHUNK_MAX = 500


def lint_paths(
    paths: Sequence[str],
    *,
    resolver: ConfigResolver | None = None,
    options: LintOptions = LintOptions(),
    jobs: int = 0,
    stdin_filename: str | None = None,
    stdin_data: Callable[[], bytes] | None = None,
) -> list[FileResult]:
    """Expand ``paths`` (files, directories, ``-``) and lint every file found.

    Each file gets the configuration found walking up from it, unless the
    resolver was given an explicit one; excluded files are skipped.
    Raises :class:`CfgError` for a path that does not exist or a bad configuration.
    """
    resolver = resolver or ConfigResolver()
    items = expand_paths(
        paths, is_excluded=resolver.is_excluded, stdin_filename=stdin_filename, templates=True
    )
    return lint_files(items, resolver.for_input, options, jobs=jobs, stdin_data=stdin_data)
