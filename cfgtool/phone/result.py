"""What playing a phone produces: plain dataclasses, JSON-ready.

:class:`ProvisionResult` is the whole story of one phone: every request, the
settings it ends up with (and the file and line of each), what changed since
the last run, the reboot decision, the resource checks and the problems.
Values are kept unmasked here; :meth:`ProvisionResult.to_dict` masks secrets
unless asked not to, so nothing prints a password by accident.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from cfgtool.diagnostics import Diagnostic
from cfgtool.masking import mask_url_credentials, mask_value

__all__ = [
    "FileKind",
    "Outcome",
    "ProvisionResult",
    "Reboot",
    "Request",
    "ResourceCheck",
    "SettingChange",
    "SettingSource",
]


_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _fields(item: Any) -> tuple[Any, ...]:
    # A fleet's worker processes send results back pickled: rebuilt by the constructor
    # from their fields, a result costs half what the dataclass's own state does.
    getter = _GETTERS.get(type(item))
    if getter is None:
        getter = _GETTERS[type(item)] = operator.attrgetter(*type(item).__match_args__)
    return getter(item)


FileKind = Literal["boot", "common", "mac", "include", "local", "key", "resource", "upload"]
Outcome = Literal["provisioned", "no update", "failed"]
ResourceStatus = Literal["ok", "missing", "wrong model", "not checked", "error"]


@dataclass(frozen=True, slots=True)
class Request:
    """One request the phone made: ``status`` is the protocol's answer (HTTP code,
    ``ok``/``not found`` for TFTP and FTP), ``changed`` None when not compared."""

    url: str
    kind: FileKind
    protocol: str
    method: str
    status: str
    ok: bool
    bytes: int = 0
    md5: str | None = None
    changed: bool | None = None
    seconds: float = 0.0
    error: str | None = None

    def __reduce__(self) -> tuple[type[Request], tuple[Any, ...]]:
        return (Request, _fields(self))

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": mask_url_credentials(self.url),
            "kind": self.kind,
            "protocol": self.protocol,
            "method": self.method,
            "status": self.status,
            "ok": self.ok,
            "bytes": self.bytes,
            "md5": self.md5,
            "changed": self.changed,
            "seconds": round(self.seconds, 6),
            "error": self.error,
        }


class SettingSource(NamedTuple):
    """The value a phone ends up with for a key, and the file (``kind``) and line that set it.

    A named tuple: a fleet makes one per setting per phone, so it must be cheap.
    """

    key: str
    value: str
    file: str
    kind: FileKind
    line: int

    def to_dict(self, *, show_secrets: bool = False) -> dict[str, Any]:
        value = self.value if show_secrets else mask_value(self.key, self.value)
        return {"key": self.key, "value": value, "file": self.file, "line": self.line}


@dataclass(frozen=True, slots=True)
class SettingChange:
    """A setting that differs from the last run (or, on a first run, from the default)."""

    key: str
    old: str | None
    new: str | None
    reboot: bool
    reason: str | None = None

    def __reduce__(self) -> tuple[type[SettingChange], tuple[Any, ...]]:
        return (SettingChange, _fields(self))

    def to_dict(self, *, show_secrets: bool = False) -> dict[str, Any]:
        def shown(value: str | None) -> str | None:
            if value is None or show_secrets:
                return value
            return mask_value(self.key, value)

        return {
            "key": self.key,
            "old": shown(self.old),
            "new": shown(self.new),
            "reboot": self.reboot,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Reboot:
    """Whether the phone reboots: ``needed`` (any cause), ``forced`` by
    ``auto_provision.reboot_force.enable``, and the ``keys`` that need it."""

    needed: bool = False
    forced: bool = False
    keys: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type[Reboot], tuple[Any, ...]]:
        return (Reboot, _fields(self))

    def to_dict(self) -> dict[str, Any]:
        return {"needed": self.needed, "forced": self.forced, "keys": list(self.keys)}


@dataclass(frozen=True, slots=True)
class ResourceCheck:
    """One resource URL named by a setting (firmware, ring tone, phone book…)."""

    key: str
    kind: str
    url: str
    status: ResourceStatus
    bytes: int | None = None
    detail: str | None = None

    def __reduce__(self) -> tuple[type[ResourceCheck], tuple[Any, ...]]:
        return (ResourceCheck, _fields(self))

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "url": mask_url_credentials(self.url),
            "status": self.status,
            "bytes": self.bytes,
            "detail": self.detail,
        }


@dataclass(slots=True, repr=False)
class ProvisionResult:
    """Everything one played phone did and ended up with (see the module docstring)."""

    url: str
    mac: str
    model: str
    firmware: str
    user_agent: str
    outcome: Outcome = "provisioned"
    requests: list[Request] = field(default_factory=list)
    # Key → SettingSource; a played phone's (a MergedSettings) is read when first asked.
    settings: Mapping[str, SettingSource] = field(default_factory=dict)
    # A played phone's (a PendingChanges) are listed when first asked.
    changes: Sequence[SettingChange] = field(default_factory=list)
    reboot: Reboot = field(default_factory=Reboot)
    resources: list[ResourceCheck] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failure: str | None = None
    seconds: float = 0.0

    def __repr__(self) -> str:
        # Short on purpose: asyncio may repr a finished task's result, settings and all.
        return (
            f"ProvisionResult(mac={self.mac!r}, model={self.model!r}, outcome={self.outcome!r}, "
            f"requests={len(self.requests)}, settings={len(self.settings)})"
        )

    @property
    def ok(self) -> bool:
        """True when the phone would provision successfully (no error diagnostic)."""
        return self.outcome != "failed" and not any(
            diagnostic.severity == "error" for diagnostic in self.diagnostics
        )

    @property
    def exit_code(self) -> int:
        """0 when the phone would provision, 1 when it would fail or apply invalid settings."""
        return 0 if self.ok else 1

    def to_dict(self, *, show_secrets: bool = False) -> dict[str, Any]:
        """JSON-ready mapping; secrets are masked unless ``show_secrets``."""
        return {
            "url": mask_url_credentials(self.url),
            "mac": self.mac,
            "model": self.model,
            "firmware": self.firmware,
            "user_agent": self.user_agent,
            "outcome": self.outcome,
            "ok": self.ok,
            "failure": self.failure,
            "seconds": round(self.seconds, 6),
            "requests": [request.to_dict() for request in self.requests],
            "settings": [s.to_dict(show_secrets=show_secrets) for s in self.settings.values()],
            "changes": [c.to_dict(show_secrets=show_secrets) for c in self.changes],
            "reboot": self.reboot.to_dict(),
            "resources": [check.to_dict() for check in self.resources],
            "diagnostics": [_masked_diagnostic(d, show_secrets) for d in self.diagnostics],
        }

    def to_json(self, *, show_secrets: bool = False) -> str:
        return json.dumps(self.to_dict(show_secrets=show_secrets), indent=2)


def _masked_diagnostic(diagnostic: Diagnostic, show_secrets: bool) -> dict[str, Any]:
    data = diagnostic.to_dict()
    if not show_secrets:
        data["message"] = mask_url_credentials(data["message"])
        if data["path"]:
            data["path"] = mask_url_credentials(data["path"])
    return data
