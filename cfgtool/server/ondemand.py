"""``--template T --inventory CSV``: each ``<mac>.cfg`` rendered when a phone asks for it.

The bytes are exactly what ``cfgtool render`` would write into ROOT: on each
change of the template or the inventory, the whole inventory goes through
:func:`cfgtool.render_batch` as a dry run (the same row checks, lint and
model rules, duplicate MACs; nothing is written), which says which rows are
good, where their files go and their MD5; a request then renders its row
with :func:`cfgtool.render` and serves it only when the MD5 matches. A row
that render refuses is a 404 with the reason in the log.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import cfgtool
from cfgtool.errors import CfgError
from cfgtool.filenames import normalize_mac
from cfgtool.rendering import Inventory, Phone
from cfgtool.server.layout import is_pn_layout
from cfgtool.server.paths import Refusal


@dataclass(frozen=True)
class Rendered:
    data: bytes
    md5: str
    mtime: float


def _stamp(*paths: Path) -> tuple[tuple[int, int], ...]:
    stamps = []
    for path in paths:
        status = os.stat(path)
        stamps.append((status.st_mtime_ns, status.st_size))
    return tuple(stamps)


def row_variables(
    inventory: Inventory, cells: tuple[str, ...], default_model: str | None
) -> dict[str, str]:
    """A row's variables as ``cfgtool render`` passes them (MAC normalised, model label)."""
    mac_index = inventory.column_index("mac")
    model_index = inventory.column_index("model")
    variables = {
        name: cells[index]
        for index, name in enumerate(inventory.columns)
        if name and index not in (mac_index, model_index)
    }
    assert mac_index is not None
    variables["mac"] = normalize_mac(cells[mac_index]) or cells[mac_index]
    model_cell = cells[model_index] if model_index is not None else ""
    variables["model"] = model_cell or default_model or ""
    return variables


class OnDemand:
    """Renders rows of an inventory on request; re-reads both files when they change."""

    def __init__(self, template: Path, inventory: Path, root: Path, model: str | None) -> None:
        self.template_path = template
        self.inventory_path = inventory
        self.root = root
        self.model = model
        self.layout = "pn" if is_pn_layout(root) else "flat"
        self._lock = threading.Lock()
        self._stamps: tuple[tuple[int, int], ...] | None = None
        self._phones: dict[str, Phone] = {}  # relative path -> planned phone
        self._refused: dict[str, str] = {}  # mac -> why render refuses its row
        self._variables: dict[str, dict[str, str]] = {}
        self._cache: dict[str, Rendered] = {}
        self._template: cfgtool.Document | None = None
        self.error: str | None = None
        self.reload()

    @property
    def rows(self) -> int:
        return len(self._phones)

    def reload(self) -> bool:
        """Re-plan when the template or inventory changed; True when it did."""
        with self._lock:
            stamps = _stamp(self.template_path, self.inventory_path)
            if stamps == self._stamps:
                return False
            self._stamps = stamps
            self._cache.clear()
            try:
                template = cfgtool.load(self.template_path)
                inventory = cfgtool.read_inventory(self.inventory_path)
                result = cfgtool.render_batch(
                    template,
                    inventory,
                    self.root,
                    layout=self.layout,  # type: ignore[arg-type]
                    model=self.model,
                    jobs=1,
                    dry_run=True,
                    keep_going=True,
                )
            except CfgError as exc:
                self.error = (
                    f"cannot render from {self.template_path} and {self.inventory_path}: {exc}"
                )
                self._phones, self._refused, self._variables = {}, {}, {}
                return True
            self.error = None
            self._template = template
            self._phones = {phone.path: phone for phone in result.phones}
            self._refused = {}
            for problem in result.problems:
                if problem.mac and problem.mac not in self._refused:
                    self._refused[problem.mac] = str(problem)
            self._variables = {}
            mac_index = inventory.column_index("mac")
            for row in inventory.rows:
                assert mac_index is not None
                mac = normalize_mac(row.cells[mac_index])
                if mac is not None and mac not in self._variables:
                    self._variables[mac] = row_variables(inventory, row.cells, self.model)
            self._mtime = max(
                os.stat(self.template_path).st_mtime, os.stat(self.inventory_path).st_mtime
            )
            return True

    def lookup(self, relative: str, mac: str | None) -> Rendered | None:
        """The rendered file at ``relative``; None when the inventory does not make it.

        Raises :class:`Refusal` (404) for a row that render refuses.
        """
        try:
            self.reload()
        except OSError as exc:
            raise Refusal(503, f"template or inventory unreadable: {exc.strerror}") from None
        if self.error:
            raise Refusal(404, self.error)
        phone = self._phones.get(relative)
        if phone is None:
            if mac is not None and mac in self._refused and relative.endswith(f"{mac}.cfg"):
                raise Refusal(404, f"cfgtool render refuses this row: {self._refused[mac]}")
            return None
        with self._lock:
            cached = self._cache.get(phone.mac)
            if cached is not None:
                return cached
            assert self._template is not None
            data = cfgtool.dumps(cfgtool.render(self._template, self._variables[phone.mac])).encode(
                "utf-8"
            )
            md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
            if md5 != phone.md5:
                raise Refusal(500, "on-request rendering differs from cfgtool render; not served")
            rendered = self._cache[phone.mac] = Rendered(data, md5, self._mtime)
            return rendered
