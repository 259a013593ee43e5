"""Many row problems in little memory: what a batch keeps of each refused or warned row.

A lint warning on a template line reads the same on every row that keeps the line:
100,000 rows may give 100,000 :class:`~cfgtool.rendering.template.RowProblem` that
differ only in their row and MAC. :class:`RowProblems` keeps each such text once and,
per problem, its row, its MAC and the index of its text: 20 bytes, not 200.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cfgtool.blocks import CompactSequence, Numbers
from cfgtool.rendering.template import RowProblem

# What problems share: (path, column, column name, message, code).
_Text = tuple[str, int | None, str | None, str, str | None]
_NO_MAC, _ODD_MAC = -1, -2
_HEX = frozenset("0123456789abcdef")


class RowProblems(CompactSequence[RowProblem]):
    """Row problems in the order added (a :class:`RowProblem` is made when one is asked
    for); equal to any sequence of the same problems."""

    __slots__ = ("_macs", "_odd", "_rows", "_text_index", "_texts", "_which")

    def __init__(self, problems: Iterable[RowProblem] = ()) -> None:
        self._rows = Numbers("q")
        self._macs = Numbers("q")  # the MAC as a number, _NO_MAC, or _ODD_MAC (see _odd)
        self._which = Numbers("I")  # the index of its text in _texts
        self._texts: list[_Text] = []
        self._text_index: dict[_Text, int] = {}
        self._odd: dict[int, str] = {}  # problem number -> a MAC that is no 12 hex digits
        for problem in problems:
            self.append(problem)

    def append(self, problem: RowProblem) -> None:
        """Add ``problem`` at the end."""
        self.add(
            problem.path,
            problem.row,
            problem.column,
            problem.column_name,
            problem.message,
            problem.mac,
            problem.code,
        )

    def add(
        self,
        path: str,
        row: int,
        column: int | None,
        column_name: str | None,
        message: str,
        mac: str | None = None,
        code: str | None = None,
    ) -> None:
        """Add the problem of these fields (as :class:`RowProblem` takes them) at the end."""
        text = (path, column, column_name, message, code)
        which = self._text_index.get(text)
        if which is None:
            which = self._text_index[text] = len(self._texts)
            self._texts.append(text)
        if mac is None:
            number = _NO_MAC
        elif len(mac) == 12 and _HEX.issuperset(mac):
            number = int(mac, 16)
        else:
            number = _ODD_MAC
            self._odd[len(self._rows)] = mac
        self._rows.append(row)
        self._macs.append(number)
        self._which.append(which)

    def __len__(self) -> int:
        return len(self._rows)

    def _item(self, index: int) -> RowProblem:
        path, column, column_name, message, code = self._texts[self._which[index]]
        number = self._macs[index]
        if number == _NO_MAC:
            mac = None
        elif number == _ODD_MAC:
            mac = self._odd[index]
        else:
            mac = f"{number:012x}"
        return RowProblem(path, self._rows[index], column, column_name, message, mac, code)

    def rows(self) -> Iterator[int]:
        """Each problem's row (no :class:`RowProblem` is made)."""
        return iter(self._rows)
