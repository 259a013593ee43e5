"""An inventory file read a line at a time, never held whole (a batch of any size).

:class:`InventoryFile` reads the file once to check it (a regular file under the
size cap, UTF-8 throughout: the same errors as reading it whole) and to count its
lines and its header's delimiters; :meth:`InventoryFile.lines` then reads it again,
a megabyte at a time, and gives the lines that reading it whole would give.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from cfgtool.errors import CfgDecodeError
from cfgtool.parser import decode
from cfgtool.reading import read_bytes, read_chunks

# A line and its ending (\n, \r\n or a lone \r), or the last line without one.
LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")
_BOM = "\ufeff"
# The pieces the lines are read in while a batch runs: small enough for the C library to
# reuse the same memory for each (a megabyte would be put in among the batch's results).
LINES_PIECE = 64 * 1024


def text_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, as ``io.StringIO(text, newline="")`` gives
    them, one at a time (a StringIO that is read holds four bytes per character)."""
    return (match.group() for match in LINE.finditer(text))


class InventoryFile:
    """An inventory file, checked and counted (see the module docstring).

    ``newlines`` is the number of ``\\n`` in the file; ``semicolons`` and ``commas``
    are those of its text up to the first ``\\n`` (what picks the delimiter).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.newlines = self.semicolons = self.commas = 0
        decoder = codecs.getincrementaldecoder("utf-8")()
        in_header = True
        try:
            for chunk in read_chunks(path):
                decoder.decode(chunk)
                self.newlines += chunk.count(b"\n")
                if in_header:
                    head, newline, _ = chunk.partition(b"\n")
                    self.semicolons += head.count(b";")
                    self.commas += head.count(b",")
                    in_header = not newline
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            decode(read_bytes(path), path=path)  # raises the error reading it whole gives
            raise CfgDecodeError(f"{path}: changed while cfgtool read it", path=path) from None

    def lines(self) -> Iterator[str]:
        """The file's lines with their endings (as :func:`text_lines` gives those of its
        whole text), without the byte order mark."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        carry = ""
        first = True
        try:
            for chunk in read_chunks(self.path, size=LINES_PIECE):
                text = carry + decoder.decode(chunk)
                if first and text:
                    text, first = text.removeprefix(_BOM), False
                # Every line up to the last ending that no later byte can extend (a "\r"
                # at the very end may be the start of "\r\n").
                cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1)) + 1
                for match in LINE.finditer(text, 0, cut):
                    yield match.group()
                carry = text[cut:]
            text = carry + decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            message = f"{self.path}: not valid UTF-8 text any more (did it change while read?)"
            raise CfgDecodeError(message, path=self.path) from None
        if first:
            text = text.removeprefix(_BOM)
        yield from text_lines(text)
