"""Turning command-line paths into the list of files a command works on.

Files are taken as given; directories are searched recursively for ``*.cfg``
and ``*.cfg.tmpl`` (hidden files and directories skipped); ``-`` is standard
input. Excluded paths are dropped, also when named explicitly, so that the
same ``exclude`` works under pre-commit (which passes every file by name).
The order is deterministic: arguments in order, each directory sorted.

:func:`walk` is the one directory walker: ``lint``/``validate``/``fmt`` use
its defaults, and the commands that list differently on purpose say so in
their options (``encrypt``: a directory's own ``*.cfg`` files, any letter
case, not below it; ``diff``: every file of a tree; ``render --prune``: the
``<mac>.cfg`` files of the output directory and, for ``$PN``, one level down).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from cfgtool.errors import CfgIOError

CFG_SUFFIX = ".cfg"
TEMPLATE_SUFFIX = ".cfg.tmpl"
STDIN = "-"
STDIN_NAME = "<stdin>"


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to work on; ``path`` is how reports name it (for stdin, its stand-in name)."""

    path: str
    stdin: bool = False
    stdin_filename: str | None = None

    @property
    def name_for_rules(self) -> str | None:
        """The path whose name and directory rules and configuration go by."""
        return self.stdin_filename if self.stdin else self.path


def expand_paths(
    paths: Sequence[str],
    *,
    is_excluded: Callable[[str], bool] = lambda path: False,
    stdin_filename: str | None = None,
) -> list[InputFile]:
    """Expand files, directories and ``-`` into input files; raises :class:`CfgIOError`."""
    found: list[InputFile] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            found.append(InputFile(path))

    for path in paths:
        if path == STDIN:
            if STDIN not in seen:
                seen.add(STDIN)
                found.append(InputFile(stdin_filename or STDIN_NAME, True, stdin_filename))
        elif os.path.isdir(path):
            for file_path in walk(path, is_excluded=is_excluded):
                add(file_path)
        elif os.path.exists(path):
            if not is_excluded(path):
                add(path)
        else:
            raise CfgIOError(f"{path}: no such file or directory")
    return found


def walk(
    top: str,
    *,
    suffixes: tuple[str, ...] | None = (CFG_SUFFIX, TEMPLATE_SUFFIX),
    ignore_case: bool = False,
    max_depth: int | None = None,
    hidden: bool = False,
    symlinks: bool = True,
    is_excluded: Callable[[str], bool] = lambda path: False,
    strict: bool = True,
) -> list[str]:
    """The files under directory ``top``: the one walker every command lists its inputs with.

    ``suffixes`` are the name endings taken (None: every file; ``ignore_case``
    compares them case-insensitively); ``max_depth`` 0 is ``top`` alone, None
    every level; ``hidden`` also takes names starting with ``.`` (files and
    directories); ``symlinks`` False skips symbolic links to files;
    ``is_excluded`` drops directories and files; ``strict`` raises
    :class:`CfgIOError` for a directory that cannot be read (else skips it).
    Paths are ``top`` joined with the path below it, normalised, sorted by
    their components.
    """
    if is_excluded(top):
        return []
    wanted = tuple(s.lower() for s in suffixes) if suffixes and ignore_case else suffixes
    files: list[str] = []
    for directory, dirnames, filenames in os.walk(top, onerror=_raise if strict else None):
        depth = 0 if directory == top else os.path.relpath(directory, top).count(os.sep) + 1
        if max_depth is not None and depth >= max_depth:
            dirnames[:] = []
        dirnames[:] = sorted(
            name
            for name in dirnames
            if (hidden or not name.startswith("."))
            and not is_excluded(os.path.join(directory, name))
        )
        for name in sorted(filenames):
            if not hidden and name.startswith("."):
                continue
            if wanted is not None and not (name.lower() if ignore_case else name).endswith(wanted):
                continue
            path = os.path.normpath(os.path.join(directory, name))
            if not symlinks and os.path.islink(path):
                continue
            if not is_excluded(path):
                files.append(path)
    return sorted(files, key=lambda path: path.split(os.sep))


def _raise(error: OSError) -> None:
    raise CfgIOError(f"{error.filename}: cannot read directory: {error.strerror or error}")


def inventory_delimiter(header_line: str) -> str:
    """The CSV delimiter of an inventory: ``;`` or ``,``, whichever its header uses more."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_inventory_columns(path: str) -> frozenset[str]:
    """The column names of an inventory CSV (header row; UTF-8, BOM tolerated, ``,`` or ``;``)."""
    import csv  # lazy: only --inventory needs it, not the lint path

    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first_line = handle.readline()
    except FileNotFoundError:
        raise CfgIOError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise CfgIOError(f"{path}: inventory is not UTF-8 text") from None
    except OSError as exc:
        raise CfgIOError(f"{path}: cannot read: {exc.strerror or exc}") from None
    header = next(csv.reader([first_line], delimiter=inventory_delimiter(first_line)), [])
    columns = frozenset(name.strip() for name in header if name.strip())
    if not columns:
        raise CfgIOError(f"{path}: inventory has no header row")
    return columns


def matches_globs(path: str | os.PathLike[str], globs: Sequence[str], root: str) -> bool:
    """Whether ``path`` matches one of ``globs``, gitignore-like.

    A glob without ``/`` matches any single path component (``*.orig.cfg``,
    ``archive``); a glob with ``/`` matches the path relative to ``root``
    (``sites/old/*``), and ``dir/`` matches everything below ``dir``. ``*``
    crosses ``/``, as in :mod:`fnmatch`.
    """
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root).replace(os.sep, "/")
    parts = relative.split("/") if not relative.startswith("../") else [os.path.basename(absolute)]
    for glob in globs:
        pattern = glob.removeprefix("./").strip("/")
        if "/" in glob.rstrip("/"):
            if fnmatchcase(relative, pattern) or fnmatchcase(relative, pattern + "/*"):
                return True
        elif any(fnmatchcase(part, pattern) for part in parts):
            return True
    return False


# --- reading configuration files -------------------------------------------------
