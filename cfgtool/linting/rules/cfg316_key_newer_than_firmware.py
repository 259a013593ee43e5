"""A key the firmware generation the phones run does not know yet.

Only when the generation is known: ``--firmware``, the ``firmware`` setting,
or the generation of the ``firmware.url`` image the file sets (the model's
lowest generation never triggers it). A **warning** for the new name of a
rename (``account.1.sip_server.1.transport_type`` on V73 firmware, which knows
it as ``account.1.transport``). With ``--firmware`` or the ``firmware`` setting
also an **info** for a key public templates first set for a later generation
(Wazo's templates, so the phone may know it earlier; the newest generation's
template, which sets ~840 keys, says nothing). A rename that only adds
``static.`` is not reported: phones read both spellings.

Failing example::

    #!version:1.0.0.1
    firmware.url = http://prov.example.com/fw/2.73.0.50.rom
    account.1.sip_server.1.transport_type = 1

Passing example::

    #!version:1.0.0.1
    firmware.url = http://prov.example.com/fw/2.73.0.50.rom
    account.1.transport = 1
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from cfgtool.diagnostics import Severity
from cfgtool.knowledge import (
    KeyFacts,
    Rename,
    aligned_key,
    check_introduced,
    key_facts,
    load_renames,
    newest_generation,
)
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._knowledge import checked_entries, file_generation
from cfgtool.nodes import Document

CODE = "CFG316"
NAME = "key-newer-than-firmware"
SEVERITY: Severity = "warning"
SUMMARY = "a key newer than the firmware generation the phones run (--firmware, firmware.url)"
TRIGGERS = ("firmware_urls", "firmware")

_STATIC = "static."


def _is_twin(rename: Rename) -> bool:
    return rename.new == _STATIC + rename.old or rename.old == _STATIC + rename.new


@cache
def _renames() -> tuple[tuple[Rename, ...], frozenset[str]]:
    """The renames that change more than ``static.``, and the new names of those that don't."""
    renames = load_renames()
    twins = frozenset(r.new for r in renames if _is_twin(r))
    return tuple(r for r in renames if not _is_twin(r)), twins


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    generation = file_generation(doc, context)
    if generation is None:
        return
    renames, twins = _renames()
    explicit = context.firmware is not None
    newest = newest_generation() if explicit else 0
    for node, pattern in checked_entries(doc, context):
        if pattern in twins:
            continue
        key = aligned_key(node.key, pattern)
        # "first set later" (facts.json) is a hint worth giving only when the user said
        # which firmware; from the file's own image only the renames (renames.json) count.
        facts = key_facts(pattern) if explicit else KeyFacts(key=pattern)
        finding = check_introduced(key, pattern, facts, generation, renames, newest)
        if finding is None:
            continue
        hint = "check the firmware the phones run (--firmware)"
        if finding.fix is not None:
            hint = f"write {finding.fix} for v{generation} firmware"
        yield context.problem(
            node,
            f"{node.key}: {finding.message}",
            column=node.key_column,
            end_column=node.key_column + len(node.key) - 1,
            severity=finding.grade,
            hint=hint,
        )
