"""cfgtool pnp: SIPp as a booting Yealink phone, and the phone-side library (loopback only)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main
from cfgtool.sip.message import SipMessage, parse
from cfgtool.sip.notify import check_sync
from cfgtool.sip.phone import build_subscribe, check_sync_action, listen_check_sync, pnp_discover
from cfgtool.sip.pnp import AllowList, PnpResponder, parse_event, phone_mac
from tests.sipp import LOOPBACK, free_port, sipp

REPO = Path(__file__).resolve().parent.parent
MAC = "805ec0123456"
URL = "http://127.0.0.1:8080/$PN/"


def sipp_phone(mac: str = MAC) -> list[str]:
    colons = ":".join(mac[i : i + 2] for i in range(0, 12, 2))
    keys = {"mac": mac, "mac_colons": colons, "model": "T46G"}
    return [item for name, value in keys.items() for item in ("-key", name, value)]


@pytest.fixture
def responder() -> Iterator[PnpResponder]:
    server = PnpResponder(URL, AllowList(["80:5e:c0"]), port=0, group=None, expand=True)
    with server:
        yield server


@contextlib.contextmanager
def listening_phone(timeout: float, wait: float) -> Iterator[tuple[str, list[object]]]:
    """A loopback UDP socket a thread runs listen_check_sync on: its address, what it got.

    Leaving the block waits ``wait`` seconds at most for the listener to finish.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as phone:
        phone.bind((LOOPBACK, 0))
        got: list[object] = []
        listener = threading.Thread(
            target=lambda: got.append(listen_check_sync(sock=phone, timeout=timeout))
        )
        listener.start()
        yield f"{LOOPBACK}:{phone.getsockname()[1]}", got
        listener.join(wait)


def serve_in_background(server: PnpResponder, **kwargs: object) -> threading.Thread:
    thread = threading.Thread(target=server.serve, kwargs=kwargs, daemon=True)
    thread.start()
    return thread


def test_sipp_subscribe_gets_200_and_notify_with_the_url(responder: PnpResponder) -> None:
    keys = sipp_phone()
    with sipp(
        "pnp_subscribe.xml", free_port(), remote=f"{LOOPBACK}:{responder.port}", extra=tuple(keys)
    ) as phone:
        responder.serve(count=1, duration=10)
    assert phone.returncode == 0, phone.stdout
    (event,) = responder.events
    assert (event.mac, event.model, event.firmware) == (MAC, "T46G", "28.83.0.50")
    assert (event.answer, event.url, event.notify_status) == (
        "200, NOTIFY 200",
        "http://127.0.0.1:8080/T46G/",
        200,
    )


def test_sipp_scenario_fails_on_a_wrong_url() -> None:
    server = PnpResponder("http://elsewhere/", AllowList([MAC]), port=0, group=None)
    with (
        server,
        sipp(
            "pnp_subscribe.xml",
            free_port(),
            remote=f"{LOOPBACK}:{server.port}",
            extra=tuple(sipp_phone()),
        ) as phone,
    ):
        server.serve(count=1, duration=10)
    assert phone.returncode != 0


def test_unicast_discover_and_allow_list(responder: PnpResponder) -> None:
    thread = serve_in_background(responder, count=1, duration=5)
    server = (LOOPBACK, responder.port)
    refused = pnp_discover("001565aabbcc", "T46G", "28.83.0.50", server=server, timeout=0.6)
    answer = pnp_discover(MAC, "T46G", "28.83.0.50", server=server, timeout=3)
    thread.join(5)
    assert answer is not None
    assert (answer.url, answer.content_type) == ("http://127.0.0.1:8080/T46G/", "application/url")
    assert refused is None
    answers = {event.mac: event.answer for event in responder.events}
    assert answers["001565aabbcc"] == "ignored: not on the allow list"


def test_multicast_on_loopback_only() -> None:
    server = PnpResponder(URL, AllowList([MAC]), port=free_port(), group="224.0.1.75")
    try:
        server.open()
    except OSError as exc:
        pytest.skip(f"loopback multicast is not supported here: {exc}")
    with server:
        thread = serve_in_background(server, count=1, duration=5)
        answer = pnp_discover(
            MAC, "T46G", "28.83.0.50", group=("224.0.1.75", server.port), timeout=3
        )
        thread.join(6)
    assert answer is not None and answer.url == URL  # not expanded without expand=True


def test_a_non_yealink_subscribe_gets_489(responder: PnpResponder) -> None:
    stop = threading.Event()
    thread = serve_in_background(responder, duration=3, stop=stop)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((LOOPBACK, 0))
        sock.settimeout(2)
        local = sock.getsockname()
        message = build_subscribe(MAC, "T46G", "1.0", local, (LOOPBACK, responder.port))
        message.headers = [
            (n, 'ua-profile;profile-type="device";vendor="Polycom"' if n == "Event" else v)
            for n, v in message.headers
        ]
        sock.sendto(message.to_bytes(), (LOOPBACK, responder.port))
        answer = parse(sock.recv(65535))
    stop.set()
    thread.join(3)
    assert answer.status == 489


