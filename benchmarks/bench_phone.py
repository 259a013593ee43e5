"""Benchmark: ``cfgtool phone`` fleet mode vs a plain aiohttp download loop (issue 13).

Generates a provisioning tree in a temporary directory (one T46G Common file and
1,000 MAC files of 2-60 KB, made of catalog keys with plausible values), starts
nginx on a loopback ephemeral port to serve it, and times, in the same run:

- the baseline: a bare aiohttp loop downloading each phone's Common and MAC file,
  ``--concurrency`` (200) phones at a time;
- ``cfgtool.phone.provision_fleet`` on the same phones and files without the lint
  (``--boot never``, so both fetch exactly the same two files per phone): target
  ratio <= 2. The fleet shares its phones between worker processes (one per CPU;
  ``--processes`` to choose), each with its own connections; the baseline is one
  process;
- the same with the lint and model rules on what was downloaded: target <= 10 s.

Nothing is left on disk; nginx is stopped at the end.

    python benchmarks/bench_phone.py [--phones 1000] [--concurrency 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import cfgtool
from cfgtool.catalog import load_catalog
from cfgtool.phone import make_spec, provision_fleet
from cfgtool.setting_lines import read_entries

TARGET_RATIO = 2.0
TARGET_LINT_SECONDS = 10.0
MODEL = "T46G"
COMMON_NAME = "y000000000028.cfg"


def catalog_lines(rng: random.Random) -> list[str]:
    """One ``key = value`` line per catalog key (index 1), with a value of its type."""
    lines = []
    for param in load_catalog():
        key = param.key.replace(".X.", ".1.").replace(".X", ".1")
        if param.enum:
            value = param.enum[0]
        elif param.int_range:
            value = str(param.int_range[0])
        elif param.type == "bool":
            value = str(rng.randrange(2))
        elif param.type == "url":
            value = f"http://10.0.0.{rng.randrange(1, 250)}/files/{rng.randrange(999)}.xml"
        elif param.default not in (None, ""):
            value = param.default
        else:
            value = f"value{rng.randrange(10_000)}"
        lines.append(f"{key} = {value}")
    return lines


def make_tree(root: Path, phones: int, rng: random.Random) -> list[str]:
    """Write the tree; return the phones' MACs."""
    pool = catalog_lines(rng)
    directory = root / MODEL
    directory.mkdir(parents=True)
    common = ["#!version:1.0.0.1", *pool[:600]]
    (directory / COMMON_NAME).write_text("\n".join(common) + "\n")
    macs = []
    for index in range(phones):
        mac = f"0015650{index:05x}"
        size = rng.randrange(2_000, 60_000)
        lines, total = ["#!version:1.0.0.1"], 20
        start = rng.randrange(len(pool))
        for offset in range(len(pool)):
            line = pool[(start + offset) % len(pool)]
            lines.append(line)
            total += len(line) + 1
            if total >= size:
                break
        (directory / f"{mac}.cfg").write_text("\n".join(lines) + "\n")
        macs.append(mac)
    return macs


