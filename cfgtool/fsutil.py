"""Atomic file writes: a temp file in the target directory, then ``os.replace``."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cfgtool.errors import CfgIOError


def atomic_write_bytes(
    path: str | os.PathLike[str], data: bytes, *, mode: int | None = None
) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half.

    ``mode`` sets the permission bits (e.g. ``0o600`` for key files); by default an
    existing file keeps its mode and a new one gets ``0o644``.
    """
    target = Path(path)
    if mode is None:
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise CfgIOError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise CfgIOError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def atomic_write_many(files: Iterable[tuple[str | os.PathLike[str], bytes]]) -> None:
    """Write many files atomically with ONE disk sync instead of one fsync per file.

    Each file goes to a temp file beside its target; a single ``os.sync()``
    makes them all durable; only then is each renamed into place, so a reader
    (or a crash) sees every target either old or new, never half-written. On an
    error before the renames, the temp files are removed and no target changed.
    New files get mode ``0o644``; existing ones keep theirs.
    """
    staged: list[tuple[str, str | os.PathLike[str]]] = []
    renamed = 0
    try:
        for target, data in files:
            try:
                mode = os.stat(target).st_mode & 0o7777
            except FileNotFoundError:
                mode = 0o644
            fd, tmp_name = _open_temp(os.fspath(target))
            staged.append((tmp_name, target))
            try:
                os.fchmod(fd, mode)
                _write_all(fd, data)
            finally:
                os.close(fd)
        os.sync()
        for tmp_name, target in staged:
            os.replace(tmp_name, target)
            renamed += 1
    except OSError as exc:
        raise CfgIOError(f"cannot write {exc.filename or 'files'}: {exc.strerror or exc}") from exc
    finally:
        for tmp_name, _ in staged[renamed:]:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


# A new file only (no following a planted symlink), closed in child processes, binary.
_TEMP_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _open_temp(target: str) -> tuple[int, str]:
    """Create a private (0600) temp file beside ``target``, like ``tempfile.mkstemp``.

    One plain ``os.open`` skips mkstemp's overhead, which counts when a batch
    writes ten thousand files.
    """
    directory, name = os.path.split(target)
    for _ in range(100):
        tmp_name = os.path.join(directory, f".{name}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp_name, _TEMP_FLAGS, 0o600), tmp_name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", target)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def atomic_write_text(path: str | os.PathLike[str], text: str, *, mode: int | None = None) -> None:
    """UTF-8 text version of :func:`atomic_write_bytes`; newlines are written as given."""
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a whole file, turning OS errors into a one-line :class:`CfgIOError`."""
    target = Path(path)
    if target.is_dir():
        raise CfgIOError(f"{target}: is a directory, not a file")
    try:
        return target.read_bytes()
    except FileNotFoundError:
        raise CfgIOError(f"{target}: no such file") from None
    except OSError as exc:
        raise CfgIOError(f"{target}: cannot read: {exc.strerror or exc}") from None