def test_a_via_naming_a_broadcast_gets_nothing(responder: PnpResponder) -> None:
    stop = threading.Event()
    responder.on_event = lambda event: stop.set()
    thread = serve_in_background(responder, duration=3, stop=stop)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((LOOPBACK, 0))
        message = build_subscribe(MAC, "T46G", "1.0", ("255.255.255.255", 5060), ("x", 1))
        sock.sendto(message.to_bytes(), (LOOPBACK, responder.port))
        thread.join(3)
    (event,) = responder.events
    assert event.answer.startswith("ignored: its Via names 255.255.255.255")


@pytest.mark.parametrize("vendor", ["Yealink", "yealink", "YEALINK"])
def test_vendor_is_case_insensitive(vendor: str) -> None:
    profile = parse_event(f'ua-profile;profile-type="device";vendor="{vendor}";model="T42G"')
    assert profile.is_yealink_device and profile.model == "T42G"


@pytest.mark.parametrize(
    ("headers", "mac"),
    [
        ([("User-Agent", "Yealink SIP-T46G 28.83.0.50 80:5e:c0:12:34:56")], MAC),
        ([("From", "<sip:MAC805ec0123456@224.0.1.75:5060>;tag=1")], MAC),
        ([("From", "<sip:MAC%3a80%3a5e%3ac0%3a12%3a34%3a56@224.0.1.75>")], MAC),
        ([("From", "<sip:anonymous@224.0.1.75>")], None),
    ],
)
def test_phone_mac(headers: list[tuple[str, str]], mac: str | None) -> None:
    assert phone_mac(SipMessage.request("SUBSCRIBE", "sip:x", headers)) == mac


@pytest.mark.parametrize("entry", ["00:15", "zz:15:65", "0015651130f"])
def test_allow_list_rejects_bad_entries(entry: str) -> None:
    with pytest.raises(ValueError, match="neither a MAC"):
        AllowList([entry])


def test_allow_list_matches_mac_and_oui() -> None:
    allow = AllowList(["00:15:65:11:30:f9", "805EC0"])
    assert allow.allows("0015651130f9") and allow.allows("805ec0999999")
    assert not allow.allows("0015651130fa") and not allow.allows(None)


@pytest.mark.parametrize("reboot", [False, True])
def test_listen_check_sync_answers_notify(reboot: bool) -> None:
    with listening_phone(timeout=3, wait=5) as (remote, results):
        sent = check_sync(remote, reboot=reboot, timeout=3)
    assert sent.ok
    (got,) = results
    assert got is not None and got.reboot is reboot  # type: ignore[attr-defined]


def test_listen_check_sync_times_out() -> None:
    assert listen_check_sync((LOOPBACK, 0), timeout=0.2) is None


def test_cli_pnp_answers_once_and_logs_json() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [
        sys.executable,
        "-c",
        "from cfgtool.cli import main; main()",
        "pnp",
        "--url",
        URL,
        "--allow-mac",
        MAC,
    ]
    command += ["--port", "0", "--group", "none", "--count", "1", "--duration", "10"]
    command += ["--format", "json", "--expand"]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stderr is not None
        banner = process.stderr.readline()
        port = int(banner.rsplit(":", 1)[1])
        answer = pnp_discover(MAC, "T42G", "29.83.0.50", server=(LOOPBACK, port), timeout=3)
        out, _ = process.communicate(timeout=15)
    assert answer is not None and answer.url == "http://127.0.0.1:8080/T42G/"
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert (record["mac"], record["model"], record["answer"]) == (MAC, "T42G", "200, NOTIFY 200")


def test_cli_requires_an_allow_list() -> None:
    result = CliRunner().invoke(main, ["pnp", "--url", URL, "--port", "0"])
    assert result.exit_code == 2
    assert "--allow-mac" in result.output


@pytest.mark.parametrize(
    ("setting", "reboot", "action"),
    [
        (None, False, "reboot"),
        ("1", False, "reboot"),
        ("1", True, "reboot"),
        ("0", False, "provision"),
        ("0", True, "reboot"),
        ("2", True, "ignore"),
    ],
)
def test_check_sync_action_follows_notify_reboot_enable(
    setting: str | None, reboot: bool, action: str
) -> None:
    assert check_sync_action(setting, reboot) == action


@pytest.mark.parametrize(
    ("event", "reboot"), [("check-sync", False), ("check-sync;reboot=true", True)]
)
def test_listen_check_sync_answers_sipp_as_the_pbx(event: str, reboot: bool) -> None:
    with (
        listening_phone(timeout=5, wait=6) as (remote, got),
        sipp(
            "check_sync_uac.xml", free_port(), remote=remote, extra=("-key", "event", event)
        ) as pbx,
    ):
        pass
    assert pbx.returncode == 0, pbx.stdout
    (notify,) = got
    assert notify is not None and notify.reboot is reboot  # type: ignore[attr-defined]
