"""Every problem a played phone reports, with the guide's troubleshooting hint.

Codes: ``PHONE1xx`` fetching, ``PHONE2xx`` decrypting, ``PHONE3xx``
resources; what the lint and model rules find in the downloaded files keeps
its ``CFG`` code. One function per kind of problem, so the wording lives here.
"""

from __future__ import annotations

from collections.abc import Mapping

from cfgtool.diagnostics import Diagnostic, Severity
from cfgtool.masking import mask_url_credentials
from cfgtool.phone.result import FileKind, ResourceCheck, SettingSource
from cfgtool.phone.transport import Fetched

__all__ = ["decrypt_problem", "fetch_problem", "resource_problems"]

HINTS = {
    "not found": (
        "the requested file is not on the server; check the URL and the $PN directory name"
    ),
    "auth": "the server refused the credentials; check --user/--password (or user:password@ in "
    "the URL) against the server's accounts for this directory",
    "tls": "the phone does not trust the server's certificate; add the issuing CA to the phone's "
    "trusted certificates (here: --ca FILE), or check the certificate's name and dates",
    "connect": "the server cannot be reached; check the host, the port and that the server runs",
    "refused": "nothing listens on that port; check the port and that the server runs",
    "timeout": "the server did not answer in time; check the host, the firewall and the server",
    "protocol": "the server answered in an unexpected way; check its log for this request",
}
_CODES = {
    "not found": "PHONE101",
    "auth": "PHONE102",
    "tls": "PHONE103",
    "connect": "PHONE104",
    "refused": "PHONE104",
    "timeout": "PHONE104",
    "protocol": "PHONE105",
}
FAILURE_REASONS = {
    "not found": "file not found",
    "auth": "authentication",
    "tls": "TLS",
    "connect": "connection",
    "refused": "connection",
    "timeout": "timeout",
    "protocol": "server error",
}


def fetch_problem(fetched: Fetched, kind: FileKind, *, severity: Severity = "error") -> Diagnostic:
    """The diagnostic for a failed request (``fetched.failure`` is set)."""
    failure = fetched.failure or "protocol"
    url = mask_url_credentials(fetched.url)
    what = {
        "common": "the Common file",
        "mac": "the MAC file",
        "include": "the included file",
        "local": "the local file",
        "key": "the key file",
        "upload": "the upload",
    }.get(kind, kind)
    detail = f" ({fetched.error})" if fetched.error else ""
    hint = HINTS[failure]
    if kind == "mac" and failure == "not found":
        hint = (
            "phones carry on with the Common file; render or copy a <mac>.cfg for this phone "
            "if it needs its own settings"
        )
    return Diagnostic(
        _CODES[failure], severity, f"{what} {url}: {fetched.status}{detail}", path=url, hint=hint
    )


def decrypt_problem(kind: str, message: str, url: str) -> Diagnostic:
    """A file the phone cannot decrypt: ``missing`` or ``wrong`` key."""
    if kind == "missing":
        return Diagnostic(
            "PHONE201",
            "error",
            f"{mask_url_credentials(url)} is encrypted: {message}",
            path=mask_url_credentials(url),
            hint="give the phone its key: --key-common/--key-mac, --keys keys.csv, or put "
            "<name>_Security.enc next to the file (key-file mode)",
        )
    return Diagnostic(
        "PHONE202",
        "error",
        f"{mask_url_credentials(url)}: {message}",
        path=mask_url_credentials(url),
        hint="the phone holds another key than the one the file was encrypted with; "
        "re-encrypt the file or give the phone the right key",
    )


def resource_problems(
    checks: list[ResourceCheck], settings: Mapping[str, SettingSource]
) -> list[Diagnostic]:
    """A warning per missing or unreadable resource, an error per wrong-model firmware."""
    found: list[Diagnostic] = []
    for check in checks:
        if check.status not in ("missing", "error", "wrong model"):
            continue  # looked up only for a problem: the file and line are read on demand
        source = settings.get(check.key)
        path, line = (source.file, source.line) if source else (None, 1)
        url = mask_url_credentials(check.url)
        if check.status == "missing":
            found.append(
                Diagnostic(
                    "PHONE301",
                    "warning",
                    f"{check.key}: the {check.kind} {url} is not on the server",
                    path,
                    line,
                    hint="upload the file, or correct the URL in the setting",
                )
            )
        elif check.status == "error":
            found.append(
                Diagnostic(
                    "PHONE302",
                    "warning",
                    f"{check.key}: cannot fetch the {check.kind} {url}: {check.detail}",
                    path,
                    line,
                    hint="check that the server serves the file to phones",
                )
            )
        elif check.status == "wrong model":
            found.append(
                Diagnostic(
                    "PHONE303",
                    "error",
                    f"{check.key}: {check.detail}; the phone will refuse it",
                    path,
                    line,
                    hint="point the setting at this model's firmware",
                )
            )
    return found
