"""How a command's failure reaches the user: one ``cfgtool: error:`` line and an exit code.

The click group (:mod:`cfgtool.cli.group`) and the plain ``cfgtool lint FILE``
path of the console script (:mod:`cfgtool.cli.console`) both run their command
inside :func:`reported_failures`, so an error reads and exits alike on both.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

from cfgtool.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERRUPTED, CfgError

# Third-party modules that come with an extra, not with `pip install cfgtool`.
OPTIONAL_MODULES: dict[str, str] = {
    "aiohttp": "serve",
    "tftpy": "serve",
    "pyftpdlib": "serve",
    "bcrypt": "serve",
    "jinja2": "templates",
}


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print one ``cfgtool: error:`` line to stderr and exit (2 by default)."""
    _echo_err(f"cfgtool: error: {message}")
    raise SystemExit(code)


def _echo_err(line: str) -> None:
    # click only on this rare path, to write the line as every command writes its output;
    # the plain `cfgtool lint FILE` path imports no click otherwise.
    import click

    click.echo(line, err=True)


@contextmanager
def reported_failures(command: Callable[[], str | None]) -> Iterator[None]:
    """Turn what a command raises into a one-line message and its exit code.

    ``command`` names the command running (read only when a missing extra is reported).
    """
    try:
        yield
    except CfgError as exc:
        fail(str(exc))
    except ModuleNotFoundError as exc:
        extra = OPTIONAL_MODULES.get((exc.name or "").partition(".")[0])
        if extra is None:
            raise
        fail(
            f"cfgtool {command() or 'this command'} needs {exc.name}, which comes with the"
            f" {extra!r} extra: pip install 'cfgtool[{extra}]'"
        )
    except KeyboardInterrupt:
        # The command has removed its temp files on the way out: every file is old or new.
        _echo_err("cfgtool: interrupted; every file is as it was or wholly new")
        raise SystemExit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        # The reader went away (`cfgtool ... | head`): stop quietly, like other Unix tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(EXIT_FINDINGS) from None
    except OSError as exc:
        fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
