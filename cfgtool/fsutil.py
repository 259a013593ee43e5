"""Atomic file writes: a temp file in the target directory, then ``os.replace``.

One file (:func:`atomic_write_bytes`) or a batch staged and committed together
(:class:`Staging`): every target is old or whole new, never half-written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator

from cfgtool.errors import CfgIOError

# Reading is cfgtool.reading's (regular files only, size cap); the 0.1 name stays here.
from cfgtool.reading import read_bytes as read_bytes
from cfgtool.staged_files import TEMP_NAME as TEMP_NAME
from cfgtool.staged_files import StagedFiles


def atomic_write_bytes(
    path: str | os.PathLike[str], data: bytes, *, mode: int | None = None
) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half.

    ``mode`` sets the permission bits (e.g. ``0o600`` for key files); by default an
    existing file keeps its mode, owner and group, and a new one gets ``0o644``.
    The file is synced before it replaces the old one.
    """
    with Staging(sync=True) as staging:
        staging.stage(path, data, mode=mode)
        staging.commit()


def atomic_write_many(files: Iterable[tuple[str | os.PathLike[str], bytes]]) -> None:
    """Write many files atomically with ONE disk sync instead of one fsync per file.

    Each file goes to a temp file beside its target; one sync of their
    filesystem (:func:`sync_filesystems`) makes them all durable; only then is
    each renamed into place, so a reader (or a crash) sees every target either
    old or new, never half-written. On an
    error before the renames, the temp files are removed and no target changed.
    New files get mode ``0o644``; existing ones keep their mode, owner and group.
    """
    with Staging() as staging:
        for target, data in files:
            staging.stage(target, data)
        staging.commit()


# Tests slow each staged file down by this many seconds, to interrupt a batch mid-write.
SLOW_WRITES_ENV = "CFGTOOL_TEST_SLOW_WRITES"


