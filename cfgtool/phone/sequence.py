"""The guide's sequence for one phone: boot files, Common, MAC, keys, local, MD5, reboot.

:func:`play` runs it against a server through :class:`~.transport.Transports`
and returns a :class:`~.result.ProvisionResult`; nothing raises for what the
server does (a 404 or a wrong key is a diagnostic). In order:

1. firmware 81 and later: ``<mac>.boot``, else ``y000000000000.boot``; their
   ``include:config`` files in order. Without boot files (or ``--boot never``):
   the Common file ``y0000000000XX.cfg``, then ``<mac>.cfg``;
2. each encrypted file is decrypted (:mod:`.decrypt`);
3. with ``auto_provision.custom.sync = 1`` the server's ``<mac>-local.cfg`` too;
4. the MD5 rule (:mod:`.state`): unchanged files mean "no update";
5. merge with provenance (:mod:`.merge`, read when asked for), lint, changes and the
   reboot decision (:mod:`.applied`, in a worker process for a fleet);
6. resources (:mod:`.resources`); the local file is uploaded back (custom sync).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping

import cfgtool
from cfgtool.diagnostics import Diagnostic
from cfgtool.filenames import classify
from cfgtool.phone import decrypt, state
from cfgtool.phone.boot import boot_includes
from cfgtool.phone.firmware import boot_files_from
from cfgtool.phone.merge import PROTECT_KEY, SYNC_KEY, MergedSettings, flag, merge_values
from cfgtool.phone.problems import (
    FAILURE_REASONS,
    decrypt_problem,
    fetch_problem,
    resource_problems,
)
from cfgtool.phone.reboot import PendingChanges, decide_reboot
from cfgtool.phone.resources import check_resources
from cfgtool.phone.result import FileKind, ProvisionResult, Request
from cfgtool.phone.spec import PhoneSpec
from cfgtool.phone.transport import Fetched, Identity, Method, Transports
from cfgtool.phone.urls import plan_urls, resolve, scheme_of, sibling
from cfgtool.phone.workers import FileParser, Layer
from cfgtool.useragent import phone_user_agent

__all__ = ["play"]

RULE_KINDS = frozenset({"common", "mac", "include"})


def _file_name(url: str) -> str:
    return url.partition("://")[2].partition("?")[0].rpartition("/")[2]


def _kind_of(name: str) -> FileKind:
    parsed = classify(name)
    if parsed.is_common:
        return "common"
    if parsed.is_mac:
        return "mac"
    return "include"


class _Run:
    """One phone's run: the result being filled in, and the requests it makes."""

    def __init__(self, spec: PhoneSpec, transports: Transports, parser: FileParser) -> None:
        self.spec = spec
        self.transports = transports
        self.parser = parser
        agent = phone_user_agent(spec.agent_model, spec.firmware.version, spec.mac)
        self.result = ProvisionResult(
            url=spec.url,
            mac=spec.mac,
            model=spec.model.name,
            firmware=spec.firmware.version,
            user_agent=agent,
        )
        self.plan = plan_urls(spec.url, spec.model, spec.mac, pn=spec.pn)
        self.identity = Identity(
            agent,
            spec.user if spec.user is not None else self.plan.user,
            spec.password if spec.password is not None else self.plan.password,
        )
        self.previous = state.load_state(spec.state_dir, spec.mac) if spec.state_dir else None

    async def request(
        self, method: Method, url: str, kind: FileKind, data: bytes | None = None
    ) -> Fetched:
        fetched = await self.transports.request(method, url, self.identity, data)
        body = fetched.data if method == "GET" else (data or b"")
        digest = hashlib.md5(body).hexdigest() if fetched.ok and method != "HEAD" else None
        changed = None
        if digest is not None and kind in RULE_KINDS and self.previous is not None:
            changed = self.previous.md5s.get(_file_name(url)) != digest
        self.result.requests.append(
            Request(
                url=url,
                kind=kind,
                protocol=scheme_of(url),
                method=method,
                status=fetched.status,
                ok=fetched.ok,
                bytes=len(body) if fetched.ok else 0,
                md5=digest,
                changed=changed,
                seconds=fetched.seconds,
                error=fetched.error,
            )
        )
        return fetched

    def fail(self, diagnostic: Diagnostic, reason: str) -> None:
        self.result.diagnostics.append(diagnostic)
        self.result.outcome = "failed"
        self.result.failure = self.result.failure or reason

    def fatal(self, fetched: Fetched, kind: FileKind) -> bool:
        """Record ``fetched``'s failure; True when the phone cannot go on (not a 404)."""
        if fetched.failure == "not found":
            self.result.diagnostics.append(fetch_problem(fetched, kind, severity="warning"))
            return False
        self.fail(fetch_problem(fetched, kind), FAILURE_REASONS[fetched.failure or "protocol"])
        return True

    async def config_urls(self) -> list[str] | None:
        """The configuration files to fetch, in order; None when the run cannot go on."""
        plan = self.plan
        if plan.single is not None:
            return [plan.single]
        if self.spec.boot == "auto" and self.spec.firmware.generation >= boot_files_from():
            for boot_url in (plan.mac_boot, plan.all_boot):
                fetched = await self.request("GET", boot_url, "boot")
                if fetched.ok:
                    doc = cfgtool.loads(decrypt.decode_text(fetched.data, boot_url))
                    includes = boot_includes(doc)
                    if includes:
                        return [resolve(boot_url, include.name) for include in includes]
                elif fetched.failure != "not found":
                    self.fatal(fetched, "boot")
                    return None
        return [url for url in (plan.common, plan.mac_file) if url is not None]

    async def plaintext(self, fetched: Fetched, name: str, kind: FileKind) -> bytes | None:
        data = fetched.data
        try:
            mode = decrypt.mode_of(data)
            if mode == "plain":
                return data
            if mode == "rsa":
                return decrypt.decrypt_rsa(data, self.spec.keys)
            path = fetched.url.partition("://")[2].partition("/")[2].partition("?")[0]
            key = decrypt.aes_key_for(self.spec.keys, name, path, kind == "common")
            if key is not None:
                return decrypt.decrypt_aes(data, key, "Common" if kind == "common" else "MAC")
            stem = name.rpartition(".")[0] or name
            security = await self.request(
                "GET", sibling(fetched.url, stem + decrypt.SECURITY_SUFFIX), "key"
            )
            if not security.ok:
                raise decrypt.KeyProblem(
                    "missing", f"no key for it and no {stem}{decrypt.SECURITY_SUFFIX} on the server"
                )
            return decrypt.decrypt_with_security(data, security.data)
        except decrypt.KeyProblem as problem:
            reason = "missing key" if problem.kind == "missing" else "wrong key"
            self.fail(decrypt_problem(problem.kind, str(problem), fetched.url), reason)
            return None

    async def parse(self, data: bytes, name: str, kind: FileKind, md5: str | None) -> Layer | None:
        try:
            text = decrypt.decode_text(data, name)
        except cfgtool.CfgDecodeError as exc:
            self.fail(
                Diagnostic("PHONE107", "error", str(exc), name, hint="save the file as UTF-8 text"),
                "not a cfg file",
            )
            return None
        lint_model = self.spec.model.name if self.spec.lint and kind in RULE_KINDS else None
        digest = md5 or hashlib.md5(data).hexdigest()
        return await self.parser.layer(name, kind, text, digest, lint_model)

    async def local_layer(self, downloaded: Mapping[str, str]) -> Layer | None:
        """The phone's ``<mac>-local.cfg``, updated from the server's copy under custom sync."""
        own = self.spec.local
        if own is None and self.spec.state_dir:
            try:
                with open(
                    state.local_path(self.spec.state_dir, self.spec.mac), encoding="utf-8"
                ) as f:
                    own = f.read()
            except FileNotFoundError:
                own = None
        name = _file_name(self.plan.local)
        layers = [await self.local_text(name, own)] if own is not None else []
        if flag(downloaded, SYNC_KEY):
            fetched = await self.request("GET", self.plan.local, "local")
            if fetched.ok:
                layers.append(await self.local_text(name, decrypt.decode_text(fetched.data, name)))
            elif fetched.failure != "not found":
                self.result.diagnostics.append(fetch_problem(fetched, "local", severity="warning"))
        if len(layers) < 2:
            return layers[0] if layers else None
        merged = merge_values([layer.values for layer in layers])
        lines = ["#!version:1.0.0.1"] + [f"{key} = {value}" for key, value in merged.items()]
        return await self.local_text(name, "\n".join(lines) + "\n")

    async def local_text(self, name: str, text: str) -> Layer:
        md5 = hashlib.md5(text.encode("utf-8")).hexdigest()
        return await self.parser.layer(name, "local", text, md5, None)

    async def run(self) -> ProvisionResult:
        result = self.result
        urls = await self.config_urls()
        if urls is None:
            return result
        layers: list[Layer] = []
        md5s: dict[str, str] = {}
        for url in urls:
            name = _file_name(url)
            kind = _kind_of(name)
            fetched = await self.request("GET", url, kind)
            if not fetched.ok:
                if self.fatal(fetched, kind):
                    return result
                continue
            digest = result.requests[-1].md5 or ""
            plain = await self.plaintext(fetched, name, kind)
            if plain is None:
                return result
            layer = await self.parse(plain, name, kind, digest if plain is fetched.data else None)
            if layer is None:
                return result
            md5s[name] = digest
            layers.append(layer)
        if not layers:
            self.fail(
                Diagnostic(
                    "PHONE106",
                    "error",
                    "the phone found no configuration file to apply",
                    self.plan.directory,
                    hint="the requested file is not on the server; check the URL and the $PN "
                    "directory name",
                ),
                "file not found",
            )
            return result
        unchanged = state.is_unchanged(self.previous, md5s)
        previous = self.previous.settings if self.previous is not None else None
        downloaded = applied = self.parser.apply(layers, layers, previous, changes=not unchanged)
        local = await self.local_layer(downloaded.switches)
        order = list(layers)
        if local is not None:
            protect = flag(downloaded.switches, PROTECT_KEY)
            order = [*layers, local] if protect else [local, *layers]
            applied = self.parser.apply(order, [*layers, local], previous, changes=not unchanged)
        result.settings = MergedSettings(order, applied.count)
        for layer in layers:
            result.diagnostics.extend(layer.diagnostics)
        if unchanged:
            result.outcome = "no update"
        else:
            result.changes = PendingChanges(order, previous, applied.changes, applied.changed)
            result.reboot = decide_reboot(applied.switches, keys=applied.reboot_keys)
        result.resources = await check_resources(
            applied.resources,
            self.plan.directory,
            self.spec.model,
            self.transports,
            self.identity,
            check_external=self.spec.check_external,
        )
        result.diagnostics.extend(resource_problems(result.resources, result.settings))
        if local is not None and flag(downloaded.switches, SYNC_KEY) and self.spec.upload:
            body = local.text.encode("utf-8")
            uploaded = await self.request("PUT", self.plan.local, "upload", body)
            if not uploaded.ok:
                result.diagnostics.append(fetch_problem(uploaded, "upload", severity="warning"))
        if self.spec.state_dir and result.outcome == "provisioned":
            values = merge_values([layer.values for layer in order])
            state.save_state(self.spec.state_dir, self.spec.mac, state.PhoneState(md5s, values))
            if local is not None:
                state.save_local(self.spec.state_dir, self.spec.mac, local.text)
        return result


async def play(
    spec: PhoneSpec, transports: Transports, parser: FileParser | None = None
) -> ProvisionResult:
    """Play ``spec``'s phone against its server (see the module docstring); ``parser``
    is shared by a fleet (default: parse in this process)."""
    started = time.perf_counter()
    run = _Run(spec, transports, parser or FileParser())
    result = await run.run()
    result.seconds = time.perf_counter() - started
    return result
