"""The template layer: PBX templates (Smarty, Jinja2, Twig, Mustache, cfgtool) as output lines.

:func:`parse_template` turns a template into a :class:`TemplateStructure`: the
lines the template writes, in source order, each with its source line, its
placeholders (and where each sits: key, key index, value or whole line) and
the branch path it is on. Tags are structure, not lines. A template whose tags
each stand on a line of their own is read a line at a time (:mod:`.fastlines`);
any other goes through its dialect's tokens, a tree and the flattening of that
tree (:mod:`.flatten`), the reference the fast path is held to. Nothing here
imports Jinja2 or Lark until a template of a dialect that needs it is parsed.
"""

from __future__ import annotations

from cfgtool.templating.detect import detect_dialect
from cfgtool.templating.inheritance import resolve_template
from cfgtool.templating.model import (
    DIALECTS,
    Branch,
    Dialect,
    Loop,
    OutputLine,
    PathStep,
    Placeholder,
    PlaceholderPosition,
    Problem,
    Reference,
    TemplateStructure,
)
from cfgtool.templating.parse import DialectChoice, load_template, parse_template
from cfgtool.templating.predicates import (
    can_collide,
    is_key_index,
    key_placeholders,
    key_text,
    loop_variables,
    loops_of,
    model_from_path,
    mutually_exclusive,
    varies_per_iteration,
)

__all__ = [
    "DIALECTS",
    "Branch",
    "Dialect",
    "DialectChoice",
    "Loop",
    "OutputLine",
    "PathStep",
    "Placeholder",
    "PlaceholderPosition",
    "Problem",
    "Reference",
    "TemplateStructure",
    "can_collide",
    "detect_dialect",
    "is_key_index",
    "key_placeholders",
    "key_text",
    "load_template",
    "loop_variables",
    "loops_of",
    "model_from_path",
    "mutually_exclusive",
    "parse_template",
    "resolve_template",
    "varies_per_iteration",
]
