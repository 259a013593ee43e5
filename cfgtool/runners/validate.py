"""``cfgtool validate``: every lint rule plus the model and tree rules, over files and trees.

A runner: it drives the lint engine with what the provisioning tree knows
about each file (its model, its place), so it sits above both.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cfgtool.catalog import Model
from cfgtool.diagnostics import Diagnostic
from cfgtool.errors import CfgError
from cfgtool.filenames import classify
from cfgtool.inputs import STDIN, expand_paths
from cfgtool.knowledge import image_generation
from cfgtool.linting.config import ConfigResolver
from cfgtool.linting.engine import LintOptions, lint_files
from cfgtool.linting.results import FileResult
from cfgtool.linting.rule import LintContext
from cfgtool.nodes import Entry
from cfgtool.parser import decode, loads
from cfgtool.provisioning.models import model_for_common_file, require_model
from cfgtool.provisioning.tree import (
    VIEW_OPTION,
    FileView,
    ProvisioningTree,
    common_search_directories,
    resolve_model,
    scan_tree,
    with_separator,
)
from cfgtool.provisioning.urls import check_url
from cfgtool.reading import read_bytes


@dataclass(frozen=True)
class DirectorySummary:
    """One row of validate's per-directory table."""

    directory: str
    model: str | None
    common_files: tuple[str, ...]
    phones: int
    errors: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "model": self.model,
            "common_files": list(self.common_files),
            "phones": self.phones,
            "errors": self.errors,
        }


@dataclass
class Validation:
    """The outcome of :func:`validate_paths`: per-file results and per-directory rows."""

    results: list[FileResult]
    directories: list[DirectorySummary] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for result in self.results for d in result.diagnostics]


def validate_paths(
    paths: Sequence[str],
    *,
    model: str | None = None,
    server_url: str | None = None,
    resolver: ConfigResolver | None = None,
    jobs: int = 0,
    stdin_filename: str | None = None,
    stdin_data: Any = None,
) -> Validation:
    """Validate files and provisioning trees: every lint rule plus the model and tree rules.

    A directory is checked as a provisioning tree (missing Common files,
    duplicate phones, orphan MAC-local files, missing resource files); a file
    is checked on its own, its model found from ``model`` (``--model``), its
    Common file name, the Common file next to it, its directory name, or a
    ``# cfgtool: model=`` comment, in that order. Configuration, suppressions
    and the process pool are the lint engine's. Raises :class:`CfgError` for
    an unknown model, a missing path or a bad configuration.
    """
    explicit = require_model(model) if model else None
    if server_url is not None:
        server_url = check_url(server_url)
    resolver = resolver or ConfigResolver()
    items = expand_paths(paths, is_excluded=resolver.is_excluded, stdin_filename=stdin_filename)
    trees: list[ProvisioningTree] = []
    for path in dict.fromkeys(paths):
        if path != STDIN and os.path.isdir(path):
            inside = [item.path for item in items if not item.stdin]
            prefix = with_separator(path)
            trees.append(
                scan_tree(path, [p for p in inside if os.path.abspath(p).startswith(prefix)])
            )
    loose = {
        os.path.dirname(item.name_for_rules or "") or os.curdir
        for item in items
        if item.name_for_rules and not any(t.relative(item.name_for_rules) for t in trees)
    }
    for directory in sorted(loose):
        trees.append(scan_tree(directory, _common_files_in(directory), checks=False))
    plan = ValidationPlan(tuple(trees), explicit, server_url)
    for item in items:
        if not item.stdin:
            plan.tree_for(item.path)  # found here once: the workers and the summary look it up
    options = LintOptions(scopes=("lint", "model"), context_hook=plan.context_for)
    results = lint_files(items, resolver.for_input, options, jobs=jobs, stdin_data=stdin_data)
    return Validation(results, _summaries(plan, results))


