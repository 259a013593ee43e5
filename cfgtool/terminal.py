"""What the terminal allows: colour or not (``--color``, ``NO_COLOR``, ``TERM=dumb``)."""

from __future__ import annotations

import os


def use_color(choice: str, is_tty: bool, environ: dict[str, str] | None = None) -> bool:
    """``always``/``never`` decide; ``auto`` means a terminal and no ``NO_COLOR``."""
    env = os.environ if environ is None else environ
    if choice == "always":
        return True
    if choice == "never":
        return False
    return is_tty and not env.get("NO_COLOR") and env.get("TERM") != "dumb"
