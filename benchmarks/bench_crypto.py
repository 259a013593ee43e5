"""Benchmark: cfgtool's AES encryption vs a raw ``cryptography`` AES-ECB loop (issue 7).

Generates 10,000 realistic ~2 KB provisioning files in memory, encrypts them
with :func:`cfgtool.encrypt_bytes` and with a bare ``cryptography`` loop over
the same bytes (same zero padding), and prints both times and their ratio
(target: <= 2). With ``--files`` it also times the whole batch path
(:func:`cfgtool.crypto.encrypt_paths`: read, encrypt, atomic write) on a temp
directory that is deleted afterwards. Nothing is left on disk.

    python benchmarks/bench_crypto.py [--count 10000] [--repeat 5] [--files]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cfgtool.crypto import encrypt_bytes, encrypt_paths

KEY = "Bench#Key$2024:x"
TARGET_RATIO = 2.0


def make_cfg(rng: random.Random, size: int = 2048) -> bytes:
    """A plausible Common/MAC file of about ``size`` bytes."""
    lines = ["#!version:1.0.0.1", "## generated for the benchmark"]
    account = 1
    while sum(len(line) + 1 for line in lines) < size - 120:
        user = rng.randrange(1000, 9999)
        lines += [
            f"account.{account}.enable = 1",
            f"account.{account}.label = Desk {user}",
            f"account.{account}.display_name = User {user}",
            f"account.{account}.auth_name = {user}",
            f"account.{account}.user_name = {user}",
            f"account.{account}.password = {rng.getrandbits(64):016x}",
            f"account.{account}.sip_server.1.address = sip{rng.randrange(1, 9)}.example.net",
            f"account.{account}.sip_server.1.port = 5060",
            f"account.{account}.codec.opus.enable = {rng.randrange(2)}",
        ]
        account += 1
    lines += [f"local_time.time_zone = +{rng.randrange(0, 12)}", "lang.gui = English"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def raw_loop(texts: list[bytes], key: bytes) -> list[bytes]:
    """The baseline: one AES-ECB encryptor per file, zero padding, nothing else."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    out = []
    for data in texts:
        encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
        out.append(encryptor.update(data + b"\0" * (-len(data) % 16)) + encryptor.finalize())
    return out


def cfgtool_loop(texts: list[bytes], key: str) -> list[bytes]:
    return [encrypt_bytes(data, key) for data in texts]


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--files", action="store_true", help="also time the batch path on disk")
    args = parser.parse_args(argv)

    rng = random.Random(7)
    texts = [make_cfg(rng) for _ in range(args.count)]
    total = sum(map(len, texts))
    # Warm up both paths (imports, OpenSSL initialisation) and check they agree.
    assert cfgtool_loop(texts[:50], KEY) == raw_loop(texts[:50], KEY.encode())

    raw_times, cfgtool_times = [], []
    for _ in range(args.repeat):  # interleaved, so both see the same machine state
        raw_times.append(timed(lambda: raw_loop(texts, KEY.encode())))
        cfgtool_times.append(timed(lambda: cfgtool_loop(texts, KEY)))
    raw, cfgtool = min(raw_times), min(cfgtool_times)
    ratio = cfgtool / raw
    print(f"files: {args.count}, average {total / args.count:.0f} bytes, best of {args.repeat}")
    for label, seconds in (
        ("raw cryptography AES-ECB loop", raw),
        ("cfgtool encrypt_bytes", cfgtool),
    ):
        per_file = seconds / args.count * 1e6
        print(f"{label + ':':31}{seconds * 1000:8.1f} ms ({per_file:.1f} us/file)")
    print(f"ratio cfgtool/raw: {ratio:.2f} (target <= {TARGET_RATIO})")

    if args.files:
        with tempfile.TemporaryDirectory(prefix="cfgtool-bench-") as tmp:
            source = Path(tmp) / "plain"
            source.mkdir()
            for index, data in enumerate(texts):
                (source / f"{index:012x}.cfg").write_bytes(data)
            start = time.perf_counter()
            result = encrypt_paths([source], Path(tmp) / "enc", key=KEY, lint=False)
            elapsed = time.perf_counter() - start
            assert result.exit_code == 0
        print(
            f"batch encrypt_paths (read, encrypt, atomic write, no lint): {elapsed:.2f} s "
            f"({elapsed / args.count * 1e3:.2f} ms/file)"
        )
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
