"""The phone model of a file cannot be determined, so the model checks are skipped.

``cfgtool validate`` takes the model from ``--model``, else the Common file
name (``y000000000028.cfg`` is the T46G's), else the one model-specific
Common file next to a MAC file, else a directory named after a model (the
``$PN`` layout, ``T46G/0015651130f9.cfg``), else a ``# cfgtool: model=T46G``
comment in the file. Without any of these, the account, firmware and Common
file checks cannot run for the file. The all-models Common file
``y000000000000.cfg`` is for every model and is not reported. Info only.
In the examples the file is alone in its directory.

Failing example (file 0015651130f9.cfg)::

    #!version:1.0.0.1
    account.1.enable = 1

Passing example (file 0015651130f9.cfg)::

    #!version:1.0.0.1
    # cfgtool: model=T46G
    account.1.enable = 1
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.catalog import all_models_common_file
from cfgtool.diagnostics import Severity
from cfgtool.directives import comment_model
from cfgtool.filenames import basename
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.nodes import Document
from cfgtool.provisioning import model_of

CODE = "CFG304"
NAME = "model-unknown"
SEVERITY: Severity = "info"
SUMMARY = "the phone model cannot be determined; model checks are skipped"
SCOPE = "model"


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    if context.template or model_of(doc, context) is not None:
        return
    name = context.filename or (basename(context.path) if context.path else "")
    if name == all_models_common_file():
        return
    named = comment_model(doc)
    if named is not None:
        message = (
            f"unknown model {named!r} in the '# cfgtool: model=' comment; model checks skipped"
        )
        hint = "use a name from `cfgtool models`"
    else:
        message = "cannot tell which phone model this file is for; model checks skipped"
        hint = (
            "pass --model, keep the model's Common file next to it, put it in a directory "
            "named after the model, or add a '# cfgtool: model=T46G' comment"
        )
    yield context.problem(1, message, hint=hint)