class Staging:
    """Files written beside their targets first, then all renamed into place at once.

    :meth:`stage` writes one temp file (mode, owner and group of the file it
    replaces; ``0o644`` for a new one) and refuses a target that is a
    directory. :meth:`commit` makes every staged file durable with one
    sync of their filesystems (one ``fsync`` per file with ``sync=True``, for a single
    file) and renames each into place. Leaving the ``with`` block without a
    commit (an error, Ctrl-C) removes every staged temp file: no target has
    changed. Temp files are named :data:`TEMP_NAME`, so a later run can remove
    those an unclean stop (``kill -9``) left behind: :func:`remove_stale_temps`.

    A rename replaces the target's directory entry: a hard link to the old
    file keeps the old content (the price of never showing a half-written file).
    """

    def __init__(self, *, sync: bool = False) -> None:
        self._fsync_each = sync
        self._staged = StagedFiles()  # each temp file and its target
        self._delay = float(os.environ.get(SLOW_WRITES_ENV) or 0)
        self.committed = False
        self._deferring = False
        self._umask: int | None = None  # read by the first stage_new
        # Temp names for stage_new: a random start, then counting (one getrandom per batch).
        self._names = int.from_bytes(os.urandom(4), "big")

    @contextlib.contextmanager
    def deferring_signals(self) -> Iterator[None]:
        """Hold Ctrl-C and SIGTERM back while staging many files (:meth:`stage_new`), instead
        of once per file: they arrive when the block ends, with every temp file on the list.
        (With slowed writes, for the tests that interrupt a batch, each file defers them.)"""
        if self._delay:
            yield
            return
        with self._deferring_one():
            yield

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self.committed:
            self.discard()

    def __len__(self) -> int:
        return len(self._staged)

    def release(self) -> list[tuple[str, str]]:
        """Hand over every ``(temp file, target)`` to another :class:`Staging` (a worker's
        files to the batch's): this one forgets them and will not remove them."""
        staged, self._staged = self._staged, StagedFiles()
        self.committed = True
        return list(staged)

    def adopt(self, staged: Iterable[tuple[str, str]]) -> None:
        """Take over ``(temp file, target)`` pairs another process staged (they follow on
        from the :func:`len` of this one, in order: see :meth:`drop_at`)."""
        self._staged.extend(staged)

    def drop(self, staged: Iterable[tuple[str, str]]) -> None:
        """Remove these staged files (their targets will not change)."""
        unwanted = set(staged)
        if unwanted:
            self._drop([index for index, pair in enumerate(self._staged) if pair in unwanted])

    def drop_at(self, positions: Iterable[int]) -> None:
        """:meth:`drop` the staged files at these positions (0-based, in the order staged)."""
        self._drop(sorted(set(positions)))

    def _drop(self, positions: list[int]) -> None:
        if not positions:
            return
        wanted = iter(positions)
        position = next(wanted)
        for index, (temp, _) in enumerate(self._staged):
            if index == position:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                position = next(wanted, -1)
        self._staged = self._staged.without(positions)

    def stage(
        self,
        path: str | os.PathLike[str],
        data: bytes,
        *,
        mode: int | None = None,
        existing: os.stat_result | bool | None = True,
    ) -> str:
        """Write ``data`` to a temp file beside ``path`` (returned); it replaces ``path``
        on commit.

        ``existing`` is the target's status when the caller has it already (None:
        there is no target); by default it is looked up.
        """
        target = os.fspath(path)
        owner: tuple[int, int] | None = None
        st = _stat_if_any(target) if isinstance(existing, bool) else existing
        if st is not None:
            if stat.S_ISDIR(st.st_mode):
                raise CfgIOError(f"cannot write {target}: it is a directory")
            if mode is None:
                mode = st.st_mode & 0o7777
            owner = (st.st_uid, st.st_gid)
        # Ctrl-C between creating the temp file and recording it would leave it behind:
        # the signal waits until the file is on the list that discard() cleans up.
        import signal  # lazy: it builds its enums on import, and reading files never needs it

        deferred = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            fd, temp = _open_temp(target)
            self._staged.append(temp, target)
        except OSError as exc:
            raise CfgIOError(f"cannot write {target}: {exc.strerror or exc}") from None
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, deferred)

        def prepare() -> None:
            # Owner first: changing it clears the set-user/group-ID bits the mode may hold.
            if owner is not None and owner != (os.geteuid(), os.getegid()):
                _keep_owner(fd, owner)
            os.fchmod(fd, 0o644 if mode is None else mode)

        self._fill(fd, target, data, prepare)
        return temp

    def _fill(self, fd: int, target: str, data: bytes, prepare: Callable[[], None] | None) -> None:
        """Set up (``prepare``), write and close the staged file ``fd`` for ``target``."""
        try:
            if prepare is not None:
                prepare()
            write_all(fd, data)
            if self._fsync_each:
                os.fsync(fd)
        except OSError as exc:
            raise CfgIOError(f"cannot write {target}: {exc.strerror or exc}") from None
        finally:
            os.close(fd)
        if self._delay:
            time.sleep(self._delay)

    @contextlib.contextmanager
    def _deferring_one(self) -> Iterator[None]:
        import signal  # lazy: it builds its enums on import, and reading files never needs it

        deferred = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
            signal.pthread_sigmask(signal.SIG_SETMASK, deferred)

    def stage_new(self, target: str, data: bytes) -> str:
        """:meth:`stage` for a target that does not exist (a new file, mode ``0o644``), in
        fewer system calls: one ``open`` (no ``fchmod`` when the umask lets ``0o644``
        through), the writes, one ``close``. Call it inside :meth:`deferring_signals`."""
        if not self._deferring:
            with self._deferring_one():
                return self.stage_new(target, data)
        directory, name = target.rpartition("/")[::2] if "/" in target else ("", target)
        mode = 0o644
        if self._umask is None:
            self._umask = read_umask()
        exact = not mode & self._umask  # the umask leaves the mode as it is: no fchmod
        for _ in range(100):
            self._names = (self._names + 1) & 0xFFFFFFFF
            temp = (
                f"{directory}/.{name}.{self._names:08x}.tmp"
                if directory
                else (f".{name}.{self._names:08x}.tmp")
            )
            try:
                fd = os.open(temp, NEW_FILE_FLAGS, mode if exact else 0o600)
            except FileExistsError:
                self._names = int.from_bytes(os.urandom(4), "big")
                continue
            except OSError as exc:
                raise CfgIOError(f"cannot write {target}: {exc.strerror or exc}") from None
            break
        else:
            raise CfgIOError(f"cannot write {target}: no free temporary file name")
        self._staged.append(temp, target)
        self._fill(fd, target, data, None if exact else (lambda: os.fchmod(fd, mode)))
        return temp

    def commit(self) -> None:
        """Make every staged file durable, then rename each into place."""
        if self._staged and not self._fsync_each:
            sync_filesystems(self._staged.directories())
        for index, (temp, target) in enumerate(self._staged):
            try:
                os.replace(temp, target)
            except OSError as exc:
                self._staged = self._staged.without(range(index))
                raise CfgIOError(f"cannot write {target}: {exc.strerror or exc}") from None
        self._staged = StagedFiles()
        self.committed = True

    def discard(self) -> None:
        """Remove every staged temp file; no target changes."""
        for temp in self._staged.temps():
            with contextlib.suppress(OSError):
                os.unlink(temp)
        self._staged = StagedFiles()


