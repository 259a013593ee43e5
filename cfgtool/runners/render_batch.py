"""``cfgtool render``: render an inventory, each file linted as ``cfgtool validate`` would.

A runner: the check of each rendered file drives the lint engine, so it sits
above it; :func:`cfgtool.rendering.batch.render_inventory` does the rendering
and writing, and calls :class:`RenderedFileValidator` in each worker.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Hashable
from dataclasses import dataclass, replace
from typing import Any

from cfgtool.catalog import find_model
from cfgtool.diagnostics import Diagnostic
from cfgtool.directives import has_directives
from cfgtool.linting import engine
from cfgtool.linting.config import LintConfig, config_for
from cfgtool.linting.rule import LintContext, Rule
from cfgtool.nodes import Document
from cfgtool.parser import load
from cfgtool.rendering.batch import render_inventory
from cfgtool.rendering.fill import Filled
from cfgtool.rendering.inventory import Inventory, InventoryStream, stream_inventory
from cfgtool.rendering.results import BatchResult
from cfgtool.rendering.template import Layout, ProgressCallback
from cfgtool.runners.render_checks import FillChecks

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
        "CFG201", "CFG202", "CFG203", "CFG204", "CFG205", "CFG206",
        "CFG302", "CFG303", "CFG305", "CFG307", "CFG312", "CFG313", "CFG314",
        "CFG401", "CFG402", "CFG403", "CFG502",
    }
)  # fmt: skip


@dataclass(frozen=True)
class _Split:
    """The rules of a batch, by what they look at, and what the fixed lines gave."""

    line_rules: tuple[Rule, ...]
    file_rules: tuple[Rule, ...]


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
        self._split = _Split(
            tuple(rule for rule in self.rules if rule.code in LINE_RULES),
            tuple(rule for rule in self.rules if rule.code not in LINE_RULES),
        )
        self._fill = FillChecks(
            self.config,
            self._split.line_rules,
            self._split.file_rules,
            self.context,
            self._fixed_findings,
        )
        # (output lines' origins, varying lines, directory, model) -> fixed lines' findings,
        # or None when the file has directives (suppressions need the whole file)
        self._fixed: dict[tuple[object, ...], list[Diagnostic] | None] = {}

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
        diagnostics' ``path`` may name another row's file); None: check the row in full
        (see :class:`~cfgtool.runners.render_checks.FillChecks`)."""
        return self._fill.check(filled, relative_path, model)

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
    inventory: Inventory | InventoryStream,
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
    """:func:`render_batch` from a template file and an inventory file (the CLI's call);
    the inventory's rows are read as they are rendered
    (:func:`~cfgtool.rendering.inventory.stream_inventory`)."""
    return render_batch(load(template_path), stream_inventory(inventory_path), out_dir, **options)
