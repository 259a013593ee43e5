"""``cfgtool render``: one ``<mac>.cfg`` per inventory row, from a template."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

import click

from cfgtool.cli.output import progress_bar
from cfgtool.errors import EXIT_FINDINGS, EXIT_OK
from cfgtool.rendering import BatchResult, RowProblem
from cfgtool.runners.render_batch import render_files

SHOWN_PROBLEMS = 50


@click.command()
@click.argument("template", type=click.Path(dir_okay=False, readable=False))
@click.option(
    "--inventory",
    required=True,
    type=click.Path(dir_okay=False, readable=False),
    help="CSV with a header row: mac (required), model, variables, key-columns.",
)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output directory."
)
@click.option(
    "--layout",
    type=click.Choice(["flat", "pn"]),
    default="flat",
    show_default=True,
    help="flat: DIR/<mac>.cfg; pn: DIR/<model's $PN name>/<mac>.cfg.",
)
@click.option("--model", help="Model of the rows whose model cell is empty (or with no column).")
@click.option("--jobs", type=click.IntRange(min=0), default=0, help="Processes (0: one per CPU).")
@click.option("--dry-run", is_flag=True, help="Render and validate; write nothing.")
@click.option("--keep-going", is_flag=True, help="Write the good rows even if some rows fail.")
@click.option("--prune", is_flag=True, help="Delete stale <mac>.cfg files (no longer produced).")
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False, readable=False),
    help="Write mac → file, model, md5.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one summary object (counts, problems, files with md5) on stdout.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary table.")
def render(
    template: str,
    inventory: str,
    out_dir: str,
    layout: str,
    model: str | None,
    jobs: int,
    dry_run: bool,
    keep_going: bool,
    prune: bool,
    manifest: str | None,
    output_format: str,
    quiet: bool,
) -> None:
    """Render TEMPLATE once per row of the inventory into DIR/<mac>.cfg.

    Values are placeholders {{ column }} (filters: default("x"), lower, upper);
    a column whose header has a dot sets that key (empty: keep, %NULL%: empty);
    '# cfgtool: if=column' ... '# cfgtool: endif' keeps lines only where the
    cell is not empty. Every file is linted before anything is written; a row
    with a bad MAC, a duplicate MAC, a line break or control character, or a
    lint error stops the batch (with --keep-going only that row). Unchanged
    files are not rewritten. Exit 0 all rendered, 1 rows refused, 2 errors.

    \b
    Examples:
      cfgtool render phones.cfg.tmpl --inventory phones.csv --out tftp/
      cfgtool render phones.cfg.tmpl --inventory phones.csv --out tftp/ \\
          --layout pn --manifest tftp/manifest.json --prune
    """
    with progress_bar(enabled=not quiet) as progress:
        result = render_files(
            template,
            inventory,
            out_dir,
            layout=layout,
            model=model,
            jobs=jobs,
            dry_run=dry_run,
            keep_going=keep_going,
            prune=prune,
            manifest=manifest,
            progress=progress,
        )
    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_text(result, quiet)
    sys.exit(EXIT_FINDINGS if result.problems else EXIT_OK)


def _print_text(result: BatchResult, quiet: bool) -> None:
    _print_grouped(result.problems, "problems", "")
    _print_grouped(result.warnings, "warnings", "warning: ")
    if not quiet:
        _table(result)
    for name in result.stale:
        click.echo(f"stale: {name}{' (deleted)' if name in result.pruned else ''}")
    verb = "would write" if result.dry_run else "written"
    line = (
        f"{result.written_count} {verb}, {result.unchanged_count} unchanged, "
        f"{len(result.failed_rows)} rows failed, {len(result.stale)} stale"
    )
    if result.wrote_nothing:
        line += " — nothing was written (fix the rows above, or use --keep-going)"
    click.echo(line)


def _print_grouped(found: Sequence[RowProblem], what: str, prefix: str) -> None:
    # The same problem on many rows (a template line every phone fails) prints once, with
    # the number of the others and the first few of their rows.
    groups: dict[tuple[object, ...], tuple[RowProblem, list[int], list[int]]] = {}
    for problem in found:
        key = (problem.code, problem.column, problem.column_name, problem.message)
        group = groups.get(key)
        if group is None:
            groups[key] = (problem, [0], [])
            continue
        _, others, rows = group
        others[0] += 1
        if len(rows) < 5:
            rows.append(problem.row)
    for first, (more,), rows in list(groups.values())[:SHOWN_PROBLEMS]:
        listed = ", ".join(str(row) for row in rows) + (", ..." if more > 5 else "")
        line = prefix + str(first) + (f" [and {more} more rows: {listed}]" if more else "")
        click.echo(line)
    hidden = len(groups) - SHOWN_PROBLEMS
    if hidden > 0:
        click.echo(f"... and {hidden} more {what} (--format json lists them all)")


def _table(result: BatchResult) -> None:
    # lazy: rich is only needed for the summary table
    from rich.console import Console
    from rich.table import Table

    table = Table(title="cfgtool render", show_header=True)
    table.add_column("files in " + result.out_dir)
    table.add_column("count", justify="right")
    rows = [
        ("inventory rows", result.rows),
        ("would write" if result.dry_run else "written", result.written_count),
        ("unchanged (not rewritten)", result.unchanged_count),
        ("rows failed", len(result.failed_rows)),
        ("stale", len(result.stale)),
        ("pruned", len(result.pruned)),
    ]
    for label, count in rows:
        table.add_row(label, str(count))
    Console(highlight=False).print(table)
