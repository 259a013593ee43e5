"""``cfgtool serve``: gather options, build a :class:`~cfgtool.server.config.ServeConfig`, run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from cfgtool.errors import CfgIOError
from cfgtool.server.app import ProvisioningServer, run
from cfgtool.server.config import build_config, read_serve_table

ADDRESS = "HOST:PORT"


@click.command()
@click.argument("root", required=False, type=click.Path(file_okay=False))
@click.option(
    "--http",
    metavar=ADDRESS,
    help="HTTP address [default: 127.0.0.1:8080 when no protocol is given].",
)
@click.option("--https", metavar=ADDRESS, help="HTTPS address (needs --tls-cert and --tls-key).")
@click.option(
    "--tls-cert",
    metavar="PEM",
    type=click.Path(dir_okay=False),
    help="Certificate chain for HTTPS.",
)
@click.option(
    "--tls-key", metavar="PEM", type=click.Path(dir_okay=False), help="Private key for HTTPS."
)
@click.option("--tftp", metavar=ADDRESS, help="TFTP address (reads and uploads; no credentials).")
@click.option(
    "--ftp", metavar=ADDRESS, help="FTP address (anonymous, or --auth users jailed to DIR)."
)
@click.option(
    "--auth",
    multiple=True,
    metavar="DIR=FILE",
    help="Protect ROOT/DIR with an htpasswd (bcrypt) or htdigest FILE; repeatable.",
)
@click.option(
    "--uploads",
    type=click.Path(file_okay=False),
    help="Directory for phone uploads (created if missing) [default: next to the phone's files].",
)
@click.option(
    "--max-upload",
    type=click.IntRange(min=1),
    metavar="BYTES",
    help="Largest upload [default: 1048576].",
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False),
    help="Render <mac>.cfg on request from this template ...",
)
@click.option(
    "--inventory",
    type=click.Path(dir_okay=False),
    help="... and this inventory (re-read when it changes).",
)
@click.option("--model", help="Model of inventory rows without one (as for cfgtool render).")
@click.option(
    "--keys",
    type=click.Path(dir_okay=False),
    help="keys.csv from cfgtool encrypt: serve files AES-encrypted.",
)
@click.option(
    "--log", type=click.Path(dir_okay=False), help="Append one JSON line per request to this file."
)
@click.option(
    "--allow", multiple=True, metavar="CIDR", help="Only these clients (checked first); repeatable."
)
@click.option(
    "--status-auth",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="htpasswd/htdigest users for /_cfgtool/ [default: loopback only].",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Also show debug lines (boot-file probes, status page)."
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No line per request on the terminal (the --log file still has them).",
)
def serve(root: str | None, verbose: bool, quiet: bool, **options: Any) -> None:
    """Serve ROOT to phones over HTTP, HTTPS, TFTP and FTP: a provisioning server.

    Phones get the files as they are on disk (no listing, text/plain, ETag),
    <mac>.cfg rendered on request with --template/--inventory (the bytes
    cfgtool render writes), encrypted with --keys. They may upload only
    <mac>-local.cfg and <mac>-contact.xml; each upload is written atomically,
    the previous version kept as NAME.<time>.bak, a -local.cfg linted. Every
    request is one line on the terminal and, with --log, one JSON line: time,
    client, protocol, path, status, bytes, MD5, MAC, model, firmware, user.
    Per-phone status: /_cfgtool/ (HTML) and /_cfgtool/status (JSON).

    Only HTTP on 127.0.0.1:8080 unless told otherwise: listening on other
    addresses is your choice (--http 0.0.0.0:80). The same options can be set
    in [tool.cfgtool.serve] (pyproject.toml) or [serve] (.cfgtool.toml).
    Ctrl-C stops.

    \b
    Examples:
      cfgtool serve tftp/
      cfgtool serve tftp/ --http 0.0.0.0:8080 --tftp 0.0.0.0:69 --allow 10.0.0.0/8
      cfgtool passwd T23G_1.htdigest t23g --digest --realm cfgtool
      cfgtool serve tftp/ --auth T23G_1=T23G_1.htdigest --log serve.jsonl
      cfgtool serve tftp/ --template phones.cfg.tmpl --inventory phones.csv --keys keys.csv
      cfgtool serve tftp/ --https 0.0.0.0:443 --tls-cert cert.pem --tls-key key.pem
    """
    table, found = read_serve_table(Path.cwd())
    options["root"] = root
    config = build_config(
        {key.replace("_", "-"): value for key, value in options.items()},
        table,
        found.parent if found else Path.cwd(),
    )
    echo = None if quiet else _echo
    server = ProvisioningServer(config, echo=echo, verbose=verbose)
    try:
        run(server, on_ready=_print_lines)
    except OSError as exc:
        raise CfgIOError(f"cannot listen: {exc.strerror or exc}") from None
    _echo("cfgtool serve: stopped")


def _print_lines(lines: list[str]) -> None:
    for line in lines:
        _echo(line)


def _echo(line: str) -> None:
    click.echo(line, err=False)
    sys.stdout.flush()
