"""A value the key's type does not allow, from the catalog and Yealink's own comments.

- **error** where the type is closed and the phone cannot read the value: a
  boolean that is not ``0``/``1``, an integer that is not a number or is
  outside Yealink's stated range, where the type comes from a typed settings
  model or Yealink's comment says so; a URL with a scheme other than tftp,
  ftp, http or https (a bare host or IP is fine: phones then use TFTP).
- **warning** for a value missing from an enumeration Yealink's comment
  states (the message lists the values and their meanings), and for types
  inferred from a key's name or comment.
- **info** for a value missing from a list only public projects give (open by
  nature: real phones take time zones, ring tones and languages they lack),
  for a type only inferred from the values public files use, and for facts
  correct real files contradict.

An enumeration given by the *name* Yealink's comment lists for a number
(``transport_type = TLS`` where the comment says ``2=TLS``) gets the number as a
fix (``--fix``). A site's own keys typed in the configuration
(``[tool.cfgtool.known-keys]``) are checked as closed types: a miss is an
error. ``%NULL%`` and the empty value are valid for every key. The
format has no inline comments: ``1 # on`` is the value. The provisioning
settings whose ranges Yealink's guide gives are CFG307's (under validate).

Failing example::

    #!version:1.0.0.1
    account.1.enable = yes
    account.1.sip_server.1.transport_type = TLS
    static.firmware.url = smb://files.example.com/fw.rom

Passing example::

    #!version:1.0.0.1
    account.1.enable = 1
    account.1.sip_server.1.transport_type = 2
    static.firmware.url = https://prov.example.com/fw/28.83.0.35.rom
    account.2.enable = %NULL%
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.catalog import normalize_key
from cfgtool.diagnostics import Severity
from cfgtool.format import EMPTY_VALUES
from cfgtool.knowledge import Finding, ValueSpec, check_value, key_facts, value_spec
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._knowledge import with_values
from cfgtool.linting.rules.cfg307_value_range import GUIDE_KEYS
from cfgtool.masking import is_secret_key
from cfgtool.nodes import Document, Entry

CODE = "CFG202"
NAME = "invalid-value"
SEVERITY: Severity = "error"
SUMMARY = "a value the key's type does not allow (error when certain; outside a public list: info)"
TRIGGERS = ("typed", "site_types")

# Typed values repeat across files ("1", "5060", "English"): remember each verdict.
_VERDICTS: dict[tuple[str, str], Finding | None] = {}
_VERDICTS_LIMIT = 200_000
_UNSEEN = object()


def _verdict(pattern: str, value: str) -> Finding | None:
    memo = (pattern, value)
    finding = _VERDICTS.get(memo, _UNSEEN)
    if finding is not _UNSEEN:
        return finding  # type: ignore[return-value]
    spec = value_spec(pattern)
    finding = check_value(spec, value, {}) if spec is not None else None
    if finding is not None and spec is not None and not spec.contradicted:
        # Only a value that does not fit needs the vendor's meanings (facts.json); a
        # contradicted fact stays an info whatever they say (real files hit those often).
        meanings = key_facts(pattern).meanings
        if meanings:
            finding = check_value(spec, value, meanings)
    if len(_VERDICTS) < _VERDICTS_LIMIT:
        _VERDICTS[memo] = finding
    return finding


def _local_types(context: LintContext) -> dict[str, ValueSpec]:
    """The site's typed keys (``[tool.cfgtool.known-keys]``), by key pattern."""
    config = context.config
    return {spec.key: spec for spec in config.known_keys} if config is not None else {}


def _findings(doc: Document, context: LintContext) -> Iterator[tuple[Entry, Finding]]:
    found = facts(doc, context)
    local = _local_types(context)
    if local:
        owned = {id(node) for node, _ in (*found.keys, *found.values)}
        for node in found.entries:
            spec = local.get(node.key) or local.get(normalize_key(node.key))
            if spec is None or id(node) in owned or node.value in EMPTY_VALUES:
                continue
            finding = check_value(spec, node.value, {})
            if finding is not None:
                yield node, finding._replace(message=finding.message + " (the site's known-keys)")
    for node, param in found.typed:
        if node.key in GUIDE_KEYS or (local and (node.key in local or param.key in local)):
            continue
        finding = _verdict(param.key, node.value)
        if finding is not None:
            yield node, finding


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node, finding in _findings(doc, context):
        if is_secret_key(node.key):
            message = f"the value of {node.key} is not {finding.expected}"
        else:
            message = f"{node.key}: {finding.message}"
        hint = f"use {_a_value(finding.expected)}"
        if finding.fix is not None:
            hint = f"write {finding.fix} (`cfgtool lint --fix` does)"
        elif " #" in node.value:
            hint = "the format has no inline comments: move the comment to its own '#' line"
        yield context.value_problem(node, message, severity=finding.grade, hint=hint)


def _a_value(expected: str) -> str:
    return f"a value {expected}" if expected.startswith("in the range") else expected


def fix(doc: Document, context: LintContext) -> Document:
    """Write the number for an enumeration value given by its name."""
    numbers = {
        node.line: finding.fix
        for node, finding in _findings(doc, context)
        if finding.fix is not None
    }
    return with_values(doc, numbers)
