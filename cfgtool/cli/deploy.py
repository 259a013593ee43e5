"""``cfgtool deploy nginx`` and ``cfgtool deploy tftpd-hpa``: production configurations."""

from __future__ import annotations

from pathlib import Path

import click

from cfgtool.deploy.nginx import (
    DEFAULT_MAX_UPLOAD,
    check_with_nginx,
    nginx_config,
    site_from_options,
    site_warnings,
)
from cfgtool.deploy.tftpd import DEFAULT_MAP_FILE, TftpdSite, tftpd_defaults, tftpd_rules
from cfgtool.errors import CfgValueError
from cfgtool.fsutil import atomic_write_text

ROOT = click.argument("root", type=click.Path(exists=True, file_okay=False))


@click.group()
def deploy() -> None:
    """Write nginx or tftpd-hpa configuration that applies cfgtool serve's rules.

    \b
    Examples:
      cfgtool deploy nginx /srv/prov --auth T46G=/etc/nginx/t46g.htpasswd
      cfgtool deploy tftpd-hpa /srv/tftp --uploads -o /etc/default
    """


@deploy.command("nginx")
@ROOT
@click.option(
    "--auth",
    multiple=True,
    metavar="DIR=HTPASSWD",
    help="Basic credentials for DIR (inside ROOT, or / for all) from an htpasswd file "
    "(bcrypt as cfgtool passwd writes, $apr1$, {SHA}); repeatable.",
)
@click.option(
    "--uploads",
    type=click.Path(file_okay=False),
    help="Store and serve <mac>-local.cfg / <mac>-contact.xml here [default: ROOT].",
)
@click.option("--no-uploads", is_flag=True, help="Refuse every PUT.")
@click.option(
    "--max-upload",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_UPLOAD,
    show_default=True,
    help="Largest upload in bytes (nginx answers 413 beyond).",
)
@click.option("--server-name", default="_", show_default=True, help="nginx server_name.")
@click.option(
    "--listen",
    multiple=True,
    metavar="ADDR:PORT",
    help="Listen here (repeatable) [default: 127.0.0.1:80, or :443 with TLS].",
)
@click.option("--tls-cert", type=click.Path(dir_okay=False), help="PEM certificate (chain).")
@click.option("--tls-key", type=click.Path(dir_okay=False), help="PEM private key.")
@click.option(
    "--access-log",
    type=click.Path(dir_okay=False),
    help="The JSON access log for cfgtool log [default: /var/log/nginx/cfgtool.json].",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE.")
@click.option("--check", is_flag=True, help="Also run nginx -t on the file (nginx installed).")
def nginx(
    root: str,
    auth: tuple[str, ...],
    uploads: str | None,
    no_uploads: bool,
    max_upload: int,
    server_name: str,
    listen: tuple[str, ...],
    tls_cert: str | None,
    tls_key: str | None,
    access_log: str | None,
    output: str | None,
    check: bool,
) -> None:
    """An nginx conf.d file (http context) that serves ROOT by cfgtool serve's rules.

    GET and HEAD only, no listing (ROOT and directories: 404), no hidden
    files, no backslash or control characters (400), nginx's own refusal of
    '..' (400), Basic auth per directory from the same htpasswd files as
    cfgtool serve, PUT only for <mac>-local.cfg and <mac>-contact.xml up to
    --max-upload bytes, and a JSON access log that `cfgtool log` reads.

    \b
    What stock nginx cannot do (listed in the file too): keep previous
    upload versions, lint uploads, check the User-Agent MAC against an
    upload's name, Digest authentication (use HTTPS with Basic), rate
    limits per login, per-MAC rendering and the status page.
    Debian's and Ubuntu's nginx check bcrypt hashes through crypt(3);
    where it does not, use `openssl passwd -apr1`.

    \b
    Examples:
      cfgtool deploy nginx /srv/prov --check -o /etc/nginx/conf.d/cfgtool.conf
      cfgtool deploy nginx /srv/prov --listen 10.0.0.1:80 --auth T46G=/etc/nginx/t46g.pw
      cfgtool deploy nginx /srv/prov --tls-cert prov.pem --tls-key prov.key \\
          --server-name prov.example.com --listen 0.0.0.0:443 --uploads /srv/uploads
    """
    site = site_from_options(
        root,
        auth=auth,
        uploads=uploads,
        no_uploads=no_uploads,
        server_name=server_name,
        listen=listen,
        tls_cert=tls_cert,
        tls_key=tls_key,
        access_log=access_log,
        max_upload=max_upload,
    )
    text = nginx_config(site)
    for warning in site_warnings(site):
        click.echo(f"cfgtool deploy: warning: {warning}", err=True)
    if check:
        passed, report = check_with_nginx(text)
        if not passed:
            raise CfgValueError(f"nginx -t failed:\n{report}")
    if output:
        atomic_write_text(output, text)
    else:
        click.echo(text, nl=False)
    if check:
        click.echo("cfgtool deploy: nginx -t passed", err=True)


@deploy.command("tftpd-hpa")
@ROOT
@click.option(
    "--secure/--no-secure",
    default=True,
    show_default=True,
    help="chroot into ROOT (in.tftpd --secure).",
)
@click.option(
    "--uploads",
    is_flag=True,
    help="Accept writes of <mac>-local.cfg and <mac>-contact.xml (--create, mode 0600).",
)
@click.option(
    "--address", default="127.0.0.1:69", show_default=True, help="TFTP_ADDRESS (ADDR:PORT)."
)
@click.option("--user", default="tftp", show_default=True, help="TFTP_USERNAME.")
@click.option(
    "--map-file",
    default=str(DEFAULT_MAP_FILE),
    show_default=True,
    help="Where the remap rules will live (named in TFTP_OPTIONS).",
)
@click.option(
    "--output-dir",
    "-o",
    type=click.Path(file_okay=False, exists=True),
    help="Write tftpd-hpa (for /etc/default) and the rules file here instead of stdout.",
)
def tftpd_hpa(
    root: str,
    secure: bool,
    uploads: bool,
    address: str,
    user: str,
    map_file: str,
    output_dir: str | None,
) -> None:
    """/etc/default/tftpd-hpa and in.tftpd remap rules for ROOT.

    --secure keeps every path inside ROOT; the remap rules refuse hidden
    names (.htpasswd, ..), backslashes and every write, except
    <mac>-local.cfg and <mac>-contact.xml when --uploads is given. TFTP has
    no credentials: keep directories that need a login out of ROOT.

    \b
    Examples:
      cfgtool deploy tftpd-hpa /srv/tftp
      cfgtool deploy tftpd-hpa /srv/tftp --uploads --address 10.0.0.1:69 -o /tmp/out
      sudo cp /tmp/out/tftpd-hpa /etc/default/ && sudo cp /tmp/out/tftpd-hpa.rules /etc/
    """
    site = TftpdSite(
        Path(root).absolute(), secure, uploads, address, user, Path(map_file).absolute()
    )
    defaults, rules = tftpd_defaults(site), tftpd_rules(site)
    if output_dir:
        atomic_write_text(Path(output_dir) / "tftpd-hpa", defaults)
        atomic_write_text(Path(output_dir) / Path(map_file).name, rules)
        return
    click.echo("# ==> /etc/default/tftpd-hpa <==")
    click.echo(defaults)
    click.echo(f"# ==> {site.map_file} <==")
    click.echo(rules, nl=False)
