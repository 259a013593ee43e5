"""The server's settings: command-line options over ``[tool.cfgtool.serve]``.

The table is looked up like the lint configuration (see
:mod:`cfgtool.linting.config`): the nearest ``.cfgtool.toml`` (table
``[serve]``) or ``pyproject.toml`` (table ``[tool.cfgtool.serve]``) walking up
from the current directory. Its keys are the long option names::

    [tool.cfgtool.serve]
    root = "tftp"
    http = "127.0.0.1:8080"
    tftp = "127.0.0.1:6969"
    auth = { T23G_1 = "T23G_1.htdigest" }
    allow = ["127.0.0.0/8"]
    log = "serve.jsonl"

Relative paths in the file are relative to the file's directory. An option
given on the command line replaces the file's value.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfgtool.errors import ConfigError
from cfgtool.linting.config import CONFIG_FILENAME, PYPROJECT, find_config_file

DEFAULT_HTTP = "127.0.0.1:8080"
DEFAULT_MAX_UPLOAD = 1024 * 1024
PATH_KEYS = (
    "root",
    "tls-cert",
    "tls-key",
    "uploads",
    "template",
    "inventory",
    "keys",
    "log",
    "status-auth",
)
ADDRESS_KEYS = ("http", "https", "tftp", "ftp")
KNOWN_KEYS = (*PATH_KEYS, *ADDRESS_KEYS, "auth", "allow", "max-upload", "model")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Endpoint:
    """A HOST:PORT to listen on (port 0: any free port)."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def url_host(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host


def parse_endpoint(text: str, what: str = "address") -> Endpoint:
    """``127.0.0.1:8080``, ``[::1]:8080``, ``:8080`` (loopback) or ``8080``."""
    value = text.strip()
    host, port_text = "127.0.0.1", value
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif ":" in value:
        host, _, port_text = value.rpartition(":")
        host = host or "127.0.0.1"
    try:
        port = int(port_text)
        ipaddress.ip_address(host)
    except ValueError:
        raise ConfigError(
            f"{what}: {text!r} is not HOST:PORT with an IP address (e.g. 127.0.0.1:8080)"
        ) from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"{what}: port {port} is out of range 0..65535")
    return Endpoint(host, port)


def parse_network(text: str) -> Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise ConfigError(
            f"--allow: {text!r} is not an address or CIDR (e.g. 10.0.0.0/8)"
        ) from None


@dataclass(frozen=True)
class ServeConfig:
    """Everything the server needs; build it with :func:`build_config`."""

    root: Path
    http: Endpoint | None = None
    https: Endpoint | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tftp: Endpoint | None = None
    ftp: Endpoint | None = None
    auth: tuple[tuple[str, Path], ...] = ()
    uploads: Path | None = None
    template: Path | None = None
    inventory: Path | None = None
    model: str | None = None
    keys: Path | None = None
    log: Path | None = None
    allow: tuple[Network, ...] = ()
    status_auth: Path | None = None
    max_upload: int = DEFAULT_MAX_UPLOAD
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    failure_limit: int = 5
    failure_window: float = 60.0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def upload_root(self) -> Path:
        return self.uploads or self.root


