"""1,000 phones booting at once: ``cfgtool serve`` against nginx (HTTP) and in.tftpd (TFTP).

The tree (a temporary directory, deleted afterwards) is in the ``$PN`` layout:
1,000 phones over three models, each with a ``<mac>.cfg`` and a
``<mac>-local.cfg``, three Common files and 20 shared files (directories,
ring tones), every file 2-60 KB of random printable text.

HTTP: each phone makes 10 GETs (its Common file, ``<mac>.cfg``,
``<mac>-local.cfg`` and 7 shared files): 10,000 GETs from 200 concurrent
keep-alive connections (one aiohttp client in its own process), every body's
MD5 checked, 0 errors allowed. The same client runs against ``cfgtool serve``
and against nginx started by this script on a loopback port with a temporary
configuration serving the same tree (``worker_processes 1``, like cfgtool's one
process; ``--nginx-workers`` to change). The client is part of what is
measured, so only the ratio is a target: >= 0.5x nginx.

TFTP: every phone fetches its ``<mac>.cfg`` (1,000 files, 512-byte blocks,
20 transfers at a time) with one Python TFTP client, from ``cfgtool serve
--tftp`` and from ``in.tftpd -L -s ROOT -a 127.0.0.1:PORT``; target >= 0.5x.

    python benchmarks/bench_serve.py [--phones 1000] [--gets 10] [--connections 200]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import shutil
import signal
import socket
import statistics
import string
import struct
import subprocess
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path
from typing import Any

MODELS = {"T46G": 28, "T42G": 29, "T19P_E2": 53}
TARGET_RATIO = 0.5
SHARED_FILES = 20
TFTP_CONCURRENCY = 20
TFTP_TIMEOUT = 1.0
TFTP_RETRIES = 5
PRINTABLE = (string.ascii_letters + string.digits + " =._-\n").encode()


# --- the tree -----------------------------------------------------------------------------


def random_file(rng: random.Random, header: str) -> bytes:
    size = rng.randint(2 * 1024, 60 * 1024)
    body = bytes(rng.choice(PRINTABLE) for _ in range(size - len(header) - 1))
    return header.encode() + b"\n" + body


def make_tree(root: Path, phones: int, seed: int = 12) -> dict[str, Any]:
    """Write the tree; return the MD5 of every file and each phone's boot requests."""
    rng = random.Random(seed)
    md5: dict[str, str] = {}

    def write(relative: str, data: bytes) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        md5[relative] = hashlib.md5(data).hexdigest()

    for model, hw_id in MODELS.items():
        write(f"{model}/y{hw_id:012d}.cfg", random_file(rng, "#!version:1.0.0.1"))
    shared = [f"shared/resource-{index:02d}.xml" for index in range(SHARED_FILES)]
    for relative in shared:
        write(relative, random_file(rng, "<?xml version='1.0'?>"))
    boots: list[list[str]] = []
    mac_files: list[str] = []
    names = list(MODELS)
    for index in range(phones):
        model = names[index % len(names)]
        mac = f"001565{index:06x}"
        write(f"{model}/{mac}.cfg", random_file(rng, "#!version:1.0.0.1"))
        write(f"{model}/{mac}-local.cfg", random_file(rng, "#!version:1.0.0.1"))
        mac_files.append(f"{model}/{mac}.cfg")
        boots.append(
            [
                f"{model}/y{MODELS[model]:012d}.cfg",
                f"{model}/{mac}.cfg",
                f"{model}/{mac}-local.cfg",
                *rng.sample(shared, 7),
            ]
        )
    return {"md5": md5, "boots": boots, "mac_files": mac_files}


