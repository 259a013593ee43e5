"""An nginx ``conf.d`` file that enforces what nginx can of ``cfgtool serve``'s rules.

The file is for the ``http`` context: a JSON ``log_format`` (the fields of
``cfgtool serve``'s request log, read by ``cfgtool log``) and one ``server``
block that

* serves files under ROOT with GET and HEAD only, never a directory listing
  (ROOT itself and every directory: 404), never a hidden file (``.name``);
* refuses a backslash, a NUL or another control character in the request
  (400); nginx itself refuses ``..`` above the root, decoded or not (400);
* asks for Basic credentials per directory (``--auth DIR=HTPASSWD``, the
  same htpasswd files as ``cfgtool serve``: bcrypt ``$2y$``/``$2b$`` through
  the system's crypt(3) on Debian and Ubuntu, nginx's own ``$apr1$``,
  ``{SHA}``, ``{SSHA}``);
* accepts PUT only for ``<mac>-local.cfg`` and ``<mac>-contact.xml`` (12
  lowercase hex digits), at most ``max_upload`` bytes (413 beyond), stored
  atomically under ``--uploads`` (the same sub-directory as requested).

:data:`LIMITATIONS` lists what stock nginx cannot do; the file repeats it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cfgtool.errors import CfgValueError

__all__ = [
    "DEFAULT_MAX_UPLOAD",
    "HASH_FORMATS",
    "LIMITATIONS",
    "NginxSite",
    "check_htpasswd",
    "check_with_nginx",
    "htpasswd_warnings",
    "nginx_config",
    "site_from_options",
    "site_warnings",
]

DEFAULT_MAX_UPLOAD = 1024 * 1024
LOG_FORMAT_NAME = "cfgtool_json"
LIMITATIONS = (
    "previous versions of an upload are not kept (cfgtool serve keeps <name>.<time>.bak)",
    "uploads are not linted, and the User-Agent MAC is not checked against the file name",
    "Digest authentication (htdigest files) is not in stock nginx: Basic only, so use HTTPS",
    "no rate limit per login: limit_req limits per client address, not per user",
    "one password per user: nginx checks only a user's first htpasswd line (cfgtool serve "
    "accepts any of them, for cfgtool passwd --keep rotation)",
    "no per-MAC rendering or encryption on request, and no status page: run cfgtool log",
    "symlinks below ROOT are refused (cfgtool serve follows those that stay inside ROOT)",
    "the log has no MD5 of the bytes served, and no model/firmware: cfgtool log reads them "
    "from the User-Agent",
)
# htpasswd hash prefixes nginx accepts: its own ($apr1$, {SHA}, {SSHA}, {PLAIN}) and, through
# crypt(3) of glibc/libxcrypt (Debian 12, Ubuntu 22.04 and later), bcrypt, SHA-512/256-crypt.
HASH_FORMATS = ("$2y$", "$2b$", "$2a$", "$apr1$", "$6$", "$5$", "{SHA}", "{SSHA}")
_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9._+~@()-]*"
_DIRECTORY = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
# nginx treats $ as a variable, ; { } as syntax, quotes and backslashes as quoting.
_UNSAFE_IN_CONFIG = re.compile(r'[\x00-\x1f\x7f"\\$;{}#\']')
_SERVER_NAME = re.compile(r"[A-Za-z0-9*.-]+|_")
_LISTEN = re.compile(r"(?:\[[0-9A-Fa-f:]+\]|[0-9.]+|\*):(\d{1,5})")
UPLOAD_LOCATION = rf"^/(?:{_SEGMENT}/){{0,3}}[0-9a-f]{{12}}-(?:local\.cfg|contact\.xml)$"


@dataclass(frozen=True)
class NginxSite:
    """The checked inputs of :func:`nginx_config` (absolute paths)."""

    root: Path
    auth: tuple[tuple[str, Path], ...] = ()
    uploads: Path | None = None
    uploads_enabled: bool = True
    server_name: str = "_"
    listen: tuple[str, ...] = ("127.0.0.1:80",)
    tls_cert: Path | None = None
    tls_key: Path | None = None
    access_log: Path = Path("/var/log/nginx/cfgtool.json")
    max_upload: int = DEFAULT_MAX_UPLOAD


def _quoted(path: Path, what: str) -> str:
    text = str(path)
    if _UNSAFE_IN_CONFIG.search(text):
        raise CfgValueError(
            f"{what} {text!r}: nginx cannot take a path with quotes, backslashes, $, ;, {{, }}, "
            "# or control characters; rename it"
        )
    return f'"{text}"'


def check_htpasswd(path: Path) -> list[str]:
    """Problems of an htpasswd file for nginx: unreadable, a hash nginx cannot check."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{path}: cannot read it ({exc})"]
    problems = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        user, colon, hashed = line.partition(":")
        if not colon or not user:
            problems.append(f"{path}:{number}: not a user:hash line")
        elif ":" in hashed and "$" not in hashed.split(":", 1)[0]:
            problems.append(f"{path}:{number}: an htdigest line; nginx reads only htpasswd")
        elif not hashed.startswith(HASH_FORMATS):
            problems.append(
                f"{path}:{number}: user {user!r} has a hash nginx cannot check; use bcrypt "
                f"(cfgtool passwd, htpasswd -B) or one of {', '.join(HASH_FORMATS)}"
            )
    return problems


