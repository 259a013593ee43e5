"""Running the rows of a batch: in this process and in worker processes, one pass per row.

Each row, in the process that has it: fill it (:mod:`cfgtool.rendering.fill`;
rows it cannot fill are rendered through the AST), check it (an injected
:class:`RowValidator`, the lint engine's from :mod:`cfgtool.runners.render_batch`,
so this module stays below the engine), compare it with the file already there
and, when it changed, stage it (a temp file beside the target). Only each
file's MD5, status and temp file name come back, so memory does not grow with
the rendered bytes. Workers get the compiled template once, when they start
(forked after this process ran the first chunk: they keep its warmed caches),
and then chunks of jobs as they can take them, so that a batch never holds
more than a few chunks of rows beyond the one being planned.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import os
import signal
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, NamedTuple, Protocol, runtime_checkable

from cfgtool.diagnostics import Diagnostic
from cfgtool.errors import CfgValueError
from cfgtool.fsutil import SLOW_WRITES_ENV, Staging, read_umask
from cfgtool.new_directory import write_new_file
from cfgtool.nodes import Document, Entry
from cfgtool.parallel import process_pool
from cfgtool.parser import dumps
from cfgtool.rendering.fill import Filled, Filler
from cfgtool.rendering.output import MacListing, compare, is_safe_relative
from cfgtool.rendering.plan import Columns, Job
from cfgtool.rendering.row import Rendered, Renderer
from cfgtool.rendering.template import Status, Template

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

_PARALLEL_MIN_ROWS = 2000
_CHUNK_MAX = 250
# The first chunk, which this process runs before the workers fork: enough rows to
# meet most groups of rows (the workers inherit their checks), few enough to start soon.
_FIRST_CHUNK = 100


# How a batch writes: "compare" only (a dry run); "stage" each changed file (a temp file
# beside its target); "new": straight to each target, for an output directory that was
# empty when the batch started (a NewDirectory, shown whole when the batch commits).
Writes = Literal["compare", "stage", "new"]

# A file that another row wrote first, in "new" (Outcome.staged): its row's MAC is
# on another row too, and the batch refuses both.
CLASHED = ("", "")

# (variable or key-column to blame, message, template line, lint code)
Found = tuple[str | None, str, int | None, str | None]
# The finding on a fixed line is the same on every row of a group: its Found, by
# (group, line, column, code, message), kept per batch.
FixedFound = dict[tuple[object, ...], Found]
_FIXED_FOUND_MAX = 4096


class Outcome(NamedTuple):
    """What one row gave: its file's MD5 and status (and temp file, when staged), or problems.

    A named tuple: workers send one per row back, and tuples pickle fast.
    """

    position: int  # the job's index
    md5: str = ""
    status: Status = "unchanged"
    staged: tuple[str, str] | None = None  # (temp file, target), or CLASHED
    problems: tuple[Found, ...] = ()
    warnings: tuple[Found, ...] = ()  # lint warnings of the file written


class RowValidator(Protocol):
    """Checks each rendered file before anything is written (``cfgtool.runners.render_batch``)."""

    def check(self, doc: Document, relative_path: str, model: str | None) -> list[Diagnostic]:
        """The problems of ``doc``, to be written at ``relative_path`` for a phone of ``model``."""
        ...


@runtime_checkable
class FilledRowValidator(RowValidator, Protocol):
    """A :class:`RowValidator` that can check the template's fixed lines once per shape."""

    def check_filled(
        self,
        doc: Document,
        relative_path: str,
        model: str | None,
        varying: Collection[int],
        shape: Hashable,
    ) -> list[Diagnostic]:
        """What :meth:`check` gives, knowing that only the lines ``varying`` were filled
        by the row and that ``shape`` names the template lines the rest comes from
        (equal for rows that keep the same blocks and set the same key-columns)."""
        ...


@runtime_checkable
class FillValidator(Protocol):
    """A :class:`RowValidator` that checks a row :class:`~cfgtool.rendering.fill.Filler` filled."""

    def check_fill(
        self, filled: Filled, relative_path: str, model: str | None
    ) -> list[Diagnostic] | None:
        """What :meth:`RowValidator.check` gives on the file ``filled`` renders (sorted by
        line and column; a diagnostic's ``path`` may be another file's), or None: the row
        is to be rendered and checked the slow way."""
        ...


