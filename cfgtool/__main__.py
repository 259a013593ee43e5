"""``python -m cfgtool``: the ``cfgtool`` command line."""

from cfgtool.cli.console import main

main()
