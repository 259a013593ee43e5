"""A provisioning server URL that phones cannot use as written.

``auto_provision.server.url``, ``autoprovision.N.url`` (activation-code
servers) and their ``static.`` forms must be ``tftp://``, ``ftp://``,
``http://`` or ``https://`` URLs (a bare host or IP means TFTP). Phones
expand only two wildcards, ``$PN`` (the model's directory name) and ``$MAC``
(the lower-case MAC); anything else after a ``$`` is requested literally.
A user name or password inside the URL is a warning: it is shown on the
phone's web page and logged by servers; set the server's user name and
password keys instead (in a Common file CFG401 reports it).

Failing example::

    #!version:1.0.0.1
    static.auto_provision.server.url = sftp://prov.example.com/$MODEL/

Passing example::

    #!version:1.0.0.1
    static.auto_provision.server.url = https://prov.example.com/$PN/
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cfgtool.catalog import check_value
from cfgtool.diagnostics import Severity
from cfgtool.filenames import basename, classify
from cfgtool.format import EMPTY_VALUES, URL_SCHEME_SYNTAX, URL_SCHEMES
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._shared import value_owner
from cfgtool.masking import has_url_credentials
from cfgtool.nodes import Document, Entry

CODE = "CFG305"
NAME = "provisioning-url"
SEVERITY: Severity = "error"
SUMMARY = "a provisioning URL with a bad scheme, an unknown $ wildcard or credentials in it"
SCOPE = "model"

_KEY = re.compile(r"(?:static\.)?(?:auto_provision\.server\.url|autoprovision\.[0-9]+\.url)")
_SCHEME = re.compile(rf"({URL_SCHEME_SYNTAX}):(//)?")
_WILDCARD = re.compile(r"\$\{?\w*\}?")
WILDCARDS = ("$PN", "$MAC")


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    in_common: bool | None = None
    for node in doc.items:
        if type(node) is not Entry or "provision" not in node.key or not _KEY.fullmatch(node.key):
            continue
        if in_common is None:
            name = context.filename or (basename(context.path) if context.path else "")
            in_common = classify(name).is_common if name else False
        for column, severity, message, hint in _url_problems(context, node, in_common):
            yield context.problem(
                node,
                message,
                column=node.value_column + column,
                end_column=node.value_end_column - 1,
                severity=severity,
                hint=hint,
            )


_Problem = tuple[int, Severity, str, str]  # (offset in the value, severity, message, hint)
# Files repeat their provisioning URLs: remember the problems of each one.
_FOUND: dict[tuple[str, str, bool, frozenset[str]], tuple[_Problem, ...]] = {}
_FOUND_LIMIT = 100_000


def _url_problems(context: LintContext, node: Entry, in_common: bool) -> tuple[_Problem, ...]:
    key, value = node.key, node.value
    memo = (key, value, in_common, context.extra_known_keys)
    found = _FOUND.get(memo)
    if found is None:
        found = ()
        if value not in EMPTY_VALUES and value_owner(node, context.extra_known_keys) is None:
            # Under `validate` CFG202 runs too: a scheme it already rejects is not reported twice.
            scheme_reported = _catalog_rejects(context, key, value)
            found = tuple(_problems(key, value, in_common, scheme_reported))
        if len(_FOUND) < _FOUND_LIMIT:
            _FOUND[memo] = found
    return found


def _catalog_rejects(context: LintContext, key: str, value: str) -> bool:
    param = context.catalog.lookup(key)
    return param is not None and check_value(param, value) is not None


def _problems(
    key: str, value: str, in_common: bool, scheme_reported: bool = False
) -> Iterator[_Problem]:
    scheme = _SCHEME.match(value)
    if scheme and scheme.group(2):
        if scheme.group(1).lower() not in URL_SCHEMES:
            if not scheme_reported:
                yield (
                    0,
                    "error",
                    f"{key}: phones do not provision over {scheme.group(1)}://",
                    "use tftp://, ftp://, http:// or https://",
                )
        elif value[scheme.end() :].startswith("/") or not value[scheme.end() :]:
            yield (0, "error", f"{key}: the URL has no server name", "write scheme://server/path")
    elif scheme and not value[scheme.end() : scheme.end() + 1].isdigit():
        yield (
            0,
            "error",
            f"{key}: {scheme.group()!r} is not followed by //",
            f"write {scheme.group(1)}://server/path",
        )
    space = re.search(r"\s", value)
    if space:
        yield (
            space.start(),
            "error",
            f"{key}: the URL contains a space",
            "remove it, or write it as %20",
        )
    for match in _WILDCARD.finditer(value):
        token = match.group()
        if token.startswith(WILDCARDS):
            continue
        upper = token.upper()
        if upper.startswith(WILDCARDS) and not token.startswith("${"):
            right = next(w for w in WILDCARDS if upper.startswith(w))
            yield (
                match.start(),
                "warning",
                f"{key}: write the wildcard {token[: len(right)]} as {right}",
                f"Yealink documents the wildcards in upper case: {right}",
            )
            continue
        yield (
            match.start(),
            "error",
            f"{key}: {token!r} is not a wildcard phones expand; they request it literally",
            "use $PN (the model's directory name) or $MAC (the lower-case MAC)",
        )
    if not in_common and has_url_credentials(value):
        prefix = key.rpartition(".")[0]
        user = f"{prefix}.user" if "autoprovision." in key else f"{prefix}.username"
        yield (
            0,
            "warning",
            f"{key}: the URL carries a user name or password",
            f"remove them from the URL and set {user} and {prefix}.password",
        )
