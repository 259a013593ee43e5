"""``cfgtool phone``: gather options, call :mod:`cfgtool.phone`, print the result."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import click

import cfgtool
from cfgtool.cli.options import text_or_json
from cfgtool.cli.phone_trigger import (
    TriggerEvent,
    discover_url,
    echo_event,
    listen_address,
    listen_and_reprovision,
)
from cfgtool.fsutil import read_bytes
from cfgtool.phone import (
    FleetResult,
    PhoneKeys,
    PhoneSpec,
    ProvisionResult,
    make_spec,
    provision_fleet,
)
from cfgtool.phone.decrypt import read_keys_csv
from cfgtool.phone.fleet import inventory_phones
from cfgtool.phone.report import print_fleet, print_result

EXAMPLES = """
\b
Examples:
  cfgtool phone 'http://127.0.0.1:8080/$PN/' --mac 0015651130f9 --model T46G
  cfgtool phone 'http://127.0.0.1:8080/$PN/' --mac 0015651130f9 --model T46G --state st/
  cfgtool phone 'tftp://127.0.0.1/$PN/' --mac 00:15:65:11:30:F9 --model T42G --firmware 81
  CFGTOOL_PHONE_PASSWORD=... cfgtool phone 'https://prov.example.com/' \\
      --mac 0015651130f9 --model T46G --ca ca.pem --user phone --keys upload/keys.csv \\
      --format json
  cfgtool phone 'http://127.0.0.1:8080/$PN/' --inventory phones.csv --concurrency 200
  cfgtool phone --pnp --pnp-server 127.0.0.1:5070 --mac 0015651130f9 --model T46G
  cfgtool phone 'http://127.0.0.1:8080/$PN/' --mac 0015651130f9 --model T46G --state st/ \\
      --listen 127.0.0.1:5062 --listen-count 3
