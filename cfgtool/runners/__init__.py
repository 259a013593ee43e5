"""Runners: the commands' work that drives the lint engine, so sits above it.

- :mod:`~cfgtool.runners.validate`: ``cfgtool validate`` over files and trees.
- :mod:`~cfgtool.runners.render_batch`: ``cfgtool render``, each rendered file linted.
- :mod:`~cfgtool.runners.encrypt_batch`: ``cfgtool encrypt``, lint errors refused.

Nothing below the engine imports a runner (``lint-imports`` checks it).
"""
