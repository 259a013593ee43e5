"""Turning command-line paths into the list of files a command works on.

Files are taken as given; directories are searched recursively for ``*.cfg``
and ``*.cfg.tmpl`` in any letter case, as ``decrypt`` does (hidden files and
directories skipped); ``-`` is standard
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
import re
from collections.abc import Callable, Sequence
from fnmatch import translate
from functools import lru_cache
from typing import NamedTuple

from cfgtool.errors import CfgIOError
from cfgtool.reading import describe_missing, read_bytes, read_head

CFG_SUFFIX = ".cfg"
TEMPLATE_SUFFIX = ".cfg.tmpl"
# PBX template names (Wazo *.tpl, Tancredi *.tmpl, Twig, Mustache): `lint DIR` takes such a
# file only when it writes a cfg file (see is_cfg_template), not a vendor's XML template.
PBX_TEMPLATE_SUFFIXES = (".tpl", ".tmpl", ".twig", ".mustache")
_HEADER = re.compile(rb"^[ \t]*#!version:", re.MULTILINE)
_EXTENDS = re.compile(rb"\{%-?\s*extends\s+['\"]([^'\"]+)['\"]")
_SNIFF_BYTES = 8192
STDIN = "-"
STDIN_NAME = "<stdin>"


class InputFile(NamedTuple):
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
    templates: bool = False,
) -> list[InputFile]:
    """Expand files, directories and ``-`` into input files; raises :class:`CfgIOError`.

    ``templates`` (lint) also takes the PBX templates under a directory that write
    cfg files (:func:`is_cfg_template`), and drops named ones that do not.
    """
    found: list[InputFile] = []
    seen: set[str] = set()

    def add(path: str, normal: bool = False) -> None:
        # A normalised absolute path (what walk gives under an absolute directory) is its
        # own absolute path: no os.path.abspath per file.
        absolute = path if normal and path.startswith(os.sep) else os.path.abspath(path)
        key = os.path.normcase(absolute)
        if key not in seen:
            seen.add(key)
            found.append(InputFile(path))

    for path in paths:
        if path == STDIN:
            if STDIN not in seen:
                seen.add(STDIN)
                found.append(InputFile(stdin_filename or STDIN_NAME, True, stdin_filename))
        elif os.path.isdir(path):
            suffixes = (CFG_SUFFIX, TEMPLATE_SUFFIX)
            for file_path in walk(
                path,
                suffixes=(*suffixes, *PBX_TEMPLATE_SUFFIXES) if templates else suffixes,
                is_excluded=is_excluded,
            ):
                if not _other_template(file_path):
                    add(file_path, normal=True)
        elif os.path.lexists(path):
            if templates and _other_template(path):
                continue  # pre-commit names a vendor's XML *.tpl too: not a cfg file
            if not is_excluded(path):
                add(path)  # a FIFO, device or link loop is refused when it is read
        else:
            raise CfgIOError(describe_missing(path))
    return found


def walk(
    top: str,
    *,
    suffixes: tuple[str, ...] | None = (CFG_SUFFIX, TEMPLATE_SUFFIX),
    ignore_case: bool = True,
    max_depth: int | None = None,
    hidden: bool = False,
    symlinks: bool = True,
    is_excluded: Callable[[str], bool] = lambda path: False,
    strict: bool = True,
) -> list[str]:
    """The files under directory ``top``: the one walker every command lists its inputs with.

    ``suffixes`` are the name endings taken (None: every file; compared
    case-insensitively, ``*.CFG`` too, unless ``ignore_case`` is False);
    ``max_depth`` 0 is ``top`` alone, None
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
    directories = 0
    for directory, dirnames, filenames in os.walk(top, onerror=_raise if strict else None):
        directories += 1
        depth = 0 if directory == top else os.path.relpath(directory, top).count(os.sep) + 1
        if max_depth is not None and depth >= max_depth:
            dirnames[:] = []
        dirnames[:] = sorted(
            name
            for name in dirnames
            if (hidden or not name.startswith("."))
            and not is_excluded(os.path.join(directory, name))
        )
        # os.path.normpath(os.path.join(directory, name)) for every name, at a fraction
        # of the cost: a name from the directory listing has no separator and is never
        # "." or "..", so only the directory needs normalising (100,000 files in a run).
        prefix = os.path.normpath(directory)
        if prefix == os.curdir:
            prefix = ""
        elif not prefix.endswith(os.sep):  # "/" and "//" (a root of its own) end in one
            prefix += os.sep
        for name in sorted(filenames):
            if not hidden and name.startswith("."):
                continue
            if wanted is not None and not (name.lower() if ignore_case else name).endswith(wanted):
                continue
            path = prefix + name
            if not symlinks and os.path.islink(path):
                continue
            if not is_excluded(path):
                files.append(path)
    if directories == 1:
        return files  # one directory's names, already sorted
    return sorted(files, key=lambda path: path.split(os.sep))


def _other_template(path: str) -> bool:
    """A PBX template name (*.tpl …) on a file that writes no cfg file."""
    lowered = path.lower()
    if not lowered.endswith(PBX_TEMPLATE_SUFFIXES) or lowered.endswith(TEMPLATE_SUFFIX):
        return False
    return not is_cfg_template(path)


def is_cfg_template(path: str, depth: int = 0) -> bool:
    """True when the template at ``path`` writes a cfg file: a ``#!version:`` line near its
    start, or an ``{% extends %}`` of a template next to it that has one."""
    head = read_head(path, _SNIFF_BYTES)  # never a FIFO or device: it could block forever
    if head is None:
        return False
    if _HEADER.search(head):
        return True
    extends = _EXTENDS.search(head)
    if extends is None or depth >= 4:
        return False
    base = os.path.join(os.path.dirname(path), os.fsdecode(extends.group(1)))
    return os.path.isfile(base) and is_cfg_template(base, depth + 1)


