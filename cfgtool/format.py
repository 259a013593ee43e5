"""The format's constants: what a Yealink ``.cfg`` file is made of.

From Yealink's auto-provisioning guide: line 1 is the ``#!version:1.0.0.1``
header (not a comment), ``%NULL%`` sets a value to empty (like an empty
value), and phones provision from TFTP, FTP, HTTP and HTTPS servers.
cfgtool's own comments start with ``# cfgtool:`` (see :mod:`cfgtool.directives`).
"""

from __future__ import annotations

HEADER_PREFIX = "#!version:"
DEFAULT_VERSION = "1.0.0.1"
HEADER = HEADER_PREFIX + DEFAULT_VERSION

NULL_VALUE = "%NULL%"
# Values that set a setting to nothing: the empty value and its explicit spelling.
EMPTY_VALUES = frozenset({"", NULL_VALUE})

URL_SCHEMES = frozenset({"tftp", "ftp", "http", "https"})
# What a URL scheme may be spelled with (RFC 3986): `scheme://...`.
URL_SCHEME_SYNTAX = r"[A-Za-z][A-Za-z0-9+.\-]*"

# `# cfgtool: VERB[=ARGUMENT]`: suppressions, `model=`, render's `if=`/`endif`.
DIRECTIVE_MARKER = "cfgtool:"
DIRECTIVE_SYNTAX = r"[ \t]*#[ \t]*cfgtool:[ \t]*(?P<verb>[A-Za-z_-]*)(?P<rest>.*)"