# --- servers ------------------------------------------------------------------------------


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_cfgtool(root: Path, protocol: str) -> tuple[subprocess.Popen[str], int]:
    """``cfgtool serve ROOT --http|--tftp 127.0.0.1:0 -q``; the port from its start-up lines."""
    command = [
        sys.executable, "-c", "from cfgtool.cli import main; main()",
        "serve", str(root), f"--{protocol}", "127.0.0.1:0", "-q",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.strip().startswith(protocol + " "):
            return process, int(line.split()[1].split(":")[2].split("/")[0])
    process.kill()
    raise SystemExit(f"cfgtool serve did not start for {protocol}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (nginx's workers), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return float("nan")
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def start_nginx(root: Path, work: Path, workers: int) -> tuple[subprocess.Popen[str], int]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    prefix = work / "nginx"
    prefix.mkdir()
    user = "user root root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"{user}worker_processes {workers};\ndaemon off;\npid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/error.log warn;\nevents {{ worker_connections 4096; }}\n"
        "http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n"
        "  keepalive_requests 100000;\n  keepalive_timeout 60s;\n"
        f"  client_body_temp_path {prefix}/body;\n  proxy_temp_path {prefix}/proxy;\n"
        f"  fastcgi_temp_path {prefix}/fastcgi;\n  uwsgi_temp_path {prefix}/uwsgi;\n"
        f"  scgi_temp_path {prefix}/scgi;\n  default_type text/plain;\n"
        f"  server {{ listen 127.0.0.1:{port}; root {root}; autoindex off; }}\n}}\n"
    )
    process = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("nginx did not start")


def start_in_tftpd(root: Path) -> tuple[subprocess.Popen[str], int]:
    tftpd = shutil.which("in.tftpd") or "/usr/sbin/in.tftpd"
    port = free_port(socket.SOCK_DGRAM)
    process = subprocess.Popen([tftpd, "-L", "-s", str(root), "-a", f"127.0.0.1:{port}"])
    time.sleep(0.3)
    return process, port


# --- the HTTP client (in its own process) --------------------------------------------------


async def _http_run(
    port: int, boots: list[list[str]], md5: dict[str, str], connections: int
) -> dict[str, Any]:
    # aiohttp: the benchmark's client (part of the serve extra).
    import aiohttp

    queue: asyncio.Queue[list[str]] = asyncio.Queue()
    for boot in boots:
        queue.put_nowait(boot)
    latencies: list[float] = []
    errors: list[str] = []
    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def phone_worker() -> None:
            while not queue.empty():
                boot = queue.get_nowait()
                for relative in boot:
                    began = time.perf_counter()
                    try:
                        async with session.get(f"http://127.0.0.1:{port}/{relative}") as response:
                            body = await response.read()
                            status = response.status
                    except (aiohttp.ClientError, TimeoutError) as exc:
                        errors.append(f"{relative}: {exc!r}")
                        continue
                    latencies.append(time.perf_counter() - began)
                    if status != 200 or hashlib.md5(body).hexdigest() != md5[relative]:
                        errors.append(f"{relative}: status {status} or wrong MD5")

        began = time.perf_counter()
        await asyncio.gather(*(phone_worker() for _ in range(connections)))
        elapsed = time.perf_counter() - began
    return {"elapsed": elapsed, "latencies": latencies, "errors": errors}


def http_client(
    port: int, boots: list[list[str]], md5: dict[str, str], connections: int
) -> dict[str, Any]:
    return asyncio.run(_http_run(port, boots, md5, connections))


def run_http_client(port: int, tree: dict[str, Any], connections: int) -> dict[str, Any]:
    with get_context("spawn").Pool(1) as pool:
        return pool.apply(http_client, (port, tree["boots"], tree["md5"], connections))


def measure_http(
    started: tuple[subprocess.Popen[str], int], tree: dict[str, Any], connections: int
) -> dict[str, Any]:
    """The HTTP client's results against a started server, and the CPU it used; stops it."""
    server, port = started
    try:
        before = cpu_seconds(server.pid)
        result = run_http_client(port, tree, connections)
        result["cpu"] = cpu_seconds(server.pid) - before
    finally:
        stop(server)
    return result


# --- the TFTP client ---------------------------------------------------------------------


class _Transfer(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.packets: asyncio.Queue[tuple[bytes, tuple[str, int]]] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
        self.packets.put_nowait((data, addr))


async def tftp_fetch(port: int, name: str) -> bytes:
    """One RRQ, octet mode, 512-byte blocks, with retransmission on timeout."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        _Transfer, local_addr=("127.0.0.1", 0)
    )
    try:
        request = b"\x00\x01" + name.encode() + b"\x00octet\x00"
        last, peer = request, ("127.0.0.1", port)
        data = bytearray()
        expected = 1
        retries = 0
        transport.sendto(last, peer)
        while True:
            try:
                packet, address = await asyncio.wait_for(protocol.packets.get(), TFTP_TIMEOUT)
            except TimeoutError:
                retries += 1
                if retries > TFTP_RETRIES:
                    raise OSError(f"{name}: timeout") from None
                transport.sendto(last, peer)
                continue
            opcode, block = struct.unpack("!HH", packet[:4])
            if opcode == 5:
                raise OSError(f"{name}: TFTP error {block} {packet[4:-1].decode(errors='replace')}")
            if opcode != 3:
                continue
            peer = address
            if block == expected:
                data += packet[4:]
                expected = (expected + 1) % 65536
            last = struct.pack("!HH", 4, block)
            transport.sendto(last, peer)
            if block == (expected - 1) % 65536 and len(packet) - 4 < 512:
                return bytes(data)
    finally:
        transport.close()


async def _tftp_run(port: int, names: list[str], md5: dict[str, str]) -> dict[str, Any]:
    semaphore = asyncio.Semaphore(TFTP_CONCURRENCY)
    errors: list[str] = []

    async def one(name: str) -> None:
        async with semaphore:
            try:
                body = await tftp_fetch(port, name)
            except OSError as exc:
                errors.append(str(exc))
                return
            if hashlib.md5(body).hexdigest() != md5[name]:
                errors.append(f"{name}: wrong MD5")

    began = time.perf_counter()
    await asyncio.gather(*(one(name) for name in names))
    return {"elapsed": time.perf_counter() - began, "errors": errors}


def tftp_client(port: int, names: list[str], md5: dict[str, str]) -> dict[str, Any]:
    return asyncio.run(_tftp_run(port, names, md5))


def run_tftp_client(port: int, tree: dict[str, Any]) -> dict[str, Any]:
    with get_context("spawn").Pool(1) as pool:
        return pool.apply(tftp_client, (port, tree["mac_files"], tree["md5"]))


# --- report -------------------------------------------------------------------------------


def http_line(label: str, result: dict[str, Any]) -> tuple[float, str]:
    latencies = sorted(result["latencies"])
    rate = len(latencies) / result["elapsed"]
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    line = (
        f"{label:<14} {len(latencies):>6} GETs in {result['elapsed']:.2f} s: {rate:8.0f} req/s, "
        f"p50 {p50:6.1f} ms, p99 {p99:6.1f} ms, {len(result['errors'])} errors; "
        f"server CPU {result['cpu'] * 1e6 / max(len(latencies), 1):.0f} us/request"
    )
    return rate, line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--nginx-workers", type=int, default=1)
    parser.add_argument("--dir", help="Parent directory for the generated tree (default: temp).")
    parser.add_argument("--skip-tftp", action="store_true")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-serve-", dir=options.dir))
    failed = False
    try:
        root = work / "tree"
        tree = make_tree(root, options.phones)
        gets = sum(len(boot) for boot in tree["boots"])
        print(
            f"tree: {len(tree['md5'])} files in {root}; {options.phones} phones, {gets} GETs, "
            f"{options.connections} keep-alive connections"
        )
        ours = measure_http(start_cfgtool(root, "http"), tree, options.connections)
        theirs = measure_http(
            start_nginx(root, work, options.nginx_workers), tree, options.connections
        )
        our_rate, our_line = http_line("cfgtool serve", ours)
        their_rate, their_line = http_line(f"nginx ({options.nginx_workers}w)", theirs)
        print(our_line)
        print(their_line)
        ratio = our_rate / their_rate
        print(f"HTTP ratio: {ratio:.2f}x nginx (target >= {TARGET_RATIO})")
        for error in (ours["errors"] + theirs["errors"])[:5]:
            print("  error:", error)
        failed |= bool(ours["errors"] or theirs["errors"]) or ratio < TARGET_RATIO
        if not options.skip_tftp:
            server, port = start_cfgtool(root, "tftp")
            try:
                ours = run_tftp_client(port, tree)
            finally:
                stop(server)
            tftpd, tftpd_port = start_in_tftpd(root)
            try:
                theirs = run_tftp_client(tftpd_port, tree)
            finally:
                stop(tftpd)
            files = len(tree["mac_files"])
            our_rate, their_rate = files / ours["elapsed"], files / theirs["elapsed"]
            print(
                f"cfgtool serve  {files} TFTP files in {ours['elapsed']:.2f} s: "
                f"{our_rate:.0f} files/s, {len(ours['errors'])} errors"
            )
            print(
                f"in.tftpd -L    {files} TFTP files in {theirs['elapsed']:.2f} s: "
                f"{their_rate:.0f} files/s, {len(theirs['errors'])} errors"
            )
            tftp_ratio = our_rate / their_rate
            print(f"TFTP ratio: {tftp_ratio:.2f}x in.tftpd (target >= {TARGET_RATIO})")
            for error in (ours["errors"] + theirs["errors"])[:5]:
                print("  error:", error)
            failed |= bool(ours["errors"] or theirs["errors"]) or tftp_ratio < TARGET_RATIO
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
