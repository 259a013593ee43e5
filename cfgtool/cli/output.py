"""What several commands print alike: plain tables and the progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``."""


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces, no trailing blanks."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """A transient rich progress bar on stderr, one line per stage, when ``enabled``
    and stderr is a terminal; else None (nothing is drawn)."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    # lazy: rich costs start-up time and only draws on a terminal
    from rich.console import Console
    from rich.progress import Progress, TaskID

    with Progress(transient=True, console=Console(stderr=True)) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"{stage:<10}", total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update
