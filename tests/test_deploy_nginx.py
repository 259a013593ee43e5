"""cfgtool deploy nginx: a real nginx with the emitted file, checked with curl (loopback)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.accesslog import summarize_log
from cfgtool.cli import main
from cfgtool.deploy.nginx import (
    check_htpasswd,
    check_with_nginx,
    nginx_config,
    site_from_options,
)
from cfgtool.errors import CfgValueError
from tests.conftest import write_tree
from tests.nginx_helpers import Nginx, running_nginx

MAC = "0015651130f9"
COMMON = "#!version:1.0.0.1\nlang.gui = English\n"
USER_AGENT = "Yealink SIP-T46G 28.83.0.50 00:15:65:11:30:f9"
APR1 = "$apr1$Kq0iN8W2$0oF2uSxR0i2Y7q9Z3kS0y/"  # a well-formed hash nobody's password


def htpasswd_lines() -> list[str]:
    """admin (bcrypt $2y$, as cfgtool passwd and htpasswd -B write) and apr1 (openssl)."""
    apr1 = subprocess.run(
        ["openssl", "passwd", "-apr1", "secret"], capture_output=True, text=True, check=True
    ).stdout.strip()
    lines = [f"apr1:{apr1}"]
    try:
        # bcrypt comes with the serve extra; without it only the apr1 user is tested.
        import bcrypt
    except ImportError:
        return lines
    hashed = bcrypt.hashpw(b"secret", bcrypt.gensalt(rounds=4)).decode()
    return [*lines, f"admin:{hashed.replace('$2b$', '$2y$', 1)}"]


USERS = ["apr1", "admin"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    base = tmp_path_factory.mktemp("nginx")
    root = write_tree(
        base / "root",
        {
            "T46G/y000000000028.cfg": COMMON,
            f"T46G/{MAC}.cfg": "#!version:1.0.0.1\naccount.1.label = 1\n",
            "secure/y000000000029.cfg": COMMON,
            ".htpasswd": "leak:x\n",
            "notes/.git/config": "leak\n",
        },
    )
    (root / "T46G" / "escape.cfg").symlink_to("/etc/passwd")
    uploads = base / "uploads"
    uploads.mkdir()
    htpasswd = base / "secure.htpasswd"
    htpasswd.write_text("\n".join(htpasswd_lines()) + "\n")
    site_users = [line.split(":", 1)[0] for line in htpasswd.read_text().splitlines()]
    log = base / "access.json"

    def make_site(port: int) -> str:
        return nginx_config(
            site_from_options(
                str(root),
                auth=[f"secure={htpasswd}"],
                uploads=str(uploads),
                listen=[f"127.0.0.1:{port}"],
                access_log=str(log),
                max_upload=4096,
            )
        )

    with running_nginx(make_site, base, log) as server:
        server.uploads = uploads  # type: ignore[attr-defined]
        server.users = site_users  # type: ignore[attr-defined]
        yield server


def test_get_serves_the_bytes_and_head_no_body(site: Nginx) -> None:
    fetched = site.curl("/T46G/y000000000028.cfg")
    assert (fetched.status, fetched.body) == (200, COMMON.encode())
    head = site.curl("/T46G/y000000000028.cfg", "-I")
    assert head.status == 200 and b"lang.gui" not in head.body


@pytest.mark.parametrize("path", ["/", "/T46G/", "/T46G", "/secure/../T46G/"])
def test_no_listing_not_even_root(site: Nginx, path: str) -> None:
    fetched = site.curl(path)
    assert fetched.status == 404
    assert b"y000000000028" not in fetched.body


@pytest.mark.parametrize("path", ["/.htpasswd", "/notes/.git/config", "/T46G/.%2e/x"])
def test_hidden_files_are_never_served(site: Nginx, path: str) -> None:
    fetched = site.curl(path, "--path-as-is")
    assert fetched.status in (400, 404)
    assert b"leak" not in fetched.body


@pytest.mark.parametrize(
    "path",
    [
        "/../etc/passwd",
        "/T46G/../../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/T46G/%2e%2e/%2e%2e/etc/passwd",
        "/T46G/..%2f..%2fetc/passwd",
        "/T46G%5c..%5c..%5cetc%5cpasswd",
        "/T46G\\..\\..\\etc\\passwd",
        "/T46G/y000000000028.cfg%00.txt",
        "/T46G/%01y000000000028.cfg",
    ],
)
def test_traversal_backslash_and_nul_are_400(site: Nginx, path: str) -> None:
    fetched = site.curl(path, "--path-as-is")
    assert fetched.status == 400
    assert b"root:" not in fetched.body


def test_a_symlink_out_of_root_is_refused(site: Nginx) -> None:
    fetched = site.curl("/T46G/escape.cfg")
    assert fetched.status in (403, 404)
    assert b"root:" not in fetched.body


@pytest.mark.parametrize(
    ("args", "status"),
    [((), 401), (("-u", "apr1:wrong"), 401), (("-u", "someone:secret"), 401)],
)
def test_basic_auth_refuses(site: Nginx, args: tuple[str, ...], status: int) -> None:
    assert site.curl("/secure/y000000000029.cfg", *args).status == status


@pytest.mark.parametrize("user", USERS)
def test_basic_auth_accepts_bcrypt_and_apr1(site: Nginx, user: str) -> None:
    if user not in site.users:  # type: ignore[attr-defined]
        pytest.skip("bcrypt is not installed (the serve extra brings it)")
    assert site.curl("/secure/y000000000029.cfg", "-u", f"{user}:secret").status == 200
    assert site.curl("/secure/y000000000029.cfg", "-u", f"{user}:wrong").status == 401


def test_other_directories_need_no_login(site: Nginx) -> None:
    assert site.curl(f"/T46G/{MAC}.cfg").status == 200


def test_put_of_local_cfg_is_stored_and_served(site: Nginx) -> None:
    uploads: Path = site.uploads  # type: ignore[attr-defined]
    path = f"/T46G/{MAC}-local.cfg"
    first = site.curl(path, "-X", "PUT", "--data-binary", "lang.gui = German\n", "-A", USER_AGENT)
    again = site.curl(path, "-X", "PUT", "--data-binary", "lang.gui = French\n")
    assert (first.status, again.status) == (201, 204)
    stored = uploads / "T46G" / f"{MAC}-local.cfg"
    assert stored.read_text() == "lang.gui = French\n"
    assert stored.stat().st_mode & 0o777 == 0o600
    assert site.curl(path).body == b"lang.gui = French\n"


def test_put_of_contact_xml_in_a_protected_directory_needs_the_login(site: Nginx) -> None:
    path = f"/secure/{MAC}-contact.xml"
    assert site.curl(path, "-X", "PUT", "--data-binary", "<x/>").status == 401
    assert site.curl(path, "-X", "PUT", "--data-binary", "<x/>", "-u", "apr1:secret").status == 201


@pytest.mark.parametrize(
    "path",
    [
        "/T46G/y000000000028.cfg",
        "/T46G/0015651130F9-local.cfg",
        "/T46G/001565113-local.cfg",
        "/T46G/evil.cfg",
        f"/a/b/c/d/e/{MAC}-local.cfg",
    ],
)
def test_put_of_anything_else_is_refused(site: Nginx, path: str) -> None:
    before = site.curl("/T46G/y000000000028.cfg").body
    assert site.curl(path, "-X", "PUT", "--data-binary", "x").status == 403
    assert site.curl("/T46G/y000000000028.cfg").body == before


def test_an_upload_over_the_limit_is_413(site: Nginx) -> None:
    big = "x" * 5000
    assert site.curl(f"/T46G/{MAC}-contact.xml", "-X", "PUT", "--data-binary", big).status == 413


@pytest.mark.parametrize("method", ["DELETE", "POST", "MKCOL", "PROPFIND"])
def test_other_methods_are_refused(site: Nginx, method: str) -> None:
    assert site.curl(f"/T46G/{MAC}.cfg", "-X", method).status in (403, 405)


def test_the_json_log_has_serves_fields_and_cfgtool_log_reads_it(site: Nginx) -> None:
    assert site.curl(f"/T46G/{MAC}.cfg", "-A", USER_AGENT).status == 200
    lines = site.log.read_text().splitlines()
    record = json.loads(lines[-1])
    assert {"time", "client", "protocol", "method", "path", "status", "bytes", "user"} <= set(
        record
    )
    assert (record["client"], record["protocol"], record["status"]) == ("127.0.0.1", "http", 200)
    summary = summarize_log(lines)
    (phone,) = [p for p in summary.phones if p.mac == MAC]
    assert (phone.model, phone.firmware) == ("T46G", "28.83.0.50")
    assert f"T46G/{MAC}.cfg" in phone.files


def test_htpasswd_formats_nginx_cannot_check_are_named(tmp_path: Path) -> None:
    path = tmp_path / "pw"
    path.write_text(f"a:{APR1}\nb:plaintext\nc:realm:0123456789abcdef0123456789abcdef\n")
    problems = check_htpasswd(path)
    assert len(problems) == 2
    assert "user 'b' has a hash nginx cannot check" in problems[0]
    assert "htdigest" in problems[1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"auth": ["secure"]}, "DIR=HTPASSWD"),
        ({"auth": ["../x=/etc/pw"]}, "directory inside ROOT"),
        ({"listen": ["80"]}, "ADDRESS:PORT"),
        ({"tls_cert": "/c.pem"}, "both --tls-cert and --tls-key"),
        ({"server_name": "a;b"}, "not a host name"),
        ({"access_log": "/var/log/$x"}, "cannot take a path"),
    ],
)
def test_bad_options_say_what_to_change(
    tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(CfgValueError, match=message):
        nginx_config(site_from_options(str(tmp_path), **kwargs))  # type: ignore[arg-type]


def test_an_htpasswd_inside_root_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text(f"a:{APR1}\n")
    with pytest.raises(CfgValueError, match="inside ROOT"):
        nginx_config(site_from_options(str(tmp_path), auth=[f"T46G={tmp_path / 'pw'}"]))


def test_tls_listens_with_ssl(tmp_path: Path) -> None:
    text = nginx_config(site_from_options(str(tmp_path), tls_cert="/c.pem", tls_key="/k.pem"))
    assert "listen 127.0.0.1:443 ssl;" in text
    assert 'ssl_certificate "/c.pem";' in text


def test_cli_writes_the_file_and_lists_the_limits(tmp_path: Path) -> None:
    out = tmp_path / "cfgtool.conf"
    result = CliRunner().invoke(main, ["deploy", "nginx", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "Digest authentication" in text and "previous versions" in text
    assert "Examples:" in CliRunner().invoke(main, ["deploy", "nginx", "--help"]).output
    assert os.stat(out).st_size > 0


def test_cli_check_runs_nginx_t(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["deploy", "nginx", str(tmp_path), "--check"])
    assert result.exit_code == 0, result.output
    assert "nginx -t passed" in result.stderr


def test_check_with_nginx_reports_a_failure(tmp_path: Path) -> None:
    text = nginx_config(site_from_options(str(tmp_path))).replace("autoindex off;", "autoindex;")
    passed, report = check_with_nginx(text)
    assert not passed and "autoindex" in report
