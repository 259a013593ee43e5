"""What only a template's structure shows: the template variants of CFG105, CFG202 and CFG501.

The lint runs these instead of (CFG105) or besides (CFG202, CFG501) the
registered rules when the file is a PBX template; each reads the
:class:`~cfgtool.linting.template_view.TemplateView` the engine puts in
``context.options["template"]``. They keep the codes, names and severities of
the rules they stand for, so ``select``, ``ignore``, severities and
suppressions treat them alike.

- CFG105: two lines with one key are a duplicate only when one rendering can
  write both (:func:`~cfgtool.templating.can_collide`): not the arms of one
  ``{if}``/``{else}``, not ``== 'udp'`` / ``== 'tcp'`` tests of one
  expression, not a key whose index is a loop variable, not a child block's
  line that overrides its base's, and a default followed by its override inside
  an ``{if}`` is an info (a line set in a condition and again after it is not). A
  run of keys that repeats an earlier run (a section pasted twice) is one finding.
- CFG202: the static part of a value that holds a placeholder still counts
  (``= {$port}x`` can never be an integer).
- CFG501: a placeholder inside a key that is not a whole index segment.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import NamedTuple

from cfgtool.catalog import load_catalog
from cfgtool.linting.rule import LintContext, Problem, Rule
from cfgtool.linting.rules import RULES_BY_CODE
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import PER_USER_KEYS
from cfgtool.linting.template_view import TemplateView
from cfgtool.masking import is_secret_key
from cfgtool.nodes import Document, Entry
from cfgtool.templating import Branch, OutputLine, can_collide, key_placeholders, key_text

VIEW = "template"
MAX_PATHS_COMPARED = 64
# What the static part of an int or bool value may hold whatever the placeholders write:
# digits (the placeholder may complete them; vendors accept more than 0/1 on some "bools").
_STATIC_ALLOWED = {"int": re.compile(r"-?[0-9]*"), "bool": re.compile(r"[0-9]*")}


def view_of(context: LintContext) -> TemplateView | None:
    """The template view the engine passed, or None for a plain file."""
    view = context.options.get(VIEW)
    return view if isinstance(view, TemplateView) else None


# --- CFG105 ------------------------------------------------------------------------


def _identity(entry: Entry, line: OutputLine) -> tuple[str, str | None] | None:
    key = key_text(line, "{}")
    if key is None:
        return None
    if entry.key in PER_USER_KEYS:
        value = line.static_text("\0").split("=", 1)[1].strip(" \t")
        user, colon, _ = value.partition(":")
        if "\0" in user:
            return None  # the user is a placeholder: unknown
        if colon:
            return key, user
    return key, None


def _key_shown(line: OutputLine) -> str:
    return line.text.split("=", 1)[0].strip(" \t")


def _value_of(line: OutputLine) -> str:
    return line.text.split("=", 1)[1].strip(" \t") if "=" in line.text else ""


class _Bucket:
    """The earlier lines of one key that sit on one path: any two of them collide or none."""

    __slots__ = ("by_value", "line")

    def __init__(self, line: OutputLine) -> None:
        self.line = line
        self.by_value: dict[str, tuple[Entry, OutputLine]] = {}


def _signature(line: OutputLine) -> tuple[object, ...]:
    return (line.origin, line.path, tuple(p.expression for p in key_placeholders(line)))


def _overrides(earlier: OutputLine, later: OutputLine) -> bool:
    """True when ``later`` sits in a condition ``earlier`` is not in: a default, then
    ``{if …}`` its override (the phone keeps the last value, as the author meant)."""
    around = {step for step in earlier.path if isinstance(step, Branch)}
    return any(isinstance(step, Branch) and step not in around for step in later.path)


class _Duplicate(NamedTuple):
    """``later`` sets ``first``'s key again on a path one rendering takes."""

    first: Entry
    later: Entry
    differing: Entry | None  # an earlier colliding entry whose value differs
    override: bool  # ``later`` is in a condition every earlier one is outside of


def _duplicates(view: TemplateView) -> list[_Duplicate]:
    """The entries one rendering can write with one key as an earlier entry.

    Lines
    are compared per path (bucket), so a key written hundreds of times costs one
    :func:`can_collide` per pair of paths, not per pair of lines.
    """
    groups: dict[tuple[str, str | None], dict[tuple[object, ...], _Bucket]] = {}
    collide: dict[tuple[tuple[object, ...], tuple[object, ...]], bool] = {}
    found: list[_Duplicate] = []
    entries = [n for n in view.doc.items if type(n) is Entry and n.line not in view.skipped]
    counts = Counter(node.key for node in entries)  # index placeholders read as 1: a superset
    for node in entries:
        if counts[node.key] < 2:
            continue  # the usual case: a key written once
        line = view.lines[node.line - 1]
        identity = _identity(node, line)
        if identity is None:
            continue
        buckets = groups.setdefault(identity, {})
        signature = _signature(line)
        value = _value_of(line)
        colliding: list[tuple[Entry, OutputLine]] = []
        # A key written on more paths than this is compared with its latest paths only.
        recent = (
            list(buckets.items())[-MAX_PATHS_COMPARED:]
            if len(buckets) > MAX_PATHS_COMPARED
            else buckets.items()
        )
        for other, bucket in recent:
            verdict = collide.get((other, signature))
            if verdict is None:
                # not a child block overriding its base's default, and one rendering writes both
                verdict = bucket.line.origin == line.origin and can_collide(bucket.line, line)
                collide[other, signature] = verdict
            if verdict:
                # not the variants of one source line (an inline {if})
                colliding.extend(e for e in bucket.by_value.values() if e[1].line != line.line)
        if colliding:
            colliding.sort(key=lambda item: item[0].line)
            differing = next((e for e, el in colliding if _value_of(el) != value), None)
            override = all(_overrides(el, line) for _, el in colliding)
            found.append(_Duplicate(colliding[0][0], node, differing, override))
        own = buckets.get(signature)
        if own is None:
            own = buckets[signature] = _Bucket(line)
        own.by_value.setdefault(value, (node, line))
    return found


