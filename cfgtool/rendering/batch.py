"""Rendering a whole inventory: plan the rows, run them (:mod:`cfgtool.rendering.workers`),
write the files.

The rows are planned a chunk at a time (from an
:class:`~cfgtool.rendering.inventory.InventoryStream`, read a chunk at a time),
and each row is filled or rendered, checked, compared and staged in the process
that runs it (:mod:`~cfgtool.rendering.workers`); what is kept per row is its
:class:`~cfgtool.rendering.results.Phones` entry (27 bytes), its MAC for the
duplicates (8 bytes) and its problems. When every row passed (or
``keep_going``), this process commits all staged files at once, with the
manifest, after one disk sync; otherwise it removes them, and the old tree
is exactly as it was. A new output directory is written hidden beside its place,
each file straight to its name, and renamed into place whole
(:class:`~cfgtool.new_directory.NewDirectory`).
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from cfgtool.dirlock import locked
from cfgtool.errors import CfgIOError
from cfgtool.fsutil import Staging, remove_made_directories, remove_stale_temps
from cfgtool.new_directory import NewDirectory, write_new_file
from cfgtool.nodes import Document
from cfgtool.parallel import default_jobs
from cfgtool.rendering.inventory import Inventory, InventoryRow, InventoryStream
from cfgtool.rendering.output import (
    MacListing,
    check_manifest_target,
    compare,
    existing_folders,
    list_mac_files,
    mac_files,
    make_directories,
    manifest_bytes,
)
from cfgtool.rendering.plan import Job, Planner
from cfgtool.rendering.results import BatchResult, Phones
from cfgtool.rendering.row_problems import RowProblems
from cfgtool.rendering.template import (
    Layout,
    ProgressCallback,
    RowProblem,
    Template,
    compile_template,
)
from cfgtool.rendering.workers import (
    CLASHED,
    FilledRowValidator,
    FillValidator,
    Found,
    Outcome,
    RowValidator,
    ValidatorFactory,
    Writes,
    chunk_rows,
    run_jobs,
    worker_pool,
    worth_parallel,
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

    An :class:`~cfgtool.rendering.inventory.InventoryStream` is planned and run a
    chunk of rows at a time: what the batch keeps per row is its result (the MAC,
    file and MD5 of :class:`Phone`) and its problems, never its cells.
    """
    compiled = compile_template(template)
    planner = Planner(compiled, inventory, layout=layout, default_model=model)
    batch = _Batch(compiled, inventory, planner, Path(out_dir), layout, validator, progress)
    with _frozen_heap():
        return batch.run(jobs, dry_run, keep_going, prune, manifest)


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep the garbage collector off the objects that live through the batch (the
    inventory, the results so far; :meth:`_Batch.collect` freezes each chunk's): its
    full collections would walk them again and again, and forked workers would copy
    every page it touches."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class _Batch:
    """One batch's state: the rows planned and run a chunk at a time, what they gave."""

    def __init__(
        self,
        compiled: Template,
        inventory: Inventory | InventoryStream,
        planner: Planner,
        root: Path,
        layout: Layout,
        validator: ValidatorFactory | None,
        progress: ProgressCallback | None,
    ) -> None:
        self.compiled = compiled
        self.inventory = inventory
        self.planner = planner
        self.root = root
        self.layout = layout
        self.validator = validator
        self.progress = progress
        if isinstance(inventory, InventoryStream):
            self.total = inventory.estimate
        else:
            self.total = len(inventory.rows)
        self.done = 0
        self.phones = Phones()
        self.problems: list[RowProblem] = []  # the rows refused when rendered
        self.warnings = RowProblems()  # most rows share each warning's text
        self._texts: dict[tuple[str, int], str] = {}  # see _row_problems
        self.directories: list[str] = []
        self.made: list[Path] = []
        self._folders: set[str] = {""}
        self.staging: Staging | None = None
        # Where the files go: root, or the hidden directory of a new root (see run).
        self.write_root = root
        self.writes: Writes = "stage"
        self.clashed: list[int] = []  # rows whose file another row wrote first ("new")

    def row_chunks(self) -> Iterator[list[InventoryRow]]:
        """The inventory's rows, a chunk at a time."""
        size, first = chunk_rows()
        inventory = self.inventory
        if isinstance(inventory, InventoryStream):
            yield from inventory.chunks(size, first)
            return
        rows = inventory.rows
        yield list(rows[:first])
        for start in range(first, len(rows), size):
            yield list(rows[start : start + size])

    def job_chunks(self, write: bool) -> Iterator[list[Job]]:
        """The jobs, a chunk at a time, the directories they write into made first."""
        for rows in self.row_chunks():
            jobs = self.planner.plan(rows)
            if write:
                folders = {os.path.dirname(job.relative_path) for job in jobs} - self._folders
                if folders:
                    self._make_folders(folders)
            if jobs:
                yield jobs

    def _make_folders(self, folders: set[str]) -> None:
        directories, made = make_directories(self.write_root, folders)
        self._folders |= folders
        if self.writes == "new":
            return  # inside the new directory: it goes with it
        self.made.extend(made)
        for directory in directories[1:]:
            self.directories.append(directory)
            remove_stale_temps(directory)

    def collect(self, jobs: Sequence[Job], outcomes: list[Outcome]) -> None:
        """Keep what a chunk's rows gave: each rendered row's :class:`Phone`, the problems."""
        assert self.staging is not None
        # In phone order: the n-th "written" phone's file is the n-th staged (see _staged_places).
        self.staging.adopt(
            outcome.staged
            for outcome in outcomes
            if outcome.staged is not None and outcome.staged != CLASHED
        )
        inventory, texts = self.inventory, self._texts
        add = self.phones.add
        for job, outcome in zip(jobs, outcomes, strict=True):
            if outcome.warnings:
                for item in outcome.warnings:
                    self.warnings.add(*_row_problem(job, item, inventory, texts))
            if outcome.problems:
                for item in outcome.problems:
                    self.problems.append(RowProblem(*_row_problem(job, item, inventory, texts)))
                continue
            if outcome.staged == CLASHED:
                self.clashed.append(job.row)
            add(job.mac, job.model, job.relative_path, outcome.md5, outcome.status)
        self.done += len(jobs)
        if self.progress:
            self.progress("render", self.done, max(self.total, self.done))
        gc.freeze()  # see _frozen_heap

    def run(
        self,
        jobs: int,
        dry_run: bool,
        keep_going: bool,
        prune: bool,
        manifest: str | os.PathLike[str] | None,
    ) -> BatchResult:
        """Run the batch (see :func:`render_inventory`)."""
        root, inventory = self.root, self.inventory
        write = not dry_run
        manifest_path = Path(manifest) if manifest is not None and not dry_run else None
        if manifest_path is not None:
            check_manifest_target(manifest_path, root)
        workers = jobs if jobs > 0 else default_jobs()
        result = BatchResult(os.fspath(root))
        result.dry_run = dry_run
        with contextlib.ExitStack() as stack:
            new_directory: NewDirectory | None = None
            if write and not os.path.lexists(root):
                # A new output: its files go straight into a hidden directory, renamed
                # into place at the end (no temp file and rename per file).
                new_directory = stack.enter_context(NewDirectory(root, "render"))
                self.write_root = Path(new_directory.path)
                self.writes = "new"
            elif write:
                self.directories, self.made = make_directories(root, set())
                try:
                    stack.enter_context(locked(root, "render"))
                except BaseException:
                    remove_made_directories(self.made)
                    raise
                remove_stale_temps(self.directories[0])
            else:
                self.writes = "compare"
            self.staging = staging = stack.enter_context(Staging())
            try:
                listed = list_mac_files(os.fspath(root), existing_folders(root, self.layout))
                chunks = self.job_chunks(write)
                with worker_pool(
                    self.compiled,
                    self.validator,
                    os.fspath(root),
                    workers,
                    next(chunks, []),
                    self.collect,
                    self.writes,
                    listed,
                    parallel=worth_parallel(self.total),
                    write_dir=new_directory.path if new_directory is not None else "",
                ) as pool:
                    run_jobs(chunks, pool, workers, self.collect)
                if self.progress:
                    self.progress("render", self.done, self.done)
                if isinstance(inventory, InventoryStream):
                    result.rows = inventory.rows_read + len(inventory.problems)
                else:
                    result.rows = len(inventory.rows) + len(inventory.problems)
                result.warnings = self.warnings
                planned = [*self.planner.finish(), *self.problems]
                result.problems = sorted(
                    [*inventory.problems, *planned], key=lambda p: (p.row, p.column or 0)
                )
                failed = {problem.row for problem in result.problems}
                if not failed.issuperset(self.clashed):  # pragma: no cover - defence in depth
                    raise CfgIOError("two rows of the inventory write the same file")
                phones = self.phones
                refused = _refused_macs(planned)
                if refused:
                    kept = [mac not in refused for _, mac in phones.numbers()]
                    if new_directory is not None:
                        _remove_written(self.write_root, phones, kept)
                    else:
                        staging.drop_at(_staged_places(phones, kept))
                    phones = phones.select(kept)
                    del kept
                del self.phones
                result.stale = _stale_files(root, self.layout, phones, result.problems, listed)
                if result.problems and not keep_going:
                    staging.discard()
                    stack.close()
                    remove_made_directories(self.made)
                    result.wrote_nothing = True
                    return result
                result.phones = phones
                if manifest_path is not None:
                    data = manifest_bytes(result.phones)
                    if new_directory is not None and _inside(manifest_path, root):
                        written = write_new_file(
                            os.path.join(new_directory.path, manifest_path.name), data, None
                        )
                        if not written:
                            raise CfgIOError(
                                f"cannot write the manifest {manifest_path}: a rendered file "
                                "has its name; give --manifest another name"
                            )
                    elif not compare(os.fspath(manifest_path), data)[0]:
                        staging.stage(manifest_path, data)
                    result.manifest = os.fspath(manifest_path)
                if self.progress:
                    files = len(staging) + (len(phones) if new_directory is not None else 0)
                    self.progress("write", files, files)
                if new_directory is not None:
                    new_directory.commit()
                staging.commit()
            except BaseException:
                # Workers may have staged files whose names never came back.
                staging.discard()
                if new_directory is None:
                    for directory in self.directories:
                        remove_stale_temps(directory)
                stack.close()  # the lock too, so that the directories made are empty again
                remove_made_directories(self.made)
                raise
        if prune and not dry_run:
            for name in result.stale:
                with contextlib.suppress(FileNotFoundError):
                    (root / name).unlink()
                result.pruned.append(name)
        return result


def _refused_macs(problems: Sequence[RowProblem]) -> set[int]:
    """The MACs (as numbers) of the rows refused after they were planned: a phone of one
    is not written. (A row with a phone is refused only as a duplicate MAC, and then
    every row with that MAC is: the MAC says which phones go.)"""
    return {int(problem.mac, 16) for problem in problems if problem.mac}


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path`` names a file directly in ``root``."""
    return os.path.abspath(path.parent) == os.path.abspath(root)


def _remove_written(write_root: Path, phones: Phones, kept: Sequence[bool]) -> None:
    """Remove the files of the phones not ``kept`` from a new output (two rows with the
    same MAC wrote one file: it goes)."""
    for path, keep in zip(phones.paths(), kept, strict=True):
        if not keep:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(write_root / path)


def _staged_places(phones: Phones, kept: Sequence[bool]) -> list[int]:
    """The places in the batch's staging of the files of the phones not ``kept``: a phone
    has a staged file when it is "written", and those were staged in phone order."""
    places: list[int] = []
    place = -1
    for status, keep in zip(phones.statuses(), kept, strict=True):
        if status == "written":
            place += 1
            if not keep:
                places.append(place)
    return places


def _row_problem(
    job: Job,
    found: Found,
    inventory: Inventory | InventoryStream,
    texts: dict[tuple[str, int], str],
) -> tuple[str, int, int | None, str | None, str, str, str | None]:
    """A finding on a rendered file as the fields of an inventory row problem, blaming the
    row's column (``texts``: the same finding on many rows gets one text)."""
    name, message, template_line, code = found
    index = inventory.column_index(name) if name else None
    column_name = inventory.columns[index] if index is not None else None
    column = index + 1 if index is not None else None
    if template_line:
        text = texts.get((message, template_line))
        if text is None:
            text = texts[message, template_line] = f"{message} (template line {template_line})"
        message = text
    return inventory.path, job.row, column, column_name, message, job.mac, code


def _stale_files(
    root: Path,
    layout: Layout,
    produced_by: Phones,
    problems: list[RowProblem],
    listed: MacListing | None,
) -> list[str]:
    """``<mac>.cfg`` files under ``root`` that no row produces (a refused row keeps its file).

    Whether a phone writes a file is looked up in ``listed`` (what the output held at the
    start, a flag per name); only files that appeared since are looked for among the
    phones' paths."""
    produced = listed.produced(produced_by) if listed is not None else bytearray()
    refused = {problem.mac for problem in problems if problem.mac}
    stale: list[str] = []
    unknown: set[str] = set()  # not listed at the start
    for name in mac_files(root, layout):
        if name.rsplit("/", 1)[-1][:12] in refused:
            continue
        position = listed.find(name) if listed is not None else None
        if position is None:
            unknown.add(name)
        elif not produced[position]:
            stale.append(name)
    if unknown:
        unknown.difference_update(produced_by.paths())
        stale += unknown
    return sorted(stale)
