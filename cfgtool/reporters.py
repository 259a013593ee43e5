"""Output formats for diagnostics: text, json, sarif, github, junit.

Every reporter is a function ``(diagnostics, files, options) -> str`` that
returns what goes to standard output; the summary line is separate
(:func:`summary_line`) so that machine formats keep stdout clean and print
it on stderr. Heavy imports (rich, xml, the rule registry) happen only in the
reporter that needs them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from io import StringIO
from typing import NamedTuple, Protocol

from cfgtool._version import __version__
from cfgtool.diagnostics import Diagnostic
from cfgtool.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from cfgtool.linting import rules as registry
from cfgtool.masking import mask_diff
from cfgtool.terminal import use_color

FORMATS = ("text", "json", "sarif", "github", "junit")
TOOL_NAME = "cfgtool"
INFORMATION_URI = "https://github.com/cfgtool/cfgtool"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class ReportOptions(NamedTuple):
    """How to report: ``color`` only affects text; ``strict`` makes warnings fail (junit)."""

    color: bool = False
    strict: bool = False


Reporter = Callable[[Sequence[Diagnostic], Sequence[str], ReportOptions], str]


class FileOutcome(Protocol):
    """What a command found in one file (``cfgtool.linting.results.FileResult`` is one)."""

    @property
    def path(self) -> str: ...
    @property
    def diagnostics(self) -> Sequence[Diagnostic]: ...
    @property
    def changed(self) -> bool: ...
    @property
    def diff(self) -> str: ...
    @property
    def output(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...


def exit_status(outcomes: Sequence[FileOutcome], *, strict: bool = False) -> int:
    """2 when a file could not be read or written, 1 on errors (or warnings if strict), else 0."""
    if any(outcome.error for outcome in outcomes):
        return EXIT_ERROR
    failing = ("error", "warning") if strict else ("error",)
    found = any(d.severity in failing for outcome in outcomes for d in outcome.diagnostics)
    return EXIT_FINDINGS if found else EXIT_OK


def write_report(
    outcomes: Sequence[FileOutcome],
    output_format: str | None = None,
    *,
    color: str = "auto",
    strict: bool = False,
    quiet: bool = False,
    diff: bool = False,
    stdout_is_data: bool = False,
    show_secrets: bool = False,
) -> int:
    """Print the report of a run and return the exit status.

    The report goes to stdout, and the summary line too for ``text``; machine
    formats get the summary on stderr. With ``diff`` stdout gets the diffs
    instead (status 1 when any file would change). ``stdout_is_data``: stdout
    carries the fixed standard input, so the report moves to stderr. Diffs are
    masked (:func:`~cfgtool.masking.mask_diff`) unless ``show_secrets``.
    """
    out, err = sys.stdout, sys.stderr
    output_format = output_format or default_format()
    diagnostics = [d for outcome in outcomes for d in outcome.diagnostics]
    files = [outcome.path for outcome in outcomes]
    if diff:
        pending = [outcome for outcome in outcomes if outcome.changed]
        diffs = "".join(outcome.diff for outcome in pending)
        out.write(diffs if show_secrets else mask_diff(diffs))
        if not quiet:
            err.write(f"{_plural(len(pending), 'file')} would be changed by --fix.\n")
        status = EXIT_FINDINGS if pending else EXIT_OK
    else:
        stream = err if stdout_is_data else out
        if stdout_is_data:
            out.write("".join(outcome.output or "" for outcome in outcomes))
        options = ReportOptions(
            color=output_format == "text" and use_color(color, stream.isatty()), strict=strict
        )
        stream.write(render(diagnostics, files, output_format, options))
        if not quiet:
            fixed = sum(1 for outcome in outcomes if outcome.changed)
            summary_stream = stream if output_format == "text" else err
            unreadable = sum(1 for outcome in outcomes if outcome.error)
            summary_stream.write(
                summary_line(len(files), diagnostics, fixed=fixed, unreadable=unreadable) + "\n"
            )
        status = exit_status(outcomes, strict=strict)
    for outcome in outcomes:
        if outcome.error:
            err.write(f"cfgtool: error: {outcome.error}\n")
    if not outcomes:
        err.write(f"cfgtool: warning: {NOTHING_CHECKED}\n")
    return EXIT_ERROR if any(outcome.error for outcome in outcomes) else status


def default_format(environ: dict[str, str] | None = None) -> str:
    """``github`` inside GitHub Actions (``GITHUB_ACTIONS=true``), else ``text``."""
    env = os.environ if environ is None else environ
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "text"


_DEFAULT_OPTIONS = ReportOptions()


def render(
    diagnostics: Sequence[Diagnostic],
    files: Sequence[str],
    output_format: str,
    options: ReportOptions = _DEFAULT_OPTIONS,
) -> str:
    """The report in ``output_format`` (one of :data:`FORMATS`) for stdout."""
    reporter = _REPORTERS.get(output_format)
    if reporter is None:
        raise ValueError(f"unknown output format {output_format!r}")
    return reporter(diagnostics, files, options)


def count(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    """Number of diagnostics per severity."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for diagnostic in diagnostics:
        counts[diagnostic.severity] += 1
    return counts


