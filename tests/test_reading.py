"""cfgtool.reading: regular files only, a size cap, one-line errors naming the real cause."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cfgtool import reading
from cfgtool.errors import CfgIOError
from cfgtool.reading import (
    check_regular,
    parse_size,
    read_bytes,
    read_head,
    read_stream,
    set_max_file_size,
)


@pytest.fixture(autouse=True)
def default_cap() -> Iterator[None]:
    saved = dict(reading._limit)
    yield
    reading._limit.clear()
    reading._limit.update(saved)


@pytest.mark.parametrize(
    ("text", "size"),
    [("100", 100), ("512k", 524288), ("64M", 64 << 20), ("1G", 1 << 30), ("2MiB", 2 << 20)],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "0", "-1", "lots", "1T", "1.5M"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not a size"):
        parse_size(text)


def test_reads_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "a.cfg").write_bytes(b"x = 1\n")
    assert read_bytes(tmp_path / "a.cfg") == b"x = 1\n"
    assert read_head(tmp_path / "a.cfg", 3) == b"x ="


def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "f.cfg"
    os.mkfifo(fifo)
    with pytest.raises(CfgIOError, match=r"f\.cfg: a FIFO \(named pipe\), not a regular file"):
        read_bytes(fifo)
    assert read_head(fifo, 12) is None
    with pytest.raises(CfgIOError, match="FIFO"):
        check_regular(fifo)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused(tmp_path: Path, device: str) -> None:
    link = tmp_path / "dev.cfg"
    link.symlink_to(device)
    with pytest.raises(CfgIOError, match=r"dev\.cfg: a character device, not a regular file"):
        read_bytes(link)


def test_symlink_loop_and_dangling_link_name_the_cause(tmp_path: Path) -> None:
    loop = tmp_path / "loop.cfg"
    loop.symlink_to("loop.cfg")
    dangling = tmp_path / "gone.cfg"
    dangling.symlink_to("missing.cfg")
    with pytest.raises(CfgIOError, match=r"loop\.cfg: symbolic link loop"):
        read_bytes(loop)
    with pytest.raises(CfgIOError, match=r"gone\.cfg: dangling symbolic link .*'missing\.cfg'"):
        read_bytes(dangling)
    with pytest.raises(CfgIOError, match="no such file or directory"):
        read_bytes(tmp_path / "absent.cfg")
    with pytest.raises(CfgIOError, match="is a directory"):
        read_bytes(tmp_path)


def test_size_cap_refuses_a_larger_file(tmp_path: Path) -> None:
    big = tmp_path / "big.cfg"
    big.write_bytes(b"x" * 2049)
    assert read_bytes(big, limit=2049) == b"x" * 2049
    with pytest.raises(CfgIOError, match="larger than the maximum file size of 2 KiB"):
        read_bytes(big, limit=2048)
    set_max_file_size(1024)
    with pytest.raises(CfgIOError, match="--max-file-size"):
        read_bytes(big)


def test_stream_is_capped() -> None:
    assert read_stream(io.BytesIO(b"abc"), limit=3) == b"abc"
    with pytest.raises(CfgIOError, match="<stdin>: larger than the maximum file size of 3 bytes"):
        read_stream(io.BytesIO(b"abcd"), limit=3)


def test_dev_zero_as_a_stream_stops_at_the_cap() -> None:
    with open("/dev/zero", "rb") as zero, pytest.raises(CfgIOError, match="1 MiB"):
        read_stream(zero, limit=1 << 20)


def test_environment_sets_the_cap(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    reading._limit.clear()
    monkeypatch.setenv("CFGTOOL_MAX_FILE_SIZE", "1k")
    (tmp_path / "a.cfg").write_bytes(b"x" * 1025)
    with pytest.raises(CfgIOError, match="1 KiB"):
        read_bytes(tmp_path / "a.cfg")
