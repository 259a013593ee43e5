"""``python -m cfgtool``: the ``cfgtool`` command line."""

from cfgtool.cli.console import main

if __name__ == "__main__":
    main()
