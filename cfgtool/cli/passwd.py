"""``cfgtool passwd``: add a user to an htpasswd (bcrypt) or htdigest file for ``serve``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cfgtool.server.passwd import set_password


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.argument("user")
@click.option(
    "--digest", is_flag=True, help="Write an htdigest line (user:realm:HA1) for HTTP Digest."
)
@click.option("--realm", help="Realm of the --digest line (what phones see in the challenge).")
@click.option(
    "--keep", is_flag=True, help="Keep the user's other lines (both passwords work: a rotation)."
)
def passwd(file: str, user: str, digest: bool, realm: str | None, keep: bool) -> None:
    """Set USER's password in FILE (created 0600) for `cfgtool serve --auth DIR=FILE`.

    The password is read from standard input when it is not a terminal (one
    line), else asked twice. Without --digest the line is a bcrypt hash
    (htpasswd, as nginx and Apache read it; HTTP Basic and FTP); with --digest
    --realm R it is Apache's htdigest user:R:HA1 (HTTP Digest, Basic, FTP).

    \b
    Examples:
      cfgtool passwd T23G_1.htpasswd t23g
      printf '%s\\n' "$PW" | cfgtool passwd T23G_1.htdigest t23g --digest --realm cfgtool
    """
    if digest and not realm:
        raise click.UsageError("--digest needs --realm R")
    if realm and not digest:
        raise click.UsageError("--realm goes with --digest")
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    action = set_password(Path(file), user, password, realm=realm if digest else None, keep=keep)
    click.echo(f"{file}: {action} {user}", err=True)
