"""A web-interface password set to the factory default, or to the user name.

``security.user_password = admin:admin`` (or ``user:user``, ``var:var``)
writes the well-known default back, so anyone on the network can log in to
the phone's web page and read every setting, passwords included. Public
templates have shipped exactly this line. An empty password is reported too.

Failing example::

    #!version:1.0.0.1
    security.user_password = admin:admin

Passing example::

    #!version:1.0.0.1
    security.user_password = admin:Xr4-t9!Lq2
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.nodes import Document

CODE = "CFG403"
NAME = "default-password"
SEVERITY: Severity = "warning"
SUMMARY = "a phone web password set to the factory default (admin:admin) or to the user name"
TRIGGERS = ("user_passwords",)

_FACTORY_DEFAULTS = frozenset({("admin", "admin"), ("user", "user"), ("var", "var")})


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    found = facts(doc, context)
    templated = {id(node) for node, _ in found.values}
    for node in found.user_passwords:
        user, colon, password = node.value.partition(":")
        if not colon or id(node) in templated:
            continue
        user, password = user.strip(), password.strip()
        if (user, password) in _FACTORY_DEFAULTS:
            problem = f"the factory default password for {user!r}"
        elif not password:
            problem = f"an empty password for {user!r}"
        elif password == user:
            problem = f"the user name {user!r} as its password"
        else:
            continue
        yield context.problem(
            node,
            f"{node.key} sets {problem}: anyone on the network can log in to the web page",
            column=node.value_column + len(node.value.partition(":")[0]) + 1,
            hint="set a strong password per site, and keep it out of the Common file",
        )
