"""A firmware URL naming a ``.rom`` file built for another phone model.

Yealink firmware files are named ``XX.<version>.rom`` where ``XX`` is the
model's firmware prefix (``28.83.0.50.rom`` is for the T46G, ``29.83.0.50.rom``
for the T42G). A phone refuses firmware of another model, and retries the
download at every provisioning. The prefix often equals the Common file's
hardware id but not always (the T41S/T42S/T48S take ``66.x``): the
``firmware_prefixes`` in ``cfgtool models --format json`` decide. Checks
``firmware.url`` and ``static.firmware.url`` under ``cfgtool validate`` when
the model is known.

Failing example (file T46G/y000000000028.cfg)::

    #!version:1.0.0.1
    static.firmware.url = http://prov.example.com/fw/29.83.0.50.rom

Passing example (file T46G/y000000000028.cfg)::

    #!version:1.0.0.1
    static.firmware.url = http://prov.example.com/fw/28.83.0.50.rom
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cfgtool.catalog import load_models
from cfgtool.diagnostics import Severity
from cfgtool.format import EMPTY_VALUES
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.nodes import Document, Entry
from cfgtool.provisioning import model_of

CODE = "CFG303"
NAME = "firmware-mismatch"
SEVERITY: Severity = "error"
SUMMARY = "firmware.url names an XX.<version>.rom whose XX is not the model's firmware prefix"
SCOPE = "model"

_KEYS = frozenset({"firmware.url", "static.firmware.url"})
# The file name: an optional label ("T46G-"), then XX.<version>.rom with a dotted version.
_ROM = re.compile(r"(?:.*[^0-9.])?([0-9]{1,3})\.[0-9]+(?:\.[0-9]+)+\.rom", re.IGNORECASE)


def rom_prefix(url: str) -> int | None:
    """The ``XX`` of the ``XX.<version>.rom`` file ``url`` names, or None."""
    name = url.strip().split("?", 1)[0].split("#", 1)[0].rstrip("/").rpartition("/")[2]
    match = _ROM.fullmatch(name)
    return int(match.group(1)) if match else None


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node in doc.items:
        if type(node) is not Entry or node.key not in _KEYS or node.value in EMPTY_VALUES:
            continue
        prefix = rom_prefix(node.value)
        model = model_of(doc, context)
        if prefix is None or model is None or not model.firmware_prefixes:
            continue
        if prefix in model.firmware_prefixes:
            continue
        wanted = " or ".join(f"{p}.x" for p in model.firmware_prefixes)
        owners = [m.name for m in load_models() if prefix in m.firmware_prefixes]
        whose = f"firmware for the {', '.join(owners[:4])}" if owners else "not a known model's"
        yield context.value_problem(
            node,
            f"{node.key} names {prefix}.x firmware ({whose}), but the {model.name} "
            f"takes {wanted} firmware; the phone will refuse it",
            hint=f"point {node.key} at the {model.name} firmware ({wanted}.rom)",
        )