def _plural(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


NOTHING_CHECKED = "no files checked (directories are searched for *.cfg and *.cfg.tmpl, any case)"


def summary_line(
    files: int, diagnostics: Sequence[Diagnostic], *, fixed: int = 0, unreadable: int = 0
) -> str:
    """``Checked 3 files: 1 error, 2 warnings, 0 info.`` (plus fixed files, when any).

    A file that could not be read counts as an error, as in ``validate``'s table.
    """
    counts = count(diagnostics)
    errors = counts["error"] + unreadable
    read_note = f" ({unreadable} could not be read)" if unreadable else ""
    text = (
        f"Checked {_plural(files, 'file')}{read_note}: {_plural(errors, 'error')}, "
        f"{_plural(counts['warning'], 'warning')}, {counts['info']} info"
    )
    if fixed:
        text += f"; fixed {_plural(fixed, 'file')}"
    return text + "."


# --- text ------------------------------------------------------------------------

_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
_CONTROL.update({ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"})


def printable(text: str) -> str:
    """``text`` with control characters written as escapes, so a report line stays one line."""
    return text.translate(_CONTROL)


def text_line(diagnostic: Diagnostic) -> str:
    """``path:line:col: CODE severity message``."""
    return printable(
        f"{diagnostic.path or '-'}:{diagnostic.line}:{diagnostic.column}: "
        f"{diagnostic.code} {diagnostic.severity} {diagnostic.message}"
    )


def _text(diagnostics: Sequence[Diagnostic], files: Sequence[str], options: ReportOptions) -> str:
    if options.color:
        return _rich_text(diagnostics)
    lines: list[str] = []
    for diagnostic in diagnostics:
        lines.append(text_line(diagnostic))
        if diagnostic.hint:
            lines.append(f"    hint: {printable(diagnostic.hint)}")
    return "".join(line + "\n" for line in lines)


def _rich_text(diagnostics: Sequence[Diagnostic]) -> str:
    # lazy: rich is only needed for coloured output on a terminal
    from rich.console import Console
    from rich.text import Text

    buffer = StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        width=100_000,
        highlight=False,
        soft_wrap=True,
        emoji=False,
        markup=False,
    )
    for diagnostic in diagnostics:
        line = Text()
        line.append(printable(diagnostic.path or "-"), style="bold")
        line.append(f":{diagnostic.line}:{diagnostic.column}: ", style="dim")
        line.append(diagnostic.code, style="bold magenta")
        line.append(" ")
        line.append(diagnostic.severity, style=_STYLES[diagnostic.severity])
        line.append(" " + printable(diagnostic.message))
        console.print(line)
        if diagnostic.hint:
            console.print(Text("    hint: ", style="green") + Text(printable(diagnostic.hint)))
    return buffer.getvalue()


# --- json ------------------------------------------------------------------------


def _json(diagnostics: Sequence[Diagnostic], files: Sequence[str], options: ReportOptions) -> str:
    return json.dumps([d.to_dict() for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


# --- sarif -----------------------------------------------------------------------

_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _artifact_uri(path: str | None) -> str:
    # lazy: pathlib and urllib.parse (with ipaddress) cost a one-file lint ~5 ms; SARIF alone
    # needs them
    from pathlib import Path
    from urllib.parse import quote

    if not path:
        return "stdin"
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"))


def _sarif(diagnostics: Sequence[Diagnostic], files: Sequence[str], options: ReportOptions) -> str:
    codes = sorted({d.code for d in diagnostics})
    rules = []
    for code in codes:
        known = registry.RULES_BY_CODE.get(code)
        descriptor: dict[str, object] = {"id": code}
        if known is not None:
            descriptor.update(
                name=known.name,
                shortDescription={"text": known.summary},
                fullDescription={"text": known.doc.split("\n\n", 1)[0].replace("\n", " ")},
                help={"text": known.doc},
                defaultConfiguration={"level": _SARIF_LEVELS[known.severity]},
            )
        rules.append(descriptor)
    index = {code: position for position, code in enumerate(codes)}
    results = []
    for diagnostic in diagnostics:
        region: dict[str, int] = {"startLine": diagnostic.line, "startColumn": diagnostic.column}
        if diagnostic.end_line is not None:
            region["endLine"] = diagnostic.end_line
        if diagnostic.end_column is not None:
            region["endColumn"] = diagnostic.end_column + 1  # SARIF's end column is exclusive
        message = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
        results.append(
            {
                "ruleId": diagnostic.code,
                "ruleIndex": index[diagnostic.code],
                "level": _SARIF_LEVELS[diagnostic.severity],
                "message": {"text": message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _artifact_uri(diagnostic.path)},
                            "region": region,
                        }
                    }
                ],
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


# --- github ----------------------------------------------------------------------

_GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(diagnostics: Sequence[Diagnostic], files: Sequence[str], options: ReportOptions) -> str:
    lines = []
    for d in diagnostics:
        message = printable(d.message + (f" ({d.hint})" if d.hint else ""))
        lines.append(
            f"::{_GITHUB_COMMANDS[d.severity]} file={_github_property(d.path or '-')},"
            f"line={d.line},col={d.column},title={_github_property(d.code)}::"
            f"{_github_data(message)}\n"
        )
    return "".join(lines)


# --- junit -----------------------------------------------------------------------


def _xml(text: str) -> str:
    """Escape for XML text and attributes; characters XML cannot hold become ``\\uXXXX``."""
    out = []
    for char in text:
        code = ord(char)
        if char == "&":
            out.append("&amp;")
        elif char == "<":
            out.append("&lt;")
        elif char == ">":
            out.append("&gt;")
        elif char == '"':
            out.append("&quot;")
        elif (
            (code < 0x20 and char not in "\t\n")
            or 0xD800 <= code <= 0xDFFF
            or code in (0xFFFE, 0xFFFF)
        ):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _junit(diagnostics: Sequence[Diagnostic], files: Sequence[str], options: ReportOptions) -> str:
    failing = {"error", "warning"} if options.strict else {"error"}
    by_path: dict[str, list[Diagnostic]] = {path: [] for path in files}
    for diagnostic in diagnostics:
        by_path.setdefault(diagnostic.path or "-", []).append(diagnostic)
    failures = sum(1 for found in by_path.values() if any(d.severity in failing for d in found))
    cases = []
    for path, found in by_path.items():
        body = "".join(_xml(text_line(d)) + "\n" for d in found)
        case = f'    <testcase classname="{TOOL_NAME}" name="{_xml(path)}"'
        if not found:
            cases.append(case + "/>\n")
            continue
        case += ">\n"
        if any(d.severity in failing for d in found):
            counts = count(found)
            summary = (
                f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, "
                f"{counts['info']} info"
            )
            case += f'      <failure type="lint" message="{_xml(summary)}">{body}</failure>\n'
        else:
            case += f"      <system-out>{body}</system-out>\n"
        cases.append(case + "    </testcase>\n")
    totals = f'tests="{len(by_path)}" failures="{failures}" errors="0"'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="{TOOL_NAME}" {totals}>\n'
        f'  <testsuite name="{TOOL_NAME}" {totals} skipped="0">\n'
        + "".join(cases)
        + "  </testsuite>\n</testsuites>\n"
    )


_REPORTERS: dict[str, Reporter] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "github": _github,
    "junit": _junit,
}
