"""Provisioning trees as phones see them: models, effective configuration, URLs.

A Yealink phone fetches, from the directory its provisioning URL names, its
model's Common file ``y0000000000XX.cfg``, then its own ``<mac>.cfg``; the
settings made on the phone itself are kept in ``<mac>-local.cfg``, which
wins over both. Later values win over earlier ones.

- :mod:`~cfgtool.provisioning.models`: the model of a file (``require_model``, ``model_of``).
- :mod:`~cfgtool.provisioning.effective`: :func:`effective` merges those files
  the way the phone does (``cfgtool.effective``).
- :mod:`~cfgtool.provisioning.tree`: :func:`scan_tree` indexes a provisioning
  directory by file name, :func:`phones` lists its phones and :func:`phone_files`
  finds the files one phone reads.
- :mod:`~cfgtool.provisioning.urls`: :func:`expand_url` expands a provisioning
  URL for one phone (``cfgtool url``).
- :mod:`~cfgtool.provisioning.resource_files`: the files a setting points to.

``validate_paths`` (``cfgtool validate``) drives the lint engine, so it lives
above it, in :mod:`cfgtool.runners.validate`; it stays importable from here by
name, resolved on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from cfgtool.catalog.models import pn_name
from cfgtool.directives import comment_model
from cfgtool.provisioning.effective import Setting, Source, effective
from cfgtool.provisioning.models import (
    FileContext,
    model_for_common_file,
    model_of,
    require_model,
    shared_model,
)
from cfgtool.provisioning.resource_files import (
    RESOURCE_KEYS,
    RINGTONE_URL_KEY,
    resource_kind,
    tree_file,
    tree_target,
)
from cfgtool.provisioning.tree import (
    VIEW_OPTION,
    FileView,
    PhoneFiles,
    ProvisioningTree,
    TreeDirectory,
    TreePhone,
    common_files,
    common_search_directories,
    file_view,
    phone_files,
    phone_model,
    phones,
    resolve_model,
    scan_tree,
    tree_path,
)
from cfgtool.provisioning.urls import RequestedFile, expand_url

# No `if TYPE_CHECKING:` import of them either: import-linter counts those as edges.
# Names whose home is a runner above the lint engine, resolved on first use.
_RUNNER_NAMES = {
    "DirectorySummary": "cfgtool.runners.validate",
    "Validation": "cfgtool.runners.validate",
    "ValidationPlan": "cfgtool.runners.validate",
    "validate_paths": "cfgtool.runners.validate",
}


def __getattr__(name: str) -> Any:
    module = _RUNNER_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "RESOURCE_KEYS",
    "RINGTONE_URL_KEY",
    "VIEW_OPTION",
    "DirectorySummary",
    "FileContext",
    "FileView",
    "PhoneFiles",
    "ProvisioningTree",
    "RequestedFile",
    "Setting",
    "Source",
    "TreeDirectory",
    "TreePhone",
    "Validation",
    "ValidationPlan",
    "comment_model",
    "common_files",
    "common_search_directories",
    "effective",
    "expand_url",
    "file_view",
    "model_for_common_file",
    "model_of",
    "phone_files",
    "phone_model",
    "phones",
    "pn_name",
    "require_model",
    "resolve_model",
    "resource_kind",
    "scan_tree",
    "shared_model",
    "tree_file",
    "tree_path",
    "tree_target",
    "validate_paths",
]
