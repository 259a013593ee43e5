"""``cfgtool models`` and ``cfgtool explain``: what the bundled schemas know."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import click

from cfgtool.catalog import all_models_common_file, explain_key, load_models
from cfgtool.cli.options import text_or_json
from cfgtool.cli.output import format_table
from cfgtool.errors import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from cfgtool.catalog import Model

FORMAT_OPTION = text_or_json()

TYPE_SOURCES = {
    "model": "firm: from a typed settings model",
    "values": "a hint: inferred from the values public files use",
    "name": "a hint: inferred from the key's name",
    "comment": "a hint: a range stated in a template comment",
}
MODEL_LIMITS = {"accounts": "the model's account count", "line_keys": "the model's line keys"}


@click.command()
@FORMAT_OPTION
def models(output_format: str) -> None:
    """List the phone models cfgtool knows: Common file, accounts, firmware prefix.

    Model names match case-insensitively, ignoring SIP-, spaces, _, - and
    parentheses (SIP-T46G = t46g; T19(P) E2 = T19P_E2). A dash means unknown.

    \b
    Examples:
      cfgtool models
      cfgtool models --format json | jq '.[] | select(.hw_id == 28)'
    """
    table = load_models()
    if output_format == "json":
        click.echo(json.dumps([model.to_dict() for model in table], indent=2))
        return
    click.echo(format_table(model_rows(table)))
    click.echo(
        f"\n{all_models_common_file()} is also the Common file for all models"
        " in deployments that use one file for every phone."
    )


@click.command()
@click.argument("key")
@FORMAT_OPTION
def explain(key: str, output_format: str) -> None:
    """Show what the parameter catalog knows about KEY.

    KEY is a concrete key (account.1.sip_server.1.address) or a catalog pattern
    with X for indexes (account.X.label). Exit 1 with a did-you-mean when KEY is
    not in the catalog. Types marked "hint" come from public files and can be wrong.

    \b
    Examples:
      cfgtool explain account.1.enable
      cfgtool explain static.network.vlan.internet_port_vid --format json
    """
    report = explain_key(key)
    if output_format == "json":
        click.echo(json.dumps(report, indent=2))
    elif report["known"]:
        for label, value in explain_lines(report):
            click.echo(f"{label + ':':<16} {value}")
    else:
        hint = f"; did you mean {report['suggestion']}?" if report["suggestion"] else ""
        click.echo(f"cfgtool: {key}: not in the parameter catalog{hint}", err=True)
    sys.exit(EXIT_OK if report["known"] else EXIT_FINDINGS)


def model_rows(table: Iterable[Model]) -> list[list[str]]:
    """Header plus one text row per model; unknown facts as ``-``."""

    def text(value: object) -> str:
        return "-" if value is None or value == () else str(value)

    rows = [["MODEL", "ALSO", "HW", "COMMON FILE", "ACCOUNTS", "LINE KEYS", "FIRMWARE", "SOURCE"]]
    for model in table:
        firmware = ",".join(str(prefix) for prefix in model.firmware_prefixes)
        rows.append(
            [
                model.name,
                ", ".join(model.aliases) or "-",
                text(model.hw_id),
                text(model.common_file),
                text(model.accounts),
                text(model.line_keys),
                firmware or "-",
                model.source,
            ]
        )
    return rows


def explain_lines(report: dict[str, Any]) -> list[tuple[str, str]]:
    """Labelled lines for a known key's :func:`cfgtool.catalog.explain_key` report."""
    param = report["param"]
    lines = [("key", report["query"]), ("pattern", param["key"])]
    if report["via_static_alias"]:
        lines.append(("note", "the catalog has only the static. twin of this key"))
    source = TYPE_SOURCES.get(param["type_source"] or "", "no public file sets a literal value")
    lines.append(("type", f"{param['type']} ({source})"))
    if param["enum"] is not None:
        lines.append(("listed values", ", ".join(param["enum"])))
    if param["int_range"] is not None:
        low, high = param["int_range"]
        lines.append(("listed range", f"{low}..{high}"))
    lines.append(("default", param["default"] if param["default"] is not None else "-"))
    lines.append(("static alias", param["static_alias"] or "-"))
    if param["bounded"] is not None:
        position, limit = param["bounded"]
        segment = param["key"].split(".")[position - 1]
        lines.append(("index limit", f"{segment}.N: N from 1 to {MODEL_LIMITS.get(limit, limit)}"))
    reboot = report["reboot_reason"]
    lines.append(("reboot", f"needed: {reboot}" if reboot else "not known to be needed"))
    lines.append(("sources", f"{param['sources']} public project(s)"))
    if param["seen"] != "active":
        lines.append(("seen", f"{param['seen']} (only on commented-out lines)"))
    if param["models"]:
        lines.append(("sipXecs models", ", ".join(param["models"])))
    return lines
