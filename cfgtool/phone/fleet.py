"""Fleet mode: every phone of an inventory at once — a boot storm — and its summary.

The inventory is the CSV ``cfgtool render`` reads (``mac``, optional
``model``); optional columns ``user``, ``password``, ``key_common``,
``key_mac`` and ``firmware`` override the command's options per phone.
Phones share one :class:`~.transport.Transports` (pooled connections) and run
at most ``concurrency`` at a time.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import cfgtool
from cfgtool.errors import CfgValueError
from cfgtool.phone.decrypt import PhoneKeys
from cfgtool.phone.result import ProvisionResult
from cfgtool.phone.sequence import play
from cfgtool.phone.shards import fewer_collections, play_shards
from cfgtool.phone.spec import PhoneSpec
from cfgtool.phone.transport import Transports
from cfgtool.phone.workers import FileParser

__all__ = ["FleetResult", "FleetSummary", "inventory_phones", "play_fleet"]

OPTIONAL_COLUMNS = ("user", "password", "key_common", "key_mac", "firmware")


def _percentile(sorted_values: Sequence[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = max(0, math.ceil(fraction * len(sorted_values)) - 1)
    return sorted_values[index]


@dataclass(frozen=True)
class FleetSummary:
    """The summary table: how many phones provisioned, failed (by reason), changed,
    would reboot, and the time per phone (p50, p99, in seconds)."""

    phones: int
    provisioned: int
    no_update: int
    failed: int
    failed_by_reason: dict[str, int]
    changed: int
    would_reboot: int
    p50: float
    p99: float
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "phones": self.phones,
            "provisioned": self.provisioned,
            "no_update": self.no_update,
            "failed": self.failed,
            "failed_by_reason": dict(self.failed_by_reason),
            "changed": self.changed,
            "would_reboot": self.would_reboot,
            "p50": round(self.p50, 6),
            "p99": round(self.p99, 6),
            "seconds": round(self.seconds, 6),
        }


@dataclass(repr=False)
class FleetResult:
    """Every phone's :class:`ProvisionResult`, in inventory order, and the wall time."""

    results: list[ProvisionResult] = field(default_factory=list)
    seconds: float = 0.0

    def __repr__(self) -> str:
        return f"FleetResult(phones={len(self.results)}, seconds={self.seconds:.3f})"

    def summary(self) -> FleetSummary:
        times = sorted(result.seconds for result in self.results)
        reasons = Counter(
            result.failure or "invalid settings" for result in self.results if not result.ok
        )
        return FleetSummary(
            phones=len(self.results),
            provisioned=sum(1 for r in self.results if r.ok and r.outcome == "provisioned"),
            no_update=sum(1 for r in self.results if r.ok and r.outcome == "no update"),
            failed=sum(reasons.values()),
            failed_by_reason=dict(reasons.most_common()),
            changed=sum(1 for r in self.results if r.changes),
            would_reboot=sum(1 for r in self.results if r.reboot.needed),
            p50=_percentile(times, 0.50),
            p99=_percentile(times, 0.99),
            seconds=self.seconds,
        )

    @property
    def exit_code(self) -> int:
        return 0 if all(result.ok for result in self.results) else 1

    def to_dict(self, *, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "summary": self.summary().to_dict(),
            "phones": [result.to_dict(show_secrets=show_secrets) for result in self.results],
        }


def inventory_phones(path: str, make: Callable[..., PhoneSpec], **defaults: Any) -> list[PhoneSpec]:
    """One :class:`PhoneSpec` per inventory row, built with ``make`` (``api.make_spec``)
    from ``defaults`` overridden by the row's ``model`` and optional columns."""
    inventory = cfgtool.read_inventory(path)
    if inventory.problems:
        raise CfgValueError("; ".join(str(problem) for problem in inventory.problems[:5]))
    mac_index = inventory.column_index("mac")
    model_index = inventory.column_index("model")
    optional = {name: inventory.column_index(name) for name in OPTIONAL_COLUMNS}
    specs: list[PhoneSpec] = []
    seen: set[str] = set()
    for row in inventory.rows:
        cells = row.cells
        options = dict(defaults)
        if model_index is not None and cells[model_index].strip():
            options["model"] = cells[model_index].strip()
        if not options.get("model"):
            raise CfgValueError(
                f"{path}:{row.row}: no model for this phone; add a model column or give --model"
            )
        for name, index in optional.items():
            if index is not None and cells[index].strip():
                options[name] = cells[index].strip()
        key_common = options.pop("key_common", None)
        key_mac = options.pop("key_mac", None)
        keys: PhoneKeys = options.get("keys") or PhoneKeys()
        if key_common or key_mac:
            options["keys"] = replace(
                keys, common=key_common or keys.common, mac=key_mac or keys.mac
            )
        try:
            spec = make(
                defaults["url"],
                cells[mac_index] if mac_index is not None else "",
                **{k: v for k, v in options.items() if k != "url"},
            )
        except CfgValueError as exc:
            raise CfgValueError(f"{path}:{row.row}: {exc}") from None
        if spec.mac in seen:
            raise CfgValueError(f"{path}:{row.row}: MAC {spec.mac} is listed twice")
        seen.add(spec.mac)
        specs.append(spec)
    return specs


async def play_fleet(
    specs: Sequence[PhoneSpec],
    transports: Transports,
    *,
    concurrency: int = 50,
    processes: int = 0,
    progress: Callable[[ProvisionResult], None] | None = None,
) -> FleetResult:
    """Play every phone in ``specs``, at most ``concurrency`` at once: shared between
    ``processes`` worker processes (:mod:`.shards`, each with its own connections
    made with ``transports.options``), or with 0 here, through ``transports``."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    if processes > 0 and specs:
        results = await play_shards(
            specs,
            transports.options,
            concurrency=concurrency,
            processes=processes,
            progress=progress,
        )
        return FleetResult(results, loop.time() - started)
    gate = asyncio.Semaphore(max(1, concurrency))
    parser = FileParser(glance=True)

    async def one(spec: PhoneSpec) -> ProvisionResult:
        async with gate:
            result = await play(spec, transports, parser)
        if progress is not None:
            progress(result)
        return result

    with fewer_collections():
        played = await asyncio.gather(*(one(spec) for spec in specs))
    return FleetResult(list(played), loop.time() - started)
