"""Boot files (``<mac>.boot``, ``y000000000000.boot``): which configuration files to fetch.

A boot file is a cfg file whose ``include:config "file"`` (or ``<file>``)
lines name the configuration files the phone downloads, in order; names are
relative to the boot file's directory unless they are URLs. Its
``overwrite_mode`` setting is reported, not interpreted. The lines are read
from the parsed document (an ``include:`` line is an invalid *setting* line
to the cfg grammar, so it arrives as an ``Invalid`` node with its raw text).

    >>> import cfgtool
    >>> doc = cfgtool.loads('#!version:1.0.0.1\\ninclude:config "sip.cfg"\\n'
    ...                     'include:config <y000000000028.cfg>\\n')
    >>> boot_includes(doc)
    [Include(name='sip.cfg', line=2), Include(name='y000000000028.cfg', line=3)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cfgtool.nodes import Document, Invalid

__all__ = ["Include", "boot_includes"]

_INCLUDE = re.compile(r'\s*include\s*:\s*config\s*(?:"([^"]*)"|<([^>]*)>|(\S+))\s*$', re.I)


@dataclass(frozen=True, slots=True)
class Include:
    """One ``include:config`` line: the file it names and its line number."""

    name: str
    line: int


def boot_includes(doc: Document) -> list[Include]:
    """The files a boot file includes, in order (empty names are skipped)."""
    found: list[Include] = []
    for item in doc.items:
        if type(item) is Invalid:
            match = _INCLUDE.match(item.raw)
            if match:
                name = next(group for group in match.groups() if group is not None).strip()
                if name:
                    found.append(Include(name, item.line))
    return found