@contextlib.contextmanager
def nginx(root: Path, work: Path) -> Iterator[int]:
    """nginx serving ``root`` on 127.0.0.1 (ephemeral port); stopped on exit."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    temp = " ".join(
        f"{name}_temp_path {work}/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;" if os.geteuid() == 0 else ""
    (work / "nginx.conf").write_text(
        f"{user}\nworker_processes 1;\nevents {{ worker_connections 4096; }}\n"
        f"http {{ access_log off; {temp} keepalive_requests 100000;\n"
        f"  server {{ listen 127.0.0.1:{port} backlog=4096; root {root}; }} }}\n"
    )
    process = subprocess.Popen(
        [
            binary,
            "-p",
            str(work),
            "-c",
            str(work / "nginx.conf"),
            "-g",
            f"daemon off; pid {work}/nginx.pid; error_log stderr;",
        ],
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        else:
            raise SystemExit("nginx did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


async def plain_loop(base: str, macs: list[str], concurrency: int) -> int:
    """The baseline: aiohttp, one session, Common then MAC file per phone."""
    import aiohttp

    gate = asyncio.Semaphore(concurrency)
    total = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def phone(mac: str) -> int:
            size = 0
            async with gate:
                for name in (COMMON_NAME, f"{mac}.cfg"):
                    async with session.get(f"{base}/{MODEL}/{name}") as response:
                        size += len(await response.read())
            return size

        for size in await asyncio.gather(*(phone(mac) for mac in macs)):
            total += size
    return total


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children (the fleet's worker processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


CPU: dict[str, float] = {}


def best_of(repeat: int, run, name: str = "") -> float:  # type: ignore[no-untyped-def]
    """The best wall time of ``repeat`` runs; the CPU time of that run goes to CPU[name]."""
    times: list[float] = []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), cpu_seconds()
        run()
        elapsed = time.perf_counter() - started
        if not times or elapsed < min(times):
            CPU[name] = cpu_seconds() - cpu
        times.append(elapsed)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="worker processes sharing the phones (default: one per CPU)",
    )
    args = parser.parse_args()
    rng = random.Random(13)
    with tempfile.TemporaryDirectory(prefix="bench-phone-") as temp:
        root, work = Path(temp) / "tftp", Path(temp) / "nginx"
        work.mkdir()
        macs = make_tree(root, args.phones, rng)
        megabytes = sum(p.stat().st_size for p in root.rglob("*.cfg")) / 1e6
        with nginx(root, work) as port:
            base = f"http://127.0.0.1:{port}"
            url = base + "/$PN/"

            findings: dict[bool, int] = {}

            def fleet(lint: bool) -> None:
                specs = [make_spec(url, mac, model=MODEL, boot="never", lint=lint) for mac in macs]
                result = provision_fleet(
                    specs, concurrency=args.concurrency, timeout=60, processes=args.processes
                )
                fetched = [r for r in result.results if r.failure is None and r.settings]
                if len(fetched) != len(macs):
                    first = next(r for r in result.results if r.failure is not None)
                    raise SystemExit(f"{len(macs) - len(fetched)} phones failed: {first.failure}")
                findings[lint] = sum(len(r.diagnostics) for r in result.results)

            baseline = best_of(
                args.repeat, lambda: asyncio.run(plain_loop(base, macs, args.concurrency)), "plain"
            )
            texts = [path.read_text() for path in sorted(root.rglob("*.cfg"))]
            parse_floor = best_of(1, lambda: [cfgtool.loads(text) for text in texts])
            read_floor = best_of(1, lambda: [read_entries(text) for text in texts])
            no_lint = best_of(args.repeat, lambda: fleet(False), "no-lint")
            with_lint = best_of(args.repeat, lambda: fleet(True), "lint")
    ratio = no_lint / baseline
    print(
        f"{args.phones} phones x (Common + MAC file of 2-60 KB), {megabytes:.1f} MB, "
        f"{args.concurrency} at a time, nginx on loopback, best of {args.repeat}"
    )
    print(f"plain aiohttp loop:        {baseline:7.2f} s   (CPU {CPU['plain']:.2f} s)")
    print(
        f"cfgtool.loads, same files: {parse_floor:7.2f} s   (no network, one process: the "
        "lint needs the document)"
    )
    print(
        f"read_entries, same files:  {read_floor:7.2f} s   (no network, one process: the "
        "settings alone, what --no-lint reads)"
    )
    print(
        f"cfgtool phone --no-lint:   {no_lint:7.2f} s   (CPU {CPU['no-lint']:.2f} s) "
        f"ratio {ratio:.2f} (target <= {TARGET_RATIO})"
    )
    print(
        f"cfgtool phone (linted):    {with_lint:7.2f} s   (CPU {CPU['lint']:.2f} s, workers "
        f"included; target <= {TARGET_LINT_SECONDS:g} s; {findings[True]:,} diagnostics "
        "in the generated files)"
    )
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    ok = ratio <= TARGET_RATIO and with_lint <= TARGET_LINT_SECONDS
    print("OK" if ok else "SLOWER THAN THE TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
