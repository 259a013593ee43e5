"""Time ``cfgtool render`` against plain Python writing the same files (issue 15).

Everything is built in a temporary directory (deleted afterwards; ``--dir``
chooses where, e.g. ``/dev/shm``). Every run writes into a directory of its
own and all of them are deleted only after the last run: on ext4 without a
journal (this VM's disk) the kernel skips inodes freed in the last minute when
it allocates new ones, so deleting 100,000 files just before the next run
would time that skip instead of the writer. For the same reason, leave a
minute between two runs of the script on such a disk. Each case is timed against its own
baseline in the same run, alternating, best of ``--repeat``; the ratio is
printed with the target and the load average before and after:

1. library: :func:`cfgtool.rendering.render_files` (read both files, render
   through the AST, lint every file, stage and commit every file with one
   disk sync) against ``str.replace`` per placeholder + ``open().write()``
   (no validation, no atomic write). Target: ratio <= 2.
2. CLI: ``cfgtool render`` as a whole process, against a whole Python process
   running the same plain loop. Target: ratio <= 2.
3. CLI again over the same output, nothing changed (0 files written),
   against the same plain loop. Target: ratio <= 1.

``--rows 100000`` is the scale case (target: the CLI within 15 s); the peak
RSS of the cfgtool process is printed for every CLI case, with the
inventory's own size for comparison (the inventory is written by a process of
its own, so that this one stays small: a forked child's peak RSS starts at its
parent's). ``--check`` exits 1 when a target is
missed.

    python benchmarks/bench_render.py [--rows 10000] [--jobs 0] [--repeat 3] [--dir /dev/shm]
"""

from __future__ import annotations

import argparse
import compileall
import csv
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET_RATIO = 2.0
TARGET_RERUN_RATIO = 1.0
TARGET_100K_SECONDS = 15.0
MODELS = ("T46G", "T42G", "T54W")


def template_text() -> str:
    """A ~60-line MAC-file template: two accounts (the second optional), line keys, site."""
    lines = [
        "#!version:1.0.0.1",
        "## Per-phone settings, rendered by cfgtool from phones.csv",
        "",
        "account.1.enable = 1",
        "account.1.label = {{ label }}",
        "account.1.display_name = {{ display_name }}",
        "account.1.auth_name = {{ ext }}",
        "account.1.user_name = {{ ext }}",
        "account.1.password = {{ password }}",
        'account.1.sip_server.1.address = {{ pbx | default("pbx.example.com") }}',
        "account.1.sip_server.1.port = 5060",
        "account.1.sip_server.1.expires = 3600",
        "account.1.transport = 0",
        "account.1.codec.pcmu.enable = 1",
        "account.1.codec.pcma.enable = 1",
        "account.1.codec.g722.enable = 1",
        "account.1.dtmf.type = 1",
        "account.1.subscribe_mwi = 1",
        "",
        "# cfgtool: if=ext2",
        "account.2.enable = 1",
        "account.2.label = {{ label2 }}",
        "account.2.display_name = {{ label2 }}",
        "account.2.auth_name = {{ ext2 }}",
        "account.2.user_name = {{ ext2 }}",
        "account.2.password = {{ password2 }}",
        'account.2.sip_server.1.address = {{ pbx | default("pbx.example.com") }}',
        "account.2.sip_server.1.port = 5060",
        "# cfgtool: endif",
        "",
        "# Line keys",
        "linekey.1.type = 15",
        "linekey.1.line = 1",
        "linekey.1.label = {{ label }}",
        "linekey.2.type = 15",
        "linekey.2.line = 2",
        "linekey.3.type = 16",
        "linekey.3.value = {{ blf }}",
        "linekey.3.label = Reception",
        "",
        "# Site",
        'lang.gui = {{ language | default("English") }}',
        "lang.wui = English",
        "local_time.time_zone = +1",
        "local_time.time_zone_name = Germany(Berlin)",
        "local_time.ntp_server1 = pool.ntp.org",
        "local_time.summer_time = 2",
        "voice.tone.country = Germany",
        "phone_setting.ring_type = Ring1.wav",
        "features.dnd.enable = 0",
        "features.call_waiting.enable = 1",
        "features.auto_answer_delay = 3",
        "network.vlan.internet_port_enable = 0",
        "network.lldp.enable = 1",
        "security.user_name.admin = admin",
        "static.auto_provision.pnp_enable = 0",
        "static.auto_provision.dhcp_option.enable = 1",
        "static.auto_provision.repeat.enable = 0",
        "static.auto_provision.weekly.enable = 1",
        "static.auto_provision.server.url = https://prov.example.com/$PN/",
    ]
    return "\n".join(lines) + "\n"


