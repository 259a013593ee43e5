"""A fleet over worker processes: each plays a share of the phones, as if from its own machine.

Playing a phone costs this process more than the download itself (the
sequence's bookkeeping, reading and linting what came), so a fleet of many
phones is split: worker ``k`` of ``n`` (:func:`cfgtool.parallel.process_pool`)
plays phones ``k``, ``k + n``, … with its own connections and at most its share
of the concurrency, and sends each finished :class:`~.result.ProvisionResult`
back as it goes (a few at a time), so that the progress bar moves. A played
phone's settings travel as their files' texts: they are read again, here, only
when something asks for them (:class:`~.layer.Layer`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from cfgtool.parallel import process_pool, start_method
from cfgtool.phone.applied import apply_layers
from cfgtool.phone.layer import Layer
from cfgtool.phone.result import ProvisionResult
from cfgtool.phone.sequence import play
from cfgtool.phone.spec import PhoneSpec
from cfgtool.phone.transport import ClientOptions, Transports
from cfgtool.phone.urls import scheme_of
from cfgtool.phone.workers import FileParser, parse_text

if TYPE_CHECKING:
    from multiprocessing.queues import SimpleQueue
    from multiprocessing.synchronize import Event

__all__ = ["fewer_collections", "play_shards"]

# A worker sends its results when it has this many, or this long after the last send.
BATCH = 25
BATCH_SECONDS = 0.05

# A fleet keeps every phone's result alive until it ends; at the default
# young-generation threshold the collector walks them over and over.
FLEET_GC_THRESHOLD = 100_000

_WARM_UP = "#!version:1.0.0.1\nlang.gui = English\n"
Batch = list[tuple[int, ProvisionResult]]
_results: SimpleQueue[Batch | None] | None = None
_stop: Event | None = None


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's young-generation threshold for a fleet's run."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], FLEET_GC_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _warm_up(specs: Sequence[PhoneSpec]) -> None:
    """Load here, once, what every worker would load for itself: forked, they inherit it."""
    if any(scheme_of(spec.url) in ("http", "https") for spec in specs):
        # Heavy third-party import: imported in each worker, it costs each a tenth of a second.
        import aiohttp  # noqa: F401
    lint = next((spec.model.name for spec in specs if spec.lint), None)
    parse_text("warm-up.cfg", _WARM_UP, lint)  # the line scanner; the lint rules when linting
    apply_layers([Layer("warm-up.cfg", "common", _WARM_UP)], [0], None)  # the catalog


def _worker_started(results: SimpleQueue[Batch | None], stop: Event) -> None:
    global _results, _stop
    _results, _stop = results, stop
    # What the worker inherits from the fork is never garbage here: without this the
    # collector walks it over and over while the worker plays its phones.
    gc.freeze()


def play_share(
    phones: Sequence[tuple[int, PhoneSpec]], options: ClientOptions, concurrency: int
) -> int:
    """Play ``phones`` (index, spec) at most ``concurrency`` at once, sending
    ``(index, result)`` batches to the fleet, then None; the number played (phones
    not yet started when the fleet stops are skipped). Runs in workers."""
    queue, stop = _results, _stop
    if queue is None or stop is None:
        raise RuntimeError("play_share runs in a worker started by play_shards")
    played = 0

    async def main() -> None:
        gate = asyncio.Semaphore(max(1, concurrency))
        parser = FileParser(glance=True)
        pending: Batch = []
        sent = time.monotonic()

        def send() -> None:
            nonlocal sent
            if not stop.is_set():
                queue.put(pending[:])
            pending.clear()
            sent = time.monotonic()

        async def one(index: int, spec: PhoneSpec) -> None:
            nonlocal played
            async with gate:
                if stop.is_set():
                    return
                result = await play(spec, transports, parser)
            played += 1
            pending.append((index, result))
            if len(pending) >= BATCH or time.monotonic() - sent >= BATCH_SECONDS:
                send()

        async with Transports(options) as transports:
            await asyncio.gather(*(one(index, spec) for index, spec in phones))
        if pending:
            send()

    try:
        with fewer_collections():
            asyncio.run(main())
    finally:
        queue.put(None)  # this worker is done
    return played


async def play_shards(
    specs: Sequence[PhoneSpec],
    options: ClientOptions,
    *,
    concurrency: int,
    processes: int,
    progress: Callable[[ProvisionResult], None] | None = None,
) -> list[ProvisionResult]:
    """Every phone's result, in ``specs`` order, played by ``processes`` workers (see the
    module docstring); ``progress`` is called here for each as it arrives."""
    # multiprocessing is loaded only by fleets that use it.
    import multiprocessing

    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context(start_method())
    results: SimpleQueue[Batch | None] = context.SimpleQueue()
    stop = context.Event()
    workers = max(1, min(processes, len(specs)))
    share = max(1, concurrency // workers)
    found: list[ProvisionResult | None] = [None] * len(specs)
    _warm_up(specs)
    pool = process_pool(workers, initializer=_worker_started, initargs=(results, stop))
    finished = 0  # workers that sent their None
    try:
        jobs = [
            loop.run_in_executor(
                pool,
                play_share,
                [(index, specs[index]) for index in range(first, len(specs), workers)],
                options,
                share,
            )
            for first in range(workers)
        ]
        done = asyncio.gather(*jobs)
        while finished < workers:
            batch = loop.run_in_executor(None, results.get)
            if not done.done():
                either: list[asyncio.Future[Any]] = [batch, done]
                await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
                if not batch.done() and done.exception() is not None:
                    raise done.exception()  # type: ignore[misc]  # a worker failed
            received = await batch
            if received is None:
                finished += 1
                continue
            for index, result in received:
                found[index] = result
                if progress is not None:
                    progress(result)
        await done
    except BaseException:
        stop.set()
        # Read on until the workers stop, so that none waits on a full pipe for ever.
        draining = threading.Thread(target=_drain, args=(results,), daemon=True)
        draining.start()
        pool.shutdown(wait=True, cancel_futures=True)
        results.put(None)  # ends the drain, and a reader of ours still waiting
        results.put(None)
        raise
    pool.shutdown(wait=True)
    return [result for result in found if result is not None]


def _drain(results: SimpleQueue[Batch | None]) -> None:
    while True:
        with contextlib.suppress(Exception):
            if results.get() is None and results.empty():
                return
