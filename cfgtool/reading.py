"""Reading input: regular files only, never more than a size cap, errors in one line.

Every file cfgtool reads (cfg files, templates, inventories, key files, PEM
keys, trees for ``diff``) and standard input go through :func:`read_bytes` or
:func:`read_stream`, so no command can hang on a FIFO, read ``/dev/zero``
until memory runs out, or answer "no such file" for a file that exists:

- a FIFO, device or socket is refused without waiting for a writer
  (opened non-blocking, checked with ``fstat``);
- more than :func:`max_file_size` bytes (default 64 MiB, ``cfgtool
  --max-file-size`` or ``CFGTOOL_MAX_FILE_SIZE``) is refused after reading
  at most one byte past the cap;
- the message names the path given and the real cause (a symbolic link loop,
  a dangling link and its target, permission denied).

    >>> parse_size("64M"), parse_size("512k"), parse_size("100")
    (67108864, 524288, 100)
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from typing import BinaryIO

from cfgtool.errors import CfgIOError

__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "MAX_FILE_SIZE_ENV",
    "check_regular",
    "describe_missing",
    "max_file_size",
    "non_regular_kind",
    "parse_size",
    "read_bytes",
    "read_chunks",
    "read_head",
    "read_stream",
    "set_max_file_size",
]

DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024
# A cfg file is kilobytes; a template or a ring-tone list a few megabytes. 64 MiB is
# far beyond any real input and still cheap to hold in memory.
_limit: dict[str, int] = {}
MAX_FILE_SIZE_ENV = "CFGTOOL_MAX_FILE_SIZE"
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 1024 * 1024


def parse_size(text: str) -> int:
    """``64M``, ``512k``, ``1G`` or a plain byte count as bytes; raises :class:`ValueError`."""
    value = text.strip().lower().removesuffix("b").removesuffix("i")
    unit = value[-1:] if value[-1:] in ("k", "m", "g") else ""
    number = value[: len(value) - len(unit)].strip()
    if not number.isdigit() or int(number) <= 0:
        raise ValueError(f"{text!r} is not a size (a positive number, optionally with k, M or G)")
    return int(number) * _UNITS[unit]


def max_file_size() -> int:
    """The most bytes any one input may have: :func:`set_max_file_size`, else the environment.

    ``CFGTOOL_MAX_FILE_SIZE`` (``64M``...) when set and valid, else
    :data:`DEFAULT_MAX_FILE_SIZE`.
    """
    if "bytes" not in _limit:
        try:
            _limit["bytes"] = parse_size(os.environ.get(MAX_FILE_SIZE_ENV, "") or "64M")
        except ValueError:
            _limit["bytes"] = DEFAULT_MAX_FILE_SIZE
    return _limit["bytes"]


def set_max_file_size(size: int) -> None:
    """Change the cap for every later read (``cfgtool --max-file-size``)."""
    if size <= 0:
        raise ValueError("the maximum file size must be positive")
    _limit["bytes"] = size


def _too_large(name: str, limit: int) -> CfgIOError:
    return CfgIOError(
        f"{name}: larger than the maximum file size of {_human(limit)}"
        " (raise it with cfgtool --max-file-size or CFGTOOL_MAX_FILE_SIZE)"
    )


def _human(size: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def non_regular_kind(mode: int) -> str | None:
    """What a non-regular file is (``a FIFO``, ``a socket``...), None for a regular one."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def describe_missing(name: str) -> str:
    """Why ``name`` cannot be opened though it may exist: a link loop, a dangling link, absent."""
    try:
        os.stat(name)
    except OSError as exc:
        return describe_error(name, exc)
    return f"{name}: cannot read"


def check_regular(path: str | os.PathLike[str]) -> None:
    """Raise :class:`CfgIOError` naming the cause unless ``path`` is a readable regular file."""
    name = os.fspath(path)
    try:
        kind = non_regular_kind(os.stat(name).st_mode)
    except OSError as exc:
        raise CfgIOError(describe_error(name, exc)) from None
    if kind == "a directory":
        raise CfgIOError(f"{name}: is a directory, not a file")
    if kind is not None:
        raise CfgIOError(_not_regular(name, kind))


def describe_error(name: str, exc: OSError) -> str:
    """One line naming ``name`` and the real cause of ``exc``."""
    code = exc.errno
    if code == errno.ELOOP:
        return f"{name}: symbolic link loop (too many levels of symbolic links)"
    if code == errno.ENOENT:
        if os.path.islink(name):
            return (
                f"{name}: dangling symbolic link (its target {os.readlink(name)!r} does not exist)"
            )
        return f"{name}: no such file or directory"
    if code == errno.EACCES or code == errno.EPERM:
        return f"{name}: cannot read: permission denied"
    if code == errno.EISDIR:
        return f"{name}: is a directory, not a file"
    if code == errno.ENXIO:
        return _not_regular(name, _kind_of(name))
    return f"{name}: cannot read: {exc.strerror or exc}"