def htpasswd_warnings(path: Path) -> list[str]:
    """What works with cfgtool serve but not with nginx: a user on several lines."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    first: dict[str, int] = {}
    warnings = []
    for number, line in enumerate(lines, 1):
        user = line.partition(":")[0]
        if not user or line.startswith("#"):
            continue
        if user in first:
            warnings.append(
                f"{path}:{number}: user {user!r} again (first on line {first[user]}): nginx "
                "checks only the first line, so only that password works"
            )
        first.setdefault(user, number)
    return warnings


def site_warnings(site: NginxSite) -> list[str]:
    """Warnings about ``site`` that do not stop the file: they are in its comments too."""
    return [warning for _, path in site.auth for warning in htpasswd_warnings(path)]


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _check(site: NginxSite) -> None:
    if not site.root.is_absolute():
        raise CfgValueError(f"ROOT {site.root} must be an absolute path")
    if not _SERVER_NAME.fullmatch(site.server_name):
        raise CfgValueError(f"--server-name {site.server_name!r} is not a host name")
    for listen in site.listen:
        match = _LISTEN.fullmatch(listen)
        if match is None or not 0 < int(match.group(1)) < 65536:
            raise CfgValueError(f"--listen {listen!r}: write ADDRESS:PORT, e.g. 10.0.0.1:80")
    if (site.tls_cert is None) != (site.tls_key is None):
        raise CfgValueError("give both --tls-cert and --tls-key, or neither")
    if site.max_upload <= 0:
        raise CfgValueError("--max-upload must be a positive number of bytes")
    problems: list[str] = []
    for directory, htpasswd in site.auth:
        if directory != "/" and not _DIRECTORY.fullmatch(directory):
            raise CfgValueError(
                f"--auth {directory!r}: DIR is a directory inside ROOT (T46G, a/b) or /"
            )
        if _inside(htpasswd.resolve(), site.root.resolve()):
            raise CfgValueError(
                f"--auth {directory}={htpasswd}: the htpasswd file is inside ROOT; keep it "
                "outside, where no phone can download it"
            )
        problems.extend(check_htpasswd(htpasswd))
    if problems:
        raise CfgValueError("\n".join(problems))


def _upload_block(site: NginxSite, indent: str) -> list[str]:
    if not site.uploads_enabled:
        return []
    store = site.uploads or site.root
    return [
        f'{indent}location ~ "{UPLOAD_LOCATION}" {{',
        f"{indent}    root {_quoted(store, '--uploads')};",
        f"{indent}    limit_except GET HEAD PUT {{ deny all; }}",
        f"{indent}    dav_methods PUT;",
        f"{indent}    create_full_put_path on;",
        f"{indent}    dav_access user:rw;",
        f"{indent}    client_max_body_size {site.max_upload};",
        f"{indent}}}",
    ]


def _auth_lines(htpasswd: Path, indent: str) -> list[str]:
    return [
        f'{indent}auth_basic "cfgtool";',
        f"{indent}auth_basic_user_file {_quoted(htpasswd, '--auth file')};",
    ]


def _listen_lines(site: NginxSite) -> list[str]:
    lines = []
    for listen in site.listen:
        lines.append(f"    listen {listen}{' ssl' if site.tls_cert else ''};")
    if site.tls_cert and site.tls_key:
        lines += [
            f"    ssl_certificate {_quoted(site.tls_cert, '--tls-cert')};",
            f"    ssl_certificate_key {_quoted(site.tls_key, '--tls-key')};",
            "    ssl_protocols TLSv1.2 TLSv1.3;",
        ]
    return lines


def _log_format() -> list[str]:
    fields = [
        ('"time":"', "$time_iso8601", '"'),
        ('"client":"', "$remote_addr", '"'),
        ('"protocol":"', "$scheme", '"'),
        ('"method":"', "$request_method", '"'),
        ('"path":"', "$uri", '"'),
        ('"status":', "$status", ""),
        ('"bytes":', "$body_bytes_sent", ""),
        ('"received":"', "$content_length", '"'),
        ('"user":"', "$remote_user", '"'),
        ('"user_agent":"', "$http_user_agent", '"'),
        ('"event":"request","server":"', "nginx", '"'),
    ]
    body = ",".join(f"{key}{value}{end}" for key, value, end in fields)
    return [f"log_format {LOG_FORMAT_NAME} escape=json '{{{body}}}';"]


def nginx_config(site: NginxSite) -> str:
    """The conf.d text for ``site``; CfgValueError says what to change."""
    _check(site)
    lines = [
        "# Generated by cfgtool deploy nginx: the rules of cfgtool serve, as far as nginx goes.",
        "# Include it in the http context (e.g. /etc/nginx/conf.d/cfgtool.conf).",
        "# What stock nginx cannot do here (cfgtool serve does):",
        *(f"#   - {item}" for item in LIMITATIONS),
        *(f"# WARNING: {warning}" for warning in site_warnings(site)),
        "",
        *_log_format(),
        "",
        "server {",
        *_listen_lines(site),
        f"    server_name {site.server_name};",
        f"    root {_quoted(site.root, 'ROOT')};",
        f"    access_log {_quoted(site.access_log, '--access-log')} {LOG_FORMAT_NAME};",
        "    autoindex off;",
        "    server_tokens off;",
        "    disable_symlinks on from=$document_root;",
        "    default_type text/plain;",
        "    charset utf-8;",
        "    # A backslash, NUL or other control character, raw or percent-encoded: 400.",
        r'    if ($request_uri ~ "[\x00-\x1f\x7f\x5c]|%(?:[01][0-9a-fA-F]|7[fF]|5[cC])") {',
        "        return 400;",
        "    }",
        "    # Hidden files (.htpasswd, .git): never served.",
        r'    if ($uri ~ "/\.") {',
        "        return 404;",
        "    }",
    ]
    indent = "        "
    auth = sorted(site.auth, key=lambda pair: -len(pair[0]))
    for directory, htpasswd in auth:
        prefix = "/" if directory == "/" else f"/{directory}/"
        lines += [
            f'    location ^~ "{prefix}" {{',
            *_auth_lines(htpasswd, indent),
            f"{indent}limit_except GET HEAD {{ deny all; }}",
            f"{indent}try_files $uri =404;",
            *_upload_block(site, indent),
            "    }",
        ]
    if not any(directory == "/" for directory, _ in site.auth):
        lines += [
            *_upload_block(site, "    "),
            "    location / {",
            f"{indent}limit_except GET HEAD {{ deny all; }}",
            f"{indent}try_files $uri =404;",
            "    }",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def site_from_options(
    root: str,
    *,
    auth: Sequence[str] = (),
    uploads: str | None = None,
    no_uploads: bool = False,
    server_name: str = "_",
    listen: Sequence[str] = (),
    tls_cert: str | None = None,
    tls_key: str | None = None,
    access_log: str | None = None,
    max_upload: int = DEFAULT_MAX_UPLOAD,
) -> NginxSite:
    """An :class:`NginxSite` from command-line spellings (``DIR=HTPASSWD``, relative paths)."""
    pairs = []
    for item in auth:
        directory, equals, file = item.partition("=")
        if not equals or not directory or not file:
            raise CfgValueError(f"--auth {item!r}: write DIR=HTPASSWD, e.g. T46G=/etc/nginx/t46g")
        pairs.append((directory.strip("/") or "/", Path(file).absolute()))
    default_listen = ("127.0.0.1:443",) if tls_cert else ("127.0.0.1:80",)
    return NginxSite(
        root=Path(root).absolute(),
        auth=tuple(pairs),
        uploads=Path(uploads).absolute() if uploads else None,
        uploads_enabled=not no_uploads,
        server_name=server_name,
        listen=tuple(listen) or default_listen,
        tls_cert=Path(tls_cert).absolute() if tls_cert else None,
        tls_key=Path(tls_key).absolute() if tls_key else None,
        access_log=Path(access_log).absolute() if access_log else NginxSite.access_log,
        max_upload=max_upload,
    )


def check_with_nginx(text: str) -> tuple[bool, str]:
    """``nginx -t`` on ``text`` inside a minimal ``http {}``; (passed, what nginx printed).

    nginx -t parses and opens files (htpasswd, certificates, logs) but binds no socket.
    """
    program = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if program is None:
        raise CfgValueError("--check needs nginx, which is not installed here")
    with tempfile.TemporaryDirectory(prefix="cfgtool-nginx-") as work:
        site = os.path.join(work, "site.conf")
        with open(site, "w", encoding="utf-8") as handle:
            handle.write(text)
        temp = "".join(
            f"  {name}_temp_path {work}/{name};\n"
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        main = os.path.join(work, "nginx.conf")
        with open(main, "w", encoding="utf-8") as handle:
            handle.write(
                f"error_log {work}/error.log;\npid {work}/nginx.pid;\nevents {{}}\n"
                f"http {{\n{temp}  include {site};\n}}\n"
            )
        done = subprocess.run(
            [program, "-t", "-q", "-p", work, "-c", main],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    report = (done.stdout + done.stderr).replace(site, "<generated file>").strip()
    return done.returncode == 0, report
