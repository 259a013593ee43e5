"""Phone models: ``schemas/models.json`` (names, aliases, Common files, accounts, firmware)."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any, NamedTuple

from cfgtool.errors import SchemaError
from cfgtool.resources import schema_path

SCHEMA_FORMAT = 1


# --------------------------------------------------------------------------- models


class Model(NamedTuple):
    """One phone model (or one entry for models that share everything, like T23P/G).

    ``hw_id`` is the XX of the Common file ``y0000000000XX.cfg``;
    ``firmware_prefixes`` the leading number(s) of its firmware ``XX.<ver>.rom``,
    which differ from ``hw_id`` on many newer models. ``None`` means unknown.
    ``pn_names`` are what ``$PN`` in a provisioning URL becomes on the model
    (the directory it reads in the ``$PN`` layout); the first is the default.
    """

    name: str
    aliases: tuple[str, ...]
    hw_id: int | None
    common_file: str | None
    accounts: int | None
    line_keys: int | None
    firmware_prefixes: tuple[int, ...]
    source: str
    pn_names: tuple[str, ...] = ()

    def limit(self, attribute: str) -> int | None:
        """The model's count named by :attr:`Param.bounded` (``accounts`` or ``line_keys``)."""
        if attribute == "accounts":
            return self.accounts
        if attribute == "line_keys":
            return self.line_keys
        raise SchemaError(f"unknown model limit {attribute!r} in schemas/params.json")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (lists instead of tuples)."""
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "hw_id": self.hw_id,
            "common_file": self.common_file,
            "accounts": self.accounts,
            "line_keys": self.line_keys,
            "firmware_prefixes": list(self.firmware_prefixes),
            "source": self.source,
        }


_MODEL_NAME_NOISE = re.compile(r"[\s_()\-]+")


def model_match_key(name: str) -> str:
    """Fold a model name for matching: case-insensitive, ignoring ``SIP-``, spaces, ``_-()``.

    ``SIP-T46G``, ``T46G`` and ``t46g`` fold alike, as do ``T19(P) E2`` and ``T19P_E2``.
    """
    folded = _MODEL_NAME_NOISE.sub("", name.casefold())
    return folded[3:] if folded.startswith("sip") else folded


def load_json(filename: str) -> dict[str, Any]:
    path = schema_path(filename)
    try:
        with open(path, "rb") as handle:
            data: dict[str, Any] = json.load(handle)
    except (OSError, ValueError) as exc:
        raise SchemaError(f"cannot read {path}: {exc}; reinstall cfgtool") from None
    if data.get("format") != SCHEMA_FORMAT:
        raise SchemaError(f"{path}: schema format {data.get('format')!r}, expected {SCHEMA_FORMAT}")
    return data


@cache
def _models_data() -> dict[str, Any]:
    return load_json("models.json")


@cache
def load_models() -> tuple[Model, ...]:
    """Every known model, sorted by name."""
    return tuple(
        Model(
            name=item["name"],
            aliases=tuple(item["aliases"]),
            hw_id=item["hw_id"],
            common_file=item["common_file"],
            accounts=item["accounts"],
            line_keys=item["line_keys"],
            firmware_prefixes=tuple(item["firmware_prefixes"]),
            source=item["source"],
            pn_names=tuple(item.get("pn_names", ())),
        )
        for item in _models_data()["models"]
    )


@cache
def _models_by_match_key() -> dict[str, Model]:
    table: dict[str, Model] = {}
    for model in load_models():
        for spelling in (model.name, *model.aliases):
            table[model_match_key(spelling)] = model
    return table


def find_model(name: str) -> Model | None:
    """The model called ``name`` (any spelling :func:`model_match_key` folds alike), or None."""
    return _models_by_match_key().get(model_match_key(name))


@cache
def _models_by_common_file() -> dict[str, tuple[Model, ...]]:
    table: dict[str, list[Model]] = {}
    for model in load_models():
        if model.common_file:
            table.setdefault(model.common_file, []).append(model)
    return {name: tuple(models) for name, models in table.items()}


def models_for_common_file(filename: str) -> tuple[Model, ...]:
    """Models whose Common file is exactly ``filename`` (a base name; case matters).

    Several models can share one (T58A/T58V, W52P/W56P). ``y000000000000.cfg`` is
    the old T28P's Common file *and* the all-models file (:func:`all_models_common_file`).
    """
    return _models_by_common_file().get(filename, ())


def all_models_common_file() -> str:
    """``y000000000000.cfg``: the Common file many deployments give every model."""
    name: str = _models_data()["all_models_common_file"]
    return name


def pn_name(model: Model, spelling: str | None = None) -> str:
    """What ``$PN`` becomes on ``model``: the ``pn_names`` entry like ``spelling``, else the first.

    ``--model T23G`` gives ``T23G``; a model without data gives its name.
    """
    if spelling:
        for name in model.pn_names:
            if model_match_key(name) == model_match_key(spelling):
                return name
    return model.pn_names[0] if model.pn_names else model.name
