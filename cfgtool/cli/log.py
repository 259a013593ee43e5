"""``cfgtool log FILE``: what each phone fetched, uploaded and failed, from a JSON access log."""

from __future__ import annotations

import json
import sys

import click

from cfgtool.accesslog import summarize_log, text_report
from cfgtool.cli.options import text_or_json
from cfgtool.filenames import normalize_mac


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, exists=True))
@click.option("--mac", metavar="MAC", help="Only this phone, in full (files, uploads, failures).")
@text_or_json()
def log(file: str, mac: str | None, output_format: str) -> None:
    """Summarise a JSON access log per phone, like cfgtool serve's status page.

    FILE is `cfgtool serve --log FILE` or the access log of the nginx
    configuration from `cfgtool deploy nginx` (- for stdin). Phones are
    known by the MAC in the file name or the User-Agent; model and firmware
    come from the User-Agent.

    \b
    Examples:
      cfgtool log /var/log/nginx/cfgtool.json
      cfgtool log serve.log --mac 00:15:65:11:30:f9
      cfgtool log serve.log --format json | jq '.phones[] | select(.failures != [])'
    """
    wanted = normalize_mac(mac) if mac else None
    if mac and wanted is None:
        raise click.BadParameter(f"{mac!r} is not a MAC address", param_hint="--mac")
    with click.open_file(file, encoding="utf-8", errors="replace") as stream:
        summary = summarize_log(stream)
    if wanted:
        summary.phones = [phone for phone in summary.phones if phone.mac == wanted]
    if output_format == "json" or wanted:
        data = summary.to_dict() if not wanted else [p.to_dict() for p in summary.phones]
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(text_report(summary))
    if summary.bad_lines:
        first = summary.bad_lines[0]
        click.echo(
            f"cfgtool log: {len(summary.bad_lines)} lines are not log records (first: line "
            f"{first})",
            err=True,
        )
    sys.stdout.flush()
