"""Options shared by several commands, declared once so they read and behave alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from cfgtool.knowledge import parse_generation
from cfgtool.linting.config import FIRMWARE_FORMS
from cfgtool.reporters import FORMATS

F = TypeVar("F", bound=Callable[..., Any])


def text_or_json(help: str = "json: machine-readable output on stdout.") -> Callable[[F], F]:
    """``--format text|json`` (default text), stored as ``output_format``."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help,
    )


PATHS = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(allow_dash=True, readable=False)
)
STDIN_FILENAME = click.option(
    "--stdin-filename",
    metavar="NAME",
    help="File name to use for - (standard input): rules and configuration go by it.",
)
CONFIG = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, readable=False),
    help="Use this .cfgtool.toml or pyproject.toml for every file instead of searching.",
)
EXCLUDE = click.option(
    "--exclude", multiple=True, metavar="GLOB", help="Skip matching paths (repeatable)."
)
REPORT_FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    help="Output format [default: text; github when GITHUB_ACTIONS=true].",
)
COLOR = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour text output (auto: on a terminal without NO_COLOR).",
)
STRICT = click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
SELECT = click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Run only these rules: codes, prefixes (CFG1), names or ALL; comma-separated.",
)
SHOW_SECRETS = click.option(
    "--show-secrets",
    is_flag=True,
    help="Print passwords, AES keys and URL credentials (masked by default; CI logs keep them).",
)
IGNORE = click.option("--ignore", multiple=True, metavar="CODES", help="Do not run these rules.")


def _generation(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    generation = parse_generation(value)
    if generation is None:
        raise click.BadParameter(f"{value!r} is not {FIRMWARE_FORMS}")
    return generation


FIRMWARE = click.option(
    "--firmware",
    metavar="GEN",
    callback=_generation,
    help="Firmware generation the phones run: 84, v84, or a version such as 28.84.0.10 "
    "(default: the firmware = setting, else the generation of the firmware.url image the "
    "file sets, else the model's lowest).",
)
