"""The lint and model rules over what a phone downloaded.

The same rules as ``cfgtool validate`` on a single file, with the phone's
model known. A fleet downloads the same Common file a thousand times, so the
diagnostics are kept per (file name, MD5, model) for the life of the process.
"""

from __future__ import annotations

from functools import lru_cache

import cfgtool
from cfgtool.catalog import Model
from cfgtool.diagnostics import Diagnostic
from cfgtool.linting.engine import registered_rules
from cfgtool.linting.rule import LintContext
from cfgtool.nodes import Document

__all__ = ["check_downloaded"]

_SCOPES = ("lint", "model")


def check_downloaded(doc: Document, name: str, md5: str, model: Model) -> list[Diagnostic]:
    """The diagnostics of the downloaded file ``name`` (parsed as ``doc``) on ``model``."""
    return list(_cached(name, md5, model.name, _Holder(doc, model)))


class _Holder:
    """Carries the document into the cache without making it part of the key."""

    __slots__ = ("doc", "model")

    def __init__(self, doc: Document, model: Model) -> None:
        self.doc = doc
        self.model = model

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Holder)


@lru_cache(maxsize=4096)
def _cached(name: str, md5: str, model_name: str, holder: _Holder) -> tuple[Diagnostic, ...]:
    context = LintContext(path=name, filename=name, model=holder.model)
    return tuple(cfgtool.lint(holder.doc, context=context, rules=registered_rules(_SCOPES)))
