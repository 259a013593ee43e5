"""One entry point: a template's text (or file) → its :class:`TemplateStructure`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePath
from typing import Literal

from cfgtool.errors import CfgDecodeError
from cfgtool.reading import read_bytes
from cfgtool.templating.detect import detect_dialect
from cfgtool.templating.fastlines import line_structure
from cfgtool.templating.jinja import parse_jinja_family
from cfgtool.templating.model import Dialect, TemplateStructure
from cfgtool.templating.mustache import parse_mustache
from cfgtool.templating.native import parse_native
from cfgtool.templating.smarty import parse_smarty

DialectChoice = Dialect | Literal["auto"]

_PARSERS: dict[Dialect, Callable[[str, str], TemplateStructure]] = {
    "cfgtool": parse_native,
    "smarty": parse_smarty,
    "jinja": lambda text, origin: parse_jinja_family(text, "jinja", origin),
    "twig": lambda text, origin: parse_jinja_family(text, "twig", origin),
    "mustache": parse_mustache,
}


def parse_template(
    text: str,
    dialect: DialectChoice = "auto",
    path: str | PurePath | None = None,
    *,
    fast: bool = True,
) -> TemplateStructure:
    """The output lines, references and problems of the template ``text``.

    ``dialect="auto"`` picks it by ``path``'s extension and by content
    (:func:`~cfgtool.templating.detect.detect_dialect`). ``path`` also becomes
    the ``origin`` of every line. A template whose tags each stand on a line of
    their own is read a line at a time (:mod:`.fastlines`), to the same result;
    ``fast=False`` always takes the general path (tree, then flattening).
    """
    chosen: Dialect = detect_dialect(path, text) if dialect == "auto" else dialect
    source, origin = text.removeprefix("\ufeff"), str(path) if path is not None else ""
    structure = line_structure(source, chosen, origin) if fast else None
    if structure is None:
        structure = _PARSERS[chosen](source, origin)
    ordered = tuple(sorted(structure.problems, key=lambda p: (p.line, p.column)))
    return replace(structure, problems=ordered)


def load_template(path: str | Path, dialect: DialectChoice = "auto") -> TemplateStructure:
    """:func:`parse_template` on the UTF-8 file at ``path``."""
    data = read_bytes(Path(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"{path}: not UTF-8 text (byte {error.start}); save the template as UTF-8"
        raise CfgDecodeError(message, path=str(path), offset=error.start) from error
    return parse_template(text, dialect, path)
