"""Time ``cfgtool.loads`` on a realistic 100,000-line file against a plain line splitter.

The baseline is what a script would do without cfgtool: ``splitlines`` +
``partition("=")`` + ``strip``. Both run in this process on the same text;
the script prints both times and the ratio (target: <= 10).

    python benchmarks/bench_parse.py [--lines 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

import cfgtool

TARGET_RATIO = 10.0


def realistic_text(lines: int, seed: int = 1) -> str:
    """A Common/MAC-like file: header, comments, blank lines, many indexed settings."""
    rng = random.Random(seed)
    templates = [
        "account.{i}.sip_server.1.address = pbx{n}.example.com",
        "account.{i}.label = Extension {n}",
        "account.{i}.password = {word}",
        "linekey.{i}.type = 15",
        "linekey.{i}.value = {n}",
        "features.dtmf.transfer = #",
        "remote_phonebook.data.{i}.url = http://prov.example.com/pb.xml?name=#SEARCH",
        "local_time.ntp_server1 = pool.ntp.org",
        "static.firmware.url = https://prov.example.com/fw/28.83.0.35.rom",
        "ldap.user = cn=admin,dc=example,dc=com",
    ]
    out = ["#!version:1.0.0.1"]
    while len(out) < lines:
        roll = rng.random()
        if roll < 0.08:
            out.append(f"# section {len(out)}")
        elif roll < 0.12:
            out.append("")
        else:
            out.append(
                rng.choice(templates).format(
                    i=rng.randint(1, 16), n=rng.randint(100, 9999), word=f"pw{rng.random():.6f}"
                )
            )
    return "\n".join(out) + "\n"


def plain_split(text: str) -> list[tuple[str, str]]:
    pairs = []
    for line in text.splitlines():
        key, _, value = line.partition("=")
        pairs.append((key.strip(), value.strip()))
    return pairs


def best_time(function: Callable[[str], object], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    text = realistic_text(args.lines)
    cfgtool.loads("k = v\n")  # compile/load the scanner once, outside the timing
    assert cfgtool.dumps(cfgtool.loads(text)) == text
    baseline = best_time(plain_split, text, args.repeat)
    ours = best_time(cfgtool.loads, text, args.repeat)
    ratio = ours / baseline
    print(f"lines:                {args.lines:,}")
    print(f"plain splitter:       {baseline * 1000:8.1f} ms")
    print(f"cfgtool.loads:        {ours * 1000:8.1f} ms")
    print(f"ratio:                {ratio:8.2f}x   (target <= {TARGET_RATIO:g})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