COLUMNS = [
    "mac",
    "model",
    "label",
    "display_name",
    "ext",
    "password",
    "pbx",
    "ext2",
    "label2",
    "password2",
    "blf",
    "language",
    "account.1.sip_server.1.expires",
]


def inventory_rows(count: int, seed: int = 5) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        mac = f"{0x001565000000 + index:012X}"
        second = index % 2 == 0
        rows.append(
            [
                ":".join(mac[i : i + 2] for i in range(0, 12, 2)),
                MODELS[index % len(MODELS)],
                f"Desk {index}",
                f"Employee {index}",
                str(10000 + index),
                f"pw-{rng.getrandbits(48):012x}",
                "" if index % 3 else "pbx2.example.com",
                str(50000 + index) if second else "",
                f"Queue {index}" if second else "",
                f"q-{rng.getrandbits(48):012x}" if second else "",
                str(10000 + (index + 1) % count),
                "" if index % 4 else "German",
                "" if index % 5 else "1800",
            ]
        )
    return rows


def baseline(template_path: Path, inventory_path: Path, out: Path) -> int:
    """What a script does without cfgtool: str.replace per placeholder, write each file."""
    template = template_path.read_text(encoding="utf-8")
    placeholders = {
        match.group(0): match.group(1) for match in re.finditer(r"\{\{ (\w+)[^}]*\}\}", template)
    }
    out.mkdir()
    written = 0
    with inventory_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = template
            for placeholder, name in placeholders.items():
                text = text.replace(placeholder, row[name])
            mac = row["mac"].replace(":", "").lower()
            with open(out / f"{mac}.cfg", "w", encoding="utf-8") as target:
                target.write(text)
            written += 1
    return written


def _child(command: list[str]) -> tuple[float, int]:
    """Run ``command`` as its own process: (wall seconds, its peak RSS in KiB).

    The peak is the process's own ``VmHWM`` after it started the program, read every
    20 ms while it runs: ``wait4``'s ``ru_maxrss`` would also count the moment before
    ``exec``, when the child is still a copy of this (larger) process.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _high_water_kib(process.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command[:3]} exited {process.returncode}")
    return elapsed, peak or usage.ru_maxrss


def _high_water_kib(pid: int) -> int:
    """The peak RSS of process ``pid`` so far (Linux ``VmHWM``), 0 where unknown."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _best(times: list[float]) -> float:
    return min(times)


