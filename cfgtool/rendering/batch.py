"""Rendering a whole inventory: plan the rows, run them (:mod:`cfgtool.rendering.workers`),
write the files.

Each row is filled or rendered, checked, compared and staged in the process
that runs it (:mod:`~cfgtool.rendering.workers`). When every row passed (or
``keep_going``), this process commits all staged files at once, with the
manifest, after one disk sync; otherwise it removes them, and the old tree
is exactly as it was.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from cfgtool.dirlock import locked
from cfgtool.fsutil import Staging, remove_stale_temps
from cfgtool.nodes import Document
from cfgtool.parallel import default_jobs
from cfgtool.rendering.inventory import Inventory
from cfgtool.rendering.output import (
    check_manifest_target,
    compare,
    existing_mac_files,
    listed_names,
    make_directories,
    manifest_bytes,
    remove_directories,
)
from cfgtool.rendering.plan import Job, plan_jobs
from cfgtool.rendering.results import BatchResult, Phone
from cfgtool.rendering.template import (
    Layout,
    ProgressCallback,
    RowProblem,
    Template,
    compile_template,
)
from cfgtool.rendering.workers import (
    FilledRowValidator,
    FillValidator,
    Found,
    Outcome,
    RowValidator,
    ValidatorFactory,
    run_jobs,
    worker_pool,
)

__all__ = [
    "FillValidator",
    "FilledRowValidator",
    "RowValidator",
    "ValidatorFactory",
    "render_inventory",
]


def render_inventory(
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
    validator: ValidatorFactory | None = None,
    progress: ProgressCallback | None = None,
) -> BatchResult:
    """Render one ``<mac>.cfg`` per inventory row into ``out_dir``: plan, check, write.

    Every row is rendered and, with ``validator``, checked before anything is
    written (:func:`cfgtool.runners.render_batch.render_batch` passes the lint
    engine's checks, as ``cfgtool render`` does). When any row fails nothing
    is written, unless ``keep_going``: then the good rows are written and the
    bad ones listed in ``problems``. File names come from the normalised MAC
    only (``layout="pn"``: inside the model's ``$PN`` directory, never through
    a symbolic link). A file whose bytes would not change is not rewritten, so
    its mtime is kept; a rewritten one keeps its mode, owner and group. All
    files (and ``manifest``, JSON ``{mac: {"file", "model", "md5"}}``, checked
    before anything is written) are committed together: a failure or Ctrl-C
    leaves the old files exactly as they were. One batch at a time writes into
    ``out_dir`` (:func:`cfgtool.dirlock.locked`). ``<mac>.cfg`` files in
    ``out_dir`` that this inventory does not produce are listed in ``stale``
    and deleted only with ``prune``. ``jobs`` is the number of processes (0:
    one per CPU). Raises :class:`TemplateError` for mistakes that concern every
    row (template syntax, a placeholder that is no column, a bad header).
    """
    compiled = compile_template(template)
    job_list, problems = plan_jobs(compiled, inventory, layout=layout, default_model=model)
    with _frozen_heap():
        return _render_jobs(
            compiled, inventory, job_list, problems, out_dir, layout, jobs, dry_run,
            keep_going, prune, manifest, validator, progress,
        )  # fmt: skip


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep the garbage collector off the objects that live through the batch (the
    inventory, the jobs): its full collections would walk them again and again, and
    forked workers would copy every page it touches."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _render_jobs(
    compiled: Template,
    inventory: Inventory,
    job_list: list[Job],
    problems: list[RowProblem],
    out_dir: str | os.PathLike[str],
    layout: Layout,
    jobs: int,
    dry_run: bool,
    keep_going: bool,
    prune: bool,
    manifest: str | os.PathLike[str] | None,
    validator: ValidatorFactory | None,
    progress: ProgressCallback | None,
) -> BatchResult:
    """:func:`render_inventory` once the rows are planned."""
    root = Path(out_dir)
    write = not dry_run
    manifest_path = Path(manifest) if manifest is not None and not dry_run else None
    if manifest_path is not None:
        check_manifest_target(manifest_path, root)
    workers = jobs if jobs > 0 else default_jobs()
    result = BatchResult(os.fspath(root), len(inventory.rows) + len(inventory.problems))
    result.dry_run = dry_run
    directories: list[str] = []
    made: list[Path] = []
    folders = {os.path.dirname(job.relative_path) for job in job_list}
    with contextlib.ExitStack() as stack:
        if write:
            directories, made = make_directories(root, folders)
            try:
                stack.enter_context(locked(root, "render"))
            except BaseException:
                remove_directories(made)
                raise
            for directory in directories:
                remove_stale_temps(directory)
        staging = stack.enter_context(Staging())
        listed = listed_names(os.fspath(root), folders)
        try:
            with worker_pool(
                compiled, validator, os.fspath(root), workers, job_list, write, listed
            ) as pool:
                outcomes = run_jobs(job_list, pool, workers, progress, staging)
            good = _outcome_problems(outcomes, job_list, inventory, problems)
            result.warnings = _row_problems(
                [(job_list[o.position], found) for o in outcomes for found in o.warnings], inventory
            )
            result.problems = sorted(
                [*inventory.problems, *problems], key=lambda p: (p.row, p.column or 0)
            )
            failed = {problem.row for problem in result.problems}
            good = [(job, outcome) for job, outcome in good if job.row not in failed]
            staging.drop(
                outcome.staged
                for outcome in outcomes
                if outcome.staged is not None and job_list[outcome.position].row in failed
            )
            result.stale = _stale_files(root, layout, [job for job, _ in good], result.problems)
            if result.problems and not keep_going:
                staging.discard()
                stack.close()
                remove_directories(made)
                result.wrote_nothing = True
                return result
            result.phones = [
                Phone(job.mac, job.model, job.relative_path, outcome.md5, outcome.status)
                for job, outcome in good
            ]
            if manifest_path is not None:
                data = manifest_bytes(result.phones)
                if not compare(os.fspath(manifest_path), data)[0]:
                    staging.stage(manifest_path, data)
                result.manifest = os.fspath(manifest_path)
            if progress:
                progress("write", len(staging), len(staging))
            staging.commit()
        except BaseException:
            # Workers may have staged files whose names never came back.
            staging.discard()
            for directory in directories:
                remove_stale_temps(directory)
            stack.close()  # the lock too, so that the directories made are empty again
            remove_directories(made)
            raise
        if prune and not dry_run:
            for name in result.stale:
                with contextlib.suppress(FileNotFoundError):
                    (root / name).unlink()
                result.pruned.append(name)
    return result


def _outcome_problems(
    outcomes: Sequence[Outcome],
    jobs: Sequence[Job],
    inventory: Inventory,
    problems: list[RowProblem],
) -> list[tuple[Job, Outcome]]:
    """Add each refused row's problems to ``problems``; return the rows that rendered."""
    rendered: list[tuple[Job, Outcome]] = []
    for outcome in outcomes:
        job = jobs[outcome.position]
        problems += _row_problems([(job, found) for found in outcome.problems], inventory)
        if not outcome.problems:
            rendered.append((job, outcome))
    return rendered


def _row_problems(found: Sequence[tuple[Job, Found]], inventory: Inventory) -> list[RowProblem]:
    """Findings on rendered files as inventory row problems, blaming the row's column."""
    problems: list[RowProblem] = []
    texts: dict[tuple[str, int], str] = {}  # the same finding on many rows: one text
    for job, (name, message, template_line, code) in found:
        index = inventory.column_index(name) if name else None
        column_name = inventory.columns[index] if index is not None else None
        column = index + 1 if index is not None else None
        if template_line:
            text = texts.get((message, template_line))
            if text is None:
                text = texts[message, template_line] = f"{message} (template line {template_line})"
            message = text
        problems.append(
            RowProblem(inventory.path, job.row, column, column_name, message, job.mac, code)
        )
    return problems


def _stale_files(
    root: Path, layout: Layout, produced_by: Sequence[Job], problems: list[RowProblem]
) -> list[str]:
    """``<mac>.cfg`` files under ``root`` that no row produces (a refused row keeps its file)."""
    produced = {job.relative_path for job in produced_by}
    refused = {problem.mac for problem in problems if problem.mac}
    return [
        name
        for name in existing_mac_files(root, layout)
        if name not in produced and name.rsplit("/", 1)[-1][:12] not in refused
    ]