# Makes the validator for an output directory, in each worker: a module-level
# class or function, so that any start method can hand it to the workers.
ValidatorFactory = Callable[[str], RowValidator]


@dataclass(frozen=True)
class _Worker:
    """What each worker holds for the whole batch, given once when it starts."""

    renderer: Renderer
    filler: Filler
    validator: RowValidator | None
    filled: FilledRowValidator | None  # the validator again, when it has check_filled
    fill_checks: FillValidator | None  # the validator again, when it has check_fill
    token: object  # the batch's: a forked worker that has it has this process's state
    out_dir: str
    write: Writes
    listed: MacListing | None = None  # what the output held at the start (None: unknown)
    write_dir: str = ""  # where the files go when not out_dir ("new": a hidden directory)
    fixed_found: FixedFound = field(default_factory=dict)  # see _blamed


_STATE: _Worker | None = None


def _start_worker(
    template: Template,
    validator_factory: ValidatorFactory | None,
    out_dir: str,
    token: object,
    write: Writes,
    listed: MacListing | None = None,
    write_dir: str = "",
) -> None:
    global _STATE
    validator = validator_factory(out_dir) if validator_factory is not None else None
    filled = validator if isinstance(validator, FilledRowValidator) else None
    fill_checks = validator if isinstance(validator, FillValidator) else None
    renderer = Renderer(template)
    filler = Filler(renderer)
    _STATE = _Worker(
        renderer, filler, validator, filled, fill_checks, token, out_dir, write, listed, write_dir
    )


def _start_pool_worker(
    template: Template,
    validator_factory: ValidatorFactory | None,
    out_dir: str,
    token: object,
    write: Writes,
    listed: MacListing | None = None,
    write_dir: str = "",
) -> None:
    # Ctrl-C is the parent's to handle: it stops handing out work, waits for the
    # chunks in hand and removes every temp file.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _STATE is None or _STATE.token != token:  # forked: the parent's state is here
        _start_worker(template, validator_factory, out_dir, token, write, listed, write_dir)


def _render_job(worker: _Worker, job: Job) -> tuple[bytes | None, tuple[Found, ...]]:
    """The bytes of ``job``'s file and its lint warnings, or None and why its row is refused."""
    variables, overrides = job.variables, job.overrides
    filled = worker.filler.fill(variables, overrides)
    if filled is not None:
        if worker.validator is None:
            return filled.text.encode("utf-8"), ()
        if worker.fill_checks is not None:
            found = worker.fill_checks.check_fill(filled, job.relative_path, job.model)
            if found is not None:
                if not found:
                    return filled.text.encode("utf-8"), ()
                return _judged(found, filled, filled.text, worker.fixed_found)
    filename = job.relative_path.rsplit("/", 1)[-1]
    rendered = worker.renderer.render_row(variables, overrides, filename=filename)
    if isinstance(rendered, list):
        return None, tuple((name, message, None, None) for name, message in rendered)
    if worker.validator is None:
        return dumps(rendered.doc).encode("utf-8"), ()
    if worker.filled is not None:
        found = worker.filled.check_filled(
            rendered.doc, job.relative_path, job.model, rendered.varying, rendered.origins
        )
    else:
        found = worker.validator.check(rendered.doc, job.relative_path, job.model)
    return _judged(found, rendered, None)


def _judged(
    found: Sequence[Diagnostic],
    rendered: Rendered | Filled,
    text: str | None,
    fixed_found: FixedFound | None = None,
) -> tuple[bytes | None, tuple[Found, ...]]:
    """The file's bytes and its warnings, or None and its errors (``text``: the file's text,
    None to write it from the document)."""
    errors = [diagnostic for diagnostic in found if diagnostic.severity == "error"]
    if errors:
        return None, tuple(_blamed(d, rendered, fixed_found) for d in errors)
    warnings = tuple(_blamed(d, rendered, fixed_found) for d in found if d.severity == "warning")
    if text is None:
        assert isinstance(rendered, Rendered)
        text = dumps(rendered.doc)
    return text.encode("utf-8"), warnings


