"""One writer per output directory: an advisory lock that says who holds it.

``cfgtool render``, ``encrypt`` and ``decrypt`` take :func:`locked` on their
output directory for their whole write phase, so two runs into the same
directory cannot mix their files (or a manifest disagree with them). The lock
is ``flock`` on ``DIR/.cfgtool.lock``, which holds the holder's pid, host and
start time for the message a second run prints; the kernel drops the lock when
its process dies, however it dies, so a stale lock file never blocks anyone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import time
from collections.abc import Iterator

from cfgtool.errors import CfgIOError

LOCK_NAME = ".cfgtool.lock"

__all__ = ["LOCK_NAME", "HeldLock", "locked"]


class HeldLock:
    """The lock :func:`locked` holds: where its file is now."""

    __slots__ = ("path",)

    def __init__(self, directory: str) -> None:
        self.path = os.path.join(directory, LOCK_NAME)

    def moved(self, directory: str | os.PathLike[str]) -> None:
        """The locked directory was renamed to ``directory`` (the lock file went with it,
        and the lock with the file): release the lock there."""
        self.path = os.path.join(os.fspath(directory), LOCK_NAME)


@contextlib.contextmanager
def locked(directory: str | os.PathLike[str], command: str) -> Iterator[HeldLock]:
    """Hold the write lock of ``directory`` (which must exist) while the block runs.

    Raises :class:`CfgIOError` naming the holder (pid, host, start) when another
    run holds it. Where ``flock`` does not exist (Windows) the block runs unlocked.
    """
    held = HeldLock(os.fspath(directory))
    try:
        import fcntl  # lazy: POSIX only, and only commands that write batches need it
    except ImportError:  # pragma: no cover - not POSIX
        yield held
        return
    fd = _acquire(fcntl, held.path, command)
    try:
        yield held
    finally:
        # Unlink while still holding the lock: a run waiting on the old file
        # sees it replaced (_acquire checks) and takes the new one.
        with contextlib.suppress(OSError):
            os.unlink(held.path)
        os.close(fd)


def _acquire(fcntl: object, path: str, command: str) -> int:
    flock = fcntl.flock  # type: ignore[attr-defined]
    nonblocking = fcntl.LOCK_EX | fcntl.LOCK_NB  # type: ignore[attr-defined]
    for _ in range(10):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as exc:
            raise CfgIOError(
                f"cannot lock {os.path.dirname(path)}: {exc.strerror or exc}"
            ) from None
        try:
            flock(fd, nonblocking)
        except OSError as exc:
            holder = _read_holder(fd)
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise CfgIOError(f"cannot lock {path}: {exc.strerror or exc}") from None
            raise CfgIOError(
                f"{os.path.dirname(path)} is being written by another cfgtool run ({holder}); "
                f"wait for it to finish (the lock is {path})"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            _write_holder(fd, command)
            return fd
        os.close(fd)  # the holder removed this file as we opened it: lock the new one
    raise CfgIOError(f"cannot lock {path}: it keeps being replaced")


def _write_holder(fd: int, command: str) -> None:
    started = time.strftime("%Y-%m-%d %H:%M:%S %z")
    text = f"pid {os.getpid()} on {socket.gethostname()}, cfgtool {command}, started {started}\n"
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode("utf-8"), 0)


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 400, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "it has not said who it is yet"