def _runs(duplicates: list[_Duplicate]) -> list[list[_Duplicate]]:
    """Consecutive duplicates that repeat one earlier block at one distance, grouped."""
    runs: list[list[_Duplicate]] = []
    for duplicate in duplicates:
        if runs and not duplicate.override and not runs[-1][-1].override:
            last = runs[-1][-1]
            distance = duplicate.later.line - duplicate.first.line
            if (
                distance == last.later.line - last.first.line
                and 0 < duplicate.later.line - last.later.line <= 3
            ):
                runs[-1].append(duplicate)
                continue
        runs.append([duplicate])
    return runs


def check_duplicates(doc: Document, context: LintContext) -> Iterator[Problem]:
    """CFG105 for a template (see the module docstring)."""
    view = view_of(context)
    if view is None:
        return
    for run in _runs(_duplicates(view)):
        head = run[0]
        if len(run) >= 3:
            yield context.problem(
                head.later,
                f"{len(run)} keys from here to line {view.lines[run[-1].later.line - 1].line} "
                f"set again what the lines from {view.lines[head.first.line - 1].line} set "
                f"(first: {_key_shown(view.lines[head.later.line - 1])}); the block is repeated",
                column=head.later.key_column,
                hint="delete the repeated block",
            )
            continue
        for duplicate in run:
            yield _duplicate_problem(view, context, duplicate)


def _duplicate_problem(view: TemplateView, context: LintContext, found: _Duplicate) -> Problem:
    entry = found.later
    line = view.lines[entry.line - 1]
    key = _key_shown(line)
    first = view.lines[found.first.line - 1]
    if found.override:
        return context.problem(
            entry,
            f"{key} overrides, in a condition, the default set on line {first.line}: "
            "when the condition holds the rendered file sets it twice",
            column=entry.key_column,
            severity="info",
            hint="put the default in the condition's else arm to write it once",
        )
    if found.differing is None:
        return context.problem(
            entry,
            f"{key} is set again to the same value (first on line {first.line})",
            column=entry.key_column,
            severity="warning",
            hint="delete one of the lines",
        )
    other = view.lines[found.differing.line - 1]
    secret = is_secret_key(entry.key)
    shown = "***" if secret else _value_of(line)
    other_shown = "***" if secret else _value_of(other)
    return context.problem(
        entry,
        f"{key} is set again, to {shown!r} (line {other.line} sets {other_shown!r}, and one "
        "rendering writes both); the phone keeps the last value",
        column=entry.key_column,
        hint="keep one line, or put the two in the arms of one condition",
    )


# --- CFG202: the static part of an unknown value ----------------------------------------


def check_static_values(doc: Document, context: LintContext) -> Iterator[Problem]:
    """CFG202 on the static text around a value's placeholders."""
    view = view_of(context)
    if view is None:
        return
    catalog = load_catalog()
    for node in facts(doc, context).entries:
        if node.line not in view.unknown_values:
            continue
        param = catalog.lookup(node.key)
        if param is None or not param.firm:
            continue
        allowed = _STATIC_ALLOWED.get(param.type)
        if allowed is None:
            continue
        line = view.lines[node.line - 1]
        value = line.static_text("\0").split("=", 1)[1].strip(" \t")
        static = value.replace("\0", "")
        if "=" in static:
            continue  # another setting ran into the value: CFG111's
        if allowed.fullmatch(static) is None:
            yield context.value_problem(
                node,
                f"{node.key}: the value is {param.type} {value.replace(chr(0), '{…}')!r}, "
                f"and its static part {static!r} makes it invalid whatever the placeholder is",
                hint="remove the text around the placeholder",
            )


# --- CFG501: a placeholder inside a key ---------------------------------------------------


def check_key_placeholders(doc: Document, context: LintContext) -> Iterator[Problem]:
    """CFG501 for a placeholder in a key that is not a whole index segment."""
    view = view_of(context)
    if view is None:
        return
    for number in sorted(view.skipped):
        line = view.lines[number - 1]
        for placeholder in line.placeholders:
            if placeholder.position == "key":
                yield context.problem(
                    number,
                    f"a placeholder inside the key ({placeholder.expression}): only a whole "
                    "index segment (account.{n}.label) can be checked against the catalog",
                    column=1,
                    severity="warning",
                    hint="spell the key out, or make the placeholder a whole index segment",
                )
                break


def _as(code: str, find: object) -> Rule:
    # its own check, so not the triggers of the rule it stands in for
    return replace(RULES_BY_CODE[code], find=find, fix=None, triggers=None)  # type: ignore[arg-type]


DUPLICATES = _as("CFG105", check_duplicates)
STATIC_VALUES = _as("CFG202", check_static_values)
KEY_PLACEHOLDERS = _as("CFG501", check_key_placeholders)
