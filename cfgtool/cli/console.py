"""The ``cfgtool`` console script (and ``python -m cfgtool``).

``cfgtool lint FILE...`` with plain paths and no option is what a pre-commit hook
runs on every commit, so it goes straight to :func:`~cfgtool.cli.run_lint.run_lint`,
the function the click ``lint`` command calls, with the values click would give it,
and no click is imported. Every other command line (an option, ``-`` for standard
input, another command, ``--help``), or an environment click reads, goes to the
click group in :mod:`cfgtool.cli.group`.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping, Sequence

from cfgtool.cli.failures import reported_failures
from cfgtool.cli.run_lint import run_lint
from cfgtool.reading import MAX_FILE_SIZE_ENV

# What click reads from the environment: the group's --max-file-size, shell completion.
CLICK_ENVIRONMENT = (MAX_FILE_SIZE_ENV, "_CFGTOOL_COMPLETE")


def main() -> None:
    """Run the ``cfgtool`` command line in ``sys.argv``; exits with the command's status."""
    args = sys.argv[1:]
    if is_plain_lint(args, os.environ):
        with reported_failures(lambda: "lint"):
            sys.exit(run_lint(args[1:]))
    # By name, as the group loads its subcommands: importing it is what this path saves.
    importlib.import_module("cfgtool.cli.group").main()


def is_plain_lint(args: Sequence[str], environ: Mapping[str, str]) -> bool:
    """Whether ``args`` are ``lint`` and plain paths only, with nothing for click to read."""
    return (
        len(args) > 1
        and args[0] == "lint"
        and all(arg and not arg.startswith("-") for arg in args[1:])
        and not any(name in environ for name in CLICK_ENVIRONMENT)
    )
