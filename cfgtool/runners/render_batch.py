"""``cfgtool render``: render an inventory, each file linted as ``cfgtool validate`` would.

A runner: the check of each rendered file drives the lint engine, so it sits
above it; :func:`cfgtool.rendering.batch.render_inventory` does the rendering
and writing, and calls :class:`RenderedFileValidator` in each worker.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from cfgtool.catalog import find_model
from cfgtool.diagnostics import Diagnostic
from cfgtool.linting import engine
from cfgtool.linting.config import LintConfig, config_for
from cfgtool.linting.rule import LintContext, Rule
from cfgtool.nodes import Document
from cfgtool.parser import load
from cfgtool.rendering.batch import render_inventory
from cfgtool.rendering.inventory import Inventory, read_inventory
from cfgtool.rendering.results import BatchResult
from cfgtool.rendering.template import Layout, ProgressCallback

__all__ = ["RenderedFileValidator", "render_batch", "render_files"]


class RenderedFileValidator:
    """Lints each rendered file with the lint engine: every lint rule and every model rule.

    The configuration is the one that applies to files in the output directory
    (as ``cfgtool lint DIR`` would find it), the context names the file that
    will be written and carries the row's model.
    """

    def __init__(self, out_dir: str) -> None:
        self.out_dir = out_dir
        self.config: LintConfig = config_for(os.path.join(out_dir, "000000000000.cfg"))
        self.rules: tuple[Rule, ...] = engine.registered_rules(("lint", "model"))
        self._contexts: dict[tuple[str, str | None], LintContext] = {}

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
