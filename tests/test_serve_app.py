"""Two servers in one process are independent: stopping one leaves the other serving."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from tests.serve_helpers import Lab, RunningServer, curl, lab, needs, start, tftp_get

__all__ = ["lab", "start"]


@needs("curl", "tftp")
def test_stopping_one_server_leaves_another_serving(lab: Lab, start: Any, tmp_path: Path) -> None:
    second = start()
    first = RunningServer(replace(second.config, log=None))
    first.stop()
    expected = (lab.root / "T46G" / "y000000000028.cfg").read_bytes()
    for scheme in ("http", "ftp"):
        assert curl(second.url(scheme, "/T46G/y000000000028.cfg")).body == expected
    tftp_get(second.ports["tftp"], "T46G/y000000000028.cfg", tmp_path / "got")
    assert (tmp_path / "got").read_bytes() == expected
