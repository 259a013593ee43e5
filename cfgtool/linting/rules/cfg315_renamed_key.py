"""A key renamed before the firmware generation the phones run: the new name, and ``--fix``.

``renames.json`` lists keys whose name the public templates changed from one
firmware generation on (``account.1.transport`` became
``account.1.sip_server.1.transport_type`` in V80), from Wazo's per-generation
templates and FusionPBX commits. The generation is ``--firmware``, the
``firmware`` setting, the generation of the ``firmware.url`` image the file
sets (under ``cfgtool validate`` also the one its Common file sets), or else the
lowest one the file's model ever ran (V80 for the models that only ran V8x
firmware). A warning; an info for a rename no generation dates
(counted from V80). A rename that only adds ``static.`` is not reported: phones
read both spellings. ``--fix`` renames the key, keeping its indexes, value and
comments, unless the new key is already set in the file.

Failing example::

    #!version:1.0.0.1
    static.firmware.url = http://prov.example.com/fw/28.84.0.10.rom
    account.1.transport = 1

Passing example::

    #!version:1.0.0.1
    static.firmware.url = http://prov.example.com/fw/28.84.0.10.rom
    account.1.sip_server.1.transport_type = 1
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from cfgtool.diagnostics import Severity
from cfgtool.knowledge import Rename, aligned_key, check_renamed, load_renames
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._knowledge import checked_entries, lowest_generation, with_keys
from cfgtool.nodes import Document, Entry

CODE = "CFG315"
NAME = "renamed-key"
SEVERITY: Severity = "warning"
SUMMARY = "a key renamed before the firmware generation the phones run (reported with its new name)"

_STATIC = "static."


def _is_twin(rename: Rename) -> bool:
    return rename.new == _STATIC + rename.old or rename.old == _STATIC + rename.new


@cache
def _renames() -> dict[str, tuple[Rename, ...]]:
    table: dict[str, tuple[Rename, ...]] = {}
    for rename in load_renames():
        if not _is_twin(rename):
            table[rename.old] = (*table.get(rename.old, ()), rename)
    return table


def _found(doc: Document, context: LintContext) -> Iterator[tuple[Entry, str, str, Severity]]:
    """``(entry, new key, message, severity)`` for each renamed key in ``doc``."""
    renames = _renames()
    hits = [(node, p) for node, p in checked_entries(doc, context) if p in renames]
    if not hits:
        return
    found = lowest_generation(doc, context)
    if found is None:
        return
    generation, implied = found
    runs = f"the phones run v{generation}" + (" or newer" if implied else "")
    for node, pattern in hits:
        finding = check_renamed(
            aligned_key(node.key, pattern), pattern, generation, renames[pattern]
        )
        if finding is not None and finding.fix is not None:
            yield node, finding.fix, f"{node.key}: {finding.message}; {runs}", finding.grade


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    found = list(_found(doc, context))
    if not found:
        return  # nearly every file: no need for the set of its keys
    keys = {node.key for node in facts(doc, context).entries}
    for node, new_key, message, severity in found:
        hint = f"rename it to {new_key} (`cfgtool lint --fix` does)"
        if new_key in keys:
            hint = f"{new_key} is set too: delete this line"
        yield context.problem(
            node,
            message,
            column=node.key_column,
            end_column=node.key_column + len(node.key) - 1,
            severity=severity,
            hint=hint,
        )


def fix(doc: Document, context: LintContext) -> Document:
    """Rename each renamed key whose new name the file does not set yet."""
    keys = {node.key for node in facts(doc, context).entries}
    renamed: dict[int, str] = {}
    for node, new_key, _, _ in _found(doc, context):
        if new_key not in keys:
            renamed[node.line] = new_key
            keys.add(new_key)
    return with_keys(doc, renamed)
