#!/usr/bin/env python3
"""Time ``cfgtool lint`` and ``cfgtool validate`` as whole processes (issue 15).

Builds its data in a temporary directory deleted afterwards (or under
``--data-dir``, e.g. ``benchmarks/_data``, which git ignores), then times in
the same run, each figure against a baseline measured alternately with it:

- ``cfgtool lint ONE_FILE`` against ``yamllint`` on a small YAML file, the
  reference start-up for a one-file pre-commit hook (target: ratio <= 1.0);
  ``python -c pass`` is printed as the interpreter's own floor;
- ``cfgtool lint DIR`` over 100,000 small files (target: <= 10 s on 2 cores);
- ``cfgtool validate`` of a 10,000-phone ``$PN`` tree, one directory per
  model with its Common file (target: <= 3 s on 2 cores).

The baseline of the last two is a plain Python process that walks the same
tree, reads every file and splits it into ``key = value`` pairs.

Runs alternate between the command and its baseline (so a change in the
machine's load hits both); each figure is the median of ``--runs`` runs after
one warm-up run of each command. Every command runs as ``sys.executable
<script>`` (no shell or version-manager shims), with bytecode cached for every
command alike, as after ``pip install`` (in the data directory through
``PYTHONPYCACHEPREFIX``, even where ``PYTHONDONTWRITEBYTECODE`` is set). The
``cfgtool`` script is the installed one; when it predates the entry point in
``pyproject.toml`` (an editable install made before it changed), the script pip
would write now is used instead, and the output says so. The load average is
printed before and after. ``--one-file`` times the one-file lint alone (no
trees built); ``--check`` exits 1 when a target is missed.

    python benchmarks/bench_lint.py [--files 100000] [--phones 10000] [--runs 11] [--one-file]
                                    [--check]
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
import tomllib
from collections.abc import Sequence
from pathlib import Path

ONE_FILE_RATIO_TARGET = 1.0
MANY_FILES_TARGET_S = 10.0
VALIDATE_TARGET_S = 3.0

# A realistic one-file pre-commit target: a phone file of about 50 lines.
ONE_FILE = """\
#!version:1.0.0.1
## Phone 255: reception desk, building 3

# Account 1: the extension
account.1.enable = 1
account.1.label = 1255 Reception
account.1.display_name = Reception 1255
account.1.auth_name = 1255
account.1.user_name = 1255
account.1.password = Pw000255xQ
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
account.2.display_name = Queue 3
account.2.auth_name = q1255
account.2.user_name = q1255
account.2.password = Qw000255zR
account.2.sip_server.1.address = pbx.example.com
account.2.sip_server.1.port = 5060

# Line keys
linekey.1.type = 15
linekey.1.line = 1
linekey.1.value = 1255
linekey.1.label = Line
linekey.2.type = 16
linekey.2.line = 1
linekey.2.value = 100
linekey.2.label = Front desk
static.network.vlan.internet_port_vid = 20
"""

COMMON = """\
#!version:1.0.0.1
## Common settings for every {model} ({common})
static.auto_provision.server.url = https://prov.example.com/yealink/{model}/
lang.gui = English
lang.wui = English
local_time.time_zone = +1
local_time.time_zone_name = Germany(Berlin)
local_time.ntp_server1 = pool.ntp.org
voice.tone.country = Germany
phone_setting.backlight_time = 60
features.dnd.enable = 0
"""

# A small phone file: one account, valid on every model below (even one-account ones).
PHONE = """\
#!version:1.0.0.1
## Phone {n}
account.1.enable = 1
account.1.label = {ext}
account.1.display_name = Desk {ext}
account.1.auth_name = {ext}
account.1.user_name = {ext}
account.1.password = Pw{n:06d}xQ
account.1.sip_server.1.address = pbx.example.com
account.1.sip_server.1.port = 5060
"""

# $PN directory name -> Common file, for the validate tree.
MODELS = {
    "T19P_E2": "y000000000053.cfg",
    "T21P_E2": "y000000000052.cfg",
    "T23G": "y000000000044.cfg",
    "T27P": "y000000000045.cfg",
    "T29G": "y000000000046.cfg",
    "T40P": "y000000000054.cfg",
    "T41P": "y000000000036.cfg",
    "T42G": "y000000000029.cfg",
    "T46G": "y000000000028.cfg",
    "T48G": "y000000000035.cfg",
}

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

# The plain baseline for a tree: walk it, read every file, split it into pairs.
PLAIN_SPLIT = """\
import os, sys
pairs = 0
for top, dirs, names in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(names):
        if name.endswith(".cfg"):
            with open(os.path.join(top, name), "rb") as handle:
                text = handle.read().decode("utf-8")
            for line in text.splitlines():
                key, sep, value = line.partition("=")
                if sep and not line.startswith("#"):
                    pairs += bool(key.strip()) + 0 * len(value.strip())
