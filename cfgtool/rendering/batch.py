"""Rendering a whole inventory: run the rows (in worker processes when it pays), write the files.

The rows are checked by an injected :class:`RowValidator` (the lint engine's,
from :mod:`cfgtool.runners.render_batch`), so this module stays below the engine.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cfgtool.diagnostics import Diagnostic
from cfgtool.errors import CfgIOError, CfgValueError
from cfgtool.fsutil import atomic_write_bytes, atomic_write_many
from cfgtool.inputs import walk
from cfgtool.nodes import Document, Entry
from cfgtool.parallel import default_jobs, process_pool
from cfgtool.parser import dumps
from cfgtool.rendering.inventory import (
    Inventory,
)
from cfgtool.rendering.plan import (
    Job,
    plan_jobs,
)
from cfgtool.rendering.render import (
    Rendered,
    Renderer,
)
from cfgtool.rendering.results import BatchResult, Phone
from cfgtool.rendering.template import (
    MAC_FILE,
    SAFE_PART,
    Layout,
    ProgressCallback,
    RowProblem,
    Status,
    Template,
    compile_template,
)

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

_PARALLEL_MIN_ROWS = 2000
_CHUNK_MAX = 1000
_WRITE_CHUNK_MIN = 200


# --- running the rows ------------------------------------------------------------------------


# (variable or key-column to blame, message, template line, lint code)
Found = tuple[str | None, str, int | None, str | None]


@dataclass(frozen=True, slots=True)
class Outcome:
    index: int
    data: bytes | None
    problems: tuple[Found, ...] = ()


class RowValidator(Protocol):
    """Checks each rendered file before anything is written (``cfgtool.runners.render_batch``)."""

    def check(self, doc: Document, relative_path: str, model: str | None) -> list[Diagnostic]:
        """The problems of ``doc``, to be written at ``relative_path`` for a phone of ``model``."""
        ...


# Makes the validator for an output directory, in each worker: a module-level
# class or function, so that any start method can hand it to the workers.
ValidatorFactory = Callable[[str], RowValidator]

_STATE: tuple[Renderer, RowValidator | None, Sequence[Job]] | None = None


def _start_worker(
    template: Template,
    validator_factory: ValidatorFactory | None,
    out_dir: str,
    jobs: Sequence[Job],
) -> None:
    global _STATE
    validator = validator_factory(out_dir) if validator_factory is not None else None
    _STATE = (Renderer(template), validator, jobs)


def _run_job(renderer: Renderer, validator: RowValidator | None, job: Job) -> Outcome:
    filename = job.relative_path.rsplit("/", 1)[-1]
    rendered = renderer.render_row(job.variables, job.overrides, filename=filename)
    if isinstance(rendered, list):
        return Outcome(
            job.index, None, tuple((name, message, None, None) for name, message in rendered)
        )
    if validator is not None:
        found = validator.check(rendered.doc, job.relative_path, job.model)
        errors = [diagnostic for diagnostic in found if diagnostic.severity == "error"]
        if errors:
            return Outcome(job.index, None, tuple(_blamed(d, rendered) for d in errors))
    return Outcome(job.index, dumps(rendered.doc).encode("utf-8"))


def _run_chunk(jobs: Sequence[Job]) -> list[Outcome]:
    assert _STATE is not None
    renderer, validator, _ = _STATE
    return [_run_job(renderer, validator, job) for job in jobs]


def _run_range(start: int, stop: int) -> list[Outcome]:
    """Run jobs ``start`` to ``stop`` of the batch: a worker has the job list from its start."""
    assert _STATE is not None
    return _run_chunk(_STATE[2][start:stop])


def _blamed(diagnostic: Diagnostic, rendered: Rendered) -> Found:
    """A lint error as (column to blame, message, template line, code).

    A line set by a key-column is that column's; on a line with placeholders,
    a finding inside the value is the first placeholder's column.
    """
    line = diagnostic.line
    item = rendered.doc.items[line - 1] if 0 < line <= len(rendered.doc.items) else None
    blamed = rendered.varying.get(line)
    if (
        blamed
        and "." not in blamed
        and not (isinstance(item, Entry) and diagnostic.column >= item.value_column)
    ):
        blamed = None
    origin = rendered.origins[line - 1] if 0 < line <= len(rendered.origins) else None
    message = f"{diagnostic.message} (line {line} of the rendered file)"
    return blamed, message, origin, diagnostic.code


def _chunks(jobs: Sequence[Job], size: int) -> list[Sequence[Job]]:
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


@contextlib.contextmanager
def _worker_pool(
    template: Template,
    validator_factory: ValidatorFactory | None,
    out_dir: str,
    workers: int,
    jobs: Sequence[Job],
) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for rendering and writing, when there are enough rows to pay off."""
    _start_worker(template, validator_factory, out_dir, jobs)
    if workers <= 1 or len(jobs) < _PARALLEL_MIN_ROWS:
        yield None
        return
    # Render one row here first: the forked workers inherit the loaded catalog,
    # rules and line scanner instead of each loading them again.
    _run_chunk(jobs[:1])
    # Every worker builds its state in the initializer, whatever the start method.
    initargs = (template, validator_factory, out_dir, jobs)
    with process_pool(workers, initializer=_start_worker, initargs=initargs) as pool:
        yield pool