def _load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=0, help="cfgtool --jobs (0: one per CPU)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--dir", help="where to make the temporary directory (e.g. /dev/shm)")
    parser.add_argument("--no-library", action="store_true", help="only the CLI cases")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    import cfgtool
    from cfgtool.rendering import render_files

    # An installed cfgtool has its bytecode (pip compiles it): compile it here too, so
    # that PYTHONDONTWRITEBYTECODE=1 (or a fresh checkout) does not time the compiler.
    compileall.compile_dir(os.path.dirname(cfgtool.__file__), quiet=1)
    work = Path(tempfile.mkdtemp(prefix="cfgtool-bench-render-", dir=args.dir))
    print(f"before: {_load()}   CPUs: {os.cpu_count()}   dir: {work.parent}")
    try:
        template_path = work / "phones.cfg.tmpl"
        inventory_path = work / "phones.csv"
        template_path.write_text(template_text(), encoding="utf-8")
        # Written by a process of its own: the rows in this process's memory would count
        # in every child's peak RSS (a forked child starts as big as its parent).
        subprocess.run(
            [sys.executable, __file__, "--inventory-only", str(inventory_path), str(args.rows)],
            check=True,
        )
        lines = template_text().count("\n")
        print(f"rows x template lines: {args.rows:,} x {lines}")
        plain_loop = [
            sys.executable,
            os.path.abspath(__file__),
            "--baseline-only",
            str(template_path),
            str(inventory_path),
        ]
        cli = [
            sys.executable,
            "-c",
            "from cfgtool.cli import main; main()",
            "render",
            str(template_path),
            "--inventory",
            str(inventory_path),
            "--jobs",
            str(args.jobs),
            "-q",
        ]
        figures: dict[str, list[float]] = {}
        rss: dict[str, int] = {}

        def timed(name: str, work_function: Callable[[Path], object], out: Path) -> None:
            start = time.perf_counter()
            work_function(out)
            figures.setdefault(name, []).append(time.perf_counter() - start)

        for run in range(args.repeat):
            if not args.no_library:
                out = work / f"baseline-{run}"
                timed("baseline", lambda to: baseline(template_path, inventory_path, to), out)
                out = work / f"library-{run}"
                timed(
                    "library",
                    lambda to: render_files(template_path, inventory_path, to, jobs=args.jobs),
                    out,
                )
                assert len(list(out.iterdir())) == args.rows
            out = work / f"plain-{run}"
            seconds, _ = _child([*plain_loop, str(out)])
            figures.setdefault("plain", []).append(seconds)
            out = work / f"cli-{run}"
            seconds, rss["cli"] = _child([*cli, "--out", str(out)])
            figures.setdefault("cli", []).append(seconds)
            assert len(list(out.iterdir())) == args.rows
            mtimes = {entry.name: entry.stat().st_mtime_ns for entry in out.iterdir()}
            seconds, rss["rerun"] = _child([*cli, "--out", str(out)])
            figures.setdefault("rerun", []).append(seconds)
            assert {e.name: e.stat().st_mtime_ns for e in out.iterdir()} == mtimes, "rewrote"

        best = {name: _best(times) for name, times in figures.items()}
        inventory_kib = inventory_path.stat().st_size // 1024
        ok = True
        print(f"(best of {args.repeat}; seconds; ratio = cfgtool / baseline of the same run)")
        if not args.no_library:
            ratio = best["library"] / best["baseline"]
            ok &= ratio <= TARGET_RATIO
            print(f"baseline str.replace + write (in-process): {best['baseline']:7.2f} s")
            print(
                f"render_files (library, validated):        {best['library']:7.2f} s"
                f"   ratio {ratio:5.2f}x  (target <= {TARGET_RATIO:g}x)"
            )
        cli_ratio = best["cli"] / best["plain"]
        rerun_ratio = best["rerun"] / best["plain"]
        ok &= cli_ratio <= TARGET_RATIO and rerun_ratio <= TARGET_RERUN_RATIO
        print(f"plain-Python loop process writing them:   {best['plain']:7.2f} s")
        print(
            f"cfgtool render CLI:                       {best['cli']:7.2f} s"
            f"   ratio {cli_ratio:5.2f}x  (target <= {TARGET_RATIO:g}x)"
            f"   peak RSS {rss['cli'] // 1024} MiB"
        )
        print(
            f"cfgtool render CLI again, nothing changed:{best['rerun']:7.2f} s"
            f"   ratio {rerun_ratio:5.2f}x  (target <= {TARGET_RERUN_RATIO:g}x)"
            f"   peak RSS {rss['rerun'] // 1024} MiB"
        )
        if args.rows >= 100_000:
            ok &= best["cli"] <= TARGET_100K_SECONDS
            print(f"scale: {args.rows:,} rows in {best['cli']:.2f} s (target <= 15 s)")
        print(f"inventory file: {inventory_kib // 1024} MiB ({inventory_kib:,} KiB)")
        print(f"after: {_load()}")
        return 0 if ok or not args.check else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_inventory(path: Path, rows: int) -> None:
    """The benchmark's inventory CSV of ``rows`` phones."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(inventory_rows(rows))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--inventory-only":
        write_inventory(Path(sys.argv[2]), int(sys.argv[3]))
        raise SystemExit(0)
    if len(sys.argv) == 5 and sys.argv[1] == "--baseline-only":
        baseline(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
        raise SystemExit(0)
    raise SystemExit(main())
