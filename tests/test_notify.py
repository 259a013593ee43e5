"""cfgtool notify against SIPp as the phone (loopback, one call each, bounded in time)."""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cfgtool.cli import main
from cfgtool.sip import addresses
from cfgtool.sip.addresses import parse_target, refusal
from cfgtool.sip.message import SipMessage, parse
from cfgtool.sip.notify import build_notify, check_sync, check_sync_many
from cfgtool.sip.phone import listen_check_sync
from cfgtool.sip.transport import retransmit_times
from tests.sipp import LOOPBACK, free_port, sipp


def test_sipp_checks_every_header_and_answers_200() -> None:
    port = free_port()
    with sipp("notify_200.xml", port) as phone:
        result = check_sync(f"{LOOPBACK}:{port}", timeout=5)
    assert phone.returncode == 0, phone.stdout
    assert (result.outcome, result.status, result.sends) == ("ok", 200, 1)


def test_reboot_true_reaches_the_phone() -> None:
    port = free_port()
    with sipp("notify_reboot_200.xml", port) as phone:
        result = check_sync(f"{LOOPBACK}:{port}", reboot=True, timeout=5)
    assert phone.returncode == 0
    assert result.ok


def test_the_reboot_scenario_fails_without_reboot() -> None:
    port = free_port()
    with sipp("notify_reboot_200.xml", port) as phone:
        check_sync(f"{LOOPBACK}:{port}", timeout=5)
    assert phone.returncode == 1  # SIPp's ereg on Event failed: the scenario can tell


def test_tcp() -> None:
    port = free_port(socket.SOCK_STREAM)
    with sipp("notify_200.xml", port, tcp=True) as phone:
        result = check_sync(f"{LOOPBACK}:{port}", transport="tcp", timeout=5)
    assert phone.returncode == 0
    assert (result.outcome, result.sends) == ("ok", 1)


def test_401_is_answered_with_digest_that_sipp_verifies() -> None:
    port = free_port()
    with sipp("notify_401_200.xml", port) as phone:
        result = check_sync(f"{LOOPBACK}:{port}", user="admin", password="secret", timeout=5)
    assert phone.returncode == 0
    assert (result.status, result.authenticated, result.sends) == (200, True, 2)


def test_wrong_password_gets_403() -> None:
    port = free_port()
    with sipp("notify_401_200.xml", port):
        result = check_sync(f"{LOOPBACK}:{port}", user="admin", password="wrong", timeout=5)
    assert (result.outcome, result.status) == ("rejected", 403)


def test_401_without_credentials_says_what_to_give() -> None:
    port = free_port()
    with sipp("notify_401_200.xml", port, extra=("-recv_timeout", "1000")):
        result = check_sync(f"{LOOPBACK}:{port}", timeout=5)
    assert (result.outcome, result.status) == ("rejected", 401)
    assert "--user and --password" in result.detail


def test_no_answer_retransmits_and_gives_up_at_the_timeout() -> None:
    port = free_port()
    with sipp("notify_no_answer.xml", port) as phone:
        started = time.monotonic()
        result = check_sync(f"{LOOPBACK}:{port}", timeout=2.0)
        took = time.monotonic() - started
    assert phone.returncode == 0
    assert (result.outcome, result.sends) == ("timeout", 3)  # at 0, 0.5 and 1.5 s
    assert 1.9 < took < 3.5


def test_retransmission_schedule_is_rfc3261_timer_e() -> None:
    assert retransmit_times(32.0) == [0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]
    assert retransmit_times(0.4) == []


def test_retransmissions_arrive_on_schedule() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as phone:
        phone.bind((LOOPBACK, 0))
        phone.settimeout(3)
        arrivals: list[float] = []
        branches: set[str | None] = set()

        def listen() -> None:
            while len(arrivals) < 3:
                data = phone.recv(65535)
                arrivals.append(time.monotonic())
                branches.add(parse(data).branch)

        listener = threading.Thread(target=listen)
        listener.start()
        result = check_sync(f"{LOOPBACK}:{phone.getsockname()[1]}", timeout=2.2)
        listener.join(5)
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert gaps == pytest.approx([0.5, 1.0], abs=0.2)
    assert len(branches) == 1  # a retransmission is the same transaction
    assert result.outcome == "timeout"


def test_notify_message_fields() -> None:
    message = build_notify(parse_target("sip:100@10.0.0.5:5062"), ("10.0.0.1", 40000))
    text = message.to_bytes().decode()
    assert text.startswith("NOTIFY sip:100@10.0.0.5:5062 SIP/2.0\r\n")
    assert message.branch and message.branch.startswith("z9hG4bK")
    assert message.header("Event") == "check-sync"
    assert message.header("Max-Forwards") == "70"
    assert message.header("Subscription-State") == "terminated"
    assert text.endswith("Content-Length: 0\r\n\r\n")


