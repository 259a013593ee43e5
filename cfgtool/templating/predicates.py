"""Questions the lint asks about output lines: exclusive branches, key indexes, the model."""

from __future__ import annotations

import re
from pathlib import PurePath

from cfgtool.catalog import Model, all_models_common_file, find_model, models_for_common_file
from cfgtool.templating.model import Branch, Loop, OutputLine, Placeholder

_EQUALITY = re.compile(r"\s*\(?\s*(.+?)\s*(?:===?|\beq\b)\s*('[^']*'|\"[^\"]*\"|-?\d+)\s*\)?\s*")
_COMMON_FILE = re.compile(r"y0{10}[0-9]{2}\.cfg")
_MODEL_DIRECTORY_PARENTS = ("yealink",)


def mutually_exclusive(first: OutputLine, second: OutputLine) -> bool:
    """True when no rendering writes both lines.

    They sit on different arms of one conditional (``{if}``/``{else}``), or on
    conditions that compare one expression with different constants
    (``{if $t == 'udp'}…{/if}`` then ``{if $t == 'tcp'}…{/if}``).
    """
    arms = {(step.origin, step.node): step.arm for step in first.path if isinstance(step, Branch)}
    second_branches = [step for step in second.path if isinstance(step, Branch)]
    if any(arms.get((step.origin, step.node), step.arm) != step.arm for step in second_branches):
        return True
    tests = {_equality(step.condition) for step in first.path if isinstance(step, Branch)}
    compared = {test[0]: test[1] for test in tests if test is not None}
    for step in second_branches:
        test = _equality(step.condition)
        if test is not None and compared.get(test[0], test[1]) != test[1]:
            return True
    return False


def _equality(condition: str) -> tuple[str, str] | None:
    match = _EQUALITY.fullmatch(condition)
    if match is None:
        return None
    return match.group(1), match.group(2).strip("'\"")


def key_text(line: OutputLine, fill: str = "{}") -> str | None:
    """The key of ``line`` with each placeholder as ``fill``, or None when it has no ``=``."""
    text = line.static_text("\0")
    if "=" not in text:
        return None
    return text.split("=", 1)[0].strip(" \t").replace("\0", fill)


def key_placeholders(line: OutputLine) -> tuple[Placeholder, ...]:
    """The placeholders in the key of ``line`` (index or not)."""
    return tuple(p for p in line.placeholders if p.position in ("key", "key-index"))


def can_collide(first: OutputLine, second: OutputLine) -> bool:
    """True when one rendering can write both lines with the same key, given equal key texts.

    Not when they are :func:`mutually_exclusive`; not when their key placeholders
    differ (``{$a}`` and ``{$b}`` may be different numbers); and not when a key
    placeholder reads a loop variable unless both lines are in that same loop
    (two loops over different key lists, each writing ``key.{$row.id}.type``).
    """
    if mutually_exclusive(first, second):
        return False
    first_keys, second_keys = key_placeholders(first), key_placeholders(second)
    if [p.expression for p in first_keys] != [p.expression for p in second_keys]:
        return False
    first_loops = {(loop.origin, loop.node): loop for loop in loops_of(first)}
    second_loops = {(loop.origin, loop.node) for loop in loops_of(second)}
    for placeholder in first_keys:
        for identity, loop in first_loops.items():
            if set(placeholder.names) & set(loop.variables) and identity not in second_loops:
                return False
    return True


def loops_of(line: OutputLine) -> tuple[Loop, ...]:
    """The loops around ``line``, outermost first."""
    return tuple(step for step in line.path if isinstance(step, Loop))


def loop_variables(line: OutputLine) -> frozenset[str]:
    """Every name the loops around ``line`` bind for each iteration."""
    return frozenset(name for loop in loops_of(line) for name in loop.variables)


def is_key_index(line: OutputLine, placeholder: Placeholder) -> bool:
    """True when ``placeholder`` is a whole dot-separated index segment of the key.

    ``account.{$row.line_number}.enable``, ``account.{{ line_no }}.label`` and
    ``linekey.{{ loop.index }}.type`` are; ``{$prefix}.enable`` and
    ``account.1.{$name}_x`` are not (the first segment, and part of a segment).
    """
    return placeholder in line.placeholders and placeholder.position == "key-index"


def varies_per_iteration(line: OutputLine, placeholder: Placeholder) -> bool:
    """True when ``placeholder`` reads a variable of a loop around ``line``.

    A key whose index does so names a different setting on each iteration, so the
    loop does not make it a duplicate of itself.
    """
    bound = loop_variables(line)
    return any(name in bound for name in placeholder.names)


def model_from_path(path: str | PurePath) -> Model | None:
    """The model a template's location names, by the projects' layouts, or None.

    - FusionPBX ``…/yealink/<model>/…`` (``yealink/t46s/{$mac}.cfg``);
    - Wazo ``…/templates/<MODEL>.tpl`` (``T19P_E2.tpl``);
    - a Common file name ``y0000000000XX.cfg`` that one model alone uses
      (not ``y000000000000.cfg``, which every model may read).
    """
    parts = PurePath(path).parts
    for index, part in enumerate(parts[:-2]):
        if part.lower() in _MODEL_DIRECTORY_PARENTS:
            model = find_model(parts[index + 1])
            if model is not None:
                return model
    name = parts[-1] if parts else ""
    if len(parts) >= 2 and parts[-2] == "templates" and name.endswith(".tpl"):
        model = find_model(name.removesuffix(".tpl"))
        if model is not None:
            return model
    if _COMMON_FILE.fullmatch(name) and name != all_models_common_file():
        models = models_for_common_file(name)
        if len(models) == 1:
            return models[0]
    return None
