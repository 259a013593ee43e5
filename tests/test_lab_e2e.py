"""The whole loop in a loopback lab: render 100 phones, serve them (cfgtool serve, and nginx
with the file from cfgtool deploy), PnP gives the URL, the emulator fetches, the Common file
changes, NOTIFY check-sync, the emulator re-provisions and says what changed and whether it
reboots; cfgtool log summarises the server's log per phone.

Everything listens on 127.0.0.1 with ports the kernel picks; every wait is bounded.
"""

from __future__ import annotations

import csv
import io
import json
import os
import runpy
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

import cfgtool
from cfgtool.cli import main
from cfgtool.deploy.nginx import nginx_config, site_from_options
from cfgtool.phone import make_spec, provision_fleet
from cfgtool.server.config import Endpoint, ServeConfig
from cfgtool.sip.pnp import AllowList, PnpResponder
from tests.conftest import EXAMPLES, REPO
from tests.net import free_port, wait_bound
from tests.nginx_helpers import running_nginx
from tests.serve_helpers import RunningServer

PHONES = 100
COMMON = Path("T46G") / "y000000000028.cfg"
MAC = "001565000000"  # the inventory's first phone, a T46G
BOUNDED = 60


def inventory(count: int) -> str:
    module = runpy.run_path(str(REPO / "scripts" / "make_inventory.py"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(module["COLUMNS"])
    writer.writerows(module["rows"](count))
    return out.getvalue()


def render_tree(base: Path) -> Path:
    tree = base / "tree"
    shutil.copytree(EXAMPLES / "tftp", tree)
    (base / "phones.csv").write_text(inventory(PHONES))
    rendered = CliRunner().invoke(
        main,
        ["render", str(EXAMPLES / "template" / "phones.cfg.tmpl"), "--inventory",
         str(base / "phones.csv"), "--out", str(tree), "--layout", "pn"],
    )  # fmt: skip
    assert rendered.exit_code == 0, rendered.output
    assert len(list(tree.glob("*/[0-9a-f]*.cfg"))) == PHONES
    return tree


@contextmanager
def serving(kind: str, tree: Path, base: Path) -> Iterator[tuple[str, Path]]:
    """``cfgtool serve`` or nginx with the file from ``cfgtool deploy nginx``: (URL, log)."""
    log = base / "access.jsonl"
    if kind == "serve":
        server = RunningServer(ServeConfig(root=tree, http=Endpoint("127.0.0.1", 0), log=log))
        try:
            yield f"http://127.0.0.1:{server.ports['http']}/$PN/", log
        finally:
            server.stop()
        return

    def site(port: int) -> str:
        options = site_from_options(str(tree), listen=[f"127.0.0.1:{port}"], access_log=str(log))
        return nginx_config(options)

    work = base / "nginx"
    work.mkdir()
    with running_nginx(site, work, log) as nginx:
        yield nginx.url("/$PN/"), log


def set_common(tree: Path, **settings: str) -> None:
    path = tree / COMMON
    doc = cfgtool.load(path)
    for key, value in settings.items():
        doc.set(key, value)
    cfgtool.dump(doc, path)


@pytest.mark.parametrize("server", ["serve", "nginx"])
def test_render_serve_pnp_fetch_change_notify_reprovision(tmp_path: Path, server: str) -> None:
    tree = render_tree(tmp_path)
    with serving(server, tree, tmp_path) as (url, log):
        run_the_loop(tree, url, tmp_path)
    # The access log, summarised per phone: every phone fetched its files.
    summary = cfgtool.summarize_log(log.read_text().splitlines())
    assert len(summary.phones) == PHONES
    mine = next(phone for phone in summary.phones if phone.mac == MAC)
    assert mine.requests >= 6 and mine.model == "T46G"


def run_the_loop(tree: Path, url: str, base: Path) -> None:
    # cfgtool pnp answers this phone (and only Yealink's OUI) with the URL.
    responder = PnpResponder(url, AllowList(["00:15:65"]), port=0, group=None)
    responder.open()
    pnp = threading.Thread(target=responder.serve, kwargs={"count": 1, "duration": BOUNDED})
    pnp.start()

    # The whole fleet fetches its files.
    rows = list(csv.DictReader(io.StringIO(inventory(PHONES))))
    specs = [make_spec(url, row["mac"], model=row["model"]) for row in rows]
    fleet = provision_fleet(specs, concurrency=20, timeout=10)
    assert [result.outcome for result in fleet.results].count("provisioned") == PHONES

    # One phone boots with PnP and then listens for check-sync, as `cfgtool phone` does.
    listen_port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [
        sys.executable, "-c", "from cfgtool.cli import main; main()", "phone",
        "--pnp", "--pnp-server", f"127.0.0.1:{responder.port}",
        "--mac", MAC, "--model", "T46G", "--state", str(base / "state"),
        "--listen", f"127.0.0.1:{listen_port}", "--listen-count", "2",
        "--listen-timeout", "20", "--format", "json",
    ]  # fmt: skip
    phone = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert phone.stdout is not None
        first = json.loads(phone.stdout.readline())
        pnp.join(BOUNDED)
        assert first["event"] == "provision"
        assert first["result"]["url"] == url and first["result"]["outcome"] == "provisioned"
        assert responder.events[0].answer == "200, NOTIFY 200"
        wait_bound(listen_port)

        # The Common file changes; NOTIFY check-sync. The phone still has the default
        # sip.notify_reboot_enable (1): it re-provisions and reboots.
        set_common(tree, **{"lang.wui": "French", "sip.notify_reboot_enable": "0"})
        sent = CliRunner().invoke(main, ["notify", f"127.0.0.1:{listen_port}", "--timeout", "10"])
        assert sent.exit_code == 0, sent.output
        event = json.loads(phone.stdout.readline())
        assert (event["event"], event["action"], event["reboot"]) == ("check-sync", "reboot", True)
        changed = {change["key"]: change["new"] for change in event["changes"]}
        assert changed["lang.wui"] == "French"

        # Now it has sip.notify_reboot_enable = 0: a plain check-sync re-provisions in place.
        set_common(tree, **{"lang.wui": "German"})
        sent = CliRunner().invoke(main, ["notify", f"127.0.0.1:{listen_port}", "--timeout", "10"])
        assert sent.exit_code == 0, sent.output
        event = json.loads(phone.stdout.readline())
        assert event["action"] == "provision"
        assert [change["key"] for change in event["changes"]] == ["lang.wui"]
        assert event["reboot"] is event["result"]["reboot"]["needed"]
        assert phone.wait(BOUNDED) == 0
    finally:
        if phone.poll() is None:
            phone.kill()
        phone.wait(BOUNDED)
        responder.close()
