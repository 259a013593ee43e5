"""The one place where a played phone's CPU work happens: linting files and weighing settings.

:class:`FileParser` turns a downloaded file's text into a :class:`Layer` (with
its lint and model diagnostics when linted) and a phone's layers into an
:class:`~.applied.Applied` — the switches, changes and resource URLs of their
merged settings. A fleet downloads the same Common file once per phone:
identical files (same name, kind, MD5 and model) make one layer, linted and
read once, and phones asking at the same time wait for the same lint. A
fleet of many phones runs one :class:`FileParser` per worker process
(:mod:`.shards`).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import cfgtool
from cfgtool.catalog import find_model
from cfgtool.diagnostics import Diagnostic
from cfgtool.parallel import default_jobs
from cfgtool.phone.applied import Applied, apply_layers, glance_layers
from cfgtool.phone.checks import check_downloaded
from cfgtool.phone.layer import Layer
from cfgtool.phone.result import FileKind

__all__ = ["FileParser", "Layer", "default_processes", "make_layer", "parse_text"]

CACHE_SIZE = 256
Parsed = list[Diagnostic]


def parse_text(name: str, text: str, model_name: str | None) -> Parsed:
    """The lint and model diagnostics of ``text`` for the model ``model_name``
    (None: no lint, nothing to do)."""
    model = find_model(model_name) if model_name is not None else None
    if model is None:
        return []
    return check_downloaded(cfgtool.loads(text, filename=name), name, model)


def make_layer(name: str, kind: FileKind, text: str, parsed: Parsed, md5: str = "") -> Layer:
    """The :class:`Layer` of a file and its :func:`parse_text` diagnostics."""
    return Layer(name, kind, text, md5, tuple(parsed))


def default_processes() -> int:
    """Worker processes for a fleet: one per CPU this process may use."""
    return default_jobs()


class FileParser:
    """Lints files and weighs settings for phones (see the module docstring); with
    ``glance``, for a fleet, from only the settings its summary needs when it can
    (:func:`~.applied.glance_layers`: the others are read when asked for)."""

    def __init__(self, *, glance: bool = False) -> None:
        self.glance = glance
        self._cache: OrderedDict[tuple[str, str, str, str | None], asyncio.Future[Layer]] = (
            OrderedDict()
        )

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
        future: asyncio.Future[Layer] = asyncio.get_running_loop().create_future()
        self._cache[key] = future
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        try:
            layer = make_layer(name, kind, text, parse_text(name, text, model_name), md5)
        except BaseException as exc:
            self._cache.pop(key, None)
            future.set_exception(exc)
            future.exception()  # retrieved: the callers below get it raised
            raise
        future.set_result(layer)
        return layer

    def apply(
        self,
        layers: Sequence[Layer],
        url_layers: Sequence[Layer],
        previous: Mapping[str, str] | None,
        *,
        changes: bool = True,
    ) -> Applied:
        """The :class:`~.applied.Applied` of ``layers`` (in the order they apply); resource
        URLs are looked for in ``url_layers`` order (the same layers)."""
        position = {id(layer): index for index, layer in enumerate(layers)}
        url_order = [position[id(layer)] for layer in url_layers]
        if self.glance:
            glanced = glance_layers(layers, url_order, previous, changes=changes)
            if glanced is not None:
                return glanced
        return apply_layers(layers, url_order, previous, changes=changes)
