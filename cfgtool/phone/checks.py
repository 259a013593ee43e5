"""The lint and model rules over what a phone downloaded.

The same rules as ``cfgtool validate`` on a single file, with the phone's
model known (``validate``'s tree rules need a tree and do not apply).
"""

from __future__ import annotations

import cfgtool
from cfgtool.catalog import Model
from cfgtool.diagnostics import Diagnostic
from cfgtool.linting.engine import registered_rules
from cfgtool.linting.rule import LintContext
from cfgtool.nodes import Document

__all__ = ["check_downloaded"]

_SCOPES = ("lint", "model")


def check_downloaded(doc: Document, name: str, model: Model) -> list[Diagnostic]:
    """The diagnostics of the downloaded file ``name`` (parsed as ``doc``) on ``model``."""
    context = LintContext(path=name, filename=name, model=model)
    return cfgtool.lint(doc, context=context, rules=registered_rules(_SCOPES))
