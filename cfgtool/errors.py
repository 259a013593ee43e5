"""The one exception hierarchy of cfgtool.

Every error a user can cause (bad input file, bad key, bad configuration) is a
:class:`CfgError`; the CLI turns it into a one-line message and exit code 2.
"""

from __future__ import annotations

# The exit codes of every command: clean, findings (or differences), usage or I/O error.
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# Stopped by Ctrl-C (SIGINT), as shells report it: 128 + 2.
EXIT_INTERRUPTED = 130


class CfgError(Exception):
    """Base class of every error cfgtool raises on purpose."""


class CfgDecodeError(CfgError):
    """A file is not valid UTF-8 text; ``offset`` is the first bad byte."""

    def __init__(self, message: str, *, path: str | None = None, offset: int = 0) -> None:
        super().__init__(message)
        self.path = path
        self.offset = offset


class CfgIOError(CfgError):
    """A file or directory cannot be read or written."""


class CfgValueError(CfgError, ValueError):
    """A key or value that cannot be written as one ``key = value`` line."""


class ConfigError(CfgError):
    """A cfgtool configuration file (``.cfgtool.toml``, ``[tool.cfgtool]``) is invalid."""


class SchemaError(CfgError):
    """The bundled schema data is missing or inconsistent, or a model is unknown."""


class CryptoError(CfgError):
    """A key is invalid, or data cannot be encrypted or decrypted."""
