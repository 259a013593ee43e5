"""The lint engine: rules over the AST, configuration, suppressions, fixes.

``template_dialect`` and ``lint_template`` (:mod:`cfgtool.linting.templates`)
load on first use: only a file that looks like a PBX template needs the
template layer, so plain-file lint never imports it.
"""

from cfgtool._lazy import homes, lazy_getattr

_LAZY = homes("cfgtool.linting.templates", ("template_dialect", "lint_template"))
__getattr__ = lazy_getattr(__name__, _LAZY)
