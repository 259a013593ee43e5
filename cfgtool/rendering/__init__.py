"""Per-phone files from a template and an inventory: strict, injection-proof, validated.

A **template** is a cfg file, parsed by the same grammar as every other file,
whose *values* may hold placeholders::

    #!version:1.0.0.1
    account.1.label = {{ label }}
    account.1.user_name = {{ ext }}
    account.1.sip_server.1.address = {{ pbx | default("pbx.example.com") }}
    # cfgtool: if=ext2
    account.2.enable = 1
    account.2.user_name = {{ ext2 }}
    # cfgtool: endif

- ``{{ name }}`` is replaced by the row's ``name`` cell, exactly as written. A
  name that is no column of the inventory is an error, never a blank.
- Filters, applied left to right: ``default("text")`` (used when the value is
  empty), ``lower`` and ``upper``. There are no others.
- ``# cfgtool: if=name`` … ``# cfgtool: endif`` keeps the lines between them
  only for rows whose ``name`` cell is not empty (a second account, say). The
  two directive lines never reach the output; blocks do not nest.
- Placeholders work in values only; comments are copied as they are.
- ``{{ mac }}`` is the normalised MAC (12 lowercase hex digits), ``{{ model }}``
  the row's model (its cell, else ``--model``).

An **inventory** is CSV (UTF-8, BOM tolerated, ``,`` or ``;``) with a header
row, a required ``mac`` column and an optional ``model`` column. A column whose
header contains a dot is a *key-column*: it sets that key for its row (an
empty cell keeps the template's line, ``%NULL%`` sets an empty value). Every
other column is a variable.

Values are never cleaned: a value with a line break or any other control
character, or one the format cannot hold as it is (surrounding spaces), rejects
its row, naming the file, row and column.

:func:`render_batch` plans every row (MAC, model, output path), renders it
through the AST, and lints each rendered file with every lint and model rule,
exactly as ``cfgtool validate`` would check the written file, before it writes
anything: one refused row stops the batch unless ``keep_going``. Files are
staged and committed together (a failure or Ctrl-C leaves the old ones as
they were), and not written at all when their bytes would not change.

Modules: :mod:`~cfgtool.rendering.template`, :mod:`~cfgtool.rendering.row`
(one row through the AST), :mod:`~cfgtool.rendering.fill` (rows as text from
per-group fixed parts, the batch's fast way), :mod:`~cfgtool.rendering.inventory`,
:mod:`~cfgtool.rendering.plan`, :mod:`~cfgtool.rendering.batch` (a whole
inventory), :mod:`~cfgtool.rendering.workers` (running its rows) and
:mod:`~cfgtool.rendering.output` (the output directory, the manifest). Their names are
importable from here and load on first use, so that lint's CFG501 (which
needs only the template scanner) stays fast. :func:`render_batch` lints each
rendered file, so its home is :mod:`cfgtool.runners.render_batch`, above the
lint engine; it is importable from here by name as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cfgtool._lazy import homes, lazy_getattr

if TYPE_CHECKING:
    from cfgtool.rendering.batch import FilledRowValidator as FilledRowValidator
    from cfgtool.rendering.batch import RowValidator as RowValidator
    from cfgtool.rendering.batch import ValidatorFactory as ValidatorFactory
    from cfgtool.rendering.batch import render_inventory as render_inventory
    from cfgtool.rendering.inventory import Inventory as Inventory
    from cfgtool.rendering.inventory import InventoryRow as InventoryRow
    from cfgtool.rendering.inventory import parse_inventory as parse_inventory
    from cfgtool.rendering.inventory import read_inventory as read_inventory
    from cfgtool.rendering.results import BatchResult as BatchResult
    from cfgtool.rendering.results import Phone as Phone
    from cfgtool.rendering.row import render as render
    from cfgtool.rendering.template import FILTERS as FILTERS
    from cfgtool.rendering.template import MAC_COLUMN as MAC_COLUMN
    from cfgtool.rendering.template import MODEL_COLUMN as MODEL_COLUMN
    from cfgtool.rendering.template import NULL_CELL as NULL_CELL
    from cfgtool.rendering.template import Filter as Filter
    from cfgtool.rendering.template import Layout as Layout
    from cfgtool.rendering.template import Placeholder as Placeholder
    from cfgtool.rendering.template import ProgressCallback as ProgressCallback
    from cfgtool.rendering.template import RenderError as RenderError
    from cfgtool.rendering.template import RowProblem as RowProblem
    from cfgtool.rendering.template import Status as Status
    from cfgtool.rendering.template import Template as Template
    from cfgtool.rendering.template import TemplateError as TemplateError
    from cfgtool.rendering.template import TemplateProblem as TemplateProblem
    from cfgtool.rendering.template import compile_template as compile_template
    from cfgtool.rendering.template import template_placeholders as template_placeholders
    from cfgtool.rendering.template import template_problems as template_problems

_HOMES: dict[str, str] = {
    **homes(
        "cfgtool.rendering.template",
        (
            "FILTERS",
            "NULL_CELL",
            "MAC_COLUMN",
            "MODEL_COLUMN",
            "Filter",
            "Placeholder",
            "Template",
            "TemplateProblem",
            "RowProblem",
            "TemplateError",
            "RenderError",
            "compile_template",
            "template_placeholders",
            "template_problems",
        ),
    ),
    **homes("cfgtool.rendering.template", ("Layout", "ProgressCallback", "Status")),
    **homes("cfgtool.rendering.row", ("render",)),
    **homes("cfgtool.rendering.results", ("BatchResult", "Phone")),
    **homes(
        "cfgtool.rendering.inventory",
        ("Inventory", "InventoryRow", "parse_inventory", "read_inventory"),
    ),
    **homes(
        "cfgtool.rendering.batch",
        ("FilledRowValidator", "RowValidator", "ValidatorFactory", "render_inventory"),
    ),
    **homes(
        "cfgtool.runners.render_batch", ("RenderedFileValidator", "render_batch", "render_files")
    ),
}

__getattr__ = lazy_getattr(__name__, _HOMES)
__all__ = sorted(_HOMES)
