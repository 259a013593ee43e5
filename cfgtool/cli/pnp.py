"""``cfgtool pnp``: the PnP server that tells booting phones the provisioning URL."""

from __future__ import annotations

import json

import click

from cfgtool.sip.pnp import PNP_GROUP, PNP_PORT, AllowList, PnpEvent, PnpResponder


@click.command()
@click.option("--url", required=True, help="The provisioning URL sent to phones ($PN/$MAC kept).")
@click.option(
    "--allow-mac",
    "allow",
    multiple=True,
    metavar="MAC|OUI",
    help="Answer this phone (00:15:65:11:30:f9) or maker prefix (00:15:65); repeatable.",
)
@click.option("--allow-any", is_flag=True, help="Answer every Yealink phone (no allow list).")
@click.option(
    "--bind",
    default="127.0.0.1",
    show_default=True,
    metavar="ADDR",
    help="Interface address: unicast SUBSCRIBEs to ADDR:PORT, and the group joined on it.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=PNP_PORT, show_default=True, help="SIP port."
)
@click.option(
    "--group",
    default=PNP_GROUP,
    show_default=True,
    metavar="ADDR",
    help="Multicast group phones send to; 'none' for unicast only.",
)
@click.option("--expand", is_flag=True, help="Replace $MAC and $PN for each phone.")
@click.option("--count", type=click.IntRange(min=1), help="Stop after answering N phones.")
@click.option("--duration", type=click.FloatRange(min=0.1), help="Stop after SECONDS.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one JSON object per request (JSON lines).",
)
def pnp(
    url: str,
    allow: tuple[str, ...],
    allow_any: bool,
    bind: str,
    port: int,
    group: str,
    expand: bool,
    count: int | None,
    duration: float | None,
    output_format: str,
) -> None:
    """Answer Yealink phones' PnP SUBSCRIBE with the provisioning URL.

    A booting phone with static.auto_provision.pnp_enable = 1 multicasts a
    SUBSCRIBE (Event: ua-profile;profile-type="device";vendor="Yealink";
    model=...) to 224.0.1.75:5060. This server answers 200 OK, then sends a
    NOTIFY with Content-Type application/url and --url as the body to the
    address in the SUBSCRIBE's Via. Only phones on the allow list (by MAC
    from the User-Agent or From, or by OUI) get an answer; every request is
    logged (MAC, model, firmware, source, answer) on stdout.

    It listens on loopback by default: give --bind the address of the
    phones' network interface (the group is joined there, and only there).
    Port 5060 needs root or CAP_NET_BIND_SERVICE. Stop with Ctrl-C, --count
    or --duration.

    \b
    Examples:
      cfgtool pnp --url 'http://10.0.0.1/$PN/' --allow-mac 80:5e:c0 --bind 10.0.0.1
      cfgtool pnp --url tftp://10.0.0.1/ --allow-mac 0015651130f9 --count 1
      cfgtool pnp --url http://127.0.0.1:8080/ --allow-any --port 5070 --group none
    """
    allow_list = AllowList(allow, allow_any=allow_any)
    if not allow and not allow_any:
        raise click.UsageError("give --allow-mac MAC|OUI (repeatable), or --allow-any")

    def show(event: PnpEvent) -> None:
        if output_format == "json":
            click.echo(json.dumps(event.to_dict()))
        else:
            click.echo(event.line())

    responder = PnpResponder(
        url,
        allow_list,
        bind=bind,
        port=port,
        group=None if group.lower() == "none" else group,
        expand=expand,
        on_event=show,
    )
    with responder:
        where = f"{bind}:{responder.port}" + (f" and {group}" if group.lower() != "none" else "")
        click.echo(f"cfgtool pnp: answering on {where}", err=True)
        try:
            responder.serve(count=count, duration=duration)
        except KeyboardInterrupt:
            click.echo("cfgtool pnp: stopped", err=True)