def _run_chunk(jobs: Sequence[Job]) -> list[Outcome]:
    """Render, check, compare and stage ``jobs``; on an error or Ctrl-C this chunk's temp
    files are removed before it raises."""
    worker = _STATE
    assert worker is not None
    outcomes: list[Outcome] = []
    out_dir, listed, write = worker.write_dir or worker.out_dir, worker.listed, worker.write
    prefix = out_dir if out_dir.endswith(os.sep) else out_dir + os.sep
    if write == "new":
        return _run_new(jobs, worker, prefix)
    with Staging() as staging, staging.deferring_signals():
        for job, data, found, digest in _rendered(jobs, worker, outcomes):
            relative = job.relative_path
            target = prefix + relative
            if listed is not None and relative not in listed:
                same, existing = False, None  # not there when the batch started
            else:
                same, existing = compare(target, data)
            if same:
                outcomes.append(Outcome(job.index, digest, "unchanged", warnings=found))
            elif write == "compare":
                status: Status = "new" if existing is None else "changed"
                outcomes.append(Outcome(job.index, digest, status, warnings=found))
            else:
                if existing is None:
                    temp = staging.stage_new(target, data)
                else:
                    temp = staging.stage(target, data, existing=existing)
                staged = (temp, target)
                outcomes.append(Outcome(job.index, digest, "written", staged, warnings=found))
        staging.release()
    return outcomes


def _run_new(jobs: Sequence[Job], worker: _Worker, prefix: str) -> list[Outcome]:
    """:func:`_run_chunk` into a new output directory: each file is written to its
    target, nothing is compared (a file left half-written by Ctrl-C goes with the
    directory, which the batch removes)."""
    outcomes: list[Outcome] = []
    mode = None if not 0o644 & read_umask() else 0o644  # the umask would not give 0o644
    delay = float(os.environ.get(SLOW_WRITES_ENV) or 0)
    for job, data, found, digest in _rendered(jobs, worker, outcomes):
        written = write_new_file(prefix + job.relative_path, data, mode, delay)
        staged = None if written else CLASHED
        outcomes.append(Outcome(job.index, digest, "written", staged, warnings=found))
    return outcomes


def _rendered(
    jobs: Sequence[Job], worker: _Worker, outcomes: list[Outcome]
) -> Iterator[tuple[Job, bytes, tuple[Found, ...], str]]:
    """Each job whose row renders and passes, with its file's bytes, warnings and MD5; a
    refused row's outcome goes to ``outcomes`` instead."""
    md5 = hashlib.md5
    for job in jobs:
        data, found = _render_job(worker, job)
        if data is None:
            outcomes.append(Outcome(job.index, problems=found))
            continue
        if not is_safe_relative(job.relative_path):  # pragma: no cover - defence in depth
            raise CfgValueError(f"refusing to write outside the output: {job.relative_path!r}")
        yield job, data, found, md5(data, usedforsecurity=False).hexdigest()


# A job as a plain tuple, which pickles several times faster than the dataclass:
# (index, row, mac, model, label, cells, relative path).
_Packed = tuple[int, int, str, str | None, str, tuple[str, ...], str]


def _packed(jobs: Sequence[Job]) -> tuple[Columns | None, list[_Packed]]:
    """``jobs`` to send to a worker: the columns they share and each one's own fields."""
    packed = [
        (job.index, job.row, job.mac, job.model, job.label, job.cells, job.relative_path)
        for job in jobs
    ]
    return (jobs[0].columns if jobs else None), packed


def _run_packed(columns: Columns | None, packed: list[_Packed]) -> list[Outcome]:
    """:func:`_run_chunk` in a worker, for jobs sent by :func:`_packed`."""
    if columns is None:
        return []
    jobs = [
        Job(index, row, mac, model, label, cells, columns, path)
        for index, row, mac, model, label, cells, path in packed
    ]
    return _run_chunk(jobs)


