#!/usr/bin/env python3
"""Time ``cfgtool lint`` as whole processes against its targets (issue 3, point 9).

Builds, in a temporary directory deleted afterwards, one Common file and
10,000 MAC files of about 50 realistic lines, then times in the same run:

- ``python -c pass`` (the interpreter's own start-up, the floor),
- ``yamllint`` on a small YAML file (the reference for one file),
- ``cfgtool lint ONE_FILE`` (target: at most 1.25x yamllint),
- ``cfgtool lint DIR`` over the 10,001 files (target: at most 3 s on 2 cores).

Every command runs as ``sys.executable <script>`` so the comparison is fair
(no shell or version-manager shims). Bytecode is cached for every command
alike, as after ``pip install`` (in the temporary directory, through
``PYTHONPYCACHEPREFIX``, even where ``PYTHONDONTWRITEBYTECODE`` is set). Each
figure is the median of several runs after a warm-up run. ``--check`` exits 1
when a target is missed.

    python benchmarks/bench_lint.py [--files 10000] [--runs 15] [--check]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ONE_FILE_RATIO_TARGET = 1.25
MANY_FILES_TARGET_S = 3.0

COMMON = """\
#!version:1.0.0.1
## Common settings for every T46G (y000000000028.cfg)
static.auto_provision.server.url = https://prov.example.com/yealink/
static.network.vlan.internet_port_enable = 0
lang.gui = English
lang.wui = English
local_time.time_zone = +1
local_time.time_zone_name = Germany(Berlin)
local_time.ntp_server1 = pool.ntp.org
voice.tone.country = Germany
phone_setting.backlight_time = 60
features.dnd.enable = 0
"""

MAC_TEMPLATE = """\
#!version:1.0.0.1
## Phone {n}: reception desk, building {building}

# Account 1: the extension
account.1.enable = 1
account.1.label = {ext} Reception
account.1.display_name = Reception {ext}
account.1.auth_name = {ext}
account.1.user_name = {ext}
account.1.password = Pw{n:06d}xQ
account.1.sip_server.1.address = pbx.example.com
account.1.sip_server.1.port = 5060
account.1.sip_server.1.expires = 3600
account.1.sip_server.1.transport_type = 0
account.1.outbound_proxy_enable = 0
account.1.codec.1.enable = 1
account.1.codec.1.payload_type = PCMU
account.1.codec.1.priority = 1
account.1.codec.2.enable = 1
account.1.codec.2.payload_type = PCMA
account.1.codec.2.priority = 2
account.1.dtmf.type = 1
account.1.subscribe_mwi = 1
account.1.subscribe_mwi_to_vm = 1
account.1.nat.nat_traversal = 0
account.1.nat.udp_update_enable = 1
account.1.cid_source = 0
account.1.srtp_encryption = 0
account.1.shared_line = 0
account.1.auto_answer = 0

# Account 2: the shared queue
account.2.enable = 1
account.2.label = Queue
account.2.display_name = Queue {building}
account.2.auth_name = q{ext}
account.2.user_name = q{ext}
account.2.password = Qw{n:06d}zR
account.2.sip_server.1.address = pbx.example.com
account.2.sip_server.1.port = 5060

# Line keys
linekey.1.type = 15
linekey.1.line = 1
linekey.1.value = {ext}
linekey.1.label = Line
linekey.2.type = 16
linekey.2.line = 1
linekey.2.value = 100
linekey.2.label = Front desk
static.network.vlan.internet_port_vid = {vlan}
"""

YAML = """\
---
# a small YAML file, as a pre-commit hook would see it
name: provisioning
phones:
  - mac: 0015651130f9
    extension: 201
  - mac: 0015651130fa
    extension: 202
server:
  url: https://prov.example.com/yealink/
  vlan: 20
"""


def script(name: str) -> str:
    """The console script ``name`` installed next to this interpreter."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            raise SystemExit(f"{name} is not installed (pip install -e '.[test]')")
        path = Path(found)
    return str(path)


def build_tree(root: Path, files: int) -> Path:
    tree = root / "tree"
    tree.mkdir()
    (tree / "y000000000028.cfg").write_text(COMMON, encoding="utf-8")
    for n in range(files):
        mac = f"001565{n:06x}"
        text = MAC_TEMPLATE.format(n=n, ext=1000 + n, building=n % 7 + 1, vlan=10 + n % 90)
        (tree / f"{mac}.cfg").write_text(text, encoding="utf-8")
    return tree


def timed(
    command: list[str], runs: int, env: dict[str, str], expect: tuple[int, ...] = (0,)
) -> float:
    """Median wall time in seconds over ``runs`` runs, after one warm-up run."""
    samples = []
    for attempt in range(runs + 1):
        start = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, env=env)
        elapsed = time.perf_counter() - start
        if completed.returncode not in expect:
            sys.stderr.write(completed.stdout.decode()[-2000:] + completed.stderr.decode()[-2000:])
            raise SystemExit(f"{' '.join(command)} exited {completed.returncode}")
        if attempt:
            samples.append(elapsed)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="MAC files to build")
    parser.add_argument("--runs", type=int, default=15, help="runs per single-file figure")
    parser.add_argument("--dir-runs", type=int, default=3, help="runs of the directory figure")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    python = sys.executable
    cfgtool = [python, script("cfgtool")]
    yamllint = [python, script("yamllint")]
    with tempfile.TemporaryDirectory(prefix="cfgtool-bench-") as temp:
        root = Path(temp)
        build_start = time.perf_counter()
        tree = build_tree(root, args.files)
        build_time = time.perf_counter() - build_start
        one_file = tree / "0015650000ff.cfg"
        if not one_file.exists():
            one_file = tree / "y000000000028.cfg"
        yaml_file = root / "small.yaml"
        yaml_file.write_text(YAML, encoding="utf-8")

        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        baseline = timed([python, "-c", "pass"], args.runs, env)
        yaml_time = timed([*yamllint, "-d", "relaxed", str(yaml_file)], args.runs, env, (0, 1))
        one_time = timed([*cfgtool, "lint", str(one_file)], args.runs, env, (0, 1))
        dir_time = timed([*cfgtool, "lint", "--quiet", str(tree)], args.dir_runs, env, (0, 1))

    one_ratio = one_time / yaml_time
    lines = [
        f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}",
        f"built {args.files + 1} files in {build_time:.1f} s (deleted again)",
        f"python -c pass           {baseline * 1000:7.1f} ms",
        f"yamllint small.yaml      {yaml_time * 1000:7.1f} ms",
        f"cfgtool lint ONE_FILE    {one_time * 1000:7.1f} ms   "
        f"{one_ratio:.2f}x yamllint (target <= {ONE_FILE_RATIO_TARGET}x), "
        f"{one_time - baseline:.3f} s over python -c pass",
        f"cfgtool lint DIR         {dir_time:7.2f} s    "
        f"{args.files + 1} files (target <= {MANY_FILES_TARGET_S} s on 2 cores), "
        f"{dir_time / (args.files + 1) * 1e6:.0f} us per file",
    ]
    print("\n".join(lines))
    missed = []
    if one_ratio > ONE_FILE_RATIO_TARGET:
        missed.append("one file")
    if args.files >= 10_000 and dir_time > MANY_FILES_TARGET_S:
        missed.append("10,000 files")
    print("targets: " + ("all met" if not missed else "MISSED: " + ", ".join(missed)))
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
