"""The one path check every protocol uses: request_parts and resolve_file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfgtool.server.paths import Refusal, case_hint, request_parts, resolve_file


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("/", ()),
        ("", ()),
        ("/T46G/y000000000028.cfg", ("T46G", "y000000000028.cfg")),
        ("T46G/y000000000028.cfg", ("T46G", "y000000000028.cfg")),
        ("/T46G/", ("T46G",)),
        ("/T19P_E2/0015651130f9-local.cfg", ("T19P_E2", "0015651130f9-local.cfg")),
        ("/fw/T46-28.83.0.50.rom", ("fw", "T46-28.83.0.50.rom")),
        ("/%54%34%36G/x.cfg", ("T46G", "x.cfg")),
    ],
)
def test_plain_paths(raw: str, parts: tuple[str, ...]) -> None:
    assert request_parts(raw) == parts


@pytest.mark.parametrize(
    "raw",
    [
        "/../x",
        "/%2e%2e/x",
        "/..%2fx",
        "/a/../x",
        "/./x",
        "/a/%2E/x",
        "/..\\x",
        "/a%5cb",
        "//etc/passwd",
        "/a//b",
        "/.htpasswd",
        "/a/.git/config",
        "/a%00b",
        "/a\x00b",
        "/a\nb",
        "/%0d%0a",
        "/%ff",
        "/%c0%ae%c0%ae/x",
        "/a b",
        "/~root",
        "/" + "a/" * 20 + "x",
        "/" + "a" * 2000,
        "/%252e%252e/x",
    ],
)
def test_unsafe_paths_are_refused(raw: str) -> None:
    with pytest.raises(Refusal):
        request_parts(raw)


def test_tftp_paths_are_not_percent_decoded() -> None:
    with pytest.raises(Refusal):
        request_parts("%2e%2e/x", encoded=False)
    assert request_parts("T46G/x.cfg", encoded=False) == ("T46G", "x.cfg")


@given(st.text(max_size=80))
def test_whatever_is_accepted_stays_inside(raw: str) -> None:
    try:
        parts = request_parts(raw)
    except Refusal:
        return
    joined = os.path.normpath(os.path.join("/root", *parts))
    assert joined == "/root" or joined.startswith("/root/")
    assert all(part not in ("", ".", "..") and "/" not in part for part in parts)


def test_resolve_file(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "T46G").mkdir(parents=True)
    (root / "T46G" / "a.cfg").write_text("x")
    (root / "inside-link.cfg").symlink_to(root / "T46G" / "a.cfg")
    (tmp_path / "outside.cfg").write_text("secret")
    (root / "out.cfg").symlink_to(tmp_path / "outside.cfg")
    (root / "outdir").symlink_to(tmp_path)
    assert resolve_file(root, ("T46G", "a.cfg")) == root / "T46G" / "a.cfg"
    assert resolve_file(root, ("inside-link.cfg",)) == root / "T46G" / "a.cfg"
    assert resolve_file(root, ("T46G", "missing.cfg")) is None
    assert resolve_file(root, ("T46G", "a.cfg", "below")) is None
    for parts in (("out.cfg",), ("outdir", "outside.cfg"), (), ("T46G",)):
        with pytest.raises(Refusal):
            resolve_file(root, parts)


def test_case_hint(tmp_path: Path) -> None:
    (tmp_path / "T46G").mkdir()
    (tmp_path / "T46G" / "0015651130F9.cfg").write_text("x")
    assert case_hint(tmp_path, ("t46g", "0015651130f9.cfg")) == "T46G/0015651130F9.cfg"
    assert case_hint(tmp_path, ("T46G", "0015651130fa.cfg")) is None
