"""Atomic file writes: a temp file in the target directory, then ``os.replace``."""

from __future__ import annotations

import contextlib
import os
import tempfile
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
