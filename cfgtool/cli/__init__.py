"""The ``cfgtool`` command line: a click group whose subcommands load lazily.

Each subcommand lives in its own module and only gathers options before calling
the library, so ``cfgtool lint FILE`` imports the lint path and nothing else.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from cfgtool._version import __version__
from cfgtool.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERRUPTED, CfgError
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

# Third-party modules that come with an extra, not with `pip install cfgtool`.
OPTIONAL_MODULES: dict[str, str] = {
    "aiohttp": "serve",
    "tftpy": "serve",
    "pyftpdlib": "serve",
    "bcrypt": "serve",
    "jinja2": "templates",
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
        try:
            return super().invoke(ctx)
        except CfgError as exc:
            fail(str(exc))
        except ModuleNotFoundError as exc:
            extra = OPTIONAL_MODULES.get((exc.name or "").partition(".")[0])
            if extra is None:
                raise
            command = ctx.invoked_subcommand or "this command"
            fail(
                f"cfgtool {command} needs {exc.name}, which comes with the {extra!r} extra:"
                f" pip install 'cfgtool[{extra}]'"
            )
        except KeyboardInterrupt:
            # The command has removed its temp files on the way out: every file is old or new.
            click.echo("cfgtool: interrupted; every file is as it was or wholly new", err=True)
            raise SystemExit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # The reader went away (`cfgtool ... | head`): stop quietly, like other Unix tools.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(EXIT_FINDINGS) from None
        except OSError as exc:
            fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))


def _max_file_size(value: str | None) -> None:
    if value is None:
        return
    try:
        set_max_file_size(parse_size(value))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--max-file-size") from None


def fail(message: str, code: int = EXIT_ERROR) -> None:
    """Print one ``cfgtool: error:`` line to stderr and exit (2 by default)."""
    click.echo(f"cfgtool: error: {message}", err=True)
    raise SystemExit(code)


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
