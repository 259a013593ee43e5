"""Phone models of provisioning files: by name, by Common file, by ``# cfgtool: model=`` comment.

``$PN`` follows Yealink's auto-provisioning guide: the phone replaces it with
its ``static.auto_provision.url_wildcard.pn`` setting, whose default is the
product name without ``SIP-`` ("T42G" for a SIP-T42G, "T46G" for a SIP-T46G;
guide section "Obtaining the Provisioning Server Address", wildcard example).
Those names are data (``pn_names`` in ``schemas/models.json``); for models the
guide does not name, they are assumed to be the model name as listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from cfgtool.catalog import (
    Model,
    all_models_common_file,
    find_model,
    load_models,
    models_for_common_file,
)
from cfgtool.directives import comment_model
from cfgtool.errors import CfgError
from cfgtool.filenames import basename, classify, common_filename
from cfgtool.nodes import Document
from cfgtool.suggest import did_you_mean


class FileContext(Protocol):
    """What :func:`model_of` reads of a lint context (``cfgtool.linting.rule.LintContext``)."""

    @property
    def model(self) -> Model | None: ...
    @property
    def filename(self) -> str | None: ...
    @property
    def path(self) -> str | None: ...


def require_model(name: str) -> Model:
    """The model called ``name``; raises :class:`CfgError` naming the closest models."""
    model = find_model(name)
    if model is not None:
        return model
    close = did_you_mean(name.upper(), [m.name for m in load_models()], n=3, quote=False)
    hint = f" ({close})" if close else ""
    raise CfgError(f"unknown phone model {name!r}{hint}; `cfgtool models` lists them")


def shared_model(models: Sequence[Model]) -> Model | None:
    """One model standing for all of ``models`` (which share a Common file), or None.

    T53/T53W or T58A/T58V share one Common file: checks then allow what any
    of them allows (the highest account count, every firmware prefix).
    """
    if not models:
        return None
    if len(models) == 1:
        return models[0]
    accounts = [m.accounts for m in models if m.accounts is not None]
    line_keys = [m.line_keys for m in models if m.line_keys is not None]
    return Model(
        name="/".join(m.name for m in models),
        aliases=(),
        hw_id=models[0].hw_id,
        common_file=models[0].common_file,
        accounts=max(accounts) if accounts else None,
        line_keys=max(line_keys) if line_keys else None,
        firmware_prefixes=tuple(sorted({p for m in models for p in m.firmware_prefixes})),
        source="shared",
        pn_names=tuple(name for m in models for name in m.pn_names),
    )


def model_for_common_file(name: str) -> Model | None:
    """The model whose Common file ``name`` is (letter case ignored), or None.

    None also for the all-models file ``y000000000000.cfg``: it is for every model.
    """
    parsed = classify(name)
    if parsed.hw_id is None:
        return None
    canonical = common_filename(parsed.hw_id)
    if canonical == all_models_common_file():
        return None
    return shared_model(models_for_common_file(canonical))


def model_of(doc: Document, context: FileContext) -> Model | None:
    """The phone model ``doc`` is for: ``context.model`` (validate sets it from
    ``--model``, the Common file name, the Common file next to the file or the
    directory name), else the file's own Common file name, else its
    ``# cfgtool: model=`` comment."""
    if context.model is not None:
        return context.model
    name = context.filename or (basename(context.path) if context.path else None)
    if name and classify(name).is_common:
        model = model_for_common_file(name)
        if model is not None:
            return model
    named = comment_model(doc)
    return find_model(named) if named else None
