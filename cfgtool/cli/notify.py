"""``cfgtool notify``: SIP NOTIFY check-sync, so phones re-provision now."""

from __future__ import annotations

import json

import click

import cfgtool
from cfgtool.cli.options import text_or_json
from cfgtool.errors import EXIT_FINDINGS, EXIT_OK, CfgValueError
from cfgtool.sip.addresses import DEFAULT_SIP_PORT, SipTarget, parse_target
from cfgtool.sip.notify import NotifyResult, check_sync_many
from cfgtool.sip.transport import TIMER_F


def inventory_targets(path: str, column: str, port: int) -> list[SipTarget]:
    """One target per inventory row, from ``column`` (rows without an address are an error)."""
    inventory = cfgtool.read_inventory(path)
    index = inventory.column_index(column)
    if index is None:
        raise CfgValueError(
            f"{path}: no {column!r} column (columns: {', '.join(inventory.columns)}); "
            "name the phones' address column with --address-column"
        )
    targets = []
    for row in inventory.rows:
        cell = row.cells[index].strip()
        if not cell:
            raise CfgValueError(f"{path}:{row.row}: no address in column {column!r}")
        targets.append(parse_target(cell, port))
    return targets


@click.command()
@click.argument("targets", nargs=-1)
@click.option("--reboot", is_flag=True, help="Send 'Event: check-sync;reboot=true'.")
@click.option(
    "--transport",
    type=click.Choice(["udp", "tcp"]),
    default="udp",
    show_default=True,
    help="SIP transport (the phone's account transport; UDP retransmits per RFC 3261).",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_SIP_PORT,
    show_default=True,
    help="SIP port of targets that do not name one.",
)
@click.option("--user", metavar="USER", help="User for a phone that answers 401/407.")
@click.option(
    "--password",
    metavar="PASSWORD",
    envvar="CFGTOOL_SIP_PASSWORD",
    help="Its password (better: the CFGTOOL_SIP_PASSWORD environment variable).",
)
@click.option(
    "--inventory",
    type=click.Path(dir_okay=False, exists=True),
    help="Also notify every phone of this inventory CSV (see --address-column).",
)
@click.option(
    "--address-column",
    default="ip",
    show_default=True,
    metavar="NAME",
    help="The inventory column with each phone's address (HOST or HOST:PORT).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, TIMER_F),
    default=TIMER_F,
    show_default=True,
    help="Seconds to wait for each phone's final answer (RFC 3261 timer F is 32).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 256),
    default=32,
    show_default=True,
    help="Phones notified at the same time.",
)
@text_or_json()
def notify(
    targets: tuple[str, ...],
    reboot: bool,
    transport: str,
    port: int,
    user: str | None,
    password: str | None,
    inventory: str | None,
    address_column: str,
    timeout: float,
    jobs: int,
    output_format: str,
) -> None:
    """Send SIP NOTIFY 'Event: check-sync' so phones re-provision now.

    Each TARGET is HOST, HOST:PORT, [IPv6]:PORT or sip:USER@HOST[:PORT].
    The NOTIFY goes to each phone directly (never through a proxy); over UDP
    it is retransmitted after 0.5, 1, 2, 4, 4... seconds until the phone
    answers or --timeout runs out. 200 OK means the phone took it. A phone
    set to authenticate NOTIFY answers 401/407; with --user and --password
    the challenge is answered once. Broadcast and multicast targets are
    refused: 255.255.255.255, 224.0.0.0/4 and the broadcast address of any
    local network would reach, and reboot, every phone there.

    \b
    What the phone does is its sip.notify_reboot_enable setting:
      1  (the default) reboot on every check-sync, with or without --reboot
      0  reboot only with --reboot (reboot=true); else re-provision in place
      2  ignore check-sync
    Set it to 0 in the Common file if NOTIFY should not restart calls.

    \b
    Exit codes: 0 every phone answered 2xx, 1 some did not, 2 usage error.

    \b
    Examples:
      cfgtool notify 10.0.0.21 10.0.0.22:5062
      cfgtool notify --reboot --inventory phones.csv --address-column ip
      CFGTOOL_SIP_PASSWORD=secret cfgtool notify --user admin 10.0.0.21
      cfgtool notify --transport tcp --timeout 5 --format json 10.0.0.21 | jq .
    """
    everything: list[str | SipTarget] = [parse_target(text, port) for text in targets]
    if inventory:
        everything.extend(inventory_targets(inventory, address_column, port))
    if not everything:
        raise click.UsageError("no target: give TARGET... or --inventory")

    def show(result: NotifyResult) -> None:
        if output_format == "text":
            click.echo(result.line())

    results = check_sync_many(
        everything,
        jobs=jobs,
        on_result=show,
        reboot=reboot,
        transport=transport,
        user=user,
        password=password,
        timeout=timeout,
    )
    if output_format == "json":
        click.echo(json.dumps([result.to_dict() for result in results], indent=2))
    else:
        good = sum(result.ok for result in results)
        click.echo(f"{good} of {len(results)} phones took the NOTIFY", err=True)
    raise SystemExit(EXIT_OK if all(result.ok for result in results) else EXIT_FINDINGS)
