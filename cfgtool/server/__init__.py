"""``cfgtool serve``: a provisioning server for Yealink phones (HTTP(S), TFTP, FTP).

One module per concept: :mod:`~cfgtool.server.config` (options and the
``[tool.cfgtool.serve]`` table), :mod:`~cfgtool.server.paths` (what a request
may reach), :mod:`~cfgtool.server.auth` (per-directory credentials),
:mod:`~cfgtool.server.content` (the bytes a phone gets: on disk, rendered,
encrypted), :mod:`~cfgtool.server.uploads`, :mod:`~cfgtool.server.requestlog`,
:mod:`~cfgtool.server.status`, one module per protocol, and
:mod:`~cfgtool.server.app` which starts and stops them all.

The third-party servers (aiohttp, tftpy, pyftpdlib, bcrypt) are the
``cfgtool[serve]`` extra; nothing outside :mod:`cfgtool.cli.serve` imports
this package, so ``import cfgtool`` and ``cfgtool lint`` never load them.
"""
