"""``cfgtool validate``, ``cfgtool effective`` and ``cfgtool url``: files as phones see them."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import click

from cfgtool.cli.options import (
    COLOR,
    CONFIG,
    EXCLUDE,
    FIRMWARE,
    IGNORE,
    PATHS,
    REPORT_FORMAT,
    SELECT,
    STDIN_FILENAME,
    STRICT,
    text_or_json,
)
from cfgtool.cli.output import format_table
from cfgtool.cli.values import read_stdin, split_codes
from cfgtool.linting.config import ConfigOverrides, ConfigResolver
from cfgtool.masking import mask_url_credentials, mask_value
from cfgtool.provisioning import effective as merge
from cfgtool.provisioning import expand_url, phone_files, require_model
from cfgtool.reporters import default_format, write_report
from cfgtool.runners.validate import validate_paths

if TYPE_CHECKING:
    from cfgtool.runners.validate import DirectorySummary

MODEL = click.option(
    "--model", metavar="MODEL", help="Phone model of every file (T46G, SIP-T46G, t46g…)."
)
JSON_OR_TEXT = text_or_json()


@click.command()
@PATHS
@MODEL
@click.option(
    "--server-url",
    metavar="URL",
    help="The URL phones provision from (the tree's root): resource URLs under it must "
    "point to files in the tree.",
)
@REPORT_FORMAT
@COLOR
@STRICT
@FIRMWARE
@SELECT
@IGNORE
@EXCLUDE
@STDIN_FILENAME
@CONFIG
@click.option(
    "--jobs", "-j", type=click.IntRange(min=0), default=0, help="Processes (0: one per CPU)."
)
@click.option("--quiet", "-q", is_flag=True, help="No summary line and no directory table.")
def validate(
    paths: tuple[str, ...],
    model: str | None,
    server_url: str | None,
    output_format: str | None,
    color: str,
    strict: bool,
    firmware: int | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    stdin_filename: str | None,
    config_path: str | None,
    jobs: int,
    quiet: bool,
) -> None:
    """Check files and provisioning trees the way phones read them.

    Every lint rule, plus the model rules (CFG301-CFG307: file names, account
    numbers, firmware, provisioning URLs, activation codes, ranges) and, for a
    DIRECTORY, the tree rules (CFG308-CFG312: missing Common files, duplicate
    phones, orphan MAC-local files, missing resource files, ring tones). The
    model comes from --model, else the Common file name, else the Common file
    next to a MAC file, else a directory named after a model ($PN layout),
    else a `# cfgtool: model=T46G` comment. Configuration, suppressions,
    formats and exit codes are lint's; the per-directory table goes to stderr.

    \b
    Exit codes: 0 clean or only warnings, 1 errors (warnings too with
    --strict), 2 usage, configuration or I/O error.

    \b
    Examples:
      cfgtool validate /srv/tftp
      cfgtool validate /srv/tftp --server-url tftp://192.168.1.100/
      cfgtool validate --model T42G 0015651130f9.cfg
      cfgtool validate --format json /srv/tftp | jq '.[].code'
    """
    overrides = ConfigOverrides(
        select=split_codes(select) if select else None,
        ignore=split_codes(ignore),
        firmware=firmware,
        exclude=exclude,
    )
    validation = validate_paths(
        paths,
        model=model,
        server_url=server_url,
        resolver=ConfigResolver(config_path, overrides),
        jobs=jobs,
        stdin_filename=stdin_filename,
        stdin_data=read_stdin,
    )
    status = write_report(
        validation.results, output_format, color=color, strict=strict, quiet=quiet
    )
    if validation.directories and not quiet and (output_format or default_format()) == "text":
        click.echo(directory_table(validation.directories), err=True)
    sys.exit(status)


def directory_table(rows: Sequence[DirectorySummary]) -> str:
    """The per-directory summary: directory, model, Common file(s), phones, errors."""
    header = ("DIRECTORY", "MODEL", "COMMON FILE", "PHONES", "ERRORS")
    table = [header] + [
        (
            row.directory,
            row.model or "-",
            ", ".join(row.common_files) or "-",
            str(row.phones),
            str(row.errors),
        )
        for row in rows
    ]
    return format_table(table)


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, readable=False))
@click.option("--mac", metavar="MAC", help="The phone, with DIRECTORY (any MAC spelling).")
@click.option(
    "--common",
    multiple=True,
    type=click.Path(dir_okay=False, readable=False),
    help="A Common file (repeatable, applied in order).",
)
@click.option("--mac-file", type=click.Path(dir_okay=False, readable=False), help="The MAC file.")
@click.option(
    "--local", type=click.Path(dir_okay=False, readable=False), help="The MAC-local file."
)
@JSON_OR_TEXT
@click.option("--show-secrets", is_flag=True, help="Print passwords and keys unmasked.")
def effective(
    directory: str | None,
    mac: str | None,
    common: tuple[str, ...],
    mac_file: str | None,
    local: str | None,
    output_format: str,
    show_secrets: bool,
) -> None:
    """Print the settings a phone ends up with, and the file and line each comes from.

    The phone applies its Common file(s), then its MAC file, then its MAC-local
    file; the last value of a key wins. Give a provisioning DIRECTORY and
    --mac, or the files with --common/--mac-file/--local. Secrets are masked
    unless --show-secrets.

    \b
    Examples:
      cfgtool effective /srv/tftp --mac 00:15:65:11:30:F9
      cfgtool effective --common y000000000028.cfg --mac-file 0015651130f9.cfg
      cfgtool effective /srv/tftp --mac 0015651130f9 --format json | jq '."lang.gui"'
    """
    if directory is not None:
        if mac is None or common or mac_file or local:
            raise click.UsageError("give DIRECTORY with --mac, or --common/--mac-file/--local")
        phone = phone_files(directory, mac)
        commons: tuple[str, ...] = phone.commons
        mac_file, local = phone.mac_file, phone.local_file
    elif mac is not None or not (common or mac_file or local):
        raise click.UsageError("give DIRECTORY with --mac, or --common/--mac-file/--local")
    else:
        commons = common
    settings = merge(list(commons), mac_file, local)
    shown = {
        key: setting.to_dict()
        | {"value": setting.value if show_secrets else mask_value(key, setting.value)}
        for key, setting in settings.items()
    }
    if output_format == "json":
        click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
        return
    files = [*commons, *(path for path in (mac_file, local) if path)]
    click.echo(f"Reads, in order: {', '.join(files)}", err=True)
    for key, item in shown.items():
        click.echo(f"{item['file']}:{item['line']}: {key} = {item['value']}")


@click.command()
@click.argument("url")
@click.option("--model", required=True, metavar="MODEL", help="The phone model (T42G…).")
@click.option("--mac", required=True, metavar="MAC", help="The phone's MAC (any spelling).")
@click.option(
    "--pn",
    metavar="NAME",
    help="What $PN becomes, when the phone's static.auto_provision.url_wildcard.pn is set.",
)
@JSON_OR_TEXT
@click.option("--show-secrets", is_flag=True, help="Print URL user names and passwords.")
def url(
    url: str, model: str, mac: str, pn: str | None, output_format: str, show_secrets: bool
) -> None:
    """Print the URLs a phone requests for the provisioning URL URL.

    $PN becomes the model's directory name (T42G for a SIP-T42G), $MAC the
    MAC in lower case. A URL naming a directory gives the model's Common file
    and then <mac>.cfg in it. Quote the URL so the shell leaves $PN alone.
    A user name and password in the URL are shown as ****** unless
    --show-secrets.

    \b
    Examples:
      cfgtool url 'tftp://192.168.1.100/$PN/' --model T42G --mac 00156543EC97
      cfgtool url 'https://prov.example.com/$PN/$MAC.cfg' --model T46G --mac 0015651130f9
    """
    phone_model = require_model(model)
    requested = expand_url(url, phone_model, mac, pn=pn, model_spelling=model)
    if not show_secrets:
        requested = [replace(item, url=mask_url_credentials(item.url)) for item in requested]
    if output_format == "json":
        click.echo(json.dumps([item.to_dict() for item in requested], indent=2))
    else:
        for item in requested:
            click.echo(item.url)
    if phone_model.common_file is None and any(item.kind == "mac" for item in requested):
        click.echo(
            f"cfgtool: note: the Common file of the {phone_model.name} is not known; "
            "only the MAC file is listed",
            err=True,
        )
