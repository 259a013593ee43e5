"""An account password, AES key or URL credential in a Common file.

Every phone of a model downloads its Common file ``y0000000000XX.cfg`` (and
often every device on the network can), so a secret there is a secret shared
with all of them. Account passwords belong in the phone's own ``<mac>.cfg``;
AES keys are entered on the phone or sent by other means; URLs should not
carry ``user:password@``. Empty values and ``%NULL%`` are fine. The file name
tells the kind of file, so this rule needs it (``--stdin-filename`` for stdin).

Failing example (file y000000000028.cfg)::

    #!version:1.0.0.1
    account.1.password = Wq7-v9Lr!2mX
    static.auto_provision.server.url = ftp://prov:S3cret@10.0.0.5/yealink/

Passing example (file 0015651130f9.cfg)::

    #!version:1.0.0.1
    account.1.password = Wq7-v9Lr!2mX
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.filenames import basename, classify
from cfgtool.format import EMPTY_VALUES
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.linting.rules._shared import AES_KEY
from cfgtool.masking import has_url_credentials, is_secret_key
from cfgtool.nodes import Document

CODE = "CFG401"
NAME = "secret-in-common-file"
SEVERITY: Severity = "warning"
SUMMARY = "an account password, AES key or URL credential in a Common file every phone fetches"
TRIGGERS = ("common_file",)


def _what(key: str) -> str | None:
    if AES_KEY.search(key):
        return "an AES key"
    if key.startswith(("account.", "static.account.")) and is_secret_key(key):
        return "an account password"
    return None


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    name = context.filename or (basename(context.path) if context.path else None)
    if name is None or not classify(name).is_common:
        return
    for node in facts(doc, context).entries:
        if node.value in EMPTY_VALUES:
            continue
        what = _what(node.key)
        if what is not None:
            yield context.problem(
                node,
                f"{what} ({node.key}) in the Common file {name}, which every phone "
                "of the model downloads",
                column=node.value_column,
                hint="move it to each phone's <mac>.cfg",
            )
        elif "://" in node.value and has_url_credentials(node.value):
            yield context.problem(
                node,
                f"the URL in {node.key} carries a user name or password, in the Common file "
                f"{name} that every phone of the model downloads",
                column=node.value_column,
                hint="set the server credentials with their own keys in each <mac>.cfg, "
                "or use a server that needs none",
            )
