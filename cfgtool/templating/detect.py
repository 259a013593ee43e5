"""Which template dialect a file is written in: by its extension, then by its content.

- ``.tpl``, ``.j2``, ``.jinja``, ``.jinja2``: Jinja (Wazo provd), unless the file
  holds Smarty tags (``{$`` …) and no Jinja tag at all;
- ``.twig``: Twig; ``.tmpl``: Twig when it holds a ``{%`` tag (Tancredi);
- ``.mustache``: Mustache;
- otherwise by content: ``{$``, ``{if …}``, ``{foreach …}``, ``{*`` → Smarty;
  ``{%`` or ``{#`` → Jinja; ``{{#``, ``{{^``, ``{{/``, ``{{!``, ``{{>`` → Mustache;
  anything else (``{{ name }}`` or no placeholder) → cfgtool's own syntax.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from cfgtool.templating.model import Dialect

_JINJA_SUFFIXES = (".tpl", ".j2", ".jinja", ".jinja2")
_SMARTY = re.compile(r"\{\$|\{/?(?:if|foreach|section|literal|line_loop|loop_\w+)\b|\{\*")
_JINJA = re.compile(r"\{%|(?<!\{)\{#")
_MUSTACHE = re.compile(r"\{\{[#^/!>&{]")


def detect_dialect(path: str | PurePath | None, text: str) -> Dialect:
    """The dialect of the template ``text`` read from ``path`` (None: by content only)."""
    name = PurePath(path).name.lower() if path is not None else ""
    if name.endswith(_JINJA_SUFFIXES):
        if _SMARTY.search(text) and not _JINJA.search(text) and "{{" not in text:
            return "smarty"
        return "jinja"
    if name.endswith(".twig"):
        return "twig"
    if name.endswith(".tmpl") and "{%" in text:
        return "twig"
    if name.endswith(".mustache"):
        return "mustache"
    return _by_content(text)


def _by_content(text: str) -> Dialect:
    if _SMARTY.search(text):
        return "smarty"
    if _JINJA.search(text):
        return "jinja"
    if _MUSTACHE.search(text):
        return "mustache"
    return "cfgtool"
