"""``cfgtool encrypt`` and ``cfgtool decrypt``: gather options, call :mod:`cfgtool.crypto`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click

from cfgtool import crypto
from cfgtool.cli.failures import fail
from cfgtool.cli.output import progress_bar
from cfgtool.crypto.keys import secret_file_exposure
from cfgtool.reading import read_bytes
from cfgtool.runners.encrypt_batch import encrypt_paths

KEY_ARGV_WARNING = (
    "--key shows the key in the process list and shell history; "
    "prefer --key-file FILE or --key-env VAR"
)


def key_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The three ways to give a key, shared by both commands."""
    for option in reversed(
        [
            click.option(
                "--key-file",
                type=click.Path(dir_okay=False, readable=False),
                help="File whose first line is the key.",
            ),
            click.option("--key-env", metavar="VAR", help="Environment variable holding the key."),
            click.option(
                "--key",
                "key_value",
                metavar="KEY",
                help="The key itself (visible to other users; avoid).",
            ),
            click.option(
                "--strict",
                is_flag=True,
                help="Refuse a key file or private key that group or others can read "
                "(without it: a warning).",
            ),
        ]
    ):
        command = option(command)
    return command


def batch_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Output directory and reporting options, shared by both commands."""
    for option in reversed(
        [
            click.option(
                "-o",
                "--out",
                "out_dir",
                required=True,
                type=click.Path(file_okay=False),
                help="Directory for the results (created if missing); never the input's.",
            ),
            click.option(
                "-j", "--jobs", type=click.IntRange(min=1), help="Files processed in parallel."
            ),
            click.option(
                "--format",
                "output_format",
                type=click.Choice(["text", "json"]),
                default="text",
                show_default=True,
                help="json: one summary object on stdout.",
            ),
            click.option("-q", "--quiet", is_flag=True, help="No summary and no progress bar."),
        ]
    ):
        command = option(command)
    return command


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False))
@batch_options
@key_options
@click.option(
    "--generate-key", is_flag=True, help="Make a random key; it is saved in DIR/keys.csv (0600)."
)
@click.option(
    "--key-length", type=click.Choice(["16", "32"]), help="Length of generated keys (16: AES-128)."
)
@click.option(
    "--mode",
    type=click.Choice(crypto.MODES),
    default="aes",
    show_default=True,
    help="aes: the phone holds the key; keyfile: NAME_Security.enc next to each file "
    "(no secrecy); rsa: the key travels RSA-encrypted inside the file.",
)
@click.option(
    "--rsa-public",
    type=click.Path(dir_okay=False, readable=False),
    metavar="PEM",
    help="RSA public key or certificate (PEM) for --mode rsa.",
)
@click.option(
    "--no-lint", is_flag=True, help="Encrypt files even with lint errors or binary content."
)
@click.option(
    "--print-phone-config", is_flag=True, help="Print the settings the phone needs to decrypt."
)
def encrypt(
    paths: tuple[str, ...],
    out_dir: str,
    jobs: int | None,
    output_format: str,
    quiet: bool,
    key_file: str | None,
    key_env: str | None,
    key_value: str | None,
    generate_key: bool,
    key_length: str | None,
    mode: crypto.Mode,
    rsa_public: str | None,
    no_lint: bool,
    print_phone_config: bool,
    strict: bool,
) -> None:
    """Encrypt PATHS (files, or directories of *.cfg) into DIR for Yealink phones.

    Files keep their names. Nothing is written unless every file succeeds; a
    file with lint errors is refused (exit 1) unless --no-lint. A directory
    gives its own *.cfg files (any letter case, hidden ones too) but not those
    of its subdirectories, unlike `cfgtool lint DIR`: every result goes into
    the one DIR, under its own name.

    \b
    Examples:
      cfgtool encrypt configs/ --out upload/ --key-file aes.key
      cfgtool encrypt y000000000028.cfg --out upload/ --generate-key --print-phone-config
      cfgtool encrypt configs/ --out upload/ --mode rsa --rsa-public phone-pub.pem
    """
    _check_secret_files((key_file,), strict)
    key = _key(key_file, key_env, key_value)
    with progress_bar(enabled=not quiet) as progress:
        result = encrypt_paths(
            paths,
            out_dir,
            mode=mode,
            key=key,
            generate=generate_key,
            key_length=int(key_length) if key_length else None,
            rsa_public_key=read_bytes(rsa_public) if rsa_public else None,
            lint=not no_lint,
            jobs=jobs,
            progress=progress,
            phone_config=print_phone_config,
        )
    _report(result, output_format, quiet)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False))
@batch_options
@key_options
@click.option(
    "--rsa-private",
    type=click.Path(dir_okay=False, readable=False),
    metavar="PEM",
    help="RSA private key (PEM, unencrypted) for RSA-mode files.",
)
@click.option(
    "--keys",
    "keys_file",
    type=click.Path(dir_okay=False, readable=False),
    metavar="CSV",
    help="keys.csv from encrypt --generate-key: each file's own key (others: --key...).",
)
def decrypt(
    paths: tuple[str, ...],
    out_dir: str,
    jobs: int | None,
    output_format: str,
    quiet: bool,
    key_file: str | None,
    key_env: str | None,
    key_value: str | None,
    rsa_private: str | None,
    keys_file: str | None,
    strict: bool,
) -> None:
    """Decrypt PATHS (files, or directories of *.cfg) into DIR (files made 0600).

    The format is detected per file: RSA files need --rsa-private, files with a
    NAME_Security.enc next to them need nothing, others need their key: the
    one --keys keys.csv lists for them (encrypt --generate-key writes it), else
    the key given. A wrong key or a file that is not encrypted exits 1 and
    writes nothing. A directory gives its own *.cfg files only, as for encrypt.
    A key given wins over a NAME_Security.enc next to the file when it opens it.

    The format has no integrity check: a truncated or damaged file can decrypt
    to cut text without an error. Decrypted text is therefore linted for its
    shape, and a line that is no setting or a missing final line break is
    reported as a warning.

    \b
    Examples:
      cfgtool decrypt upload/ --out plain/ --key-env CFG_AES_KEY
      cfgtool decrypt upload/ --out plain/ --keys upload/keys.csv
      cfgtool decrypt upload/y000000000028.cfg --out plain/ --rsa-private phone.pem
    """
    _check_secret_files((key_file, rsa_private, keys_file), strict)
    key = _key(key_file, key_env, key_value)
    with progress_bar(enabled=not quiet) as progress:
        result = crypto.decrypt_paths(
            paths,
            out_dir,
            key=key,
            jobs=jobs,
            progress=progress,
            rsa_private_key=read_bytes(rsa_private) if rsa_private else None,
            keys=crypto.read_keys_csv(keys_file) if keys_file else None,
        )
    _report(result, output_format, quiet)


def _check_secret_files(paths: tuple[str | None, ...], strict: bool) -> None:
    """Warn about (with ``strict``: refuse) secrets that group or others can read."""
    for path in paths:
        exposure = secret_file_exposure(path) if path else None
        if exposure and strict:
            fail(f"{exposure} (--strict)")
        if exposure:
            click.echo(f"cfgtool: warning: {exposure}", err=True)


def _key(key_file: str | None, key_env: str | None, key_value: str | None) -> str | None:
    if key_value is not None:
        click.echo(f"cfgtool: warning: {KEY_ARGV_WARNING}", err=True)
    return crypto.resolve_key(key_file=key_file, key_env=key_env, key=key_value)


def _report(result: crypto.BatchResult, output_format: str, quiet: bool) -> None:
    for warning in result.warnings:
        click.echo(f"cfgtool: warning: {warning}", err=True)
    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        sys.exit(result.exit_code)
    for file in result.files:
        if file.status != "ok":
            click.echo(f"{file.source}: {file.status}: {file.message}", err=True)
    done = sum(file.status == "ok" for file in result.files)
    if not result.written:
        click.echo(
            f"cfgtool: nothing written: {len(result.files) - done} of "
            f"{len(result.files)} files failed",
            err=True,
        )
    elif not quiet:
        verb = "encrypted" if result.command == "encrypt" else "decrypted"
        click.echo(f"{verb} {done} file{'s' * (done != 1)} into {result.out_dir}", err=True)
        if result.keys_file:
            click.echo(f"keys: {result.keys_file}", err=True)
    for line in result.phone_config:
        click.echo(line)
    sys.exit(result.exit_code)
