"""What a lint rule is, and what it is given.

Each rule is one module in :mod:`cfgtool.linting.rules` (yamllint style) that
defines ``CODE``, ``NAME``, ``SEVERITY``, ``SUMMARY``, optionally ``FIXABLE``
and ``fix(doc, context)``, a module docstring with a failing and a passing
example, and ``check(doc, context) -> Iterable[Diagnostic]``. The explicit
registry in ``rules/__init__.py`` turns each module into a :class:`Rule`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from cfgtool.diagnostics import Diagnostic, Severity
from cfgtool.nodes import Document, Entry, Line

if TYPE_CHECKING:
    from cfgtool.catalog import Catalog, Model
    from cfgtool.linting.config import LintConfig


@dataclass(frozen=True)
class LintContext:
    """Everything a rule may look at besides the document itself.

    ``path`` is the file as the user named it (used in diagnostics);
    ``filename`` its base name (file-name rules need it, also for stdin via
    ``--stdin-filename``). ``template`` is true when the file is a template
    (placeholders allowed); ``template_variables`` the inventory columns when
    known. ``model`` is set by ``validate`` when the phone model is known.
    ``config`` is the configuration in force for the file (None: defaults).
    """

    path: str | None = None
    filename: str | None = None
    template: bool = False
    template_variables: frozenset[str] | None = None
    extra_known_keys: frozenset[str] = frozenset()
    model: Model | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    config: LintConfig | None = None

    @property
    def line_endings(self) -> str:
        """What fixes write: ``"keep"`` (the file's dominant ending), ``"lf"`` or ``"crlf"``."""
        return self.config.line_endings if self.config is not None else "keep"

    @property
    def catalog(self) -> Catalog:
        """The parameter catalog (loaded once per process)."""
        from cfgtool.catalog import load_catalog

        return load_catalog()

    def diagnostic(
        self,
        rule: Rule | ModuleType,
        node: Line | int,
        message: str,
        *,
        column: int = 1,
        end_column: int | None = None,
        severity: Severity | None = None,
        hint: str | None = None,
    ) -> Diagnostic:
        """Build a diagnostic of ``rule`` at ``node`` (or a 1-based line number)."""
        line = node if isinstance(node, int) else node.line
        return Diagnostic(
            code=rule.CODE if isinstance(rule, ModuleType) else rule.code,
            severity=severity or (rule.SEVERITY if isinstance(rule, ModuleType) else rule.severity),
            message=message,
            path=self.path,
            line=line,
            column=column,
            end_line=line,
            end_column=end_column,
            hint=hint,
        )

    def value_diagnostic(
        self,
        rule: Rule | ModuleType,
        entry: Entry,
        message: str,
        *,
        severity: Severity | None = None,
        hint: str | None = None,
    ) -> Diagnostic:
        """A diagnostic of ``rule`` that spans the value of ``entry``."""
        return self.diagnostic(
            rule,
            entry,
            message,
            column=entry.value_column,
            end_column=entry.value_end_column - 1,
            severity=severity,
            hint=hint,
        )


CheckFunction = Callable[[Document, LintContext], Iterable[Diagnostic]]
FixFunction = Callable[[Document, LintContext], Document]


@dataclass(frozen=True)
class Rule:
    """A registered rule: stable code, name, default severity, docs and its check."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    check: CheckFunction
    fix: FixFunction | None = None
    scope: str = "lint"  # "lint": every file; "model": only under `cfgtool validate`

    @property
    def fixable(self) -> bool:
        """Whether ``--fix`` can repair what this rule reports."""
        return self.fix is not None

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        """Build a rule from a rule module's constants and functions."""
        return cls(
            code=module.CODE,
            name=module.NAME,
            severity=module.SEVERITY,
            summary=module.SUMMARY,
            doc=(module.__doc__ or "").strip(),
            check=module.check,
            fix=getattr(module, "fix", None),
            scope=getattr(module, "SCOPE", "lint"),
        )
