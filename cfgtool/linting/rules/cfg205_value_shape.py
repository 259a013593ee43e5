"""A value not built the way the key's value is documented, or longer than Yealink allows.

Where templates of at least two independent projects build a value from parts
(``static.security.user_password`` = ``<admin_name>:<admin_password>``,
``phone_setting.backgrounds`` = ``Config:<wallpaper_filename>``), a value of
another shape is most likely a mistake: the phone reads a password without the
``name:`` part as a user name. Also a value longer than the maximum length
Yealink's comment states (a label of 99 characters where 32 fit). The value
itself is never shown (shapes cover passwords). Values that are template
placeholders are not judged.

Failing example::

    #!version:1.0.0.1
    static.security.user_password = Adm1n-pw

Passing example::

    #!version:1.0.0.1
    static.security.user_password = admin:Adm1n-pw
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.knowledge import check_length, check_shape, value_spec
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._knowledge import checked_entries
from cfgtool.nodes import Document

CODE = "CFG205"
NAME = "value-shape"
SEVERITY: Severity = "warning"
SUMMARY = "a value not built like its documented shape (user:password...) or over the max length"
TRIGGERS = ("shaped",)


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node, pattern in checked_entries(doc, context):
        spec = value_spec(pattern)  # cached per pattern
        if spec is None or (spec.shape is None and spec.max_len is None):
            continue
        finding = check_shape(spec.shape, node.value) if spec.shape is not None else None
        finding = finding or check_length(spec, node.value)
        if finding is not None:
            yield context.value_problem(
                node, f"{node.key}: {finding.message}", hint=f"write {finding.expected}"
            )
