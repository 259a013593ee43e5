"""``cfgtool parse``: show the AST of files, as text or JSON."""

from __future__ import annotations

import json
import sys

import click

from cfgtool.cli.options import text_or_json
from cfgtool.errors import EXIT_FINDINGS, EXIT_OK
from cfgtool.nodes import Entry, Invalid, Node
from cfgtool.parser import decode, load, loads


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@text_or_json("json: one array with one object per file.")
def parse(files: tuple[str, ...], output_format: str) -> None:
    """Parse FILES and print every line as the AST sees it.

    Exit 1 when a file has lines that are not valid (each is shown with its
    reason), 0 otherwise. Use - to read standard input.

    \b
    Examples:
      cfgtool parse examples/y000000000028.cfg
      cfgtool parse --format json examples/*.cfg | jq '.[0].entries'
    """
    docs = [
        loads(decode(sys.stdin.buffer.read(), path="<stdin>"), filename="<stdin>")
        if name == "-"
        else load(name)
        for name in files
    ]
    if output_format == "json":
        click.echo(json.dumps([doc.ast_dict() for doc in docs], indent=2, ensure_ascii=False))
    else:
        for doc in docs:
            for item in doc.items:
                click.echo(f"{doc.filename}:{item.line}: {describe(item)}")
    invalid = any(isinstance(item, Invalid) for doc in docs for item in doc.items)
    sys.exit(EXIT_FINDINGS if invalid else EXIT_OK)


def describe(item: Node) -> str:
    """One human-readable line for a node."""
    if isinstance(item, Entry):
        return f"Entry {item.key} = {item.value}"
    if isinstance(item, Invalid):
        return f"Invalid ({item.kind}): {item.reason}: {item.raw!r}"
    details = {k: v for k, v in item.to_dict().items() if k not in ("type", "line")}
    return type(item).__name__ + "".join(f" {k}={v!r}" for k, v in details.items())