def read_serve_table(start: str | os.PathLike[str] = ".") -> tuple[dict[str, Any], Path | None]:
    """The ``serve`` table of the configuration file that applies to ``start``, and its path."""
    found = find_config_file(start)
    if found is None:
        return {}, None
    try:
        with found.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{found}: cannot read: {exc}") from None
    if found.name == PYPROJECT or (found.name != CONFIG_FILENAME and "tool" in data):
        data = data.get("tool", {}).get("cfgtool", {})
    table = data.get("serve", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{found}: the serve table must be a table")
    for key in table:
        if key not in KNOWN_KEYS:
            raise ConfigError(
                f"{found}: [serve] unknown key {key!r}; known: {', '.join(KNOWN_KEYS)}"
            )
    return table, found


def _path(value: object, base: Path, key: str) -> Path:
    if not isinstance(value, str | os.PathLike):
        raise ConfigError(f"{key} must be a path (a string)")
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _auth_pairs(value: object, base: Path) -> tuple[tuple[str, Path], ...]:
    """``DIR=FILE`` strings (command line) or a ``{DIR = FILE}`` table (configuration)."""
    items: list[tuple[str, object]] = []
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for text in value:
            directory, equals, file = str(text).partition("=")
            if not equals or not directory or not file:
                raise ConfigError(f"--auth {text!r}: write DIR=FILE, e.g. --auth T23G_1=T23G_1.pw")
            items.append((directory, file))
    else:
        raise ConfigError("auth must be a table of DIR = FILE")
    pairs = []
    for name, target in items:
        cleaned = str(name).strip("/")
        if not cleaned or any(part in ("", ".", "..") for part in cleaned.split("/")):
            raise ConfigError(f"--auth {name!r}: DIR is a directory inside ROOT, e.g. T23G_1")
        pairs.append((cleaned, _path(target, base, "auth")))
    return tuple(pairs)


def build_config(
    options: Mapping[str, Any], table: Mapping[str, Any], table_dir: Path
) -> ServeConfig:
    """Merge command-line ``options`` (None: not given) over the configuration ``table``.

    Keys are the long option names with ``-``. With no protocol at all, HTTP
    listens on 127.0.0.1:8080.
    """
    cwd = Path.cwd()
    merged: dict[str, tuple[object, Path]] = {k: (v, table_dir) for k, v in table.items()}
    for key, value in options.items():
        if value is not None and value != ():
            merged[key] = (value, cwd)
    if "root" not in merged:
        raise ConfigError(
            "no ROOT: give the directory to serve (or root = ... in [tool.cfgtool.serve])"
        )
    values: dict[str, Any] = {}
    for key in PATH_KEYS:
        if key in merged:
            value, base = merged[key]
            values[key.replace("-", "_")] = _path(value, base, key)
    for key in ADDRESS_KEYS:
        if key in merged:
            values[key] = parse_endpoint(str(merged[key][0]), f"--{key}")
    if not any(key in values for key in ADDRESS_KEYS):
        values["http"] = parse_endpoint(DEFAULT_HTTP)
    if "auth" in merged:
        values["auth"] = _auth_pairs(*merged["auth"])
    if "allow" in merged:
        allow = merged["allow"][0]
        allow_list = [allow] if isinstance(allow, str) else list(allow)  # type: ignore[call-overload]
        values["allow"] = tuple(parse_network(str(item)) for item in allow_list)
    if "max-upload" in merged:
        values["max_upload"] = int(merged["max-upload"][0])  # type: ignore[call-overload]
    if "model" in merged:
        values["model"] = str(merged["model"][0])
    config = ServeConfig(**values)
    _check(config)
    return config


def _check(config: ServeConfig) -> None:
    if not config.root.is_dir():
        raise ConfigError(f"{config.root}: ROOT is not a directory")
    if config.https and not (config.tls_cert and config.tls_key):
        raise ConfigError("--https needs --tls-cert PEM and --tls-key PEM")
    if (config.template is None) != (config.inventory is None):
        raise ConfigError("--template and --inventory go together")
    for name in ("tls_cert", "tls_key", "template", "inventory", "keys", "status_auth"):
        path = getattr(config, name)
        if path is not None and not path.is_file():
            raise ConfigError(f"--{name.replace('_', '-')} {path}: no such file")
    for directory, file in config.auth:
        if not file.is_file():
            raise ConfigError(f"--auth {directory}={file}: no such file")
        if not (config.root / directory).is_dir():
            raise ConfigError(f"--auth {directory}: {config.root / directory} is not a directory")
    if config.max_upload <= 0:
        raise ConfigError("max-upload must be a positive number of bytes")
