"""The ``cfgtool`` command line.

- :mod:`cfgtool.cli.console` is the ``cfgtool`` console script (and ``python -m cfgtool``):
  it runs ``cfgtool lint FILE...`` without importing click and hands everything else to
- :mod:`cfgtool.cli.group`, the click group whose subcommands (one module each) load lazily;
- :mod:`cfgtool.cli.failures` turns what a command raises into one line and an exit code.

``from cfgtool.cli import main`` gives the click group (for click's test runner and
embedding), imported on first use: importing this package imports no click, so that
the console script starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cfgtool._lazy import homes, lazy_getattr

if TYPE_CHECKING:
    from cfgtool.cli.failures import OPTIONAL_MODULES as OPTIONAL_MODULES
    from cfgtool.cli.failures import fail as fail
    from cfgtool.cli.group import COMMANDS as COMMANDS
    from cfgtool.cli.group import LazyGroup as LazyGroup
    from cfgtool.cli.group import main as main

__getattr__ = lazy_getattr(
    __name__,
    {
        **homes("cfgtool.cli.group", ["COMMANDS", "LazyGroup", "main"]),
        **homes("cfgtool.cli.failures", ["OPTIONAL_MODULES", "fail"]),
    },
)