\b
Exit codes: 0 the phone(s) would provision (a missing <mac>.cfg alone is a
warning), 1 a phone would fail or apply invalid settings, 2 usage error.
"""


def _keys(
    keys_csv: str | None, key_common: str | None, key_mac: str | None, rsa_private: str | None
) -> PhoneKeys:
    return PhoneKeys(
        common=cfgtool.validate_aes_key(key_common) if key_common else None,
        mac=cfgtool.validate_aes_key(key_mac) if key_mac else None,
        by_file=read_keys_csv(keys_csv) if keys_csv else {},
        rsa_private=read_bytes(rsa_private) if rsa_private else None,
    )


@click.command(epilog=EXAMPLES)
@click.argument("url", required=False)
@click.option("--mac", help="The phone's MAC address (any common spelling).")
@click.option("--model", help="Phone model (T46G, SIP-T46G, T19P_E2…); see `cfgtool models`.")
@click.option(
    "--firmware",
    metavar="V",
    help="Firmware generation (84) or full version (84.0.0.10, 28.84.0.10); "
    "default: the newest the catalog knows for the model.",
)
@click.option("--pn", metavar="NAME", help="What $PN becomes (auto_provision.url_wildcard.pn).")
@click.option("--user", help="User name for HTTP(S)/FTP (or user:password@ in the URL).")
@click.option(
    "--password",
    envvar="CFGTOOL_PHONE_PASSWORD",
    help="Password for --user [env CFGTOOL_PHONE_PASSWORD, which keeps it out of the "
    "process list].",
)
@click.option(
    "--keys",
    "keys_csv",
    type=click.Path(dir_okay=False, exists=True),
    help="keys.csv (file,key) as `cfgtool encrypt` writes it.",
)
@click.option(
    "--key-common",
    envvar="CFGTOOL_KEY_COMMON",
    help="AES key of Common files [env CFGTOOL_KEY_COMMON].",
)
@click.option(
    "--key-mac", envvar="CFGTOOL_KEY_MAC", help="AES key of MAC files [env CFGTOOL_KEY_MAC]."
)
@click.option(
    "--rsa-private",
    type=click.Path(dir_okay=False, exists=True),
    help="RSA private key (PEM) for RSA-encrypted files (lab use).",
)
@click.option(
    "--local",
    "local_file",
    type=click.Path(dir_okay=False, exists=True),
    help="The phone's own <mac>-local.cfg (settings made on the phone).",
)
@click.option(
    "--state",
    "state_dir",
    type=click.Path(file_okay=False),
    help="Keep what the phone applied here; the next run applies the MD5 rule ('no update').",
)
@click.option(
    "--boot",
    type=click.Choice(["auto", "never"]),
    default="auto",
    show_default=True,
    help="auto: firmware 81+ asks for <mac>.boot and y000000000000.boot first.",
)
@click.option(
    "--ca",
    type=click.Path(dir_okay=False, exists=True),
    help="CA certificates (PEM) to trust for HTTPS.",
)
@click.option("--insecure", is_flag=True, help="Do not check HTTPS certificates.")
@click.option("--check-external", is_flag=True, help="Also check resources on other hosts.")
@click.option("--no-lint", is_flag=True, help="Do not run the lint and model rules on the files.")
@click.option("--no-upload", is_flag=True, help="Do not upload <mac>-local.cfg (custom sync).")
@click.option("--show-secrets", is_flag=True, help="Show passwords and keys instead of ******.")
@click.option("--no-settings", is_flag=True, help="Text output: leave out the settings table.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds per request.",
)
@click.option(
    "--inventory",
    type=click.Path(dir_okay=False, exists=True),
    help="Fleet mode: play every phone of this CSV (mac, model, optional user, password, "
    "key_common, key_mac, firmware).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Fleet mode: phones at once.",
)
@click.option(
    "--pnp",
    is_flag=True,
    help="Find the server as a booting phone does: SUBSCRIBE to the PnP group (or "
    "--pnp-server) and take the URL from the NOTIFY; no URL argument then.",
)
@click.option(
    "--pnp-server",
    metavar="ADDR[:PORT]",
    help="Send the PnP SUBSCRIBE unicast here instead of to 224.0.1.75:5060.",
)
@click.option(
    "--pnp-interface",
    default="127.0.0.1",
    show_default=True,
    metavar="ADDR",
    help="Interface address the PnP SUBSCRIBE leaves from (multicast stays on it).",
)
@click.option(
    "--listen",
    metavar="ADDR:PORT",
    help="After provisioning, wait for SIP NOTIFY check-sync here, answer 200 OK and "
    "re-provision (reboot as sip.notify_reboot_enable says).",
)
@click.option(
    "--listen-count",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Stop after this many check-syncs.",
)
@click.option(
    "--listen-timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds to wait for each check-sync.",
)
@text_or_json()
def phone(
    url: str | None,
    mac: str | None,
    model: str | None,
    firmware: str | None,
    pn: str | None,
    user: str | None,
    password: str | None,
    keys_csv: str | None,
    key_common: str | None,
    key_mac: str | None,
    rsa_private: str | None,
    local_file: str | None,
    state_dir: str | None,
    boot: str,
    ca: str | None,
    insecure: bool,
    check_external: bool,
    no_lint: bool,
    no_upload: bool,
    show_secrets: bool,
    no_settings: bool,
    timeout: float,
    inventory: str | None,
    concurrency: int,
    pnp: bool,
    pnp_server: str | None,
    pnp_interface: str,
    listen: str | None,
    listen_count: int,
    listen_timeout: float,
    output_format: str,
) -> None:
    """Play a Yealink phone against a provisioning server, as the guide says it behaves.

    URL is what the phone holds (DHCP option 66/43, auto_provision.server.url),
    with $PN and $MAC. The phone asks for its boot files (firmware 81+), then
    the Common file and <mac>.cfg; decrypts them; with custom sync fetches and
    uploads <mac>-local.cfg; merges everything with the file and line of each
    setting; says "no update" when the MD5s are those of the last run (--state);
    decides whether it reboots; checks the firmware, ring tones and other files
    the settings name. With --inventory, a whole fleet at once.

    With --pnp the phone first asks a PnP server for the URL (cfgtool pnp);
    with --listen it then waits for NOTIFY check-sync (cfgtool notify) and
    re-provisions, reporting what changed and whether it reboots by its
    sip.notify_reboot_enable (1 default: always; 0: only for reboot=true;
    2: ignores check-sync).
    """
    if url is None and not pnp:
        raise click.UsageError("give the provisioning URL, or --pnp to ask a PnP server")
    if (pnp or listen) and inventory is not None:
        raise click.UsageError("--pnp and --listen play one phone (--mac, --model)")
    if inventory is None and (mac is None or model is None):
        raise click.UsageError("give --mac and --model (or --inventory for a fleet)")
    if inventory is not None and mac is not None:
        raise click.UsageError("--mac plays one phone and --inventory a fleet; give one of them")
    try:
        keys = _keys(keys_csv, key_common, key_mac, rsa_private)
        local = read_bytes(local_file).decode("utf-8-sig") if local_file else None
    except UnicodeDecodeError:
        raise click.BadParameter("not UTF-8 text", param_hint="--local") from None
    common: dict[str, Any] = dict(
        firmware=firmware,
        pn=pn,
        user=user,
        password=password,
        keys=keys,
        local=local,
        state_dir=state_dir,
        boot=boot,
        lint=not no_lint,
        check_external=check_external,
        upload=not no_upload,
    )
    if inventory is not None:
        specs = inventory_phones(inventory, make_spec, url=url, model=model, **common)
        concurrency_used = concurrency
    else:
        assert mac is not None and model is not None
        spec = make_spec(url or "", mac, model=model, **common)
        if pnp:
            spec = replace(spec, url=discover_url(spec, pnp_server, pnp_interface, timeout))
        specs = [spec]
        concurrency_used = 1
    fleet = _run(specs, concurrency_used, ca, insecure, timeout, progress=inventory is not None)
    if listen is not None and output_format == "json":
        record = {
            "event": "provision",
            "result": fleet.results[0].to_dict(show_secrets=show_secrets),
        }
        click.echo(json.dumps(record))
    elif output_format == "json":
        data = (
            fleet.to_dict(show_secrets=show_secrets)
            if inventory
            else fleet.results[0].to_dict(show_secrets=show_secrets)
        )
        click.echo(json.dumps(data, indent=2))
    else:
        # rich is only needed for text output on this path.
        from rich.console import Console

        console = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
        if inventory is not None:
            print_fleet(console, fleet)
        else:
            print_result(
                console, fleet.results[0], show_secrets=show_secrets, all_settings=not no_settings
            )
    if listen is not None:

        def again() -> ProvisionResult:
            return _run(specs, 1, ca, insecure, timeout, progress=False).results[0]

        _listen(
            fleet.results[0],
            listen,
            listen_count,
            listen_timeout,
            again,
            echo_event(output_format, show_secrets),
        )
    raise SystemExit(fleet.exit_code)


def _listen(
    first: ProvisionResult,
    listen: str,
    count: int,
    wait: float,
    again: Callable[[], ProvisionResult],
    echo: Callable[[TriggerEvent], None],
) -> None:
    """--listen: each check-sync and what the phone did with it, then exit."""
    click.echo(f"cfgtool phone: {first.mac} listening on {listen} for check-sync", err=True)
    events = listen_and_reprovision(
        listen_address(listen), again, first, count=count, timeout=wait, on_event=echo
    )
    if len(events) < count:
        click.echo(f"cfgtool phone: no check-sync within {wait:g} s", err=True)
    results = [first, *(event.result for event in events if event.result)]
    raise SystemExit(max(result.exit_code for result in results))


def _run(
    specs: list[PhoneSpec],
    concurrency: int,
    ca: str | None,
    insecure: bool,
    timeout: float,
    *,
    progress: bool,
) -> FleetResult:
    """Play ``specs``; a progress bar on stderr when ``progress`` and it is a terminal."""
    if not (progress and sys.stderr.isatty()):
        return provision_fleet(
            specs, concurrency=concurrency, ca=ca, insecure=insecure, timeout=timeout
        )
    # rich's progress bar only on a terminal.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "phones",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("phones", total=len(specs))
        return provision_fleet(
            specs,
            concurrency=concurrency,
            ca=ca,
            insecure=insecure,
            timeout=timeout,
            progress=lambda _result: bar.advance(task),
        )
