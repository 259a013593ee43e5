"""The library entry points: :func:`provision` (one phone) and :func:`provision_fleet`.

Both take plain values and return plain data; the ``cfgtool phone`` command
is a thin layer over them. Each runs its own event loop; from async code use
:func:`cfgtool.phone.sequence.play` and :func:`cfgtool.phone.fleet.play_fleet`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from cfgtool.catalog import Model, model_match_key
from cfgtool.errors import CfgValueError
from cfgtool.filenames import normalize_mac
from cfgtool.phone.decrypt import PhoneKeys
from cfgtool.phone.firmware import resolve_firmware
from cfgtool.phone.fleet import FleetResult, play_fleet
from cfgtool.phone.result import ProvisionResult
from cfgtool.phone.sequence import play
from cfgtool.phone.spec import BootMode, PhoneSpec
from cfgtool.phone.transport import ClientOptions, Transports
from cfgtool.phone.workers import default_processes
from cfgtool.provisioning import require_model

__all__ = ["PARALLEL_PHONES", "make_spec", "provision", "provision_fleet"]

# Below this many phones worker processes cost more than they save.
PARALLEL_PHONES = 50


def make_spec(
    url: str,
    mac: str,
    *,
    model: str,
    firmware: str | None = None,
    pn: str | None = None,
    user: str | None = None,
    password: str | None = None,
    keys: PhoneKeys | None = None,
    local: str | None = None,
    state_dir: str | None = None,
    boot: BootMode = "auto",
    lint: bool = True,
    check_external: bool = False,
    upload: bool = True,
) -> PhoneSpec:
    """A :class:`PhoneSpec` from user-level values (model name, MAC in any spelling)."""
    normalized = normalize_mac(mac)
    if normalized is None:
        raise CfgValueError(f"{mac!r} is not a MAC address; write 12 hex digits, e.g. 0015651130f9")
    found = require_model(model)
    agent_model = _agent_model(found, model)
    return PhoneSpec(
        url=url,
        mac=normalized,
        model=found,
        firmware=resolve_firmware(found, firmware),
        agent_model=agent_model,
        pn=pn,
        user=user,
        password=password,
        keys=keys or PhoneKeys(),
        local=local,
        state_dir=state_dir,
        boot=boot,
        lint=lint,
        check_external=check_external,
        upload=upload,
    )


def _agent_model(model: Model, spelling: str) -> str:
    """The model as its User-Agent names it: the ``$PN`` name like ``spelling`` (T23G), else
    the first (``T19P_E2`` for the catalog's ``T19(P) E2``)."""
    wanted = model_match_key(spelling)
    for name in model.pn_names:
        if model_match_key(name) == wanted:
            return name
    return model.pn_names[0] if model.pn_names else model.name


def provision(
    url: str,
    mac: str,
    *,
    model: str,
    firmware: str | None = None,
    pn: str | None = None,
    user: str | None = None,
    password: str | None = None,
    keys: PhoneKeys | None = None,
    local: str | None = None,
    state_dir: str | None = None,
    boot: BootMode = "auto",
    lint: bool = True,
    check_external: bool = False,
    upload: bool = True,
    ca: str | None = None,
    insecure: bool = False,
    timeout: float = 10.0,
) -> ProvisionResult:
    """Play one phone of ``model`` with ``mac`` against provisioning URL ``url``.

    The options are those of :func:`make_spec` and :class:`PhoneSpec`;
    ``ca``/``insecure`` set how HTTPS certificates are checked, ``timeout``
    bounds each request (seconds). Nothing raises for what the server does:
    a 404, a 401 or a wrong key is a diagnostic in the result.

        >>> result = provision("http://127.0.0.1:8080/$PN/", "0015651130f9", model="T46G")
        ... # doctest: +SKIP
        >>> result.outcome, result.reboot.needed  # doctest: +SKIP
        ('provisioned', True)
    """
    spec = make_spec(
        url,
        mac,
        model=model,
        firmware=firmware,
        pn=pn,
        user=user,
        password=password,
        keys=keys,
        local=local,
        state_dir=state_dir,
        boot=boot,
        lint=lint,
        check_external=check_external,
        upload=upload,
    )
    client = ClientOptions(ca=ca, insecure=insecure, timeout=timeout)

    async def main() -> ProvisionResult:
        async with Transports(client) as transports:
            return await play(spec, transports)

    return asyncio.run(main())


def provision_fleet(
    specs: Sequence[PhoneSpec],
    *,
    concurrency: int = 50,
    ca: str | None = None,
    insecure: bool = False,
    timeout: float = 10.0,
    processes: int | None = None,
    progress: Callable[[ProvisionResult], None] | None = None,
) -> FleetResult:
    """Play every phone of ``specs`` at once, at most ``concurrency`` at a time.

    ``processes`` worker processes share the phones (:mod:`.shards`; None: one
    per CPU for at least :data:`PARALLEL_PHONES` phones, else none: all in this
    process).
    """
    client = ClientOptions(ca=ca, insecure=insecure, timeout=timeout, connections=concurrency)
    if processes is None:
        processes = default_processes() if len(specs) >= PARALLEL_PHONES else 0

    async def main() -> FleetResult:
        async with Transports(client) as transports:
            return await play_fleet(
                specs, transports, concurrency=concurrency, processes=processes, progress=progress
            )

    return asyncio.run(main())