def _common_files_in(directory: str) -> list[str]:
    """The Common files of ``directory``: all a file named on its own needs for its model."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return [
        os.path.join(directory, name)
        for name in names
        if name[:1] in ("y", "Y") and classify(name).is_common
    ]


def _summaries(plan: ValidationPlan, results: Sequence[FileResult]) -> list[DirectorySummary]:
    errors: dict[tuple[int, str], int] = {}
    for result in results:
        found = plan.tree_for(result.path)
        if found is None:
            continue
        tree, relative = found
        key = (id(tree), relative.rpartition("/")[0])
        count = sum(1 for d in result.diagnostics if d.severity == "error")
        errors[key] = errors.get(key, 0) + count + (1 if result.error else 0)
    rows: list[DirectorySummary] = []
    for tree in plan.trees:
        if not tree.checks:
            continue
        phones: dict[str, set[str]] = {}
        for (mac, _), paths in tree.phones.items():
            for path in paths:
                phones.setdefault(path.rpartition("/")[0], set()).add(mac)
        for relative, directory in tree.directories.items():
            models = directory.common_models
            model = plan.model or directory.pn_model or (models[0] if len(models) == 1 else None)
            label = os.path.join(tree.root, *relative.split("/")) if relative else tree.root
            rows.append(
                DirectorySummary(
                    label,
                    model.name if model else ("mixed" if len(models) > 1 else None),
                    directory.commons,
                    len(phones.get(relative, ())),
                    errors.get((id(tree), relative), 0),
                )
            )
    return rows


@dataclass(frozen=True)
class ValidationPlan:
    """Everything validate adds to each file's lint context (picklable for the process pool)."""

    trees: tuple[ProvisioningTree, ...]
    model: Model | None = None
    server_url: str | None = None
    # (tree index, directory, Common file name or "") -> the model and how it was found
    _models: dict[tuple[int, str, str], tuple[Model | None, str]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # (tree index, directory, model name) -> the generation of its Common file's image
    _images: dict[tuple[int, str, str], int | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    # path -> the innermost tree holding it and the path relative to it (see tree_for)
    _where: dict[str, tuple[ProvisioningTree, str] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def tree_for(self, path: str) -> tuple[ProvisioningTree, str] | None:
        """The innermost tree holding ``path``, with the path relative to it."""
        if path in self._where:
            return self._where[path]
        best: tuple[ProvisioningTree, str] | None = None
        for tree in self.trees:
            relative = tree.relative(path)
            if relative is not None and (best is None or len(relative) < len(best[1])):
                best = (tree, relative)
        if len(self._where) < 1_000_000:
            self._where[path] = best
        return best

    def context_for(self, context: LintContext) -> LintContext:
        """``context`` with the file's model and :class:`FileView` (the engine's context hook)."""
        found = self.tree_for(context.path) if context.path else None
        if found is None:
            return context.evolve(model=self.model) if self.model else context
        tree, relative = found
        directory, _, name = relative.rpartition("/")
        common = name[:1] in "yY" and classify(name).is_common
        key = (id(tree), directory, name if common else "")
        resolved = self._models.get(key)
        if resolved is None:
            resolved = self._models[key] = resolve_model(tree, relative, self.model)
        model, source = resolved
        view = FileView(tree, relative, source, self.server_url)
        image = None if common else self._common_image(tree, directory, model)
        return context.evolve(
            model=model,
            firmware_image=image,
            options={**context.options, VIEW_OPTION: view},
        )

    def _common_image(
        self, tree: ProvisioningTree, directory: str, model: Model | None
    ) -> int | None:
        """The generation of the firmware image the Common file a phone in ``directory``
        fetches names (its model's, else the all-models file): what the phone runs when
        its own files name none."""
        key = (id(tree), directory, model.name if model is not None else "")
        if key in self._images:
            return self._images[key]
        found: int | None = None
        for place in common_search_directories(tree, tree.directory(directory)):
            for name in tree.directory(place).commons:
                own = model_for_common_file(name)
                if own is not None and (model is None or own.name != model.name):
                    continue
                found = _image_of(os.path.join(tree.root, *place.split("/"), name))
                if found is not None:
                    break
            if found is not None:
                break
        self._images[key] = found
        return found


def _image_of(path: str) -> int | None:
    """The firmware generation a Common file's ``firmware.url`` names, or None."""
    try:
        doc = loads(decode(read_bytes(path)), filename=path)
    except (CfgError, OSError):
        return None
    keys = ("firmware.url", "static.firmware.url")
    return image_generation(
        node.value for node in doc.items if type(node) is Entry and node.key in keys
    )
