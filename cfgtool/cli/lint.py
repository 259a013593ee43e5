"""``cfgtool lint``, ``cfgtool rules`` and ``cfgtool fmt``."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from cfgtool.cli.failures import fail
from cfgtool.cli.options import (
    COLOR,
    CONFIG,
    EXCLUDE,
    FIRMWARE,
    IGNORE,
    PATHS,
    REPORT_FORMAT,
    SELECT,
    SHOW_SECRETS,
    STDIN_FILENAME,
    STRICT,
    text_or_json,
)
from cfgtool.cli.run_lint import run_lint
from cfgtool.cli.values import read_stdin
from cfgtool.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from cfgtool.linting import rules as registry
from cfgtool.linting.config import TEMPLATE_SYNTAXES, ConfigOverrides, ConfigResolver
from cfgtool.linting.formatting import format_paths
from cfgtool.masking import mask_diff
from cfgtool.reporters import NOTHING_CHECKED
from cfgtool.suggest import did_you_mean

if TYPE_CHECKING:
    from cfgtool.linting.rule import Rule


@click.command()
@PATHS
@REPORT_FORMAT
@COLOR
@STRICT
@FIRMWARE
@SELECT
@IGNORE
@EXCLUDE
@click.option("--fix", is_flag=True, help="Rewrite files to fix what fixable rules report.")
@click.option("--diff", is_flag=True, help="Print the changes --fix would make; write nothing.")
@SHOW_SECRETS
@STDIN_FILENAME
@click.option(
    "--template",
    is_flag=True,
    help="Treat every file as a template (placeholders allowed), like *.cfg.tmpl.",
)
@click.option(
    "--template-syntax",
    type=click.Choice(TEMPLATE_SYNTAXES),
    default=None,
    help="Template dialect of the files (default auto: by name and content, e.g. "
    "FusionPBX {$mac}.cfg is Smarty, Wazo *.tpl Jinja, Tancredi *.tmpl Twig).",
)
@click.option(
    "--template-root",
    type=click.Path(file_okay=False, exists=True),
    metavar="DIR",
    help="Where {% extends %} bases are: a child template is linted as its base renders it.",
)
@click.option(
    "--inventory",
    type=click.Path(dir_okay=False, readable=False),
    metavar="CSV",
    help="Inventory whose columns are the template variables placeholders may use.",
)
@CONFIG
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes for many files (0: one per CPU).",
)
@click.option("--quiet", "-q", is_flag=True, help="No summary line.")
def lint(**values: Any) -> None:
    """Check provisioning files for mistakes a phone silently ignores.

    PATHS are files, directories (searched for *.cfg, *.cfg.tmpl and the PBX
    templates *.tpl, *.tmpl, *.twig, *.mustache) or - for standard input.
    Smarty, Jinja, Twig and Mustache templates are linted on what they write:
    tags are structure, placeholders stand for unknown values, and branches
    of one condition are not duplicates. Settings come from the nearest .cfgtool.toml or
    [tool.cfgtool] in pyproject.toml; options override them. Silence a
    finding with a comment: `# cfgtool: disable-next-line=CFG201`.

    \b
    Exit codes: 0 clean or only warnings, 1 errors (warnings too with
    --strict; with --diff: changes pending), 2 usage, configuration or I/O error.

    \b
    Examples:
      cfgtool lint provisioning/
      cfgtool lint --format json y000000000028.cfg | jq '.[].code'
      cfgtool lint --fix --select CFG108 *.cfg
      cfgtool lint --firmware 84 --fix --select CFG315 provisioning/
      cfgtool lint --template --inventory phones.csv phone.cfg.tmpl
      cfgtool lint resources/templates/provision/yealink/      # FusionPBX (Smarty)
      cfgtool lint --template-root templates templates/T46G.tpl  # Wazo (Jinja)
      cat 0015651130f9.cfg | cfgtool lint - --stdin-filename 0015651130f9.cfg
    """
    sys.exit(run_lint(**values))


@click.command()
@click.argument("code", required=False)
@text_or_json("json: one object per rule.")
def rules(code: str | None, output_format: str) -> None:
    """List every rule, or explain one (CODE may be a code such as CFG201 or a name).

    \b
    Examples:
      cfgtool rules
      cfgtool rules CFG105
      cfgtool rules unknown-key
    """
    selected = list(registry.RULES)
    if code is not None:
        selected = [rule for rule in registry.RULES if code in (rule.code, rule.name)]
        if not selected:
            names = [rule.code for rule in registry.RULES] + [rule.name for rule in registry.RULES]
            close = did_you_mean(code, names, quote=False)
            fail(
                f"no rule {code!r}"
                + (f" ({close})" if close else "")
                + "; `cfgtool rules` lists them"
            )
    if output_format == "json":
        click.echo(json.dumps([rule_info(rule) for rule in selected], indent=2))
    elif code is None:
        for rule in selected:
            label = rule_label(rule)
            click.echo(f"{rule.code}  {rule.name:<{NAME_WIDTH}} {label:<16} {rule.summary}")
    else:
        click.echo(f"{selected[0].code} {selected[0].name} ({rule_label(selected[0])})\n")
        click.echo(selected[0].doc)


NAME_WIDTH = 28


def rule_label(rule: Rule) -> str:
    """``error``, ``info, fixable``, ``error, validate`` …"""
    extras = [rule.severity] + (["fixable"] if rule.fixable else [])
    return ", ".join(extras + (["validate"] if rule.scope == "model" else []))


def rule_info(rule: Rule) -> dict[str, object]:
    """A rule as JSON-ready data (``cfgtool rules --format json``)."""
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity,
        "summary": rule.summary,
        "fixable": rule.fixable,
        "scope": rule.scope,
        "doc": rule.doc,
    }


@click.command()
@PATHS
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a file is not formatted.")
@click.option(
    "--diff", is_flag=True, help="Write nothing; print what would change (exit 1 if any)."
)
@SHOW_SECRETS
@STDIN_FILENAME
@CONFIG
@EXCLUDE
def fmt(
    paths: tuple[str, ...],
    check: bool,
    diff: bool,
    show_secrets: bool,
    stdin_filename: str | None,
    config_path: str | None,
    exclude: tuple[str, ...],
) -> None:
    """Rewrite files in the canonical form.

    The header first, `key = value` with single spaces, no surrounding
    whitespace, LF line endings, a final newline, no BOM. Comments and order
    are kept; lines that are not settings are left for `cfgtool lint` to
    report. Formatting is idempotent. Standard input (-) goes to standard output.

    \b
    Examples:
      cfgtool fmt provisioning/
      cfgtool fmt --check y000000000028.cfg   # in CI
    """
    resolver = ConfigResolver(config_path, ConfigOverrides(exclude=exclude))
    results = format_paths(
        paths,
        resolver=resolver,
        write=not (check or diff),
        diff=diff,
        stdin_filename=stdin_filename,
        stdin_data=read_stdin,
    )
    pending = 0
    for result in results:
        if result.error:
            click.echo(f"cfgtool: error: {result.error}", err=True)
        elif result.output is not None and not (check or diff):
            click.echo(result.output, nl=False)
        elif result.changed:
            pending += 1
            if diff:
                click.echo(result.diff if show_secrets else mask_diff(result.diff), nl=False)
            else:
                click.echo(
                    f"{'would reformat' if check else 'reformatted'}: {result.path}", err=True
                )
    if not results:
        click.echo(f"cfgtool: warning: {NOTHING_CHECKED}", err=True)
    if any(result.error for result in results):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if pending and (check or diff) else EXIT_OK)
