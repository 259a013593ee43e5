"""Parallel work, in one place: how many workers, and the one way to start them.

- :func:`default_jobs` is what ``--jobs 0`` means: the CPUs this process may use.
- :func:`process_pool` starts worker processes (lint, render). Its start
  method is explicit: ``fork`` where the platform has it and it is safe
  (Linux), so workers inherit what the parent already loaded (the compiled
  line scanner, the rules, the catalog) instead of importing it again; the
  platform's default elsewhere. Passing the context explicitly keeps the
  pools working the same when Python changes its default start method (3.14
  makes it ``forkserver`` on Linux); callers that keep state for their
  workers give it through ``initializer`` so any start method gets it.
- :func:`range_map` shares a batch out in index ranges (lint, validate): the
  workers get the batch once, through the pool's initializer, and each range
  costs one small message each way; this process lints ranges too, taking them
  from the end while the workers take them from the start, so neither waits
  for the other's last range.
- :func:`thread_map` runs I/O-bound work on threads (encrypt, decrypt), with
  :func:`default_threads` of them unless told.

The pools are imported on first use: ``cfgtool lint FILE`` never needs them.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

__all__ = [
    "default_jobs",
    "default_threads",
    "process_pool",
    "range_map",
    "start_method",
    "thread_map",
]

_In = TypeVar("_In")
_Out = TypeVar("_Out")
_State = TypeVar("_State")

# What range_map's workers were given by their initializer: the batch they work on.
_worker_state: Any = None


def default_jobs() -> int:
    """How many processes ``--jobs 0`` means: the CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_threads() -> int:
    """Worker threads by default: enough to overlap file I/O on any machine."""
    return min(32, (os.cpu_count() or 1) + 4)


def start_method() -> str | None:
    """``fork`` on Linux (workers inherit the loaded state), else None: the platform default."""
    return "fork" if sys.platform == "linux" else None


def process_pool(
    workers: int,
    *,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A process pool of ``workers`` with the explicit start method of :func:`start_method`."""
    # lazy: multiprocessing and concurrent.futures cost start-up time that one-file lint never needs
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context(start_method())
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=initializer, initargs=initargs
    )


def _install_state(state: object) -> None:
    global _worker_state
    _worker_state = state


def _run_range(work: Callable[[Any, int, int], list[_Out]], start: int, stop: int) -> list[_Out]:
    return work(_worker_state, start, stop)


def range_map(
    work: Callable[[_State, int, int], list[_Out]],
    state: _State,
    start: int,
    stop: int,
    *,
    workers: int,
    chunk: int,
) -> list[_Out]:
    """``work(state, a, b)`` for consecutive ranges ``[a, b)`` of ``chunk`` indexes from
    ``start`` to ``stop``, concatenated in order.

    ``workers - 1`` processes start with ``state`` (given once, through the pool's
    initializer; forked on Linux, so not even pickled) and take ranges from the
    start; this process takes ranges from the end until it meets one a worker has
    begun. ``work`` must be a module-level function (it is sent by name), and
    what it returns picklable: keep it small (the results of a batch, not copies
    of its input). On an error or Ctrl-C the ranges not begun are dropped.
    """
    ranges = [(low, min(low + chunk, stop)) for low in range(start, stop, chunk)]
    if workers <= 1 or len(ranges) <= 1:
        return [found for low, high in ranges for found in work(state, low, high)]
    # Objects alive now are never garbage: frozen, the collector skips them in every
    # process (and a forked worker does not copy their pages by touching them).
    gc.freeze()
    try:
        with process_pool(workers - 1, initializer=_install_state, initargs=(state,)) as pool:
            futures = [pool.submit(_run_range, work, low, high) for low, high in ranges]
            try:
                own: dict[int, list[_Out]] = {}
                for index in range(len(ranges) - 1, -1, -1):
                    if not futures[index].cancel():
                        break  # a worker has it: the rest are theirs too
                    own[index] = work(state, *ranges[index])
                results: list[_Out] = []
                for index, future in enumerate(futures):
                    results.extend(own[index] if index in own else future.result())
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        gc.unfreeze()
    return results


def thread_map(
    work: Callable[[_In], _Out],
    items: Sequence[_In],
    jobs: int | None = None,
    on_done: Callable[[int, int], None] | None = None,
) -> list[_Out]:
    """``[work(item) for item in items]`` on ``jobs`` threads (None: :func:`default_threads`).

    ``on_done(done, total)`` is called from the calling thread after each item. When an
    item raises (or Ctrl-C arrives) the items not yet started are dropped.
    """
    total = len(items)
    workers = default_threads() if jobs is None else max(1, jobs)
    if workers == 1 or total <= 1:
        results = []
        for done, item in enumerate(items, start=1):
            results.append(work(item))
            if on_done:
                on_done(done, total)
        return results
    # lazy: concurrent.futures is only needed when there is more than one item to share out
    from concurrent.futures import ThreadPoolExecutor, as_completed

    slots: list[_Out | None] = [None] * total
    with ThreadPoolExecutor(max_workers=min(workers, total)) as pool:
        futures = {pool.submit(work, item): index for index, item in enumerate(items)}
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                slots[futures[future]] = future.result()
                if on_done:
                    on_done(done, total)
        except BaseException:
            # Ctrl-C or a failed item: drop the items not started, wait only for those
            # running (the caller cleans up after them), instead of finishing them all.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return cast("list[_Out]", slots)