def _raise(error: OSError) -> None:
    raise CfgIOError(f"{error.filename}: cannot read directory: {error.strerror or error}")


def inventory_delimiter(header_line: str) -> str:
    """The CSV delimiter of an inventory: ``;`` or ``,``, whichever its header uses more."""
    return delimiter_of_counts(header_line.count(";"), header_line.count(","))


def delimiter_of_counts(semicolons: int, commas: int) -> str:
    """:func:`inventory_delimiter` of a header line with these many ``;`` and ``,``."""
    return ";" if semicolons > commas else ","


def read_inventory_columns(path: str) -> frozenset[str]:
    """The column names of an inventory CSV (header row; UTF-8, BOM tolerated, ``,`` or ``;``)."""
    import csv  # lazy: only --inventory needs it, not the lint path

    try:
        text = read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CfgIOError(f"{path}: inventory is not UTF-8 text") from None
    first_line = text.split("\n", 1)[0]
    header = next(csv.reader([first_line], delimiter=inventory_delimiter(first_line)), [])
    columns = frozenset(name.strip() for name in header if name.strip())
    if not columns:
        raise CfgIOError(f"{path}: inventory has no header row")
    return columns


@lru_cache(maxsize=64)
def _below(root: str) -> str:
    """``root`` with a trailing separator when it is absolute and normalised, else ``""``."""
    if not os.path.isabs(root) or os.path.normpath(root) != root:
        return ""
    return root if root.endswith(os.sep) else root + os.sep


def matches_globs(path: str | os.PathLike[str], globs: Sequence[str], root: str) -> bool:
    """Whether ``path`` matches one of ``globs``, gitignore-like.

    A glob without ``/`` matches any single path component (``*.orig.cfg``,
    ``archive``); a glob with ``/`` matches the path relative to ``root``
    (``sites/old/*``), and ``dir/`` matches everything below ``dir``. ``*``
    crosses ``/``, as in :mod:`fnmatch`.
    """
    if not globs:
        return False
    return _glob_set(tuple(globs), root).matches(os.path.abspath(path))


def _relative(absolute: str, root: str) -> str:
    below = _below(root)
    if below and absolute.startswith(below):
        # What os.path.relpath gives for a path under a normalised root, at a tenth of the cost.
        return absolute[len(below) :].replace(os.sep, "/")
    return os.path.relpath(absolute, root).replace(os.sep, "/")


class _GlobSet:
    """The globs of :func:`matches_globs` compiled once, with what each directory gives.

    Every file of a directory has the same path to it from the root, so the
    directory's components are matched once, not once per file (lint asks for
    every file: its template patterns, its exclusions; 100,000 files in a run).
    """

    __slots__ = ("above", "directories", "names", "paths", "root")

    def __init__(self, globs: tuple[str, ...], root: str) -> None:
        self.root = root
        # The root and the directories above it: their path from the root is "." or
        # "..", "../.." (no name at its end), so they are matched without the memory.
        above = {os.path.normpath(root)}
        while (parent := os.path.dirname(min(above, key=len))) not in above:
            above.add(parent)
        self.above = frozenset(above)
        self.names: list[Callable[[str], object]] = []
        self.paths: list[Callable[[str], object]] = []
        for glob in globs:
            pattern = glob.removeprefix("./").strip("/")
            if "/" in glob.rstrip("/"):
                self.paths += [_pattern(pattern), _pattern(pattern + "/*")]
            else:
                self.names.append(_pattern(pattern))
        # absolute directory -> (its path from the root with a trailing "/", or "";
        # whether one of its components matches a glob without "/")
        self.directories: dict[str, tuple[str, bool]] = {}

    def matches(self, absolute: str) -> bool:
        directory, _, name = absolute.rpartition(os.sep)
        known = self.directories.get(directory)
        if known is None or absolute in self.above:  # the root or above: no name in it
            relative = _relative(absolute, self.root)
            if (
                not name
                or not relative.endswith(name)
                or not os.path.isabs(self.root)
                or absolute in self.above
            ):
                return self._matches(relative, absolute)
            prefix = relative[: len(relative) - len(name)]
            inside = not relative.startswith("../")
            parts = prefix.split("/")[:-1] if inside else []
            known = (prefix, any(match(part) for part in parts for match in self.names))
            if len(self.directories) >= 4096:
                self.directories.clear()
            self.directories[directory] = known
        prefix, in_directory = known
        if in_directory:
            return True
        for match in self.names:  # loops, not any(): every linted file asks
            if match(name):
                return True
        if self.paths:
            relative = prefix + name
            for match in self.paths:
                if match(relative):
                    return True
        return False

    def _matches(self, relative: str, absolute: str) -> bool:
        inside = not relative.startswith("../")
        parts = relative.split("/") if inside else [os.path.basename(absolute)]
        if any(match(part) for part in parts for match in self.names):
            return True
        return any(match(relative) for match in self.paths)


@lru_cache(maxsize=64)
def _glob_set(globs: tuple[str, ...], root: str) -> _GlobSet:
    return _GlobSet(globs, root)


def _pattern(glob: str) -> Callable[[str], object]:
    """:func:`fnmatch.fnmatchcase` for one glob, compiled (a match or None)."""
    return re.compile(translate(glob)).match


# --- reading configuration files -------------------------------------------------