def _run_jobs(
    jobs: Sequence[Job],
    pool: ProcessPoolExecutor | None,
    workers: int,
    progress: ProgressCallback | None,
) -> list[Outcome]:
    """Render and validate every job, in the worker processes if there are some."""
    total = len(jobs)
    outcomes: list[Outcome] = []

    def collect(batch: list[Outcome]) -> None:
        outcomes.extend(batch)
        if progress:
            progress("render", len(outcomes), total)

    if pool is None:
        for chunk in _chunks(jobs, _CHUNK_MAX):
            collect(_run_chunk(chunk))
        return outcomes
    assert _STATE is not None and _STATE[2] is jobs, "the pool was started for other jobs"
    size = max(100, min(_CHUNK_MAX, -(-total // (workers * 4))))
    starts = range(0, total, size)
    for batch in pool.map(_run_range, starts, [start + size for start in starts]):
        collect(batch)
    return outcomes


# --- writing ---------------------------------------------------------------------------------


def _same_content(path: str | os.PathLike[str], data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _write_chunk(
    root: str, files: Sequence[tuple[str, bytes]], dry_run: bool
) -> list[tuple[str, Status]]:
    """Write (or, in a dry run, compare) ``(relative path, data)`` files; return (md5, status)
    of each. Existing identical files are left alone.

    The changed files of a chunk are written together with one disk sync
    (:func:`~cfgtool.fsutil.atomic_write_many`): an fsync per file made the
    batch wait on the disk ten thousand times.
    """
    done: list[tuple[str, Status]] = []
    writes: list[tuple[str, bytes]] = []
    for relative, data in files:
        target = os.path.join(root, relative)
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        status: Status
        if _same_content(target, data):
            status = "unchanged"
        elif dry_run:
            status = "changed" if os.path.exists(target) else "new"
        else:
            writes.append((target, data))
            status = "written"
        done.append((md5, status))
    if writes:
        atomic_write_many(writes)
    return done


def _write_all(
    root: Path,
    planned: Sequence[tuple[Job, bytes]],
    *,
    dry_run: bool,
    pool: ProcessPoolExecutor | None,
    workers: int,
    progress: ProgressCallback | None,
) -> list[Phone]:
    if not dry_run:
        folders = {os.path.dirname(job.relative_path) for job, _ in planned}
        for directory in sorted({root, *(root / folder for folder in folders)}):
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CfgIOError(f"cannot create {directory}: {exc.strerror or exc}") from None
    total = len(planned)
    size = max(_WRITE_CHUNK_MIN, -(-total // (workers * 4))) if pool else _WRITE_CHUNK_MIN
    # Workers get only what they write: each file's path and bytes.
    files = [(job.relative_path, data) for job, data in planned]
    chunks = [files[i : i + size] for i in range(0, total, size)]
    folder = os.fspath(root)
    results = (
        pool.map(_write_chunk, [folder] * len(chunks), chunks, [dry_run] * len(chunks))
        if pool
        else (_write_chunk(folder, chunk, dry_run) for chunk in chunks)
    )
    phones: list[Phone] = []
    for batch in results:
        for md5, status in batch:
            job = planned[len(phones)][0]
            phones.append(Phone(job.mac, job.model, job.relative_path, md5, status))
        if progress:
            progress("write", len(phones), total)
    return phones


def _existing_mac_files(root: Path, layout: Layout) -> list[str]:
    """``<mac>.cfg`` files in ``root`` (and, for ``pn``, one directory down), relative.

    Symbolic links are left alone: ``--prune`` deletes what this lists.
    """
    top = os.fspath(root)
    found = walk(
        top,
        suffixes=(".cfg",),
        max_depth=1 if layout == "pn" else 0,
        hidden=True,
        symlinks=False,
        strict=False,
    )
    relative = (os.path.relpath(path, top).replace(os.sep, "/") for path in found)
    return sorted(name for name in relative if MAC_FILE.fullmatch(name.rpartition("/")[2]))


def _is_safe_relative(relative: str) -> bool:
    parts = relative.split("/")
    return len(parts) <= 2 and all(SAFE_PART.fullmatch(part) for part in parts)


def _write_manifest(path: Path, phones: Sequence[Phone]) -> None:
    entries = {
        phone.mac: {"file": phone.path, "model": phone.model, "md5": phone.md5}
        for phone in sorted(phones, key=lambda p: p.mac)
    }
    data = (json.dumps(entries, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if not _same_content(path, data):
        atomic_write_bytes(path, data)


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
    only (``layout="pn"``: inside the model's ``$PN`` directory). A file whose
    bytes would not change is not rewritten, so its mtime is kept.
    ``<mac>.cfg`` files in ``out_dir`` that this inventory does not produce are
    listed in ``stale`` and deleted only with ``prune``. ``manifest`` writes
    JSON ``{mac: {"file", "model", "md5"}}``. ``jobs`` is the number of
    processes (0: one per CPU). Raises :class:`TemplateError` for mistakes
    that concern every row (template syntax, a placeholder that is no column,
    a bad header).
    """
    compiled = compile_template(template)
    job_list, problems = plan_jobs(compiled, inventory, layout=layout, default_model=model)
    root = Path(out_dir)
    workers = jobs if jobs > 0 else default_jobs()
    result = BatchResult(os.fspath(root), len(inventory.rows) + len(inventory.problems))
    result.dry_run = dry_run
    with _worker_pool(compiled, validator, os.fspath(root), workers, job_list) as pool:
        outcomes = _run_jobs(job_list, pool, workers, progress)
        planned = _outcome_problems(outcomes, job_list, inventory, problems)
        result.problems = sorted(
            [*inventory.problems, *problems], key=lambda p: (p.row, p.column or 0)
        )
        failed = {problem.row for problem in result.problems}
        planned = [(job, data) for job, data in planned if job.row not in failed]
        result.stale = _stale_files(root, layout, planned, result.problems)
        if result.problems and not keep_going:
            result.wrote_nothing = True
            return result
        result.phones = _write_all(
            root, planned, dry_run=dry_run, pool=pool, workers=workers, progress=progress
        )
    if prune and not dry_run:
        for name in result.stale:
            with contextlib.suppress(FileNotFoundError):
                (root / name).unlink()
            result.pruned.append(name)
    if manifest is not None and not dry_run:
        _write_manifest(Path(manifest), result.phones)
        result.manifest = os.fspath(manifest)
    return result


def _outcome_problems(
    outcomes: Sequence[Outcome],
    jobs: Sequence[Job],
    inventory: Inventory,
    problems: list[RowProblem],
) -> list[tuple[Job, bytes]]:
    """Add each refused row's problems to ``problems``; return the rendered files."""
    rendered: list[tuple[Job, bytes]] = []
    for outcome in outcomes:
        job = jobs[outcome.index]
        for name, message, template_line, code in outcome.problems:
            index = inventory.column_index(name) if name else None
            column_name = inventory.columns[index] if index is not None else None
            column = index + 1 if index is not None else None
            if template_line:
                message += f" (template line {template_line})"
            problems.append(
                RowProblem(inventory.path, job.row, column, column_name, message, job.mac, code)
            )
        if outcome.data is not None:
            if not _is_safe_relative(job.relative_path):  # pragma: no cover - defence in depth
                raise CfgValueError(f"refusing to write outside the output: {job.relative_path!r}")
            rendered.append((job, outcome.data))
    return rendered


def _stale_files(
    root: Path, layout: Layout, planned: Sequence[tuple[Job, bytes]], problems: list[RowProblem]
) -> list[str]:
    """``<mac>.cfg`` files under ``root`` that no row produces (a refused row keeps its file)."""
    produced = {job.relative_path for job, _ in planned}
    refused = {problem.mac for problem in problems if problem.mac}
    return [
        name
        for name in _existing_mac_files(root, layout)
        if name not in produced and name.rsplit("/", 1)[-1][:12] not in refused
    ]
