"""``{% extends %}``: a child template's output as its base renders it.

A child that extends a base writes the base's lines, with each block the
child defines put in place of the base's block of that name (the child's
lines outside blocks are not output). A line ``{{ super() }}`` in a child block
stands for the base's lines of that block. Bases may extend further bases.
"""

from __future__ import annotations

from pathlib import Path

from cfgtool.templating.model import OutputLine, Problem, Reference, TemplateStructure
from cfgtool.templating.parse import DialectChoice, load_template

MAX_DEPTH = 16
_SUPER = ("{{ super() }}", "{{super()}}", "{% parent() %}")


def resolve_template(
    path: str | Path, root: str | Path, dialect: DialectChoice = "auto"
) -> TemplateStructure:
    """The template at ``path`` as its bases (looked up under ``root``) render it."""
    return _resolve(Path(path), Path(root), dialect, ())


def _resolve(
    path: Path, root: Path, dialect: DialectChoice, seen: tuple[Path, ...]
) -> TemplateStructure:
    child = load_template(path, dialect)
    target = child.extends
    if target is None:
        return child
    reference = next(r for r in child.references if r.kind == "extends")
    base_path = root / target
    problem = _lookup_problem(base_path, reference, seen, path)
    if problem is not None:
        return TemplateStructure(
            child.dialect, child.lines, child.references, (*child.problems, problem), child.origin
        )
    base = _resolve(base_path, root, dialect, (*seen, path))
    return TemplateStructure(
        child.dialect,
        merge_blocks(base, child),
        child.references,
        (*child.problems, *base.problems),
        child.origin,
        (*child.macros, *base.macros),
    )


def _lookup_problem(
    base_path: Path, reference: Reference, seen: tuple[Path, ...], path: Path
) -> Problem | None:
    if len(seen) >= MAX_DEPTH or base_path in (*seen, path):
        return Problem(reference.line, reference.column, f"'{reference.target}' extends itself")
    if not base_path.is_file():
        return Problem(
            reference.line,
            reference.column,
            f"the base template '{reference.target}' is not in {base_path.parent}",
        )
    return None


def merge_blocks(base: TemplateStructure, child: TemplateStructure) -> tuple[OutputLine, ...]:
    """The base's lines with each block the child defines replaced by the child's lines."""
    overrides: dict[str, list[OutputLine]] = {}
    for line in child.lines:
        if line.blocks:
            overrides.setdefault(line.blocks[0], []).append(line)
    for reference in child.references:
        if reference.kind == "block":
            overrides.setdefault(reference.target, [])
    block_lines = {r.target: r.line for r in base.references if r.kind == "block"}
    inserted: set[str] = set()
    merged: list[OutputLine] = []

    def insert(name: str) -> None:
        inserted.add(name)
        own = [line for line in base.lines if name in line.blocks]
        for line in overrides[name]:
            merged.extend(own if line.text.strip() in _SUPER else [line])

    for line in base.lines:
        for name, start in block_lines.items():
            if name in overrides and name not in inserted and start <= line.line:
                insert(name)
        if not any(name in overrides for name in line.blocks):
            merged.append(line)
    for name in block_lines:
        if name in overrides and name not in inserted:
            insert(name)
    return tuple(merged)
