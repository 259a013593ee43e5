"""The one place where a played phone's CPU work happens: parsing and linting files.

:class:`FileParser` turns a downloaded file's text into a :class:`Layer`
(its settings, with line numbers, and the lint diagnostics). A fleet
downloads the same Common file once per phone: identical files (same name,
kind, MD5 and model) are parsed once, and phones asking at the same time wait
for the same parse. A file that is not linted only has its settings read
(:func:`cfgtool.parser.read_entries`, no document built), in this process. With
``processes`` > 0 the parse and lint run in a process pool
(:func:`cfgtool.parallel.process_pool`: forked on Linux, so workers start with
the grammar, rules and catalog loaded) while the event loop keeps downloading;
a single phone parses in-process.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cfgtool
from cfgtool.catalog import find_model
from cfgtool.diagnostics import Diagnostic
from cfgtool.nodes import Entry
from cfgtool.parallel import default_jobs, process_pool
from cfgtool.parser import read_entries
from cfgtool.phone.checks import check_downloaded
from cfgtool.phone.result import FileKind, SettingSource

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

__all__ = ["FileParser", "Layer", "default_processes", "make_layer", "parse_text"]

CACHE_SIZE = 256
_WARM_UP = "#!version:1.0.0.1\nlang.gui = English\n"
Parsed = tuple[list[tuple[str, str, int]], list[Diagnostic], list[str]]


@dataclass(frozen=True, slots=True)
class Layer:
    """One file the phone applies: its name (as settings cite it), kind, text,
    settings (each key's last value, in first-appearance order) and diagnostics."""

    name: str
    kind: FileKind
    text: str
    settings: Mapping[str, SettingSource] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    url_keys: tuple[str, ...] = ()
    # Filled by whoever needs per-layer derived data once (a shared Common file's
    # first-run changes, say); not part of the layer's identity.
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)


def parse_text(name: str, text: str, model_name: str | None) -> Parsed:
    """Parse ``text``: its ``(key, value, line)`` entries in order, — when ``model_name``
    is given — the lint and model diagnostics, and the keys that may name a resource
    file (they end in ``url``). Runs in workers."""
    model = find_model(model_name) if model_name is not None else None
    diagnostics: list[Diagnostic] = []
    if model is None:
        # Only the settings are needed: read them without building the document.
        entries = read_entries(text)
    else:
        doc = cfgtool.loads(text, filename=name)
        entries = [(item.key, item.value, item.line) for item in doc.items if type(item) is Entry]
        diagnostics = check_downloaded(doc, name, model)
    url_keys = list(dict.fromkeys([key for key, _, _ in entries if key.endswith("url")]))
    return entries, diagnostics, url_keys


def make_layer(name: str, kind: FileKind, text: str, parsed: Parsed) -> Layer:
    entries, diagnostics, url_keys = parsed
    # tuple.__new__ skips the named tuple's Python-level constructor (one per setting).
    new = tuple.__new__
    settings = {
        key: new(SettingSource, (key, value, name, kind, line)) for key, value, line in entries
    }
    return Layer(name, kind, text, settings, tuple(diagnostics), tuple(url_keys))


def default_processes() -> int:
    """Worker processes for a fleet: one per CPU this process may use."""
    return default_jobs()


class FileParser:
    """Parses files for phones (see the module docstring); close it when done."""

    def __init__(self, processes: int = 0) -> None:
        self._processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._cache: OrderedDict[tuple[str, str, str, str | None], asyncio.Future[Layer]] = (
            OrderedDict()
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def start(self) -> None:
        """Start the worker processes now, before any request: forking later, while
        the event loop's helper threads run, could copy a lock some thread holds."""
        if self._processes <= 0 or self._pool is not None:
            return
        # Parse once here first, so that forked workers inherit the compiled scanner.
        parse_text("warm-up.cfg", _WARM_UP, "T46G")
        self._pool = process_pool(self._processes)
        for started in [
            self._pool.submit(parse_text, "warm-up.cfg", _WARM_UP, None)
            for _ in range(self._processes)
        ]:
            started.result()

    def _executor(self) -> ProcessPoolExecutor | None:
        if self._processes <= 0:
            return None
        self.start()
        return self._pool

    async def layer(
        self, name: str, kind: FileKind, text: str, md5: str, model_name: str | None
    ) -> Layer:
        """The :class:`Layer` of the file ``name`` with contents ``text`` (MD5 ``md5``);
        diagnostics only when ``model_name`` (the lint's model) is given."""
        key = (name, kind, md5, model_name)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return await asyncio.shield(cached)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Layer] = loop.create_future()
        self._cache[key] = future
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        try:
            # Reading settings alone is cheaper here than a trip to a worker and back.
            executor = self._executor() if model_name is not None else None
            if executor is None:
                parsed = parse_text(name, text, model_name)
            else:
                parsed = await loop.run_in_executor(executor, parse_text, name, text, model_name)
            layer = make_layer(name, kind, text, parsed)
        except BaseException as exc:
            self._cache.pop(key, None)
            future.set_exception(exc)
            future.exception()  # retrieved: the callers below get it raised
            raise
        future.set_result(layer)
        return layer
