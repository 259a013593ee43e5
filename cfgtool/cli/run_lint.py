"""What ``cfgtool lint`` does with its option values, without click.

The click command (:func:`cfgtool.cli.lint.lint`) gathers the options and calls
:func:`run_lint`; the console script calls it directly for ``cfgtool lint
FILE...`` (plain paths, no option), with every value at the default the click
command gives it (a test holds the two equal). So a pre-commit run imports no
click, and both paths write the same bytes and exit alike.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cfgtool.cli.values import read_stdin, split_codes
from cfgtool.inputs import read_inventory_columns
from cfgtool.linting.config import ConfigOverrides, ConfigResolver
from cfgtool.linting.engine import LintOptions, lint_paths
from cfgtool.reporters import write_report


def run_lint(
    paths: Sequence[str],
    *,
    output_format: str | None = None,
    color: str = "auto",
    strict: bool = False,
    firmware: int | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    exclude: Sequence[str] = (),
    fix: bool = False,
    diff: bool = False,
    show_secrets: bool = False,
    stdin_filename: str | None = None,
    template: bool = False,
    template_syntax: str | None = None,
    template_root: str | None = None,
    inventory: str | None = None,
    config_path: str | None = None,
    jobs: int = 0,
    quiet: bool = False,
) -> int:
    """Lint ``paths``, write the report to stdout (and stderr) and return the exit status.

    Each keyword is the value of the ``cfgtool lint`` option of that name (see its
    ``--help``), as click passes it.
    """
    overrides = ConfigOverrides(
        select=split_codes(select) if select else None,
        ignore=split_codes(ignore),
        firmware=firmware,
        exclude=tuple(exclude),
        template_syntax=template_syntax,
        template_root=os.path.abspath(template_root) if template_root else None,
    )
    options = LintOptions(
        fix=fix or diff,
        diff=diff,
        template=True if template else None,
        template_variables=read_inventory_columns(inventory) if inventory else None,
    )
    results = lint_paths(
        paths,
        resolver=ConfigResolver(config_path, overrides),
        options=options,
        jobs=jobs,
        stdin_filename=stdin_filename,
        stdin_data=read_stdin,
    )
    return write_report(
        results,
        output_format,
        color=color,
        strict=strict,
        quiet=quiet,
        diff=diff,
        stdout_is_data=fix and any(result.output is not None for result in results),
        show_secrets=show_secrets,
    )
