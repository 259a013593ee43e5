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


def _worker_started(results: SimpleQueue[Batch | None]) -> None:
    global _results
    _results = results
    # What the worker inherits from the fork is never garbage here: without this the
    # collector walks it over and over while the worker plays its phones.
    gc.freeze()


def play_share(
    phones: Sequence[tuple[int, PhoneSpec]], options: ClientOptions, concurrency: int
) -> int:
    """Play ``phones`` (index, spec) at most ``concurrency`` at once, sending
    ``(index, result)`` batches to the fleet; the number played. Runs in workers."""
    queue = _results
    if queue is None:
        raise RuntimeError("play_share runs in a worker started by play_shards")

    async def main() -> None:
        gate = asyncio.Semaphore(max(1, concurrency))
        parser = FileParser()
        pending: Batch = []
        sent = time.monotonic()

        def send() -> None:
            nonlocal sent
            queue.put(pending[:])
            pending.clear()
            sent = time.monotonic()

        async def one(index: int, spec: PhoneSpec) -> None:
            async with gate:
                result = await play(spec, transports, parser)
            pending.append((index, result))
            if len(pending) >= BATCH or time.monotonic() - sent >= BATCH_SECONDS:
                send()

        async with Transports(options) as transports:
            await asyncio.gather(*(one(index, spec) for index, spec in phones))
        if pending:
            send()

    with fewer_collections():
        asyncio.run(main())
    return len(phones)


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
    results: SimpleQueue[Batch | None] = multiprocessing.get_context(start_method()).SimpleQueue()
    workers = max(1, min(processes, len(specs)))
    share = max(1, concurrency // workers)
    found: list[ProvisionResult | None] = [None] * len(specs)
    _warm_up(specs)
    pool = process_pool(workers, initializer=_worker_started, initargs=(results,))
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
        received = 0
        while received < len(specs):
            batch = loop.run_in_executor(None, results.get)
            if not done.done():
                either: list[asyncio.Future[Any]] = [batch, done]
                await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
                if not batch.done() and done.exception() is not None:
                    raise done.exception()  # type: ignore[misc]  # a worker failed
            for index, result in await batch or []:
                found[index] = result
                received += 1
                if progress is not None:
                    progress(result)
        await done
    except BaseException:
        results.put(None)  # a reader still waiting gets an empty batch
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [result for result in found if result is not None]
