"""``cfgtool parse``: show the AST of files, as text or JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from cfgtool.cli.options import SHOW_SECRETS, text_or_json
from cfgtool.errors import EXIT_FINDINGS, EXIT_OK
from cfgtool.masking import mask_line, mask_value
from cfgtool.nodes import Entry, Invalid, Node
from cfgtool.parser import decode, load, loads
from cfgtool.reading import read_stream


@click.command()
@click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, readable=False),
)
@text_or_json("json: one array with one object per file.")
@SHOW_SECRETS
def parse(files: tuple[str, ...], output_format: str, show_secrets: bool) -> None:
    """Parse FILES and print every line as the AST sees it.

    Exit 1 when a file has lines that are not valid (each is shown with its
    reason), 0 otherwise. Use - to read standard input. Passwords, AES keys
    and URL credentials show as ****** unless --show-secrets.

    \b
    Examples:
      cfgtool parse examples/y000000000028.cfg
      cfgtool parse --format json examples/*.cfg | jq '.[0].entries'
    """
    docs = [
        loads(decode(read_stream(sys.stdin.buffer), path="<stdin>"), filename="<stdin>")
        if name == "-"
        else load(name)
        for name in files
    ]
    if output_format == "json":
        shown = [doc.ast_dict() if show_secrets else _masked(doc.ast_dict()) for doc in docs]
        click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
    else:
        for doc in docs:
            for item in doc.items:
                click.echo(f"{doc.filename}:{item.line}: {describe(item, show_secrets)}")
    invalid = any(isinstance(item, Invalid) for doc in docs for item in doc.items)
    sys.exit(EXIT_FINDINGS if invalid else EXIT_OK)


def _masked(ast: dict[str, Any]) -> dict[str, Any]:
    """``ast`` with secret values (and invalid lines holding them) masked."""
    for entry in ast["entries"]:
        entry["value"] = mask_value(entry["key"], entry["value"])
    for invalid in ast["invalid"]:
        invalid["raw"] = mask_line(invalid["raw"])
    return ast


def describe(item: Node, show_secrets: bool = False) -> str:
    """One human-readable line for a node (secrets masked unless ``show_secrets``)."""
    if isinstance(item, Entry):
        value = item.value if show_secrets else mask_value(item.key, item.value)
        return f"Entry {item.key} = {value}"
    if isinstance(item, Invalid):
        raw = item.raw if show_secrets else mask_line(item.raw)
        return f"Invalid ({item.kind}): {item.reason}: {raw!r}"
    details = {k: v for k, v in item.to_dict().items() if k not in ("type", "line")}
    return type(item).__name__ + "".join(f" {k}={v!r}" for k, v in details.items())
