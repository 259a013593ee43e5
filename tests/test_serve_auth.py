"""Per-directory credentials over HTTP (Basic with htpasswd/bcrypt, Digest with htdigest)
and FTP, password rotation, failure logging and rate limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cfgtool.digest import authorization, parse_challenge
from cfgtool.errors import ConfigError
from cfgtool.server.auth import CredentialFile, Protections, parse_credentials_file
from cfgtool.server.passwd import set_password
from tests.serve_helpers import Lab, curl, lab, log_records, needs, start

__all__ = ["lab", "start"]
PROTECTED = "/T23G_1/y000000000044.cfg"


@needs("curl")
def test_digest_with_curl(lab: Lab, start: Any) -> None:
    server = start()
    good = curl(server.url(path=PROTECTED), "--digest", "-u", "t23g:activate")
    assert good.status == 200
    assert good.body == (lab.root / "T23G_1" / "y000000000044.cfg").read_bytes()
    assert log_records(lab)[-1]["user"] == "t23g"
    assert curl(server.url(path=PROTECTED), "--digest", "-u", "t23g:wrong").status == 401


@needs("curl")
def test_basic_works_with_an_htdigest_file_too(start: Any) -> None:
    server = start()
    assert curl(server.url(path=PROTECTED), "-u", "t23g:activate").status == 200
    assert curl(server.url(path=PROTECTED), "-u", "t23g:nope").status == 401


@needs("curl")
def test_basic_with_htpasswd_bcrypt_and_both_lines_of_a_rotation(lab: Lab, start: Any) -> None:
    server = start(auth=(("T23G_1", lab.htpasswd),))
    for password in ("activate", "rotated"):
        assert curl(server.url(path=PROTECTED), "-u", f"t23g:{password}").status == 200
    assert curl(server.url(path=PROTECTED), "-u", "t23g:other").status == 401
    assert curl(server.url(path=PROTECTED), "--digest", "-u", "t23g:activate").status == 401


@needs("curl")
def test_no_credentials_is_401_with_digest_and_basic_challenges(start: Any) -> None:
    server = start()
    import subprocess

    done = subprocess.run(
        ["curl", "-s", "-D", "-", "-o", "/dev/null", "--max-time", "5", server.url(path=PROTECTED)],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert done.stdout.startswith("HTTP/1.1 401")
    challenges = [
        line for line in done.stdout.splitlines() if line.lower().startswith("www-authenticate")
    ]
    assert any('Digest realm="lab"' in line for line in challenges)
    assert any("Basic" in line for line in challenges)


@needs("curl")
def test_unknown_mac_file_is_401_then_404_never_a_hint(start: Any) -> None:
    server = start()
    unknown = "/T23G_1/00156500beef.cfg"
    assert curl(server.url(path=unknown)).status == 401  # same as for a file that exists
    assert curl(server.url(path=PROTECTED)).status == 401
    assert curl(server.url(path=unknown), "--digest", "-u", "t23g:activate").status == 404


@needs("curl")
def test_failed_logins_one_line_each_then_rate_limited(lab: Lab, start: Any) -> None:
    server = start(failure_limit=3)
    for _ in range(3):
        assert curl(server.url(path=PROTECTED), "-u", "t23g:wrong").status == 401
    assert curl(server.url(path=PROTECTED), "-u", "t23g:activate").status == 429
    failures = [r for r in log_records(lab) if r["event"] == "auth-failure"]
    assert len(failures) == 3
    assert all(r["client"] == "127.0.0.1" and "t23g" in r["reason"] for r in failures)


def test_digest_answer_to_an_unknown_nonce_is_stale(lab: Lab, start: Any) -> None:
    import urllib.error
    import urllib.request

    server = start()
    challenge = parse_challenge('Digest realm="lab", nonce="made-up", qop="auth"')
    header = authorization(challenge, "GET", PROTECTED, "t23g", "activate")
    request = urllib.request.Request(server.url(path=PROTECTED), headers={"Authorization": header})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 401
    assert "stale=true" in raised.value.headers.get("WWW-Authenticate", "")
    assert not [r for r in log_records(lab) if r["event"] == "auth-failure"]


@needs("curl")
def test_ftp_login_with_htpasswd(lab: Lab, start: Any) -> None:
    server = start(auth=(("T23G_1", lab.htpasswd),))
    for password in ("activate", "rotated"):
        fetched = curl(server.url("ftp", "/y000000000044.cfg"), "-u", f"t23g:{password}")
        assert fetched.body.startswith(b"#!version")
    assert curl(server.url("ftp", "/y000000000044.cfg"), "-u", "t23g:bad").status == 530


def test_credentials_file_is_reread_when_it_changes(lab: Lab) -> None:
    credentials = CredentialFile(lab.htdigest)
    assert credentials.check_password("t23g", "activate")
    set_password(lab.htdigest, "t23g", "new", realm="lab")
    import os

    os.utime(lab.htdigest, ns=(1, 1))  # a new stamp even within the same clock tick
    assert credentials.check_password("t23g", "new")
    assert not credentials.check_password("t23g", "activate")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("u:$2y$05$abcdefghijklmnopqrstuuJ2.1MkJb8h9gM5ZJH3BT8ojH6bUXZ8K\n", "htpasswd"),
        ("u:lab:0123456789abcdef0123456789abcdef\n", "htdigest"),
        ("# comment\n\n", "htpasswd"),
    ],
)
def test_credentials_file_kinds(text: str, kind: str) -> None:
    assert parse_credentials_file(text, "f")[0] == kind


@pytest.mark.parametrize(
    "text",
    [
        "u:plaintext\n",
        "u:{SHA}abc\n",
        "u:$apr1$x$y\n",
        "u:lab:nothex\n",
        "u:$2y$05$x\nv:lab:0123456789abcdef0123456789abcdef\n",
    ],
)
def test_credentials_file_refuses_what_it_cannot_check(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_credentials_file(text, "f")


def test_longest_protected_prefix_wins(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("u:lab:0123456789abcdef0123456789abcdef\n")
    b.write_text("v:lab:0123456789abcdef0123456789abcdef\n")
    protections = Protections((("site", a), ("site/T23G_1", b)))
    assert protections.for_parts(("site", "T23G_1", "x.cfg"))[0] == "site/T23G_1"  # type: ignore[index]
    assert protections.for_parts(("site", "x.cfg"))[0] == "site"  # type: ignore[index]
    assert protections.for_parts(("site2", "x.cfg")) is None
    assert protections.for_parts(("T46G", "site", "x.cfg")) is None


def test_a_replayed_digest_answer_is_refused(start: Any) -> None:
    import urllib.error
    import urllib.request

    server = start()
    url = server.url(path=PROTECTED)
    with pytest.raises(urllib.error.HTTPError) as first:
        urllib.request.urlopen(url, timeout=5)
    challenge = parse_challenge(
        next(v for v in first.value.headers.get_all("WWW-Authenticate") if v.startswith("Digest"))
    )
    header = authorization(challenge, "GET", PROTECTED, "t23g", "activate")
    request = urllib.request.Request(url, headers={"Authorization": header})
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200
    with pytest.raises(urllib.error.HTTPError) as replayed:
        urllib.request.urlopen(request, timeout=5)
    assert replayed.value.code == 401
    assert "stale=true" in replayed.value.headers.get("WWW-Authenticate", "")
    next_count = authorization(challenge, "GET", PROTECTED, "t23g", "activate", nc=2)
    request = urllib.request.Request(url, headers={"Authorization": next_count})
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200
