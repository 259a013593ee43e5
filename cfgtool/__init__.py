"""cfgtool: lint, validate, render, diff and encrypt Yealink provisioning files.

The library is the product; the ``cfgtool`` command is a thin layer over it::

    import cfgtool
    doc = cfgtool.load("y000000000028.cfg")
    doc.get("account.1.label")
    doc.set("account.1.label", "Reception")
    cfgtool.dump(doc, "y000000000028.cfg")

Heavier parts (lint, render, diff, crypto) are imported on first use, so that
``import cfgtool`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cfgtool._version import __version__
from cfgtool.diagnostics import Diagnostic, Severity
from cfgtool.errors import (
    CfgDecodeError,
    CfgError,
    CfgIOError,
    CfgValueError,
    ConfigError,
    CryptoError,
    SchemaError,
)
from cfgtool.nodes import Blank, Comment, Document, Entry, Header, Invalid, MisplacedHeader, Node
from cfgtool.parser import dump, dumps, load, loads

# Public names that live in modules imported on first use: name -> "module:attribute".
_LAZY: dict[str, str] = {
    # lint and validate
    "lint": "cfgtool.linting.engine:lint",
    "lint_paths": "cfgtool.linting.engine:lint_paths",
    "validate_paths": "cfgtool.runners.validate:validate_paths",
    # provisioning trees
    "effective": "cfgtool.provisioning.effective:effective",
    "scan_tree": "cfgtool.provisioning.tree:scan_tree",
    "expand_url": "cfgtool.provisioning.urls:expand_url",
    # render
    "render": "cfgtool.rendering.row:render",
    "render_batch": "cfgtool.runners.render_batch:render_batch",
    "read_inventory": "cfgtool.rendering.inventory:read_inventory",
    # diff
    "diff": "cfgtool.differ.settings:diff",
    "apply_changes": "cfgtool.differ.settings:apply_changes",
    "diff_paths": "cfgtool.differ.tree:diff_paths",
    # encrypt / decrypt
    "encrypt_bytes": "cfgtool.crypto.aes:encrypt_bytes",
    "decrypt_bytes": "cfgtool.crypto.aes:decrypt_bytes",
    "encrypt_keyfile": "cfgtool.crypto.keyfile:encrypt_keyfile",
    "decrypt_keyfile": "cfgtool.crypto.keyfile:decrypt_keyfile",
    "encrypt_rsa": "cfgtool.crypto.rsa:encrypt_rsa",
    "decrypt_rsa": "cfgtool.crypto.rsa:decrypt_rsa",
    "generate_key": "cfgtool.crypto.keys:generate_key",
    "validate_aes_key": "cfgtool.crypto.keys:validate_aes_key",
    "encrypt_paths": "cfgtool.runners.encrypt_batch:encrypt_paths",
    "decrypt_paths": "cfgtool.crypto.batch:decrypt_paths",
    # catalog
    "find_model": "cfgtool.catalog.models:find_model",
    "load_catalog": "cfgtool.catalog.params:load_catalog",
    "load_models": "cfgtool.catalog.models:load_models",
    # PBX templates (Smarty, Jinja, Twig, Mustache): their output lines and structure
    "parse_template": "cfgtool.templating.parse:parse_template",
    "load_template": "cfgtool.templating.parse:load_template",
    "resolve_template": "cfgtool.templating.inheritance:resolve_template",
    "detect_dialect": "cfgtool.templating.detect:detect_dialect",
    # point, trigger and deploy
    "dhcp_config": "cfgtool.dhcp:dhcp_config",
    "check_sync": "cfgtool.sip.notify:check_sync",
    "check_sync_many": "cfgtool.sip.notify:check_sync_many",
    "PnpResponder": "cfgtool.sip.pnp:PnpResponder",
    "pnp_discover": "cfgtool.sip.phone:pnp_discover",
    "listen_check_sync": "cfgtool.sip.phone:listen_check_sync",
    "nginx_config": "cfgtool.deploy.nginx:nginx_config",
    "tftpd_defaults": "cfgtool.deploy.tftpd:tftpd_defaults",
    "summarize_log": "cfgtool.accesslog:summarize_log",
}

if TYPE_CHECKING:
    from cfgtool.accesslog import summarize_log as summarize_log
    from cfgtool.catalog.models import find_model as find_model
    from cfgtool.catalog.models import load_models as load_models
    from cfgtool.catalog.params import load_catalog as load_catalog
    from cfgtool.crypto.aes import decrypt_bytes as decrypt_bytes
    from cfgtool.crypto.aes import encrypt_bytes as encrypt_bytes
    from cfgtool.crypto.batch import decrypt_paths as decrypt_paths
    from cfgtool.crypto.keyfile import decrypt_keyfile as decrypt_keyfile
    from cfgtool.crypto.keyfile import encrypt_keyfile as encrypt_keyfile
    from cfgtool.crypto.keys import generate_key as generate_key
    from cfgtool.crypto.keys import validate_aes_key as validate_aes_key
    from cfgtool.crypto.rsa import decrypt_rsa as decrypt_rsa
    from cfgtool.crypto.rsa import encrypt_rsa as encrypt_rsa
    from cfgtool.deploy.nginx import nginx_config as nginx_config
    from cfgtool.deploy.tftpd import tftpd_defaults as tftpd_defaults
    from cfgtool.dhcp import dhcp_config as dhcp_config
    from cfgtool.differ.settings import apply_changes as apply_changes
    from cfgtool.differ.settings import diff as diff
    from cfgtool.differ.tree import diff_paths as diff_paths
    from cfgtool.linting.engine import lint as lint
    from cfgtool.linting.engine import lint_paths as lint_paths
    from cfgtool.provisioning.effective import effective as effective
    from cfgtool.provisioning.tree import scan_tree as scan_tree
    from cfgtool.provisioning.urls import expand_url as expand_url
    from cfgtool.rendering.inventory import read_inventory as read_inventory
    from cfgtool.rendering.row import render as render
    from cfgtool.runners.encrypt_batch import encrypt_paths as encrypt_paths
    from cfgtool.runners.render_batch import render_batch as render_batch
    from cfgtool.runners.validate import validate_paths as validate_paths
    from cfgtool.sip.notify import check_sync as check_sync
    from cfgtool.sip.notify import check_sync_many as check_sync_many
    from cfgtool.sip.phone import listen_check_sync as listen_check_sync
    from cfgtool.sip.phone import pnp_discover as pnp_discover
    from cfgtool.sip.pnp import PnpResponder as PnpResponder
    from cfgtool.templating.detect import detect_dialect as detect_dialect
    from cfgtool.templating.inheritance import resolve_template as resolve_template
    from cfgtool.templating.parse import load_template as load_template
    from cfgtool.templating.parse import parse_template as parse_template


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'cfgtool' has no attribute {name!r}")
    module_name, attribute = target.split(":")
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value
    return value


__all__ = [
    "Blank",
    "CfgDecodeError",
    "CfgError",
    "CfgIOError",
    "CfgValueError",
    "Comment",
    "ConfigError",
    "CryptoError",
    "Diagnostic",
    "Document",
    "Entry",
    "Header",
    "Invalid",
    "MisplacedHeader",
    "Node",
    "SchemaError",
    "Severity",
    "__version__",
    "dump",
    "dumps",
    "load",
    "loads",
    *_LAZY,
]
