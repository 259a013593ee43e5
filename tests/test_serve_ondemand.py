"""Render on request (--template/--inventory) and encrypt on request (--keys): the bytes are
the ones `cfgtool render` and `cfgtool encrypt --generate-key` write, checked against runs
of those commands."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cfgtool.errors import ConfigError
from cfgtool.server.keys import Keys, read_keys
from tests.conftest import EXAMPLES
from tests.serve_helpers import Lab, curl, lab, log_records, needs, start, tftp_get

__all__ = ["lab", "start"]
TEMPLATE = EXAMPLES / "template" / "phones.cfg.tmpl"
CLI = [sys.executable, "-c", "from cfgtool.cli import main; main()"]


def cfgtool(*args: str | Path, cwd: Path) -> None:
    done = subprocess.run(
        [*CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def rendered_by_cli(base: Path, inventory: Path, name: str) -> Path:
    out = base / name
    shutil.copytree(EXAMPLES / "tftp", out)
    cfgtool(
        "render", TEMPLATE, "--inventory", inventory, "--out", out, "--layout", "pn", "-q", cwd=base
    )
    return out


@pytest.fixture
def inventory(lab: Lab) -> Path:
    path = lab.base / "phones.csv"
    shutil.copy(EXAMPLES / "template" / "phones.csv", path)
    return path


def mac_files(tree: Path) -> list[Path]:
    return sorted(p for p in tree.glob("*/*.cfg") if len(p.stem) == 12)


@needs("curl")
def test_rendered_on_request_is_byte_identical_to_cfgtool_render(
    lab: Lab, start: Any, inventory: Path
) -> None:
    expected = rendered_by_cli(lab.base, inventory, "rendered")
    for path in mac_files(lab.root):
        path.unlink()  # the server must render them, not read them
    server = start(template=TEMPLATE, inventory=inventory)
    files = mac_files(expected)
    assert len(files) == 3
    for path in files:
        relative = path.relative_to(expected).as_posix()
        fetched = curl(server.url(path=f"/{relative}"))
        assert fetched.status == 200, relative
        assert fetched.body == path.read_bytes()
        local = lab.base / "via-tftp"
        tftp_get(server.ports["tftp"], relative, local)
        assert local.read_bytes() == path.read_bytes()
    assert {r["details"].get("source") for r in log_records(lab) if r["protocol"] == "http"} == {
        "rendered"
    }


@needs("curl")
def test_inventory_is_reread_when_it_changes(lab: Lab, start: Any, inventory: Path) -> None:
    server = start(template=TEMPLATE, inventory=inventory)
    url = server.url(path="/T42G/001565113101.cfg")
    assert b"Office 2" in curl(url).body
    rows = list(csv.reader(inventory.open()))
    rows[2][2] = "Office 3"
    with inventory.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    os.utime(inventory, ns=(2, 2))
    fetched = curl(url)
    assert b"Office 3" in fetched.body
    expected = rendered_by_cli(lab.base, inventory, "again")
    assert fetched.body == (expected / "T42G" / "001565113101.cfg").read_bytes()


@needs("curl")
def test_a_row_render_refuses_is_404_with_the_reason_logged(
    lab: Lab, start: Any, inventory: Path
) -> None:
    with inventory.open("a") as handle:
        handle.write("00:15:65:11:31:01,T42G,Twin,Twin Row,1004,pw,,,,,,\n")
    for path in mac_files(lab.root):
        path.unlink()
    server = start(template=TEMPLATE, inventory=inventory)
    assert curl(server.url(path="/T42G/001565113101.cfg")).status == 404
    record = log_records(lab)[-1]
    assert "cfgtool render refuses this row" in record["reason"]
    assert "duplicate MAC" in record["reason"]
    assert curl(server.url(path="/T46G/0015651130f9.cfg")).status == 200  # the others still work


@needs("curl")
def test_files_not_in_the_inventory_come_from_disk(lab: Lab, start: Any, inventory: Path) -> None:
    server = start(template=TEMPLATE, inventory=inventory)
    fetched = curl(server.url(path="/T46G/y000000000028.cfg"))
    assert fetched.body == (lab.root / "T46G" / "y000000000028.cfg").read_bytes()


def encrypted_by_cli(base: Path, tree: Path) -> tuple[Path, Path]:
    out = base / "encrypted"
    sources = sorted(tree.glob("*/*.cfg"))
    cfgtool("encrypt", *sources, "--out", out, "--generate-key", "-q", cwd=base)
    return out, out / "keys.csv"


@needs("curl")
def test_keys_serve_bytes_identical_to_cfgtool_encrypt(lab: Lab, start: Any) -> None:
    plain = lab.base / "plain"
    shutil.copytree(EXAMPLES / "tftp", plain)
    out, keys = encrypted_by_cli(lab.base, plain)
    server = start(keys=keys)
    for source in sorted(plain.glob("*/*.cfg")):
        fetched = curl(server.url(path=f"/{source.relative_to(plain).as_posix()}"))
        assert fetched.status == 200
        assert fetched.body == (out / source.name).read_bytes()
        assert fetched.body != source.read_bytes()
    assert log_records(lab)[-1]["details"]["encrypted"] is True


@needs("curl")
def test_keys_and_render_on_request_give_cfgtool_encrypt_of_cfgtool_render(
    lab: Lab, start: Any, inventory: Path
) -> None:
    rendered = rendered_by_cli(lab.base, inventory, "rendered")
    out, keys = encrypted_by_cli(lab.base, rendered)
    for path in mac_files(lab.root):
        path.unlink()
    server = start(template=TEMPLATE, inventory=inventory, keys=keys)
    for path in mac_files(rendered):
        fetched = curl(server.url(path=f"/{path.relative_to(rendered).as_posix()}"))
        assert fetched.body == (out / path.name).read_bytes()
    assert not mac_files(lab.root)  # no plaintext was ever written into the tree


@needs("curl")
def test_uploaded_local_cfg_is_not_encrypted(lab: Lab, start: Any, tmp_path: Path) -> None:
    plain = lab.base / "plain"
    shutil.copytree(EXAMPLES / "tftp", plain)
    _, keys = encrypted_by_cli(lab.base, plain)
    server = start(keys=keys)
    body = tmp_path / "local.cfg"
    body.write_bytes(b"#!version:1.0.0.1\n")
    assert curl(server.url(path="/T46G/0015651130f9-local.cfg"), "-T", str(body)).status == 201
    assert curl(server.url(path="/T46G/0015651130f9-local.cfg")).body == b"#!version:1.0.0.1\n"


def test_keys_csv_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "keys.csv"
    for wrong in ("name,secret\n", "file,key\na.cfg,short\n"):
        path.write_text(wrong)
        with pytest.raises(ConfigError):
            read_keys(path)
    path.write_text("file,key\ny000000000028.cfg,0123456789abcdef\nother.cfg,abcdef0123456789\n")
    keys = Keys(path)
    assert keys.key_for("y000000000028.cfg") == "0123456789abcdef"
    assert keys.key_for("y000000000029.cfg") is None  # two keys: no default
