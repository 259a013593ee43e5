"""Questions the lint asks about output lines: exclusive branches, key indexes, the model."""

from __future__ import annotations

import re
from pathlib import PurePath

from cfgtool.catalog import Model, all_models_common_file, find_model, models_for_common_file
from cfgtool.templating.model import Branch, Loop, OutputLine, Placeholder

_COMMON_FILE = re.compile(r"y0{10}[0-9]{2}\.cfg")
_MODEL_DIRECTORY_PARENTS = ("yealink",)


def mutually_exclusive(first: OutputLine, second: OutputLine) -> bool:
    """True when no rendering writes both lines: they sit on different arms of one conditional.

    >>> # {if $a}x = 1{else}x = 0{/if}: the two 'x' lines are exclusive, so not duplicates.
    """
    arms = {(step.origin, step.node): step.arm for step in first.path if isinstance(step, Branch)}
    return any(
        isinstance(step, Branch) and arms.get((step.origin, step.node), step.arm) != step.arm
        for step in second.path
    )


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
