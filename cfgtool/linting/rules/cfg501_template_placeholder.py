"""Template syntax left in a file linted as a rendered file.

``{{ name }}`` (Jinja, Mustache), ``{% ... %}``, Smarty ``{$name}`` and
``%%name%%`` mean a template was not rendered, or rendered without a value:
the phone gets the braces as the value, or a key that matches nothing. These
are errors. A shell-style ``${NAME}`` is a warning, because some phone values
legitimately contain ``$``. Lines that are only a template tag are CFG103.

In a template (``cfgtool lint --template``, or a ``*.cfg.tmpl`` file)
``{{ name }}`` placeholders in values are allowed; other template syntaxes and
placeholders in keys are still reported, and with an inventory, a
placeholder naming no inventory column is an error.

Failing example::

    #!version:1.0.0.1
    account.1.label = {{ label }}
    account.1.user_name = {$extension}

Passing example::

    #!version:1.0.0.1
    account.1.label = Reception
    account.1.user_name = 1001

Passing example (template)::

    #!version:1.0.0.1
    account.1.label = {{ label }}
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool import rendering  # its template module loads only when a template is linted
from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import PLACEHOLDER, STRICT_PLACEHOLDER, TEMPLATE_PLACEHOLDER
from cfgtool.masking import is_secret_key
from cfgtool.nodes import Document, Entry, Invalid

CODE = "CFG501"
NAME = "template-placeholder"
SEVERITY: Severity = "error"
SUMMARY = "template syntax ({{ }}, {% %}, {$x}, %%x%%; ${X} warns) left in a rendered file"
OWNS = (TEMPLATE_PLACEHOLDER,)  # one mistake, one diagnostic: see rules/_shared.py
TRIGGERS = ("keys", "values", "template")

# Variables every rendered phone has, whether or not the inventory lists them.
IMPLICIT_VARIABLES = frozenset({"mac", "model"})


def _syntax(text: str) -> str:
    if text.startswith("{{"):
        return "a {{ }} placeholder"
    if text.startswith("{%"):
        return "a {% %} template tag"
    if text.startswith("{$"):
        return "a Smarty {$...} placeholder"
    if text.startswith("%%"):
        return "a %%...%% placeholder"
    return "a shell-style ${...} variable"


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    template = context.template
    found = facts(doc, context)
    keys = [(node, "key") for node, owner in found.keys if owner in OWNS]
    values = [(node, "value") for node, owner in found.values if owner in OWNS]
    for node, where in sorted([*keys, *values], key=lambda item: item[0].line):
        if where == "key":
            text, start, pattern = node.key, node.key_column, PLACEHOLDER
        else:
            text, start = node.value, node.value_column
            pattern = PLACEHOLDER
            if is_secret_key(node.key):  # only a whole-value placeholder (see _shared)
                pattern = STRICT_PLACEHOLDER
                text = text if STRICT_PLACEHOLDER.fullmatch(text) else ""
        for match in pattern.finditer(text):
            if template and match.group().startswith("{{"):
                continue  # the renderer's own checks below cover {{ }} in templates
            yield _found(context, node, match.group(), start + match.start(), where)
    if template:
        yield from _template_checks(doc, context)


def _found(context: LintContext, node: Entry, text: str, column: int, where: str) -> Problem:
    shell = text.startswith("${")
    if context.template:
        message = f"{_syntax(text)} in a {where}: cfgtool templates use {{{{ name }}}} in values"
    else:
        message = f"{_syntax(text)} was left in the {where} of {node.key}"
        if not shell:
            message += ": the template was not rendered"
    if not is_secret_key(node.key):  # never echo (part of) a password
        message += f" ({text if len(text) <= 40 else text[:40] + '...'})"
    return context.problem(
        node,
        message,
        column=column,
        end_column=column + len(text) - 1,
        severity="warning" if shell else None,
        hint="render the template before deploying the file"
        if not shell
        else "replace the variable with its value, unless the phone should see '$'",
    )


def _template_checks(doc: Document, context: LintContext) -> Iterator[Problem]:
    """``{{ }}`` syntax and names, checked by the renderer's own parser."""
    invalid_lines = {node.line for node in doc.items if isinstance(node, Invalid)}
    for problem in rendering.template_problems(doc):
        if problem.line not in invalid_lines:  # CFG103 and friends report those lines
            yield context.problem(problem.line, problem.message, column=problem.column)
    columns = context.template_variables
    if columns is None:
        return
    known = columns | IMPLICIT_VARIABLES
    for placeholder in rendering.template_placeholders(doc):
        if placeholder.name not in known:
            what = "block condition" if placeholder.key is None else "placeholder"
            yield context.problem(
                placeholder.line,
                f"the {what} {placeholder.name!r} names no inventory column",
                column=placeholder.column,
                end_column=placeholder.end_column - 1,
                hint="add the column to the inventory, or fix the name",
            )
