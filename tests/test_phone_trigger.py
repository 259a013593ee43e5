"""cfgtool phone --pnp and --listen: the emulator's PnP and check-sync side (loopback)."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main
from cfgtool.cli.phone_trigger import listen_address
from cfgtool.sip.pnp import AllowList, PnpResponder
from tests.conftest import EXAMPLES
from tests.net import free_port

MAC = "0015651130f9"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A plain HTTP server (the standard library's) over examples/tftp; yields its $PN URL."""
    tree = tmp_path / "tree"
    shutil.copytree(EXAMPLES / "tftp", tree)
    handler = functools.partial(QuietHandler, directory=str(tree))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/$PN/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_pnp_gives_the_url_the_phone_provisions_from(server: str) -> None:
    url = server
    with PnpResponder(url, AllowList([MAC]), port=0, group=None) as responder:
        thread = threading.Thread(target=responder.serve, kwargs={"count": 1, "duration": 10})
        thread.start()
        result = CliRunner().invoke(
            main,
            ["phone", "--pnp", "--pnp-server", f"127.0.0.1:{responder.port}", "--mac", MAC,
             "--model", "T46G", "--format", "json", "--timeout", "5"],
        )  # fmt: skip
        thread.join(10)
    assert result.exit_code in (0, 1), result.output
    assert f'"url": "{url}"' in result.stdout


def test_listen_reports_and_times_out(server: str) -> None:
    url = server
    result = CliRunner().invoke(
        main,
        ["phone", url, "--mac", MAC, "--model", "T46G", "--listen", f"127.0.0.1:{free_port()}",
         "--listen-timeout", "0.3"],
    )  # fmt: skip
    assert MAC in result.stdout  # the usual report of the first provisioning
    assert f"{MAC} listening on 127.0.0.1:" in result.stderr
    assert "no check-sync within 0.3 s" in result.stderr


def test_no_pnp_answer_is_an_error() -> None:
    result = CliRunner().invoke(
        main,
        ["phone", "--pnp", "--pnp-server", f"127.0.0.1:{free_port()}", "--mac", MAC,
         "--model", "T46G", "--timeout", "0.6"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "no PnP server answered" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mac", MAC, "--model", "T46G"], "--pnp to ask a PnP server"),
        (["--pnp", "--inventory", __file__], "play one phone"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["phone", *args])
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize(
    ("text", "address"),
    [("5062", ("127.0.0.1", 5062)), ("10.0.0.5:5060", ("10.0.0.5", 5060)),
     ("[::1]:5070", ("::1", 5070))],
)  # fmt: skip
def test_listen_address(text: str, address: tuple[str, int]) -> None:
    assert listen_address(text) == address
