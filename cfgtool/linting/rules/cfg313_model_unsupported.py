"""A setting Yealink's comments say the file's phone model does not support.

From "Only T54S/T52S/... Models support the parameter", "(Only support T48G/S)",
"Except T19P/T21P Models" and "Not support T19P_E2" in Yealink's comment blocks
(``cfgtool explain KEY`` shows the statement and where it is). The phone
ignores such a setting. Lists date from when the comment was written, so a
model released later may be missing: a warning, never an error. Runs under
``cfgtool validate`` when the model is known.

Failing example (file y000000000028.cfg)::

    #!version:1.0.0.1
    local_contact.icon.url = http://prov.example.com/photos/

Passing example (file y000000000035.cfg)::

    #!version:1.0.0.1
    local_contact.icon.url = http://prov.example.com/photos/
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.knowledge import check_model_support, key_facts
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._knowledge import checked_entries, model_names
from cfgtool.nodes import Document
from cfgtool.provisioning import model_of

CODE = "CFG313"
NAME = "model-unsupported"
SEVERITY: Severity = "warning"
SUMMARY = "a setting Yealink's comments say the file's phone model does not support"
SCOPE = "model"


# Patterns whose facts name no model they are or are not for: most, and files repeat them.
_UNRESTRICTED: set[str] = set()


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    model = None
    for node, pattern in checked_entries(doc, context):
        if model is None:
            model = model_of(doc, context)
            if model is None:
                return
        if pattern in _UNRESTRICTED:
            continue
        facts = key_facts(pattern)
        if not (facts.models_supported or facts.models_excluded):
            if len(_UNRESTRICTED) < 100_000:
                _UNRESTRICTED.add(pattern)
            continue
        findings = [check_model_support(facts, name) for name in model_names(model)]
        if any(finding is None for finding in findings):
            continue  # one of the models that share the Common file supports it
        finding = findings[0]
        assert finding is not None
        yield context.problem(
            node,
            f"{node.key} on the {model.name}: {finding.message}",
            column=node.key_column,
            end_column=node.key_column + len(node.key) - 1,
            hint=f"the setting is for {finding.expected}; `cfgtool explain {pattern}` "
            "shows Yealink's statement",
        )