print(pairs)
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


def console_script(root: Path) -> tuple[str, str]:
    """The ``cfgtool`` script to time, and a note when it is not the installed one.

    The installed script must import the entry point ``pyproject.toml`` names; an older
    one (from an editable install made before the entry point changed) is replaced by
    the script pip writes for the current entry point, in ``root``.
    """
    installed = script("cfgtool")
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    entry = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["scripts"]["cfgtool"]
    module, _, function = entry.partition(":")
    if f"from {module} import {function}" in Path(installed).read_text(encoding="utf-8"):
        return installed, ""
    fresh = root / "cfgtool-script.py"
    fresh.write_text(
        f"import sys\nfrom {module} import {function}\n"
        f"if __name__ == '__main__':\n    sys.exit({function}())\n",
        encoding="utf-8",
    )
    return str(fresh), f" (installed script predates {entry}: timed the one pip writes now)"


def phone_text(n: int) -> str:
    return PHONE.format(n=n, ext=1000 + n % 9000)


def build_flat_tree(root: Path, files: int) -> Path:
    """``files`` small phone files and one Common file in one directory."""
    tree = root / "flat"
    tree.mkdir()
    (tree / "y000000000028.cfg").write_text(
        COMMON.format(model="T46G", common="y000000000028.cfg"), encoding="utf-8"
    )
    for n in range(files - 1):
        (tree / f"001565{n:06x}.cfg").write_text(phone_text(n), encoding="utf-8")
    return tree


def build_pn_tree(root: Path, phones: int) -> Path:
    """A ``$PN`` tree: one directory per model, its Common file, ``phones`` phones in all."""
    tree = root / "pn"
    tree.mkdir()
    directories = sorted(MODELS)
    for model, common in MODELS.items():
        (tree / model).mkdir()
        (tree / model / common).write_text(
            COMMON.format(model=model, common=common), encoding="utf-8"
        )
    for n in range(phones):
        model = directories[n % len(directories)]
        (tree / model / f"00156a{n:06x}.cfg").write_text(phone_text(n), encoding="utf-8")
    return tree


