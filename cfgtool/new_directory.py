"""A directory that does not exist yet, written hidden beside its place and renamed into it
whole (:class:`NewDirectory`).

A batch that writes into a new output directory needs no temp file per file: every
file goes straight to its own name inside ``.<name>.<8 hex digits>.new`` next to the
directory, and one rename shows them all at once, after one sync. Until then
nothing is at the directory's path; after, everything is. A hidden directory that a
killed run left behind (its lock is free) is removed by the next run into the same
place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import time
from pathlib import Path

from cfgtool.dirlock import HeldLock, locked
from cfgtool.errors import CfgIOError
from cfgtool.fsutil import (
    NEW_FILE_FLAGS,
    make_directory,
    remove_made_directories,
    sync_filesystems,
    write_all,
)

__all__ = ["NewDirectory", "hidden_name"]


def hidden_name(name: str) -> re.Pattern[str]:
    """The names of the hidden directories built for a directory called ``name``."""
    return re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.new")


class NewDirectory:
    """Build the directory ``target`` (which must not exist) in a hidden sibling, then
    rename it into place with :meth:`commit`.

    Use it as a context manager: entering makes the missing parents and the hidden
    directory and holds its write lock (:func:`cfgtool.dirlock.locked`), which the
    rename takes along to ``target``; leaving without a commit (an error, Ctrl-C)
    removes the hidden directory with all it holds, and the parents made.
    Write the files into :attr:`path` (:func:`write_new_file`).
    """

    def __init__(self, target: str | os.PathLike[str], command: str) -> None:
        self.target = Path(target)
        self.command = command
        self.path = ""  # the hidden directory, once entered
        self.committed = False
        self._made: list[str] = []  # the parents made for it
        self._lock: contextlib.ExitStack | None = None
        self._held: HeldLock | None = None

    def __enter__(self) -> NewDirectory:
        target = self.target
        parent = target.parent
        self._made = make_directory(parent)
        try:
            _remove_left_behind(parent, target.name, self.command)
            self.path = _make_hidden(parent, target.name)
            stack = contextlib.ExitStack()
            try:
                self._held = stack.enter_context(locked(self.path, self.command))
            except BaseException:
                stack.close()
                shutil.rmtree(self.path, ignore_errors=True)
                raise
            self._lock = stack
        except BaseException:
            self._remove_parents()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            if not self.committed:
                self.discard()
        finally:
            if self._lock is not None:
                self._lock.close()
                self._lock = None

    def commit(self) -> None:
        """Make every file in :attr:`path` durable (one sync), then rename it to ``target``.

        Raises :class:`CfgIOError` when ``target`` appeared meanwhile (nothing is then
        at ``target`` of this batch's)."""
        sync_filesystems([self.path])
        try:
            os.rename(self.path, self.target)
        except OSError as exc:
            if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
                raise CfgIOError(
                    f"{self.target} appeared while cfgtool was writing it (another program "
                    "made it): nothing was written there; run again to write into it"
                ) from None
            raise CfgIOError(
                f"cannot rename {self.path} to {self.target}: {exc.strerror or exc}"
            ) from None
        if self._held is not None:
            self._held.moved(self.target)
        self.committed = True

    def discard(self) -> None:
        """Remove the hidden directory with everything in it, and the parents made."""
        if self.path:
            _remove_tree(self.path)
        self._remove_parents()

    def _remove_parents(self) -> None:
        remove_made_directories(self._made)
        self._made = []


def write_new_file(path: str, data: bytes, mode: int | None, delay: float = 0.0) -> bool:
    """Write ``data`` to the new file ``path`` (``0o644``; ``mode``: the mode to set after
    creating it, when the umask would not let ``0o644`` through). False when ``path``
    exists already (nothing is written). ``delay``: seconds to wait after the file (the
    tests that interrupt a batch slow it down with :data:`cfgtool.fsutil.SLOW_WRITES_ENV`)."""
    try:
        fd = os.open(path, NEW_FILE_FLAGS, 0o644)
    except FileExistsError:
        return False
    except OSError as exc:
        raise CfgIOError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        write_all(fd, data)
    except OSError as exc:
        raise CfgIOError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if delay:
        time.sleep(delay)
    return True


def _make_hidden(parent: Path, name: str) -> str:
    for _ in range(100):
        path = os.path.join(parent, f".{name}.{os.urandom(4).hex()}.new")
        try:
            os.mkdir(path)
        except FileExistsError:
            continue
        except OSError as exc:
            reason = exc.strerror or exc
            raise CfgIOError(f"cannot create a directory in {parent}: {reason}") from None
        return path
    raise CfgIOError(f"cannot create a directory in {parent}: no free name")


def _remove_left_behind(parent: Path, name: str, command: str) -> None:
    """Remove the hidden directories for ``name`` that no run holds (a killed run's)."""
    pattern = hidden_name(name)
    try:
        entries = [entry for entry in os.scandir(parent) if pattern.fullmatch(entry.name)]
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink() or not entry.is_dir():
            continue
        try:
            with locked(entry.path, command):
                _remove_tree(entry.path)
        except CfgIOError:
            continue  # a live run's, or gone already


def _remove_tree(path: str) -> None:
    # A worker still finishing its last file can refill a folder as it is removed: retry.
    for _ in range(5):
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.lexists(path):
            return
