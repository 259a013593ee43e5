"""The template grammars in ``grammar/``, compiled once and cached on disk.

Like :mod:`cfgtool.parser`, the compiled parser is cached keyed by the
grammar's hash, so a warm start does not rebuild it.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any

from cfgtool.resources import data_dir


def _cache_file(grammar_text: str, name: str) -> Path:
    digest = hashlib.sha256(grammar_text.encode()).hexdigest()[:16]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cfgtool" / f"{name}-{digest}.lark-cache"


@cache
def compiled(name: str) -> Any:
    """The Lark LALR parser of ``grammar/<name>.lark`` (basic lexer, positions kept)."""
    # lark is imported here: template parsing is the only user, plain-file lint never is.
    import lark

    grammar_text = (data_dir("grammar") / f"{name}.lark").read_text(encoding="utf-8")
    cache_file = _cache_file(grammar_text, name)
    options: dict[str, Any] = {"parser": "lalr", "lexer": "basic"}
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        options["cache"] = str(cache_file)
    except OSError:
        pass  # no cache directory: build the parser every time
    return lark.Lark(grammar_text, **options)


def tokens(name: str, text: str) -> list[Any]:
    """The tokens of ``text`` under grammar ``name`` (with ``type`` and ``start_pos``)."""
    tree = compiled(name).parse(text)
    return list(tree.children)
