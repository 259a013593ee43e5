"""The one place where a played phone's CPU work happens: linting files and reading settings.

:class:`FileParser` turns a downloaded file's text into a :class:`Layer` (with
its lint and model diagnostics when linted) and a phone's layers into an
:class:`~.applied.Applied` — the switches, changes and resource URLs of their
merged settings. A fleet downloads the same Common file once per phone:
identical files (same name, kind, MD5 and model) are linted once, and phones
asking at the same time wait for the same lint. With ``processes`` > 0 both
run in a process pool (:func:`cfgtool.parallel.process_pool`: forked on Linux,
so workers start with the grammar, rules and catalog loaded) while the event
loop keeps downloading: it sends texts and gets back diagnostics and a few
dozen tuples per phone, never a setting. A single phone does it all in-process.
"""

from __future__ import annotations

import asyncio
import functools
import gc
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import cfgtool
from cfgtool.catalog import find_model
from cfgtool.diagnostics import Diagnostic
from cfgtool.parallel import default_jobs, process_pool
from cfgtool.phone.applied import Applied, apply_layers
from cfgtool.phone.checks import check_downloaded
from cfgtool.phone.layer import Layer
from cfgtool.phone.result import FileKind

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

__all__ = [
    "FileParser",
    "Layer",
    "apply_batch",
    "apply_files",
    "default_processes",
    "make_layer",
    "parse_text",
]

CACHE_SIZE = 256
_WARM_UP = "#!version:1.0.0.1\nlang.gui = English\n"
Parsed = list[Diagnostic]
# (name, MD5, text) of a layer, as sent to a worker.
FileText = tuple[str, str, str]
# apply_files' arguments for one phone.
ApplyJob = tuple[list[FileText], list[int], Mapping[str, str] | None, bool]


def parse_text(name: str, text: str, model_name: str | None) -> Parsed:
    """The lint and model diagnostics of ``text`` for the model ``model_name``
    (None: no lint, nothing to do). Runs in workers."""
    model = find_model(model_name) if model_name is not None else None
    if model is None:
        return []
    return check_downloaded(cfgtool.loads(text, filename=name), name, model)


def make_layer(name: str, kind: FileKind, text: str, parsed: Parsed, md5: str = "") -> Layer:
    """The :class:`Layer` of a file and its :func:`parse_text` diagnostics."""
    return Layer(name, kind, text, md5, tuple(parsed))


# A worker's layers of the files it read lately (a fleet's Common file, above all).
_LAYERS: OrderedDict[tuple[str, str], Layer] = OrderedDict()


def _layer_of(name: str, md5: str, text: str) -> Layer:
    if not md5:
        return Layer(name, "include", text)
    key = (name, md5)
    found = _LAYERS.get(key)
    if found is None:
        found = _LAYERS[key] = Layer(name, "include", text, md5)
        if len(_LAYERS) > CACHE_SIZE:
            _LAYERS.popitem(last=False)
    else:
        _LAYERS.move_to_end(key)
    return found


def apply_files(
    files: Sequence[FileText],
    url_order: Sequence[int],
    previous: Mapping[str, str] | None,
    changes: bool,
) -> Applied:
    """:func:`~.applied.apply_layers` of ``files`` (in the order they apply). Runs in workers."""
    layers = [_layer_of(name, md5, text) for name, md5, text in files]
    return apply_layers(layers, url_order, previous, changes=changes)


def _worker_started() -> None:
    # What the worker inherits from the fork is never garbage here: without this the
    # collector walks it over and over while the worker reads thousands of files.
    gc.freeze()


def apply_batch(jobs: Sequence[ApplyJob]) -> list[Applied | Exception]:
    """:func:`apply_files` of each job, or the exception it raised. Runs in workers."""
    results: list[Applied | Exception] = []
    for job in jobs:
        try:
            results.append(apply_files(*job))
        except Exception as exc:  # one phone's problem is not the batch's
            results.append(exc)
    return results


def default_processes() -> int:
    """Worker processes for a fleet: one per CPU this process may use."""
    return default_jobs()