def _not_regular(name: str, kind: str) -> str:
    return f"{name}: {kind}, not a regular file; cfgtool reads regular files only"


def _kind_of(name: str) -> str:
    try:
        return non_regular_kind(os.stat(name).st_mode) or "a regular file"
    except OSError:
        return "not a regular file"


def read_bytes(path: str | os.PathLike[str], *, limit: int | None = None) -> bytes:
    """The whole of regular file ``path``, at most ``limit`` (default :func:`max_file_size`) bytes.

    Raises :class:`CfgIOError` with one line for anything else: a directory,
    FIFO, device or socket, a file over the cap, a link loop, no permission.
    """
    name = os.fspath(path)
    cap = max_file_size() if limit is None else limit
    fd, size = _open_regular(name, cap)
    try:
        return _read_fd(fd, name, cap, size)
    except OSError as exc:
        raise CfgIOError(describe_error(name, exc)) from None
    finally:
        os.close(fd)


def read_chunks(
    path: str | os.PathLike[str], *, limit: int | None = None, size: int = 0
) -> Iterator[bytes]:
    """Regular file ``path`` a piece at a time (up to ``size`` bytes each, at most and by
    default 1 MiB), never held whole: what :func:`read_bytes` gives, joined, and the same
    errors, raised by the first piece asked for (or, past the cap, by the piece that
    crosses it). The file is closed when the pieces run out or the iterator is dropped."""
    name = os.fspath(path)
    cap = max_file_size() if limit is None else limit
    piece = min(size, _CHUNK) if size > 0 else _CHUNK
    fd, _ = _open_regular(name, cap)
    total = 0
    try:
        while True:
            chunk = os.read(fd, min(piece, cap + 1 - total))
            if not chunk:
                return
            total += len(chunk)
            if total > cap:
                raise _too_large(name, cap)
            yield chunk
    except OSError as exc:
        raise CfgIOError(describe_error(name, exc)) from None
    finally:
        os.close(fd)


def _open_regular(name: str, cap: int) -> tuple[int, int]:
    """Regular file ``name`` opened for reading, and its size (refused over ``cap``)."""
    try:
        fd = os.open(name, _OPEN_FLAGS)
    except OSError as exc:
        raise CfgIOError(describe_error(name, exc)) from None
    try:
        info = os.fstat(fd)
        kind = non_regular_kind(info.st_mode)
        if kind == "a directory":
            raise CfgIOError(f"{name}: is a directory, not a file")
        if kind is not None:
            raise CfgIOError(
                f"{name}: {kind}, not a regular file; cfgtool reads regular files only"
            )
        if info.st_size > cap:
            raise _too_large(name, cap)
    except OSError as exc:
        os.close(fd)
        raise CfgIOError(describe_error(name, exc)) from None
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def read_head(path: str | os.PathLike[str], size: int) -> bytes | None:
    """The first ``size`` bytes of regular file ``path``; None when it is not one or unreadable."""
    try:
        fd = os.open(os.fspath(path), _OPEN_FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.read(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)


def read_stream(stream: BinaryIO, name: str = "<stdin>", *, limit: int | None = None) -> bytes:
    """All of ``stream`` (standard input), refused past ``limit`` bytes like a file."""
    cap = max_file_size() if limit is None else limit
    try:
        return _read_capped(stream, name, cap)
    except OSError as exc:
        raise CfgIOError(describe_error(name, exc)) from None


def _read_fd(fd: int, name: str, cap: int, size: int) -> bytes:
    """All of the regular file open as ``fd``, whose size was ``size``, at most ``cap`` bytes.

    Straight from the descriptor, no file object: a file that did not grow since
    ``fstat`` costs one read (lint reads 100,000 files). A regular file reads short
    only at its end, so a read that gets less than it asked for is the last.
    """
    chunks: list[bytes] = []
    total = 0
    request = min(size + 1, cap + 1)
    while True:
        chunk = os.read(fd, request)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > cap:
            raise _too_large(name, cap)
        if len(chunk) < request:
            break
        request = min(_CHUNK, cap + 1 - total)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _read_capped(stream: BinaryIO, name: str, cap: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total <= cap:
        chunk = stream.read(min(_CHUNK, cap + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > cap:
        raise _too_large(name, cap)
    return b"".join(chunks)
