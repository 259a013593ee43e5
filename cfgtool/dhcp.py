"""DHCP server snippets that hand Yealink phones the provisioning server URL.

A Yealink phone looks for the server address in DHCP options in this order:
a custom option (128-254, ``static.auto_provision.dhcp_option.list_user_options``),
option 66 (TFTP server name; phones take a full URL there), then option 43.
It identifies itself with option 60 (vendor class identifier), ``yealink`` by
default (``static.auto_provision.dhcp_option.option60_value``).

Option 43 is written as Yealink's administrator guides describe it ("the IP
phone can obtain the Auto Configuration Server (ACS) address by detecting
option 43", section *DHCP Option 66, Option 43 and Custom Option*): one
vendor-specific sub-option, code 1, holding the URL - the encoding of TR-069's
ACS URL (Broadband Forum TR-069, DHCP option 43 sub-option 1).

    >>> print(dhcp_config("http://10.0.0.1/", server="dnsmasq").splitlines()[-1])
    dhcp-option=tag:cfgtool-yealink,66,"http://10.0.0.1/"
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from cfgtool.errors import CfgValueError

__all__ = [
    "CLASS_NAME",
    "SERVERS",
    "YEALINK_OUIS",
    "DhcpPlan",
    "check_with_daemon",
    "dhcp_config",
    "normalize_oui",
    "option43_payload",
    "plan",
]

Server = Literal["isc", "dnsmasq", "kea"]
SERVERS: tuple[Server, ...] = ("isc", "dnsmasq", "kea")
CLASS_NAME = "cfgtool-yealink"

# Yealink's IEEE OUIs seen on Yealink phones in public provisioning code and
# inventories (Wazo's Yealink plugin tests, SARK's manufacturer table, device
# exports naming the model). 00:1F:C1, often listed as Yealink, is Hanlong (Htek).
YEALINK_OUIS: tuple[str, ...] = ("00:15:65", "24:9a:d8", "44:db:d2", "80:5e:0c", "80:5e:c0")

# Options in 128-254 that dnsmasq knows with a non-text type and checks as such.
_DNSMASQ_TYPED = {150: "tftp-server-address, a list of IP addresses"}
_MAX_OPTION_BYTES = 255
_ACS_URL_SUBOPTION = 1
_OUI = re.compile(r"[0-9a-f]{6}")
# Printable ASCII without the quote and backslash that would end or escape the
# quoted string in dhcpd.conf and dnsmasq.conf.
_SAFE_URL = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")


@dataclass(frozen=True, slots=True)
class DhcpPlan:
    """What to send and to whom: the checked input of every generator."""

    url: str
    option: int
    vendor_class: str | None
    mac_prefixes: tuple[str, ...]
    all_clients: bool


def normalize_oui(text: str) -> str:
    """``00:15:65`` for ``001565``, ``00-15-65`` or ``00:15:65``; CfgValueError otherwise."""
    compact = text.strip().lower().replace(":", "").replace("-", "").replace(".", "")
    if not _OUI.fullmatch(compact):
        raise CfgValueError(
            f"{text!r} is not a MAC prefix (OUI); write 3 bytes in hex, e.g. 00:15:65"
        )
    return ":".join(compact[i : i + 2] for i in range(0, 6, 2))


def _check_url(url: str, option: int) -> str:
    text = url.strip()
    if not text:
        raise CfgValueError("the provisioning URL is empty")
    if not _SAFE_URL.fullmatch(text):
        raise CfgValueError(
            f"{url!r}: a provisioning URL for DHCP must be printable ASCII without spaces, "
            "quotes or backslashes (percent-encode them)"
        )
    limit = _MAX_OPTION_BYTES - 2 if option == 43 else _MAX_OPTION_BYTES
    if len(text) > limit:
        raise CfgValueError(f"the URL is {len(text)} bytes; DHCP option {option} holds {limit}")
    return text


def _check_option(option: int) -> int:
    if option in (43, 66) or 128 <= option <= 254:
        return option
    raise CfgValueError(
        f"option {option} is not one Yealink phones read the server from; "
        "use 66, 43 or a custom option 128-254"
    )


def _check_vendor_class(vendor_class: str | None) -> str | None:
    if vendor_class is None:
        return None
    if not vendor_class or not re.fullmatch(r"[A-Za-z0-9._:+-]{1,64}", vendor_class):
        raise CfgValueError(
            f"{vendor_class!r}: a vendor class (option 60) here is 1-64 letters, digits or ._:+-"
        )
    return vendor_class


def plan(
    url: str,
    *,
    option: int = 66,
    vendor_class: str | None = None,
    mac_prefixes: Sequence[str] = YEALINK_OUIS,
    all_clients: bool = False,
) -> DhcpPlan:
    """Check and normalise the inputs: CfgValueError says what to change."""
    checked_option = _check_option(option)
    prefixes = tuple(dict.fromkeys(normalize_oui(prefix) for prefix in mac_prefixes))
    checked_class = _check_vendor_class(vendor_class)
    if not all_clients and not prefixes and checked_class is None:
        raise CfgValueError(
            "no phone would match: give --vendor-class, --mac-prefix, or --all-clients"
        )
    return DhcpPlan(
        url=_check_url(url, checked_option),
        option=checked_option,
        vendor_class=checked_class,
        mac_prefixes=() if all_clients else prefixes,
        all_clients=all_clients,
    )


def option43_payload(url: str) -> bytes:
    """The option 43 bytes: sub-option 1, its length, the URL."""
    data = url.encode("ascii")
    return bytes((_ACS_URL_SUBOPTION, len(data))) + data


def _hex(data: bytes, separator: str) -> str:
    return separator.join(f"{byte:02x}" for byte in data)


def _header(p: DhcpPlan, comment: str) -> list[str]:
    who = (
        "every client"
        if p.all_clients
        else " or ".join(
            ([f"vendor class (option 60) {p.vendor_class!r}"] if p.vendor_class else [])
            + ([f"MAC prefix {', '.join(p.mac_prefixes)}"] if p.mac_prefixes else [])
        )
    )
    return [
        f"{comment} Generated by cfgtool dhcp: provisioning URL for Yealink phones",
        f"{comment} in DHCP option {p.option}, for {who}.",
        f"{comment} The phone tries a custom option (128-254) first, then 66, then 43;",
        f"{comment} a custom option must match the phones'",
        f"{comment} static.auto_provision.dhcp_option.list_user_options.",
    ]


def _isc(p: DhcpPlan) -> str:
    lines = _header(p, "#")
    if p.option >= 128:
        lines.append(f"option cfgtool-provisioning-url code {p.option} = text;")
    if p.option == 66:
        setting = f'option tftp-server-name "{p.url}";'
    elif p.option == 43:
        setting = f"option vendor-encapsulated-options {_hex(option43_payload(p.url), ':')};"
    else:
        setting = f'option cfgtool-provisioning-url "{p.url}";'
    if p.all_clients:
        lines.append(setting)
        return "\n".join(lines) + "\n"
    tests = []
    if p.vendor_class:
        tests.append(
            f"substring(option vendor-class-identifier, 0, {len(p.vendor_class)})"
            f' = "{p.vendor_class}"'
        )
    tests.extend(f"substring(hardware, 1, 3) = {oui}" for oui in p.mac_prefixes)
    lines.append(f'class "{CLASS_NAME}" {{')
    lines.append("  match if " + "\n    or ".join(tests) + ";")
    lines.append(f"  {setting}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dnsmasq(p: DhcpPlan) -> str:
    if p.option in _DNSMASQ_TYPED:
        raise CfgValueError(
            f"dnsmasq defines option {p.option} as {_DNSMASQ_TYPED[p.option]} and refuses "
            "text in it; choose another custom option (and the same on the phones)"
        )
    lines = _header(p, "#")
    tag = "" if p.all_clients else f"tag:{CLASS_NAME},"
    if p.vendor_class:
        lines.append("# dnsmasq matches the vendor class as a substring of option 60.")
        lines.append(f"dhcp-vendorclass=set:{CLASS_NAME},{p.vendor_class}")
    lines.extend(f"dhcp-mac=set:{CLASS_NAME},{oui}:*:*:*" for oui in p.mac_prefixes)
    if p.option == 66:
        lines.append(f'dhcp-option={tag}66,"{p.url}"')
    elif p.option == 43:
        lines.append(f"dhcp-option={tag}43,{_hex(option43_payload(p.url), ':')}")
    else:
        # Forced: dnsmasq otherwise sends only options in the client's request list.
        lines.append(f'dhcp-option-force={tag}{p.option},"{p.url}"')
    return "\n".join(lines) + "\n"


def _kea_tests(p: DhcpPlan) -> str:
    tests = []
    if p.vendor_class:
        tests.append(f"substring(option[60].hex,0,{len(p.vendor_class)}) == '{p.vendor_class}'")
    tests.extend(f"substring(pkt4.mac,0,3) == 0x{oui.replace(':', '')}" for oui in p.mac_prefixes)
    return " or ".join(tests)


def _kea(p: DhcpPlan) -> str:
    if p.option == 66:
        option: dict[str, object] = {"name": "tftp-server-name", "data": p.url}
    elif p.option == 43:
        option = {"code": 43, "csv-format": False, "data": option43_payload(p.url).hex()}
    else:
        option = {"code": p.option, "csv-format": False, "data": p.url.encode("ascii").hex()}
    option["always-send"] = True
    comment = " ".join(line.lstrip("# ") for line in _header(p, "#"))
    dhcp4: dict[str, object] = {
        "comment": comment,
        "interfaces-config": {"interfaces": []},
        "lease-database": {"type": "memfile", "lfc-interval": 3600},
        "valid-lifetime": 3600,
        "subnet4": [],
    }
    if p.all_clients:
        dhcp4["option-data"] = [option]
    else:
        dhcp4["client-classes"] = [
            {"name": CLASS_NAME, "test": _kea_tests(p), "option-data": [option]}
        ]
    return json.dumps({"Dhcp4": dhcp4}, indent=2) + "\n"


_GENERATORS = {"isc": _isc, "dnsmasq": _dnsmasq, "kea": _kea}


def dhcp_config(
    url: str,
    *,
    server: str = "isc",
    option: int = 66,
    vendor_class: str | None = None,
    mac_prefixes: Sequence[str] = YEALINK_OUIS,
    all_clients: bool = False,
) -> str:
    """The configuration text for ``server`` (isc, dnsmasq or kea).

    ISC and dnsmasq get a file to include as it is; Kea a complete ``Dhcp4``
    configuration (no interfaces, no subnets: add yours) with the option in a
    client class. Phones match by vendor class (option 60) or MAC prefix.
    """
    generator = _GENERATORS.get(server)
    if generator is None:
        raise CfgValueError(f"unknown DHCP server {server!r}; use one of {', '.join(SERVERS)}")
    return generator(
        plan(
            url,
            option=option,
            vendor_class=vendor_class,
            mac_prefixes=mac_prefixes,
            all_clients=all_clients,
        )
    )


_SYNTAX_CHECKS = {
    "isc": ("dhcpd", "-t", "-cf"),
    "dnsmasq": ("dnsmasq", "--test", "-C"),
    "kea": ("kea-dhcp4", "-t"),
}


def check_with_daemon(text: str, server: str) -> tuple[bool, str]:
    """Run the daemon's own syntax check on ``text`` (no socket is opened by it).

    Returns (passed, what it printed); CfgValueError when the daemon is not installed.
    """
    command = _SYNTAX_CHECKS.get(server)
    if command is None:
        raise CfgValueError(f"unknown DHCP server {server!r}; use one of {', '.join(SERVERS)}")
    program = shutil.which(command[0]) or shutil.which(command[0], path="/usr/sbin:/sbin")
    if program is None:
        raise CfgValueError(f"--check needs {command[0]}, which is not installed here")
    with tempfile.TemporaryDirectory(prefix="cfgtool-dhcp-") as directory:
        path = os.path.join(directory, "snippet.conf")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        done = subprocess.run(
            [program, *command[1:], path], capture_output=True, text=True, timeout=30, check=False
        )
    return done.returncode == 0, (done.stdout + done.stderr).strip()