class FileParser:
    """Lints files and weighs settings for phones (see the module docstring); close it
    when done."""

    def __init__(self, processes: int = 0) -> None:
        self._processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._cache: OrderedDict[tuple[str, str, str, str | None], asyncio.Future[Layer]] = (
            OrderedDict()
        )
        # Phones waiting for their settings to be weighed, and batches in the workers.
        self._waiting: list[tuple[ApplyJob, asyncio.Future[Applied]]] = []
        self._batches = 0

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def start(self) -> None:
        """Start the worker processes now, before any request: forking later, while
        the event loop's helper threads run, could copy a lock some thread holds."""
        if self._processes <= 0 or self._pool is not None:
            return
        # Lint once here first, so that forked workers inherit the compiled scanner.
        parse_text("warm-up.cfg", _WARM_UP, "T46G")
        apply_files([("warm-up.cfg", "", _WARM_UP)], [0], None, True)
        self._pool = process_pool(self._processes, initializer=_worker_started)
        for started in [
            self._pool.submit(parse_text, "warm-up.cfg", _WARM_UP, None)
            for _ in range(self._processes)
        ]:
            started.result()

    def _executor(self) -> ProcessPoolExecutor | None:
        if self._processes <= 0:
            return None
        self.start()
        return self._pool

    async def layer(
        self, name: str, kind: FileKind, text: str, md5: str, model_name: str | None
    ) -> Layer:
        """The :class:`Layer` of the file ``name`` with contents ``text`` (MD5 ``md5``);
        diagnostics only when ``model_name`` (the lint's model) is given."""
        if model_name is None:
            # Nothing to read now; one layer per file, so that its values are read once.
            return self._known(name, kind, text, md5)
        key = (name, kind, md5, model_name)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return await asyncio.shield(cached)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Layer] = loop.create_future()
        self._remember(key, future)
        try:
            executor = self._executor()
            if executor is None:
                parsed = parse_text(name, text, model_name)
            else:
                parsed = await loop.run_in_executor(executor, parse_text, name, text, model_name)
            layer = make_layer(name, kind, text, parsed, md5)
        except BaseException as exc:
            self._cache.pop(key, None)
            future.set_exception(exc)
            future.exception()  # retrieved: the callers below get it raised
            raise
        future.set_result(layer)
        return layer

    def _remember(
        self, key: tuple[str, str, str, str | None], future: asyncio.Future[Layer]
    ) -> None:
        self._cache[key] = future
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _known(self, name: str, kind: FileKind, text: str, md5: str) -> Layer:
        key = (name, kind, md5, None)
        cached = self._cache.get(key)
        if cached is not None and cached.done() and cached.exception() is None:
            self._cache.move_to_end(key)
            return cached.result()
        layer = make_layer(name, kind, text, [], md5)
        future: asyncio.Future[Layer] = asyncio.get_running_loop().create_future()
        future.set_result(layer)
        self._remember(key, future)
        return layer

    async def apply(
        self,
        layers: Sequence[Layer],
        url_layers: Sequence[Layer],
        previous: Mapping[str, str] | None,
        *,
        changes: bool = True,
    ) -> Applied:
        """The :class:`~.applied.Applied` of ``layers`` (in the order they apply); resource
        URLs are looked for in ``url_layers`` order (the same layers)."""
        position = {id(layer): index for index, layer in enumerate(layers)}
        url_order = [position[id(layer)] for layer in url_layers]
        executor = self._executor()
        if executor is None:
            return apply_layers(layers, url_order, previous, changes=changes)
        job: ApplyJob = (
            [(layer.name, layer.md5, layer.text) for layer in layers],
            url_order,
            previous,
            changes,
        )
        future: asyncio.Future[Applied] = asyncio.get_running_loop().create_future()
        self._waiting.append((job, future))
        self._send(executor)
        return await future

    def _send(self, executor: ProcessPoolExecutor) -> None:
        # At most one batch per worker in flight; what comes meanwhile waits for the next
        # batch. A trip to a worker costs about a millisecond of this process's time,
        # far more than what a phone's settings cost to weigh there.
        loop = asyncio.get_running_loop()
        while self._waiting and self._batches < self._processes:
            share = -(-len(self._waiting) // (self._processes - self._batches))
            batch, self._waiting = self._waiting[:share], self._waiting[share:]
            self._batches += 1
            sent = loop.run_in_executor(executor, apply_batch, [job for job, _ in batch])
            sent.add_done_callback(functools.partial(self._received, executor, batch))

    def _received(
        self,
        executor: ProcessPoolExecutor,
        batch: list[tuple[ApplyJob, asyncio.Future[Applied]]],
        sent: asyncio.Future[list[Applied | Exception]],
    ) -> None:
        self._batches -= 1
        failed = asyncio.CancelledError() if sent.cancelled() else sent.exception()
        results = [] if failed is not None else sent.result()
        for index, (_, future) in enumerate(batch):
            if future.done():
                continue  # the phone was cancelled meanwhile
            outcome = failed if failed is not None else results[index]
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
        if self._pool is executor:
            self._send(executor)
