"""A file name that Yealink phones never request.

A phone downloads exactly three names: its model's Common file
``y0000000000XX.cfg`` (``XX`` = hardware id; ``y000000000000.cfg`` is the
all-models Common file many deployments use), its MAC file ``<mac>.cfg`` and
its MAC-local file ``<mac>-local.cfg``, with the MAC in lower case. Any other
name is never read (a warning, unless an ``allow-names`` glob in the
configuration lists it). Upper-case hex digits in a MAC file name are an error:
phones ask for lower case and a case-sensitive server does not find the file.
A Common file with a capital ``Y`` (Yealink's guide prints
``Y000000000054.cfg`` by mistake) is accepted with a warning. Runs under
``cfgtool validate`` only; templates (``*.cfg.tmpl``) are not checked.

Failing example (file 0015651130F9.cfg)::

    #!version:1.0.0.1
    account.1.label = Reception

Passing example (file 0015651130f9.cfg)::

    #!version:1.0.0.1
    account.1.label = Reception
"""

from __future__ import annotations

from collections.abc import Iterator

from cfgtool.catalog import all_models_common_file
from cfgtool.diagnostics import Severity
from cfgtool.filenames import basename, classify, common_filename, mac_filename, normalize_mac
from cfgtool.inputs import matches_globs
from cfgtool.linting.rule import LintContext, Problem
from cfgtool.nodes import Document
from cfgtool.provisioning import file_view, model_for_common_file

CODE = "CFG301"
NAME = "bad-filename"
SEVERITY: Severity = "warning"
SUMMARY = "a file name phones never request (not a Common, MAC or MAC-local file name)"
SCOPE = "model"

_EXPECTED = "y0000000000XX.cfg, <mac>.cfg or <mac>-local.cfg"


def check(doc: Document, context: LintContext) -> Iterator[Problem]:
    name = context.filename or (basename(context.path) if context.path else None)
    if not name or context.template or name == "<stdin>":
        return
    problem = _problem(name, context)
    if problem is not None:
        severity, message, hint = problem
        yield context.problem(1, message, severity=severity, hint=hint)


def _problem(name: str, context: LintContext) -> tuple[Severity, str, str] | None:
    view = file_view(context)  # validate's view of the file has its name classified
    parsed = view.name if view is not None and view.name.name == name else classify(name)
    if parsed.kind == "common":
        assert parsed.hw_id is not None
        canonical = common_filename(parsed.hw_id)
        if canonical != all_models_common_file() and model_for_common_file(canonical) is None:
            return (
                "warning",
                f"{name} is not the Common file of any known model",
                "check the hardware id in `cfgtool models`",
            )
        if name != canonical:
            return (
                "warning",
                f"phones request {canonical} in lower case, not {name}",
                f"rename {name} to {canonical} (Yealink's guide prints a capital Y by mistake)",
            )
        return None
    if parsed.mac is not None:
        # mac_filename(parsed.mac, ...), whose MAC is already 12 lowercase hex digits
        canonical = parsed.mac + ("-local.cfg" if parsed.kind == "mac-local" else ".cfg")
        if name != canonical:
            return (
                "error",
                f"phones request {canonical} in lower case; they never find {name}",
                f"rename {name} to {canonical}",
            )
        return None
    if _allowed(name, context):
        return None
    stem, dot, _ = name.rpartition(".")
    local = stem.endswith("-local")
    mac = normalize_mac(stem.removesuffix("-local")) if dot else None
    if mac is not None:
        right = mac_filename(mac, local=local)
        return ("warning", f"phones never request {name}", f"rename it to {right}")
    return (
        "warning",
        f"phones never request {name}: it is none of {_EXPECTED}",
        "rename it, or list it under allow-names in .cfgtool.toml if it is not for phones",
    )


def _allowed(name: str, context: LintContext) -> bool:
    config = context.config
    if config is None or not config.allow_names:
        return False
    return matches_globs(context.path or name, config.allow_names, config.root)
