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
from cfgtool.knowledge import explain_facts

if TYPE_CHECKING:
    from cfgtool.catalog import Model

FORMAT_OPTION = text_or_json()

TYPE_SOURCES = {
    "model": "firm: from a typed settings model",
    "vendor-comment": "Yealink's comment in a template (closed for bool and int ranges)",
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
    """Show what the parameter catalog knows about KEY, and where each fact comes from.

    KEY is a concrete key (account.1.sip_server.1.address) or a catalog pattern
    with X for indexes (account.X.label). Exit 1 with a did-you-mean when KEY is
    not in the catalog. Types marked "hint" come from public files and can be wrong.
    Then what Yealink's own comments say (values and their meanings, models,
    index ranges, value shape), the firmware generations whose templates set
    the key, renames, and the quoted comments (JSON: all of them, under
    "knowledge").

    \b
    Examples:
      cfgtool explain account.1.enable
      cfgtool explain static.network.vlan.internet_port_vid --format json
    """
    report = explain_key(key)
    knowledge = explain_facts(key) if report["known"] else None
    if output_format == "json":
        click.echo(json.dumps({**report, "knowledge": knowledge}, indent=2))
    elif report["known"]:
        lines = explain_lines(report) + (knowledge_lines(knowledge) if knowledge else [])
        for label, value in lines:
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


SHOWN_EVIDENCE = 2  # quoted comments in text; JSON has all
SHOWN_VALUES = 16
VALUE_TYPE_SOURCES = {
    "model": "a typed settings model",
    "vendor-comment": "Yealink's comment",
    "values": "the values public files use",
    "name": "the key's name",
    "comment": "a template comment",
}


def _values(values: list[str], meanings: dict[str, str]) -> str:
    shown = [f"{v} ({meanings[v]})" if v in meanings else v for v in values[:SHOWN_VALUES]]
    return ", ".join(shown) + (", ..." if len(values) > SHOWN_VALUES else "")


def _spans(spans: list[list[int]]) -> str:
    return ",".join(str(low) if low == high else f"{low}-{high}" for low, high in spans)


def _index_ranges(table: dict[str, dict[str, list[list[int]]]]) -> str:
    """``T46G,T48G: X1-6 Y1-40; other models: X1-16`` (models with equal ranges grouped)."""
    groups: dict[str, list[str]] = {}
    for model, letters in table.items():
        text = " ".join(f"{letter}{_spans(spans)}" for letter, spans in sorted(letters.items()))
        groups.setdefault(text, []).append(model)
    parts = [
        f"{','.join(sorted(models))}: {text}"
        for text, models in groups.items()
        if "*" not in models
    ]
    parts += [f"other models: {text}" for text, models in groups.items() if "*" in models]
    return "; ".join(parts)


def knowledge_lines(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """Labelled lines for :func:`cfgtool.knowledge.explain_facts`: each fact with its source."""
    check = facts["value_check"]
    source = VALUE_TYPE_SOURCES.get(check["type_source"] or "")
    where = f" (type from {source})" if source else ""
    lines = [("value check", f"{check['type']}, {check['grade']}{where}")]
    meanings = facts["meanings"]
    if check["values"]:
        lines.append(("values", _values(check["values"], meanings)))
    elif meanings:
        lines.append(("values", _values(sorted(meanings), meanings)))
    if check["range"] is not None:
        lines.append(("range", f"{check['range'][0]}..{check['range'][1]}"))
    if check["max_len"] is not None:
        lines.append(("max length", f"{check['max_len']} characters (Yealink's comment)"))
    vendor = facts["vendor"]
    if vendor:
        said = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in vendor.items())
        lines.append(("vendor says", said))
    if facts["models_supported"]:
        models = ", ".join(facts["models_supported"])
        lines.append(("models", f"only {models} (Yealink's comment; may predate newer models)"))
    if facts["models_excluded"]:
        lines.append(("not on", ", ".join(facts["models_excluded"]) + " (Yealink's comment)"))
    if facts["index_ranges"]:
        lines.append(
            ("index ranges", _index_ranges(facts["index_ranges"]) + " (Yealink's comments)")
        )
    if facts["shape"]:
        lines.append(("shape", f"{facts['shape']} (how public templates build the value)"))
    firmware = facts["firmware"]
    if firmware is not None:
        lines.append(
            (
                "firmware",
                f"first set in {firmware['first']}, last in {firmware['last']} "
                f"({firmware['source']} templates)",
            )
        )
    for rename in facts["renames"]:
        when = f"in v{rename['since']}" if rename["since"] is not None else "(no generation)"
        if rename["new"] == facts["pattern"]:
            lines.append(("renamed", f"from {rename['old']} {when} ({rename['source']})"))
        else:
            lines.append(("renamed", f"to {rename['new']} {when} ({rename['source']})"))
    if facts["downgraded"]:
        lines.append(("downgraded", f"{facts['downgraded']} (so a miss is only an info)"))
    evidence = facts["evidence"]
    for item in evidence[:SHOWN_EVIDENCE]:
        lines.append(("evidence", item))
    if len(evidence) > SHOWN_EVIDENCE:
        more = len(evidence) - SHOWN_EVIDENCE
        lines.append(("evidence", f"{more} more (--format json shows all)"))
    return lines