@pytest.mark.parametrize(
    "address",
    ["255.255.255.255", "224.0.1.75", "239.1.2.3", "ff02::1", "0.0.0.0", "127.255.255.255"],
)
def test_broadcast_and_multicast_are_refused_before_sending(address: str) -> None:
    result = check_sync(address if ":" not in address else f"[{address}]", timeout=0.5)
    assert result.outcome == "refused"
    assert result.sends == 0


def test_a_local_interface_broadcast_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(addresses, "local_broadcasts", lambda: frozenset({"10.9.9.255"}))
    assert refusal("10.9.9.255") is not None
    assert refusal("10.9.9.254") is None


def test_local_broadcasts_include_loopbacks_network() -> None:
    assert "127.255.255.255" in addresses.local_broadcasts()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.0.0.5", ("10.0.0.5", 5060, None)),
        ("10.0.0.5:5062", ("10.0.0.5", 5062, None)),
        ("[fd00::5]:5070", ("fd00::5", 5070, None)),
        ("sip:100@10.0.0.5", ("10.0.0.5", 5060, "100")),
        ("phone-1.example.com", ("phone-1.example.com", 5060, None)),
    ],
)
def test_target_forms(text: str, expected: tuple[str, int, str | None]) -> None:
    target = parse_target(text)
    assert (target.host, target.port, target.user) == expected


def test_many_targets_in_parallel_keep_their_order() -> None:
    ports = [free_port(), free_port()]
    with sipp("notify_200.xml", ports[0]), sipp("notify_200.xml", ports[1]):
        results = check_sync_many(
            [f"{LOOPBACK}:{ports[0]}", "255.255.255.255", f"{LOOPBACK}:{ports[1]}"], timeout=5
        )
    assert [r.outcome for r in results] == ["ok", "refused", "ok"]


def test_cli_json_and_exit_codes(tmp_path: Path) -> None:
    port = free_port()
    inventory = tmp_path / "phones.csv"
    inventory.write_text(f"mac,model,ip\n001565000001,T46G,{LOOPBACK}:{port}\n")
    with sipp("notify_reboot_200.xml", port):
        result = CliRunner().invoke(
            main, ["notify", "--reboot", "--inventory", str(inventory), "--format", "json"]
        )
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.stdout)
    assert (record["outcome"], record["status"]) == ("ok", 200)


def test_cli_text_line_and_failure_exit() -> None:
    result = CliRunner().invoke(main, ["notify", "255.255.255.255", "--timeout", "0.5"])
    assert result.exit_code == 1
    assert "255.255.255.255:5060: refused" in result.stdout
    assert "limited broadcast" in result.stdout


def test_cli_help_explains_notify_reboot_enable() -> None:
    text = CliRunner().invoke(main, ["notify", "--help"]).output
    assert "sip.notify_reboot_enable" in text
    assert "Examples:" in text


def test_cli_without_targets_is_a_usage_error() -> None:
    assert CliRunner().invoke(main, ["notify"]).exit_code == 2


def test_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as phone:
        try:
            phone.bind(("::1", 0))
        except OSError:
            pytest.skip("::1 is not configured")
        port = phone.getsockname()[1]
        got: list[object] = []
        listener = threading.Thread(
            target=lambda: got.append(listen_check_sync(sock=phone, timeout=3))
        )
        listener.start()
        result = check_sync(f"[::1]:{port}", timeout=3)
        listener.join(5)
    assert result.ok and result.address == f"[::1]:{port}"
    assert got and got[0] is not None


header_text = (
    st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters=":"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=80, deadline=None)
@given(
    headers=st.lists(st.tuples(st.from_regex(r"[A-Za-z][A-Za-z-]{0,15}", fullmatch=True),
                               header_text), max_size=8),
    body=st.binary(max_size=64),
)  # fmt: skip
def test_build_and_parse_round_trip(headers: list[tuple[str, str]], body: bytes) -> None:
    kept = [(n, v) for n, v in headers if n.lower() not in ("content-length", "l")]
    message = SipMessage.request("NOTIFY", "sip:10.0.0.5:5060", kept, body)
    parsed = parse(message.to_bytes())
    assert (parsed.method, parsed.uri, parsed.body) == ("NOTIFY", "sip:10.0.0.5:5060", body)
    assert parsed.headers[:-1] == kept


def test_a_stop_event_ends_the_wait_early() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind((LOOPBACK, 0))
        stop = threading.Event()
        threading.Timer(0.3, stop.set).start()
        started = time.monotonic()
        result = check_sync(f"{LOOPBACK}:{silent.getsockname()[1]}", timeout=10, stop=stop)
    assert result.outcome == "timeout"
    assert time.monotonic() - started < 2.0  # not the 10 s timeout


def test_a_closed_port_is_a_timeout_not_an_error() -> None:
    result = check_sync(f"{LOOPBACK}:{free_port()}", timeout=0.9)
    assert (result.outcome, result.sends) == ("timeout", 2)  # at 0 and 0.5 s
