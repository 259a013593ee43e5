"""Where cfgtool may send SIP: SIP targets parsed, and broadcast/multicast refused.

A NOTIFY sent to a broadcast or multicast address would reach (and reboot)
every phone of a network; cfgtool refuses the limited broadcast
255.255.255.255, multicast (224.0.0.0/4, ff00::/8), the unspecified address
and the broadcast address of every network of a local interface (read with
``ip -j addr``, else with the SIOCGIFADDR/SIOCGIFNETMASK ioctls).
"""

from __future__ import annotations

import fcntl
import functools
import ipaddress
import json
import re
import shutil
import socket
import struct
import subprocess
from dataclasses import dataclass

from cfgtool.errors import CfgValueError

__all__ = [
    "DEFAULT_SIP_PORT",
    "SipTarget",
    "local_broadcasts",
    "parse_target",
    "refusal",
    "resolve",
]

DEFAULT_SIP_PORT = 5060
_SIOCGIFADDR = 0x8915
_SIOCGIFNETMASK = 0x891B
_TARGET = re.compile(
    r"(?:sips?:)?(?:(?P<user>[^@\s]+)@)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^:\s;\[\]]+)(?::(?P<port>\d+))?"
)


@dataclass(frozen=True, slots=True)
class SipTarget:
    """A phone to send to: host (name or address), port, optional user part of the URI."""

    host: str
    port: int = DEFAULT_SIP_PORT
    user: str | None = None

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def uri(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = f"{self.user}@" if self.user else ""
        return f"sip:{user}{host}:{self.port}"


def parse_target(text: str, default_port: int = DEFAULT_SIP_PORT) -> SipTarget:
    """``10.0.0.5``, ``10.0.0.5:5062``, ``[fd00::5]:5060``, ``sip:100@10.0.0.5``, a host name."""
    stripped = text.strip()
    match = _TARGET.fullmatch(stripped)
    if match is None:
        raise CfgValueError(
            f"{text!r} is not a SIP target; write HOST, HOST:PORT, [IPv6]:PORT or sip:USER@HOST"
        )
    port = int(match.group("port")) if match.group("port") else default_port
    if not 0 < port < 65536:
        raise CfgValueError(f"{text!r}: port {port} is not 1-65535")
    return SipTarget(match.group("host").strip("[]"), port, match.group("user"))


def _from_ip_command() -> set[str] | None:
    ip = shutil.which("ip")
    if ip is None:
        return None
    try:
        result = subprocess.run(
            [ip, "-j", "addr"], capture_output=True, text=True, timeout=5, check=True
        )
        interfaces = json.loads(result.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    found: set[str] = set()
    for interface in interfaces:
        for address in interface.get("addr_info", []):
            if address.get("family") != "inet":
                continue
            if address.get("broadcast"):
                found.add(str(address["broadcast"]))
            local, prefix = address.get("local"), address.get("prefixlen")
            if local and isinstance(prefix, int) and prefix < 31:
                network = ipaddress.ip_network(f"{local}/{prefix}", strict=False)
                found.add(str(network.broadcast_address))
    return found


def _from_ioctl() -> set[str]:
    found: set[str] = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                address = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)[20:24]
                netmask = fcntl.ioctl(probe.fileno(), _SIOCGIFNETMASK, request)[20:24]
            except OSError:
                continue
            network = ipaddress.ip_network(
                f"{socket.inet_ntoa(address)}/{socket.inet_ntoa(netmask)}", strict=False
            )
            if network.prefixlen < 31:
                found.add(str(network.broadcast_address))
    return found


@functools.cache
def local_broadcasts() -> frozenset[str]:
    """The broadcast addresses of the networks of this machine's interfaces (IPv4)."""
    found = _from_ip_command()
    return frozenset(found if found is not None else _from_ioctl())


def refusal(address: str) -> str | None:
    """Why cfgtool will not send to ``address``, or None if it may."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return f"{ip} is the unspecified address"
    if isinstance(ip, ipaddress.IPv4Address) and ip == ipaddress.IPv4Address("255.255.255.255"):
        return "255.255.255.255 is the limited broadcast address (every phone on the network)"
    if ip.is_multicast:
        return f"{ip} is a multicast address (every phone in the group)"
    if str(ip) in local_broadcasts():
        return f"{ip} is the broadcast address of a local network (every phone on it)"
    return None


def resolve(target: SipTarget, transport: str = "udp") -> tuple[str, int]:
    """The address to send to; CfgValueError if it cannot be found or must not be used."""
    kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=kind)
    except socket.gaierror as exc:
        raise CfgValueError(f"{target.host}: cannot resolve ({exc.strerror})") from exc
    for info in infos:
        reason = refusal(str(info[4][0]))
        if reason is not None:
            raise CfgValueError(f"refusing {target}: {reason}")
    return str(infos[0][4][0]), int(infos[0][4][1])
