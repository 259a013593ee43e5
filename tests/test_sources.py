"""cfgtool.sources: the one answer to "is this cfg text?"."""

from __future__ import annotations

import pytest

from cfgtool.sources import cfg_text, is_encrypted, is_plausible_cfg, not_text_reason


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"#!version:1.0.0.1\nlang.gui = English\n", "#!version:1.0.0.1\nlang.gui = English\n"),
        (b"\xef\xbb\xbfa = 1\n", "\ufeffa = 1\n"),
        (b"\xff\xfe garbage", None),  # not UTF-8
        (b"#!encrypt:1.0.0.0\r\nkey_signatue=RSA_256\r\n", None),  # RSA envelope
        (b"\xef\xbb\xbf#!encrypt:1.0.0.0\r\n", None),
        (b"a = 1\n\x00\x01", None),  # binary
    ],
)
def test_cfg_text(data: bytes, text: str | None) -> None:
    assert cfg_text(data) == text


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"#!encrypt:1.0.0.0\r\n", True), (b"\xef\xbb\xbf#!encrypt:", True), (b"#!version:1", False)],
)
def test_is_encrypted(data: bytes, expected: bool) -> None:
    assert is_encrypted(data) is expected


def test_not_text_reason_names_the_nul_offset() -> None:
    assert not_text_reason("ab\x00") == (
        "binary data (NUL byte at offset 2); is it encrypted or not a cfg file?"
    )
    assert not_text_reason("a = 1\n") is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"#!version:1.0.0.1\n", True),
        (b"lang.gui = English\n", True),
        (b"# only a comment\n", False),
        (b"\x8f\x01\x02", False),
    ],
)
def test_is_plausible_cfg(data: bytes, expected: bool) -> None:
    assert is_plausible_cfg(data) is expected
