"""What a batch did: one :class:`Phone` per rendered file, and the :class:`BatchResult`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from cfgtool.blocks import CompactSequence, Numbers, Records
from cfgtool.rendering.template import RowProblem, Status


@dataclass(frozen=True, slots=True)
class Phone:
    """One rendered phone file. ``path`` is relative to the output directory.

    ``status``: ``written`` or ``unchanged``; in a dry run ``new``, ``changed``
    or ``unchanged``.
    """

    mac: str
    model: str | None
    path: str
    md5: str
    status: Status


_STATUSES: tuple[Status, ...] = ("written", "unchanged", "new", "changed")
_STATUS_INDEX = {status: index for index, status in enumerate(_STATUSES)}
_HEX = frozenset("0123456789abcdef")


class Phones(CompactSequence[Phone]):
    """The phones of a batch, in row order, in 27 bytes each (a :class:`Phone` is made
    when one is asked for): the MAC and MD5 as bytes, the model, the folder of the file
    and the status as small numbers. A phone that does not fit (its file is not
    ``[folder/]<mac>.cfg``, its MAC or MD5 not hex) is kept as it is.
    """

    __slots__ = ("_folder_index", "_folder_of", "_folders", "_macs", "_md5s", "_model_index",
                 "_model_of", "_models", "_odd", "_status_of")  # fmt: skip

    def __init__(self, phones: Iterable[Phone] = ()) -> None:
        self._macs = Records(6)
        self._md5s = Records(16)
        self._model_of = Numbers("H")  # per phone: its model's index in _models
        self._folder_of = Numbers("H")  # its folder's index in _folders
        self._status_of = Numbers("B")  # its status's index in _STATUSES
        self._models: list[str | None] = []
        self._folders: list[str] = []
        self._model_index: dict[str | None, int] = {}
        self._folder_index: dict[str, int] = {}
        self._odd: dict[int, Phone] = {}  # phone number -> the phone, when it does not fit
        for phone in phones:
            self.append(phone)

    def append(self, phone: Phone) -> None:
        """Add ``phone`` at the end."""
        self.add(phone.mac, phone.model, phone.path, phone.md5, phone.status)

    def add(self, mac: str, model: str | None, path: str, md5: str, status: Status) -> None:
        """Add the phone of these fields at the end (no :class:`Phone` is made)."""
        folder, _, name = path.rpartition("/")
        if (
            len(mac) == 12
            and len(md5) == 32
            and name == mac + ".cfg"
            and _HEX.issuperset(mac)
            and _HEX.issuperset(md5)
        ):
            self._macs.append(bytes.fromhex(mac))
            self._md5s.append(bytes.fromhex(md5))
        else:
            self._odd[len(self._status_of)] = Phone(mac, model, path, md5, status)
            self._macs.append(bytes(6))
            self._md5s.append(bytes(16))
        model_index = self._model_index.get(model)
        if model_index is None:
            model_index = self._model_index[model] = len(self._models)
            self._models.append(model)
        where = self._folder_index.get(folder)
        if where is None:
            where = self._folder_index[folder] = len(self._folders)
            self._folders.append(folder)
        self._model_of.append(model_index)
        self._folder_of.append(where)
        self._status_of.append(_STATUS_INDEX[status])

    def paths(self) -> Iterator[str]:
        """Each phone's ``path`` (no :class:`Phone` is made)."""
        folders, odd, macs = self._folders, self._odd, self._macs
        for index, folder in enumerate(self._folder_of):
            if index in odd:
                yield odd[index].path
                continue
            mac = macs[index].hex()
            where = folders[folder]
            yield f"{where}/{mac}.cfg" if where else f"{mac}.cfg"

    def numbers(self) -> Iterator[tuple[str, int]]:
        """Each phone's file as its folder and its MAC as a number (-1: the file is no
        ``[folder/]<mac>.cfg``), no :class:`Phone` or path is made."""
        folders, odd, macs = self._folders, self._odd, self._macs
        from_bytes = int.from_bytes
        for index, folder in enumerate(self._folder_of):
            if index in odd:
                where, _, name = odd[index].path.rpartition("/")
                mac = name[:12]
                fits = name == mac + ".cfg" and len(mac) == 12 and _HEX.issuperset(mac)
                yield where, int(mac, 16) if fits else -1
                continue
            yield folders[folder], from_bytes(macs[index], "big")

    def __len__(self) -> int:
        return len(self._status_of)

    def _item(self, index: int) -> Phone:
        odd = self._odd.get(index)
        if odd is not None:
            return odd
        mac = self._macs[index].hex()
        md5 = self._md5s[index].hex()
        model, folder = self._model_of[index], self._folder_of[index]
        status = self._status_of[index]
        where = self._folders[folder]
        path = f"{where}/{mac}.cfg" if where else f"{mac}.cfg"
        return Phone(mac, self._models[model], path, md5, _STATUSES[status])

    def statuses(self) -> Iterator[Status]:
        """Each phone's ``status`` (no :class:`Phone` is made)."""
        return (_STATUSES[code] for code in self._status_of)

    def count_status(self, *statuses: Status) -> int:
        """How many phones have one of ``statuses`` (no :class:`Phone` is made)."""
        wanted = {_STATUS_INDEX[status] for status in statuses}
        return sum(1 for code in self._status_of if code in wanted)

    def select(self, keep: Sequence[bool]) -> Phones:
        """The phones whose ``keep`` is true (one flag per phone)."""
        if all(keep):
            return self
        return Phones(phone for phone, wanted in zip(self, keep, strict=True) if wanted)


@dataclass
class BatchResult:
    """What :func:`render_batch` did or, in a dry run, would do."""

    out_dir: str
    rows: int = 0
    phones: Sequence[Phone] = field(default_factory=list)  # a batch's: Phones
    problems: list[RowProblem] = field(default_factory=list)
    # Lint warnings of the files written (an invisible character from a cell...); a
    # batch's: RowProblems (each text kept once).
    warnings: Sequence[RowProblem] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    manifest: str | None = None
    dry_run: bool = False
    wrote_nothing: bool = False

    @property
    def failed_rows(self) -> list[int]:
        """The inventory rows that were refused."""
        return sorted({problem.row for problem in self.problems})

    @property
    def written(self) -> list[Phone]:
        """Files written (in a dry run: that would be written)."""
        return [phone for phone in self.phones if phone.status != "unchanged"]

    @property
    def unchanged(self) -> list[Phone]:
        """Files left as they were."""
        return [phone for phone in self.phones if phone.status == "unchanged"]

    @property
    def written_count(self) -> int:
        """``len(self.written)``, without a list of them."""
        return len(self.phones) - self.unchanged_count

    @property
    def unchanged_count(self) -> int:
        """``len(self.unchanged)``, without a list of them."""
        phones = self.phones
        if isinstance(phones, Phones):
            return phones.count_status("unchanged")
        return sum(phone.status == "unchanged" for phone in phones)

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data (``cfgtool render --format json``)."""
        return {
            "out_dir": self.out_dir,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "written": self.written_count,
            "unchanged": self.unchanged_count,
            "failed": len(self.failed_rows),
            "wrote_nothing": self.wrote_nothing,
            "stale": self.stale,
            "pruned": self.pruned,
            "manifest": self.manifest,
            "problems": [problem.to_dict() for problem in self.problems],
            "warnings": [warning.to_dict() for warning in self.warnings],
            "files": [
                {"mac": p.mac, "model": p.model, "file": p.path, "md5": p.md5, "status": p.status}
                for p in self.phones
            ],
        }
