"""What a request may reach: one safe resolution of a request path inside ROOT.

Every protocol hands the path the client sent (still percent-encoded for
HTTP) to :func:`request_parts`, which refuses anything but plain names:
``..``, ``.``, empty segments, a backslash, a NUL or other control
character, a leading dot (hidden files such as ``.htpasswd``) and, after
decoding, any ``%``. :func:`resolve_file` then follows symlinks and refuses
a result outside ROOT, so a symlink inside the tree cannot lead out of it.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

# One path segment: what phone file names, $PN directories and firmware names use.
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._+~@()-]*")
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\\]")  # control characters and backslash
MAX_PATH = 1024
MAX_DEPTH = 8


@dataclass(frozen=True)
class Refusal(Exception):
    """A request that gets no file: HTTP ``status`` and a reason for the log."""

    status: int
    reason: str
    debug: bool = False  # an expected miss (boot-file probe): logged at debug level

    def __str__(self) -> str:
        return f"{self.status} {self.reason}"


def request_parts(raw: str, *, encoded: bool = True) -> tuple[str, ...]:
    """The segments of a request path, or :class:`Refusal` (400) for anything unsafe.

    ``raw`` is the path as sent (``encoded``: percent-encoded, HTTP) without
    the query. An empty result means ROOT itself.
    """
    if len(raw) > MAX_PATH:
        raise Refusal(414, "path too long")
    text = raw
    if encoded:
        try:
            text = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            raise Refusal(400, "path is not UTF-8") from None
    if _FORBIDDEN.search(text):
        raise Refusal(400, "backslash or control character in the path")
    if text.startswith("//"):
        raise Refusal(400, "absolute path refused")
    body = text.removeprefix("/").removesuffix("/")  # a trailing slash names a directory
    parts = body.split("/") if body else []
    if len(parts) > MAX_DEPTH:
        raise Refusal(400, "path too deep")
    for part in parts:
        if part in ("..", "."):
            raise Refusal(400, "'..' or '.' in the path: outside the tree refused")
        if not _SEGMENT.fullmatch(part):
            raise Refusal(400, f"unsafe name {part!r} in the path")
    return tuple(parts)


def is_inside(path: str, root: str) -> bool:
    """True when real path ``path`` is ``root`` or below it (both already real paths)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def resolve_file(root: Path, parts: tuple[str, ...], real_root: str | None = None) -> Path | None:
    """The regular file ``parts`` names under ``root``, symlinks followed; None if missing.

    Raises :class:`Refusal` (404, never a listing) for ROOT or a directory,
    and (403) when a symlink on the way leads out of ROOT. Components are
    checked one by one with ``lstat`` (cheaper than ``realpath`` of the whole
    path on every request); a symlink is resolved and must stay inside.
    """
    if not parts:
        raise Refusal(404, "ROOT itself: no directory listing")
    real_root = real_root or os.path.realpath(root)
    current = real_root
    for part in parts:
        candidate = os.path.join(current, part)
        try:
            mode = os.lstat(candidate).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None
        if stat.S_ISLNK(mode):
            candidate = os.path.realpath(candidate)
            if not is_inside(candidate, real_root):
                raise Refusal(403, "symlink leads outside the tree")
            try:
                mode = os.stat(candidate).st_mode
            except OSError:
                return None
        current = candidate
    if stat.S_ISDIR(mode):
        raise Refusal(404, "a directory: no directory listing")
    if not stat.S_ISREG(mode):
        return None
    return Path(current)


def upload_target(base: Path, parts: tuple[str, ...], *, create: bool) -> Path:
    """Where an upload of ``parts`` goes under ``base``; directories made when ``create``.

    Raises :class:`Refusal` (403) when the directory leaves ``base`` or (404)
    does not exist and may not be created.
    """
    real_base = os.path.realpath(base)
    directory = os.path.join(real_base, *parts[:-1])
    if create:
        os.makedirs(directory, mode=0o755, exist_ok=True)
    real_directory = os.path.realpath(directory)
    if not is_inside(real_directory, real_base):
        raise Refusal(403, "upload directory leads outside the tree")
    if not os.path.isdir(real_directory):
        raise Refusal(404, "no such directory for the upload")
    target = os.path.join(real_directory, parts[-1])
    if os.path.islink(target) or os.path.isdir(target):
        raise Refusal(403, "upload target is a symlink or a directory")
    return Path(target)


def case_hint(root: Path, parts: tuple[str, ...]) -> str | None:
    """For a missing file: the name in the tree that differs only in letter case, if any."""
    real_root = os.path.realpath(root)
    directory = real_root
    found: list[str] = []
    for index, part in enumerate(parts):
        try:
            names = os.listdir(directory)
        except OSError:
            return None
        if part in names:
            match = part
        else:
            folded = [name for name in names if name.lower() == part.lower()]
            if not folded:
                return None
            match = folded[0]
        found.append(match)
        directory = os.path.join(directory, match)
        if index < len(parts) - 1 and not is_inside(os.path.realpath(directory), real_root):
            return None
    relative = "/".join(found)
    return relative if relative != "/".join(parts) else None