def sync_filesystems(directories: Iterable[str]) -> None:
    """Flush the filesystems that hold ``directories`` to disk, each once.

    ``syncfs`` (Linux) waits for those filesystems only, not for every other
    program's writes on the machine as ``os.sync()`` does; elsewhere, or when
    it fails, ``os.sync()``.
    """
    syncfs = _syncfs()
    if syncfs is None:
        os.sync()
        return
    devices: set[int] = set()
    for directory in set(directories):
        try:
            fd = os.open(directory or ".", os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            os.sync()
            return
        try:
            device = os.fstat(fd).st_dev
            if device not in devices:
                devices.add(device)
                if syncfs(fd) != 0:
                    os.sync()
                    return
        finally:
            os.close(fd)


_SYNCFS: list[Callable[[int], int] | None] = []


def _syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs`` where there is one (looked up once), else None."""
    if not _SYNCFS:
        function = None
        if sys.platform == "linux":
            # lazy: ctypes costs start-up time, and only a batch commit needs syncfs
            import ctypes

            with contextlib.suppress(OSError, AttributeError):
                function = ctypes.CDLL(None, use_errno=True).syncfs
                function.argtypes = [ctypes.c_int]
                function.restype = ctypes.c_int
        _SYNCFS.append(function)
    return _SYNCFS[0]


def _stat_if_any(target: str) -> os.stat_result | None:
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CfgIOError(f"cannot write {target}: {exc.strerror or exc}") from None


def _keep_owner(fd: int, owner: tuple[int, int]) -> None:
    """Give the new file the old one's owner and group (possible as root, or for the group
    when the user belongs to it); otherwise the new file is the writer's, as with any editor."""
    with contextlib.suppress(PermissionError):
        os.fchown(fd, *owner)
        return
    with contextlib.suppress(PermissionError):
        os.fchown(fd, -1, owner[1])


def remove_stale_temps(directory: str | os.PathLike[str]) -> list[str]:
    """Remove the temp files (:data:`TEMP_NAME`) an interrupted run left in ``directory``.

    Call it only while holding the directory's lock (:mod:`cfgtool.dirlock`): then
    no other cfgtool run is writing there, and any such file is stale.
    """
    removed: list[str] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        if TEMP_NAME.fullmatch(name):
            path = os.path.join(directory, name)
            with contextlib.suppress(OSError):
                if stat.S_ISREG(os.lstat(path).st_mode):
                    os.unlink(path)
                    removed.append(path)
    return removed


# A new file only (no following a planted symlink), closed in child processes, binary.
NEW_FILE_FLAGS = (
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
            return os.open(tmp_name, NEW_FILE_FLAGS, 0o600), tmp_name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", target)


def read_umask() -> int:
    """The umask, read without changing it where the platform says (Linux), else set back."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (``os.write`` may take less at a time)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def make_directory(path: str | os.PathLike[str]) -> list[str]:
    """Create the directory ``path`` and its missing parents; return those made, the
    outermost first (for :func:`remove_made_directories`). An existing one is fine."""
    missing: list[str] = []
    folder = os.path.abspath(path)
    while not os.path.exists(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise CfgIOError(f"cannot create {os.fspath(path)}: {exc.strerror or exc}") from None
    return missing[::-1]


def remove_made_directories(made: Iterable[str | os.PathLike[str]]) -> None:
    """Remove the directories :func:`make_directory` made (innermost first), while they
    are empty."""
    for directory in reversed(list(made)):
        try:
            os.rmdir(directory)
        except OSError:
            break


def atomic_write_text(path: str | os.PathLike[str], text: str, *, mode: int | None = None) -> None:
    """UTF-8 text version of :func:`atomic_write_bytes`; newlines are written as given."""
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)
