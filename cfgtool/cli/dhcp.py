"""``cfgtool dhcp``: the DHCP server configuration that points Yealink phones at the server."""

from __future__ import annotations

import click

from cfgtool.dhcp import SERVERS, YEALINK_OUIS, check_with_daemon, dhcp_config
from cfgtool.errors import CfgValueError
from cfgtool.fsutil import atomic_write_text


def _option(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an option number (66, 43, 128-254)") from None


@click.command()
@click.argument("url")
@click.option(
    "--option",
    "option_code",
    default="66",
    show_default=True,
    metavar="66|43|N",
    help="66 (TFTP server name, takes a full URL), 43 (vendor-specific, sub-option 1), "
    "or a custom option N in 128-254 sent as text.",
)
@click.option(
    "--format",
    "server",
    type=click.Choice(SERVERS),
    default="isc",
    show_default=True,
    help="DHCP server: isc (dhcpd.conf include), dnsmasq (conf-file), kea (complete Dhcp4).",
)
@click.option(
    "--vendor-class",
    metavar="TEXT",
    help="Also match phones by option 60 (Yealink phones send 'yealink' by default).",
)
@click.option(
    "--mac-prefix",
    "mac_prefixes",
    multiple=True,
    metavar="OUI",
    help="Match phones whose MAC starts with OUI (repeatable) "
    f"[default: Yealink's {', '.join(YEALINK_OUIS)}].",
)
@click.option(
    "--no-mac-match", is_flag=True, help="Do not match by MAC prefix (use with --vendor-class)."
)
@click.option(
    "--all-clients", is_flag=True, help="Send the option to every client, without a class."
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout."
)
@click.option(
    "--check",
    is_flag=True,
    help="Also run the daemon's own syntax check on the output (it must be installed).",
)
def dhcp(
    url: str,
    option_code: str,
    server: str,
    vendor_class: str | None,
    mac_prefixes: tuple[str, ...],
    no_mac_match: bool,
    all_clients: bool,
    output: str | None,
    check: bool,
) -> None:
    """Print the DHCP configuration that hands Yealink phones the provisioning URL.

    A phone looks for the server in a custom option (128-254, the one set in
    static.auto_provision.dhcp_option.list_user_options) first, then option
    66, then option 43. Option 43 is written as Yealink documents it in its
    administrator guides (section "DHCP Option 66, Option 43 and Custom
    Option": option 43 carries the Auto Configuration Server address), encoded
    as one vendor-specific sub-option, code 1, holding the URL (the TR-069 ACS
    URL sub-option). The option goes to a class of phones that match by MAC
    prefix (Yealink's OUIs by default) or by option 60 (--vendor-class).

    The ISC and dnsmasq outputs are files to include as they are
    (`include "FILE";` in dhcpd.conf, `conf-file=FILE` for dnsmasq); the Kea
    output is a complete Dhcp4 configuration without interfaces and subnets,
    to which you add yours. Check them with `dhcpd -t -cf FILE`,
    `dnsmasq --test -C FILE` or `kea-dhcp4 -t FILE`.

    \b
    Examples:
      cfgtool dhcp 'http://10.0.0.1/$PN/' --format isc > /etc/dhcp/yealink.conf
      cfgtool dhcp tftp://10.0.0.1/ --format dnsmasq --vendor-class yealink
      cfgtool dhcp https://prov.example.com/ --option 160 --format kea -o kea-dhcp4.conf
      cfgtool dhcp http://10.0.0.1/ --option 43 --mac-prefix 80:5e:c0 --check
    """
    prefixes: tuple[str, ...] = () if no_mac_match else (mac_prefixes or YEALINK_OUIS)
    text = dhcp_config(
        url,
        server=server,
        option=_option(option_code),
        vendor_class=vendor_class,
        mac_prefixes=prefixes,
        all_clients=all_clients,
    )
    if check:
        passed, report = check_with_daemon(text, server)
        if not passed:
            raise CfgValueError(f"the {server} syntax check failed:\n{report}")
    if output:
        atomic_write_text(output, text)
    else:
        click.echo(text, nl=False)
    if check:
        click.echo(f"cfgtool dhcp: the {server} syntax check passed", err=True)
