"""A firmware URL naming an image built for another phone model.

Yealink firmware files are named ``XX.<version>.rom`` (or ``.zip``) where
``XX`` is the model's firmware prefix (``28.83.0.50.rom`` is for the T46G,
``29.83.0.50.rom`` for the T42G). A phone refuses firmware of another model,
and retries the download at every provisioning. The prefix often equals the
Common file's hardware id but not always (the T41S/T42S/T48S take ``66.x``):
the firmware prefixes in ``cfgtool models --format json`` decide, plus the
hardware id where no other model's firmware has that number (the T41S took
``68.x`` before ``66.x``). A prefix no known model takes is not judged.
Checks ``firmware.url`` and ``static.firmware.url`` under ``cfgtool validate``
when the model is known (``--model``, the Common file name, the ``$PN``
directory, or a ``# cfgtool: model=`` comment).

Failing example (file T46G/y000000000028.cfg)::

    #!version:1.0.0.1
    static.firmware.url = http://prov.example.com/fw/29.83.0.50.rom

Passing example (file T46G/y000000000028.cfg)::

    #!version:1.0.0.1
    static.firmware.url = http://prov.example.com/fw/28.83.0.50.rom
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.diagnostics import Severity
from cfgtool.format import EMPTY_VALUES
from cfgtool.knowledge import check_firmware_image, model_firmware
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.linting.rules._knowledge import model_names
from cfgtool.linting.rules._shared import FIRMWARE_KEYS
from cfgtool.nodes import Document, Entry
from cfgtool.provisioning import model_of

CODE = "CFG303"
NAME = "firmware-mismatch"
SEVERITY: Severity = "error"
SUMMARY = "firmware.url names an XX.<version>.rom whose XX is not the model's firmware prefix"
SCOPE = "model"


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    for node in doc.items:
        if type(node) is not Entry or node.key not in FIRMWARE_KEYS or node.value in EMPTY_VALUES:
            continue
        model = model_of(doc, context)
        if model is None:
            continue
        firmware = model_firmware()
        # a shared Common file (T53/T53W) takes the firmware of any of its models
        findings = [check_firmware_image(node.value, name, firmware) for name in model_names(model)]
        if not findings or any(finding is None for finding in findings):
            continue
        finding = findings[0]
        assert finding is not None
        yield context.value_problem(
            node,
            f"{node.key}: {finding.message}; the phone will refuse it",
            hint=f"point {node.key} at {finding.expected} for the {model.name}",
        )
