"""Time ``cfgtool render`` on a 10,000-row inventory against a plain ``str.replace`` loop.

Both start from the same template and inventory files in a temporary directory
(deleted afterwards) and write one file per phone into their own empty
directory. cfgtool's time is the whole batch: reading both files, rendering
through the AST, linting every file, and writing each one atomically (temp
file, fsync, rename). The baseline reads the CSV, does one ``str.replace`` per
placeholder and writes each file with ``open().write()``: no validation, no
atomic write. Targets on a 2-core machine: <= 3 s, ratio <= 4.

    python benchmarks/bench_render.py [--rows 10000] [--jobs 0] [--repeat 3] [--dir /dev/shm]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 3.0
TARGET_RATIO = 4.0
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=0, help="cfgtool --jobs (0: one per CPU)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--dir", help="where to make the temporary directory (e.g. /dev/shm)")
    args = parser.parse_args()

    from cfgtool.rendering import render_files

    work = Path(tempfile.mkdtemp(prefix="cfgtool-bench-render-", dir=args.dir))
    try:
        template_path = work / "phones.cfg.tmpl"
        inventory_path = work / "phones.csv"
        template_path.write_text(template_text(), encoding="utf-8")
        with inventory_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(inventory_rows(args.rows))

        base_times, our_times, rerun_times = [], [], []
        for run in range(args.repeat):
            out = work / f"baseline-{run}"
            start = time.perf_counter()
            written = baseline(template_path, inventory_path, out)
            base_times.append(time.perf_counter() - start)
            shutil.rmtree(out)

            out = work / f"rendered-{run}"
            start = time.perf_counter()
            result = render_files(template_path, inventory_path, out, jobs=args.jobs)
            our_times.append(time.perf_counter() - start)
            assert not result.problems, result.problems[:3]
            assert len(result.written) == written == args.rows

            start = time.perf_counter()
            again = render_files(template_path, inventory_path, out, jobs=args.jobs)
            rerun_times.append(time.perf_counter() - start)
            assert len(again.unchanged) == args.rows
            shutil.rmtree(out)

        base, ours, rerun = min(base_times), min(our_times), min(rerun_times)
        ratio = ours / base
        lines = template_text().count("\n")
        print(f"rows x template lines:          {args.rows:,} x {lines}   CPUs: {os.cpu_count()}")
        print(f"baseline (str.replace + write): {base:7.2f} s   (best of {args.repeat})")
        print(f"cfgtool render (validated):     {ours:7.2f} s   (target <= {TARGET_SECONDS:g} s)")
        print(f"ratio:                          {ratio:7.2f}x  (target <= {TARGET_RATIO:g})")
        print(f"re-render, nothing changed:     {rerun:7.2f} s   (0 files rewritten)")
        return 0 if ours <= TARGET_SECONDS and ratio <= TARGET_RATIO else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
