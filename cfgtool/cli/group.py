"""The ``cfgtool`` command line: a click group whose subcommands load lazily.

Each subcommand lives in its own module and only gathers options before calling
the library, so ``cfgtool lint FILE`` imports the lint path and nothing else.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from cfgtool._version import __version__
from cfgtool.cli.failures import reported_failures
from cfgtool.reading import DEFAULT_MAX_FILE_SIZE, MAX_FILE_SIZE_ENV, parse_size, set_max_file_size

COMMANDS: dict[str, str] = {
    "parse": "cfgtool.cli.parse:parse",
    "lint": "cfgtool.cli.lint:lint",
    "rules": "cfgtool.cli.lint:rules",
    "fmt": "cfgtool.cli.lint:fmt",
    "encrypt": "cfgtool.cli.crypto:encrypt",
    "decrypt": "cfgtool.cli.crypto:decrypt",
    "diff": "cfgtool.cli.diff:diff",
    "render": "cfgtool.cli.render:render",
    "models": "cfgtool.cli.catalog:models",
    "explain": "cfgtool.cli.catalog:explain",
    "validate": "cfgtool.cli.validate:validate",
    "effective": "cfgtool.cli.validate:effective",
    "url": "cfgtool.cli.validate:url",
    # point, trigger and deploy (issue 14)
    "dhcp": "cfgtool.cli.dhcp:dhcp",
    "notify": "cfgtool.cli.notify:notify",
    "pnp": "cfgtool.cli.pnp:pnp",
    "deploy": "cfgtool.cli.deploy:deploy",
    "log": "cfgtool.cli.log:log",
    "phone": "cfgtool.cli.phone:phone",
    "serve": "cfgtool.cli.serve:serve",
    "passwd": "cfgtool.cli.passwd:passwd",
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        with reported_failures(lambda: ctx.invoked_subcommand):
            return super().invoke(ctx)


def _max_file_size(value: str | None) -> None:
    if value is None:
        return
    try:
        set_max_file_size(parse_size(value))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--max-file-size") from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="cfgtool")
@click.option(
    "--max-file-size",
    metavar="SIZE",
    envvar=MAX_FILE_SIZE_ENV,
    callback=lambda ctx, param, value: _max_file_size(value),
    expose_value=False,
    is_eager=True,
    help=f"Refuse any input file (or stdin) larger than this (64M, 512k, bytes)"
    f" [default: {DEFAULT_MAX_FILE_SIZE // 2**20}M; env {MAX_FILE_SIZE_ENV}].",
)
def main() -> None:
    """Lint, validate, render, diff, encrypt and serve Yealink provisioning files.

    \b
    serve, phone and passwd need the serve extra: pip install 'cfgtool[serve]'.

    \b
    Exit codes: 0 clean, 1 findings (or differences), 2 usage or I/O error.
    Only regular files are read (never a FIFO or device), each at most
    --max-file-size bytes; anything else is a one-line error, exit 2.
    Run `cfgtool COMMAND --help` for each command's options and examples.
    """
