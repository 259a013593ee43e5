"""What a lint rule is, and what it is given.

Each rule is one module in :mod:`cfgtool.linting.rules` (yamllint style) that
defines ``CODE``, ``NAME``, ``SEVERITY``, ``SUMMARY``, optionally ``OWNS`` (the
kinds of problem it alone reports, see ``rules/_shared.py``), ``TRIGGERS`` (the
facts without which it finds nothing, see ``_facts.TRIGGERS``: the engine
skips it on a file that has none of them) and ``fix(doc, context)``, a module
docstring with a failing and a passing example, and
``check(doc, context) -> Iterable[Problem]``. The explicit registry in
``rules/__init__.py`` turns each module into a :class:`Rule`, whose
:meth:`Rule.check` stamps each problem with the rule's code and default severity
(as yamllint and sqlfluff do): a rule never names itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from cfgtool.catalog import Catalog, load_catalog
from cfgtool.diagnostics import Diagnostic, Severity
from cfgtool.nodes import Document, Entry, Line

if TYPE_CHECKING:
    from cfgtool.catalog import Model
    from cfgtool.linting.config import LintConfig
    from cfgtool.linting.rules._facts import Facts


class Problem:
    """What a rule finds: a message at a 1-based line and column, before the engine stamps it.

    ``severity`` None means the rule's default severity.
    """

    # A plain class, not a dataclass: every rule module import is start-up time.
    __slots__ = ("column", "end_column", "hint", "line", "message", "severity")

    def __init__(
        self,
        line: int,
        message: str,
        column: int = 1,
        end_column: int | None = None,
        severity: Severity | None = None,
        hint: str | None = None,
    ) -> None:
        self.line = line
        self.message = message
        self.column = column
        self.end_column = end_column
        self.severity = severity
        self.hint = hint

    def __repr__(self) -> str:
        return f"Problem({self.line}, {self.message!r}, column={self.column})"


@dataclass(frozen=True)
class LintContext:
    """Everything a rule may look at besides the document itself.

    ``path`` is the file as the user named it (used in diagnostics);
    ``filename`` its base name (file-name rules need it, also for stdin via
    ``--stdin-filename``). ``template`` is true when the file is a template
    (placeholders allowed); ``template_variables`` the inventory columns when
    known. ``model`` is set by ``validate`` when the phone model is known.
    ``firmware`` is the firmware generation the phones run when the user said
    so (``--firmware 84``, ``firmware = "84"``), else None (the knowledge rules
    then take the file's own firmware image, see ``rules/_knowledge.py``);
    ``firmware_image`` the generation of the image the phone's Common file
    names, which ``validate`` sets for the phone's other files.
    ``config`` is the configuration in force for the file (None: defaults).
    """

    path: str | None = None
    filename: str | None = None
    template: bool = False
    template_variables: frozenset[str] | None = None
    extra_known_keys: frozenset[str] = frozenset()
    model: Model | None = None
    firmware: int | None = None
    firmware_image: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    config: LintConfig | None = None
    # The document's shared facts, built once per file by the engine (see ``rules/_facts.facts``).
    facts: Facts | None = None

    def evolve(self, **changes: Any) -> LintContext:
        """``dataclasses.replace(self, **changes)`` at a fraction of the cost (see with_facts)."""
        unknown = changes.keys() - self.__dict__.keys()
        if unknown:
            raise TypeError(f"LintContext has no field {sorted(unknown)[0]!r}")
        copy = object.__new__(LintContext)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy

    def at(self, path: str | None, filename: str | None) -> LintContext:
        """This context for the file at ``path`` named ``filename`` (a copy; see with_facts)."""
        copy = object.__new__(LintContext)
        copy.__dict__.update(self.__dict__)
        copy.__dict__["path"] = path
        copy.__dict__["filename"] = filename
        return copy

    def with_facts(self, facts: Facts) -> LintContext:
        """This context for one document, carrying its shared facts."""
        # A copy of the fields, not dataclasses.replace: that re-runs __init__
        # (4 us), and the engine makes one per file.
        copy = object.__new__(LintContext)
        copy.__dict__.update(self.__dict__)
        copy.__dict__["facts"] = facts
        return copy

    @property
    def line_endings(self) -> str:
        """What fixes write: ``"keep"`` (the file's dominant ending), ``"lf"`` or ``"crlf"``."""
        return self.config.line_endings if self.config is not None else "keep"

    @property
    def catalog(self) -> Catalog:
        """The parameter catalog (loaded once per process)."""
        return load_catalog()

    def problem(
        self,
        node: Line | int,
        message: str,
        *,
        column: int = 1,
        end_column: int | None = None,
        severity: Severity | None = None,
        hint: str | None = None,
    ) -> Problem:
        """A problem at ``node`` (or a 1-based line number); ``severity`` None: the rule's own."""
        return Problem(
            node if isinstance(node, int) else node.line,
            message,
            column,
            end_column,
            severity,
            hint,
        )

    def value_problem(
        self,
        entry: Entry,
        message: str,
        *,
        severity: Severity | None = None,
        hint: str | None = None,
    ) -> Problem:
        """A problem that spans the value of ``entry``."""
        return Problem(
            entry.line,
            message,
            entry.value_column,
            entry.value_end_column - 1,
            severity,
            hint,
        )


CheckFunction = Callable[[Document, LintContext], Iterable[Problem]]
FixFunction = Callable[[Document, LintContext], Document]


# eq=False: a rule is its own identity, so tuples of rules hash and compare fast.
@dataclass(frozen=True, eq=False)
class Rule:
    """A registered rule: stable code, name, default severity, docs and its check.

    ``find`` is the rule module's ``check``; ``owns`` the kinds of problem only
    this rule reports (``OWNS``), so that one mistake gives one diagnostic;
    ``triggers`` the facts of a file without which it finds nothing (``TRIGGERS``;
    None: it looks at every file).
    """

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    find: CheckFunction
    fix: FixFunction | None = None
    scope: str = "lint"  # "lint": every file; "model": only under `cfgtool validate`
    owns: tuple[str, ...] = ()
    triggers: frozenset[str] | None = None

    @property
    def fixable(self) -> bool:
        """Whether ``--fix`` can repair what this rule reports."""
        return self.fix is not None

    def check(self, doc: Document, context: LintContext) -> list[Diagnostic]:
        """The rule's diagnostics for ``doc``, stamped with its code and default severity."""
        found: list[Diagnostic] = []
        for problem in self.find(doc, context):
            found.append(
                Diagnostic(
                    self.code,
                    problem.severity or self.severity,
                    problem.message,
                    context.path,
                    problem.line,
                    problem.column,
                    problem.line,
                    problem.end_column,
                    problem.hint,
                )
            )
        return found

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        """Build a rule from a rule module's constants and functions."""
        return cls(
            code=module.CODE,
            name=module.NAME,
            severity=module.SEVERITY,
            summary=module.SUMMARY,
            doc=(module.__doc__ or "").strip(),
            find=module.check,
            fix=getattr(module, "fix", None),
            scope=getattr(module, "SCOPE", "lint"),
            owns=tuple(getattr(module, "OWNS", ())),
            triggers=_triggers(getattr(module, "TRIGGERS", None)),
        )


def _triggers(names: Iterable[str] | None) -> frozenset[str] | None:
    return None if names is None else frozenset(names)
