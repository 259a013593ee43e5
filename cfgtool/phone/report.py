"""Showing a played phone (or a fleet) to a person: rich text on a terminal.

What the phone downloads (every request), what it ends up with (each setting
with its file and line; secrets masked unless asked), what changed, whether
it reboots and why, the resource checks, and each problem with its hint.
JSON comes from :meth:`ProvisionResult.to_json`; this module only renders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cfgtool.masking import mask_url_credentials, mask_value
from cfgtool.phone.fleet import FleetResult
from cfgtool.phone.result import ProvisionResult

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["print_fleet", "print_result"]

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_OUTCOME_STYLE = {"provisioned": "bold green", "no update": "bold cyan", "failed": "bold red"}


def _size(count: int) -> str:
    return f"{count:,} B" if count < 10_000 else f"{count / 1024:,.1f} KB"


def print_result(
    console: Console,
    result: ProvisionResult,
    *,
    show_secrets: bool = False,
    all_settings: bool = True,
) -> None:
    """The whole story of one phone (see the module docstring)."""
    # rich is loaded only when a result is printed as text.
    from rich.markup import escape

    console.print(
        f"[bold]{escape(result.model)}[/] {result.mac}  firmware {result.firmware}  "
        f"User-Agent: {escape(result.user_agent)}"
    )
    console.print(f"[bold]Requests[/] ({len(result.requests)}):")
    for request in result.requests:
        status = (
            f"[green]{request.status}[/]" if request.ok else f"[red]{escape(request.status)}[/]"
        )
        facts = [f"{request.seconds * 1000:.1f} ms"]
        if request.ok and request.method != "HEAD":
            facts[:0] = [_size(request.bytes), f"md5 {(request.md5 or '')[:12]}"]
        if request.changed is not None:
            facts.append("changed" if request.changed else "unchanged")
        console.print(
            f"  {request.method} {escape(mask_url_credentials(request.url))} {status} "
            f"[dim]{request.kind}[/]  {', '.join(facts)}"
        )
    if result.settings and all_settings:
        console.print(f"[bold]Settings[/] ({len(result.settings)}; file:line that set each):")
        for source in result.settings.values():
            value = source.value if show_secrets else mask_value(source.key, source.value)
            where = f"{escape(source.file)}:{source.line}"
            console.print(f"  {escape(source.key)} = {escape(value)}  [dim]{where}[/]")
    if result.outcome == "no update":
        console.print(
            "No update: the Common and MAC files have the MD5s of the last run; "
            "the phone applies nothing."
        )
    elif result.changes:
        console.print(f"[bold]Changes[/] ({len(result.changes)}):")
        for change in result.changes[:50]:
            old = (
                change.old
                if show_secrets or change.old is None
                else mask_value(change.key, change.old)
            )
            new = (
                change.new
                if show_secrets or change.new is None
                else mask_value(change.key, change.new)
            )
            mark = "  [magenta](reboot)[/]" if change.reboot else ""
            console.print(f"  {escape(change.key)}: {escape(str(old))} -> {escape(str(new))}{mark}")
        if len(result.changes) > 50:
            console.print(f"  … and {len(result.changes) - 50} more (--format json lists all)")
    reboot = result.reboot
    if reboot.needed:
        why = "forced by auto_provision.reboot_force.enable = 1" if reboot.forced else ""
        keys = ", ".join(reboot.keys[:8]) + (" …" if len(reboot.keys) > 8 else "")
        because = "; ".join(
            part for part in (why, f"settings that need it: {keys}" if keys else "") if part
        )
        console.print(f"[bold magenta]Reboot: yes[/] ({escape(because)})")
    elif result.outcome != "failed":
        console.print("Reboot: no")
    for check in result.resources:
        style = {"ok": "green", "missing": "red", "wrong model": "red"}.get(check.status, "dim")
        size = f", {_size(check.bytes)}" if check.bytes is not None else ""
        detail = f" ({escape(check.detail)})" if check.detail else ""
        console.print(
            f"  {check.kind}: {escape(mask_url_credentials(check.url))} "
            f"[{style}]{check.status}[/]{size}{detail}"
        )
    for diagnostic in result.diagnostics:
        where = f"{diagnostic.path}:{diagnostic.line}: " if diagnostic.path else ""
        style = _SEVERITY_STYLE[diagnostic.severity]
        console.print(
            f"{escape(where)}[{style}]{diagnostic.severity}[/] {diagnostic.code} "
            f"{escape(diagnostic.message)}"
        )
        if diagnostic.hint:
            console.print(f"    hint: {escape(diagnostic.hint)}")
    outcome = result.outcome if result.ok or result.outcome == "failed" else "invalid settings"
    console.print(
        f"[{_OUTCOME_STYLE.get(outcome, 'bold red')}]{outcome}[/] in {result.seconds * 1000:.0f} ms"
    )


def print_fleet(console: Console, fleet: FleetResult) -> None:
    """The fleet's summary table, then one line per failed phone."""
    from rich.markup import escape
    from rich.table import Table

    # rich is loaded only when a result is printed as text.
    summary = fleet.summary()
    table = Table(title=f"{summary.phones} phones in {summary.seconds:.2f} s", title_justify="left")
    table.add_column("")
    table.add_column("phones", justify="right")
    table.add_row("provisioned", str(summary.provisioned))
    table.add_row("no update", str(summary.no_update))
    table.add_row("failed", str(summary.failed))
    for reason, count in summary.failed_by_reason.items():
        table.add_row(f"  {escape(reason)}", str(count))
    table.add_row("changed", str(summary.changed))
    table.add_row("would reboot", str(summary.would_reboot))
    table.add_row("time per phone p50", f"{summary.p50 * 1000:.0f} ms")
    table.add_row("time per phone p99", f"{summary.p99 * 1000:.0f} ms")
    console.print(table)
    failed = [result for result in fleet.results if not result.ok]
    for result in failed[:20]:
        first = next((d for d in result.diagnostics if d.severity == "error"), None)
        message = f"{first.code} {first.message}" if first else result.failure or ""
        console.print(f"[red]failed[/] {result.mac} ({escape(result.model)}): {escape(message)}")
    if len(failed) > 20:
        console.print(f"… and {len(failed) - 20} more failed phones (--format json lists all)")
