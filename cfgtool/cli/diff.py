"""``cfgtool diff``: what will change on the phones, by setting, file and phone."""

from __future__ import annotations

import sys

import click

from cfgtool.cli.options import COLOR
from cfgtool.differ import diff_paths, text_lines, to_json, unified
from cfgtool.errors import EXIT_FINDINGS, EXIT_OK
from cfgtool.terminal import use_color


@click.command()
@click.argument("old", type=click.Path(allow_dash=True, readable=False))
@click.argument("new", type=click.Path(allow_dash=True, readable=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "unified"]),
    default="text",
    show_default=True,
    help="json: one array of {key, change, old, new} (+ path, mac, reboot); "
    "unified: a patch of normalised 'key = value' lines.",
)
@click.option("--show-secrets", is_flag=True, help="Show passwords, AES keys and URL credentials.")
@click.option(
    "--effective",
    is_flag=True,
    help="Trees: compare each phone's Common + MAC + MAC-local settings.",
)
@COLOR
def diff(
    old: str, new: str, output_format: str, show_secrets: bool, effective: bool, color: str
) -> None:
    """Compare the settings of OLD and NEW: two cfg files, or two provisioning trees.

    Order, spacing, comments, blank lines and overridden duplicates are ignored;
    each key's last value counts, as on the phone. Secrets show as ******.
    Trees are compared file by file (MD5, as phones do), with a summary of how
    many phones will re-provision and reboot; unlike `cfgtool lint DIR`, every
    file of a tree counts (firmware, XML, ring tones), hidden ones skipped.
    Exit 0 when nothing differs, 1 when something does, 2 on errors, like
    diff(1). Use - for stdin.

    \b
    Examples:
      cfgtool diff old/0015651130f9.cfg new/0015651130f9.cfg
      cfgtool diff /srv/tftp rendered/ --effective
      cfgtool diff /srv/tftp rendered/ --format json | jq '.[].path'
    """
    result = diff_paths(old, new, effective=effective, show_secrets=show_secrets)
    if output_format == "json":
        click.echo(to_json(result))
    elif output_format == "unified":
        click.echo(unified(result, show_secrets=show_secrets), nl=False)
    elif use_color(color, sys.stdout.isatty()):
        # lazy: rich is only needed for coloured output on a terminal
        from rich.console import Console
        from rich.text import Text

        console = Console(force_terminal=True, highlight=False, soft_wrap=True)
        for line in text_lines(result):
            console.print(Text.assemble(*line))
    else:
        for line in text_lines(result):
            click.echo("".join(text for text, _ in line))
    sys.exit(EXIT_FINDINGS if result.differs else EXIT_OK)