def alternate(
    commands: Sequence[Sequence[str]], runs: int, env: dict[str, str]
) -> list[tuple[float, float]]:
    """Per command: median wall and CPU seconds over ``runs`` alternating runs, after a warm-up.

    Exit status 0 or 1 (findings) counts as success; anything else stops the benchmark.
    """
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    for attempt in range(runs + 1):
        for index, command in enumerate(commands):
            start = time.perf_counter()
            process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
            )
            assert process.stderr is not None
            stderr = process.stderr.read()
            # wait4: the child's own CPU time in microseconds (os.times() counts clock ticks)
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
            process.stderr.close()
            if process.returncode not in (0, 1):
                sys.stderr.write(stderr.decode(errors="replace")[-2000:])
                raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
            if attempt:
                walls[index].append(elapsed)
                cpus[index].append(usage.ru_utime + usage.ru_stime)
    return [
        (statistics.median(wall), statistics.median(cpu))
        for wall, cpu in zip(walls, cpus, strict=True)
    ]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=100_000, help="files in the lint DIR tree")
    parser.add_argument("--phones", type=int, default=10_000, help="phones in the $PN tree")
    parser.add_argument("--runs", type=int, default=11, help="runs per one-file figure")
    parser.add_argument("--tree-runs", type=int, default=3, help="runs per tree figure")
    parser.add_argument("--data-dir", type=Path, help="build here instead of a temp dir")
    parser.add_argument("--one-file", action="store_true", help="time the one-file lint only")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    python = sys.executable
    yamllint = [python, script("yamllint")]
    if args.data_dir is not None:
        shutil.rmtree(args.data_dir, ignore_errors=True)
        args.data_dir.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="cfgtool-bench-", dir=args.data_dir) as temp:
        root = Path(temp)
        print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; {load()}")
        cfgtool_script, script_note = console_script(root)
        cfgtool = [python, cfgtool_script]
        build_start = time.perf_counter()
        trees = not args.one_file
        flat = build_flat_tree(root, args.files) if trees else root
        pn_tree = build_pn_tree(root, args.phones) if trees else root
        one_file = root / "0015650000ff.cfg"
        one_file.write_text(ONE_FILE, encoding="utf-8")
        yaml_file = root / "small.yaml"
        yaml_file.write_text(YAML, encoding="utf-8")
        plain = root / "plain_split.py"
        plain.write_text(PLAIN_SPLIT, encoding="utf-8")
        if trees:
            print(
                f"built {args.files:,} files and a {args.phones:,}-phone $PN tree "
                f"in {time.perf_counter() - build_start:.1f} s (deleted afterwards)"
            )

        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        floor, yaml_time, one_time = alternate(
            [
                [python, "-c", "pass"],
                [*yamllint, "-d", "relaxed", str(yaml_file)],
                [*cfgtool, "lint", str(one_file)],
            ],
            args.runs,
            env,
        )
        if trees:
            dir_time, dir_plain = alternate(
                [[*cfgtool, "lint", "--quiet", str(flat)], [python, str(plain), str(flat)]],
                args.tree_runs,
                env,
            )
            validate_time, validate_plain = alternate(
                [
                    [*cfgtool, "validate", "--quiet", str(pn_tree)],
                    [python, str(plain), str(pn_tree)],
                ],
                args.tree_runs,
                env,
            )

    one_ratio = one_time[0] / yaml_time[0]
    lines = [
        f"median of {args.runs} alternating runs (wall; CPU user+system in brackets):",
        f"python -c pass           {floor[0] * 1000:7.1f} ms  ({floor[1] * 1000:.0f} ms)",
        f"yamllint small.yaml      {yaml_time[0] * 1000:7.1f} ms  ({yaml_time[1] * 1000:.0f} ms)",
        f"cfgtool lint ONE_FILE    {one_time[0] * 1000:7.1f} ms  ({one_time[1] * 1000:.0f} ms)   "
        f"ratio {one_ratio:.2f}x yamllint (target <= {ONE_FILE_RATIO_TARGET}x; "
        f"CPU ratio {one_time[1] / yaml_time[1]:.2f}x){script_note}",
    ]
    missed = ["one file"] if one_ratio > ONE_FILE_RATIO_TARGET else []
    if trees:
        lines += [
            f"median of {args.tree_runs} alternating runs:",
            f"cfgtool lint DIR         {dir_time[0]:7.2f} s   ({dir_time[1]:.2f} s)   "
            f"{args.files:,} files, target <= {MANY_FILES_TARGET_S} s; "
            f"plain read+split {dir_plain[0]:.2f} s ({dir_plain[1]:.2f} s), "
            f"ratio {dir_time[0] / dir_plain[0]:.1f}x "
            f"(CPU {dir_time[1] / dir_plain[1]:.1f}x, "
            f"{dir_time[1] / args.files * 1e6:.0f} us a file)",
            f"cfgtool validate $PN     {validate_time[0]:7.2f} s   ({validate_time[1]:.2f} s)   "
            f"{args.phones:,} phones, target <= {VALIDATE_TARGET_S} s; "
            f"plain read+split {validate_plain[0]:.2f} s ({validate_plain[1]:.2f} s), "
            f"ratio {validate_time[0] / validate_plain[0]:.1f}x "
            f"(CPU {validate_time[1] / validate_plain[1]:.1f}x)",
        ]
        if args.files >= 100_000 and dir_time[0] > MANY_FILES_TARGET_S:
            missed.append("100,000 files")
        if args.phones >= 10_000 and validate_time[0] > VALIDATE_TARGET_S:
            missed.append("validate")
    print("\n".join([*lines, load()]))
    print("targets: " + ("all met" if not missed else "MISSED: " + ", ".join(missed)))
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
