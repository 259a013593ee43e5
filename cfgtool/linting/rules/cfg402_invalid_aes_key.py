"""An AES key value the phone cannot use.

``*aes_key*`` settings (``auto_provision.aes_key_16.com``,
``static.auto_provision.aes_key.mac``, ``autoprovision.1.com_aes``...) take 16
characters (AES-128), or 32 (AES-256) where the firmware supports it, from
``0-9 A-Z a-z`` and ``# $ % * + , - . : = ? @ [ ] ^ _ { } ~``. With any other
key the phone cannot decrypt the encrypted files it downloads. Empty and
``%NULL%`` are fine (no key).

Failing example::

    #!version:1.0.0.1
    static.auto_provision.aes_key.com = secret

Passing example::

    #!version:1.0.0.1
    static.auto_provision.aes_key.com = 0123456789abcdef
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.crypto.keys import KEY_ALPHABET, validate_aes_key
from cfgtool.diagnostics import Severity
from cfgtool.errors import CryptoError
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._facts import facts
from cfgtool.nodes import Document

CODE = "CFG402"
NAME = "invalid-aes-key"
SEVERITY: Severity = "error"
SUMMARY = "an AES key that is not 16 (or 32) characters of the allowed set"
TRIGGERS = ("aes",)


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node in facts(doc, context).aes:
        try:
            validate_aes_key(node.value)
        except CryptoError:
            # Say what is wrong without echoing any character of the key.
            bad = next((i for i, c in enumerate(node.value, 1) if c not in KEY_ALPHABET), None)
            if bad is not None:
                problem = f"character {bad} is not one an AES key may use"
            else:
                problem = f"the key is {len(node.value)} characters long, not 16 or 32"
            yield context.problem(
                node,
                f"{node.key}: {problem}",
                column=node.value_column + (bad - 1 if bad else 0),
                hint="use 16 characters of the allowed set "
                "('cfgtool encrypt --generate-key' makes one)",
            )