def _blamed(
    diagnostic: Diagnostic, rendered: Rendered | Filled, fixed_found: FixedFound | None = None
) -> Found:
    """A lint error as (column to blame, message, template line, code).

    A line set by a key-column is that column's; on a line with placeholders,
    a finding inside the value is the first placeholder's column.
    """
    line = diagnostic.line
    if isinstance(rendered, Filled):
        group = rendered.group
        varying, origins = group.varying, group.origins
        if line not in varying and fixed_found is not None:
            # A fixed line's finding reads the same on every row of the group: one text.
            key = (group, line, diagnostic.column, diagnostic.code, diagnostic.message)
            found = fixed_found.get(key)
            if found is None:
                origin = origins[line - 1] if 0 < line <= len(origins) else None
                message = f"{diagnostic.message} (line {line} of the rendered file)"
                found = (None, message, origin, diagnostic.code)
                if len(fixed_found) < _FIXED_FOUND_MAX:
                    fixed_found[key] = found
            return found
        item = rendered.item(line)
    else:
        items = rendered.doc.items
        item = items[line - 1] if 0 < line <= len(items) else None
        varying, origins = rendered.varying, rendered.origins
    blamed = varying.get(line)
    if (
        blamed
        and "." not in blamed
        and not (isinstance(item, Entry) and diagnostic.column >= item.value_column)
    ):
        blamed = None
    origin = origins[line - 1] if 0 < line <= len(origins) else None
    message = f"{diagnostic.message} (line {line} of the rendered file)"
    return blamed, message, origin, diagnostic.code


# Called with each chunk of jobs and its outcomes, in job order, as they are done.
ChunkDone = Callable[[Sequence[Job], list[Outcome]], None]


@contextlib.contextmanager
def worker_pool(
    template: Template,
    validator_factory: ValidatorFactory | None,
    out_dir: str,
    workers: int,
    first: Sequence[Job],
    done: ChunkDone,
    write: Writes,
    listed: MacListing | None,
    *,
    parallel: bool,
    write_dir: str = "",
) -> Iterator[ProcessPoolExecutor | None]:
    """Run the ``first`` chunk of jobs here (its outcomes go to ``done``), then start
    worker processes for the rest when ``parallel`` and ``workers`` > 1 (there are
    enough rows to pay off); this process is set up to run rows either way. The files
    go to ``write_dir`` when given (the rows are checked as files of ``out_dir``)."""
    token = os.urandom(8)
    _start_worker(template, validator_factory, out_dir, token, write, listed, write_dir)
    # The first chunk here first: the forked workers inherit the loaded catalog, rules
    # and line scanner, and the checks of the groups of rows it has, instead of each
    # working them out again.
    if first:
        done(first, _run_chunk(first))
    if workers <= 1 or not parallel:
        yield None
        return
    # Every worker builds its state in the initializer, whatever the start method (a
    # forked one keeps this process's, caches and all). This process runs a share too.
    initargs = (template, validator_factory, out_dir, token, write, listed, write_dir)
    with process_pool(workers - 1, initializer=_start_pool_worker, initargs=initargs) as pool:
        try:
            yield pool
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def chunk_rows() -> tuple[int, int]:
    """How many rows a batch plans and hands out at a time, and in its first chunk."""
    return _CHUNK_MAX, min(_FIRST_CHUNK, _CHUNK_MAX)


def worth_parallel(rows: int) -> bool:
    """Whether ``rows`` rows are enough to pay for starting worker processes."""
    return rows >= _PARALLEL_MIN_ROWS


def run_jobs(
    chunks: Iterable[Sequence[Job]],
    pool: ProcessPoolExecutor | None,
    workers: int,
    done: ChunkDone,
) -> None:
    """Run every chunk of jobs, in the worker processes if there are some and here, and
    hand each chunk's outcomes to ``done`` in order. Chunks are taken from ``chunks`` only
    as they can be run: a few in the workers' hands, one here at a time."""
    if pool is None:
        for chunk in chunks:
            done(chunk, _run_chunk(chunk))
        return
    in_hand = 2 * max(1, workers - 1)  # a chunk running and one waiting, per worker
    pending: collections.deque[tuple[Sequence[Job], Future[list[Outcome]] | list[Outcome]]]
    pending = collections.deque()
    running = 0
    for chunk in chunks:
        if running < in_hand:
            pending.append((chunk, pool.submit(_run_packed, *_packed(chunk))))
            running += 1
        else:
            pending.append((chunk, _run_chunk(chunk)))
        while pending:
            ahead, outcome = pending[0]
            if isinstance(outcome, list):
                done(ahead, outcome)
            elif outcome.done():
                done(ahead, outcome.result())
            else:
                break
            pending.popleft()
        running = sum(1 for _, item in pending if not isinstance(item, list) and not item.done())
    for ahead, outcome in pending:
        done(ahead, outcome if isinstance(outcome, list) else outcome.result())
