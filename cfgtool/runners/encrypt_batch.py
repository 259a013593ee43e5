"""``cfgtool encrypt``: encrypt files, refusing those that are no cfg text or have lint errors.

A runner: the refusal drives the lint engine, so it sits above it;
:func:`cfgtool.crypto.batch.encrypt_files` does the encrypting.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from cfgtool.crypto.batch import ProgressCallback, encrypt_files, text_refusal
from cfgtool.crypto.keys import Mode
from cfgtool.crypto.results import BatchResult
from cfgtool.linting import engine
from cfgtool.linting.config import config_for
from cfgtool.parser import loads

__all__ = ["encrypt_paths", "lint_refusal"]


def lint_refusal(data: bytes, source: Path) -> str | None:
    """Why ``data`` should not be encrypted as it is (not cfg text, lint errors), or None."""
    refusal, text = text_refusal(data)
    if text is None:
        return refusal
    # The same configuration `cfgtool lint` uses for this file (select, ignore, severity).
    diagnostics = engine.lint(loads(text, filename=str(source)), config_for(source))
    errors = [d for d in diagnostics if d.severity == "error"]
    if not errors:
        return None
    first = errors[0]
    return (
        f"{len(errors)} lint error{'s' if len(errors) > 1 else ''} (first: line {first.line}: "
        f"{first.code} {first.message}); fix them, or use --no-lint to encrypt it anyway"
    )


def encrypt_paths(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    mode: Mode = "aes",
    key: str | None = None,
    generate: bool = False,
    key_length: int | None = None,
    rsa_public_key: bytes | None = None,
    lint: bool = True,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    phone_config: bool = False,
) -> BatchResult:
    """Encrypt files (directories: their ``*.cfg`` files) into ``out_dir``, same names.

    * ``aes``: with ``key``, or with one fresh key (``generate``, 16 characters
      unless ``key_length`` is 32) listed in ``out_dir/keys.csv`` (mode 0600).
    * ``keyfile``: a fresh 16-character key per file (or ``key``), plus
      ``<name>_Security.enc``; generated keys are listed in ``keys.csv`` too.
    * ``rsa``: ``rsa_public_key`` (PEM) wraps ``key`` or a fresh key per file,
      which the file carries, so no ``keys.csv``.

    With ``lint``, files that do not decode as UTF-8, are already encrypted, or
    have lint errors are refused. Nothing is written unless every file
    succeeds, and nothing is ever written over an input file.
    """
    return encrypt_files(
        paths,
        out_dir,
        mode=mode,
        key=key,
        generate=generate,
        key_length=key_length,
        rsa_public_key=rsa_public_key,
        refuse=lint_refusal if lint else None,
        jobs=jobs,
        progress=progress,
        phone_config=phone_config,
    )
