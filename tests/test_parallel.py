"""cfgtool.parallel: job counts and the one process-pool factory."""

from __future__ import annotations

import multiprocessing
import os
import sys

import pytest

from cfgtool import parallel


def _square(value: int) -> int:
    return value * value


def test_default_jobs_is_the_usable_cpus() -> None:
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    assert parallel.default_jobs() == (expected or os.cpu_count() or 1)
    assert 5 <= parallel.default_threads() <= 32


def test_the_pool_has_an_explicit_start_method(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = parallel.process_pool(1)
    try:
        wanted = "fork" if sys.platform == "linux" else multiprocessing.get_start_method()
        assert pool._mp_context.get_start_method() == wanted  # type: ignore[attr-defined]
        assert pool.submit(_square, 7).result(timeout=30) == 49
    finally:
        pool.shutdown()


def test_the_start_method_does_not_follow_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert parallel.start_method() == "fork"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert parallel.start_method() is None


@pytest.mark.parametrize("jobs", [None, 1, 4])
def test_thread_map_keeps_the_order_and_reports_progress(jobs: int | None) -> None:
    seen: list[tuple[int, int]] = []
    items = list(range(20))
    result = parallel.thread_map(
        _square, items, jobs, lambda done, total: seen.append((done, total))
    )
    assert result == [n * n for n in items]
    assert [done for done, _ in seen] == list(range(1, 21)) and {t for _, t in seen} == {20}


def _squares_of_range(state: list[int], start: int, stop: int) -> list[tuple[int, int]]:
    return [(index, state[index] ** 2) for index in range(start, stop)]


def _fail_on_seven(state: list[int], start: int, stop: int) -> list[int]:
    if start <= 7 < stop:
        raise ValueError("seven")
    return list(range(start, stop))


@pytest.mark.parametrize(("workers", "chunk"), [(1, 3), (2, 1), (2, 7), (3, 50)])
def test_range_map_concatenates_the_ranges_in_order(workers: int, chunk: int) -> None:
    state = list(range(100))
    found = parallel.range_map(_squares_of_range, state, 5, 100, workers=workers, chunk=chunk)
    assert found == [(index, index * index) for index in range(5, 100)]


def test_range_map_raises_what_a_range_raises() -> None:
    with pytest.raises(ValueError, match="seven"):
        parallel.range_map(_fail_on_seven, None, 0, 40, workers=2, chunk=2)
