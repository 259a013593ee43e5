"""Write a made-up inventory of N phones for examples/template/phones.cfg.tmpl.

    python scripts/make_inventory.py 1000 > phones-1000.csv

The MACs are fictitious (00:15:65:xx:xx:xx, Yealink's prefix, counting up);
models cycle through the three of examples/tftp/; every third T46G gets a
second account, so the template's optional block is exercised.
"""

from __future__ import annotations

import csv
import sys

COLUMNS = [
    "mac",
    "model",
    "label",
    "name",
    "ext",
    "password",
    "pbx",
    "ext2",
    "label2",
    "password2",
    "language",
]
MODELS = ["T46G", "T42G", "T19P E2"]


def rows(count: int) -> list[list[str]]:
    """``count`` inventory rows after the header."""
    out = []
    for index in range(count):
        model = MODELS[index % len(MODELS)]
        second = model == "T46G" and index % 3 == 0
        out.append(
            [
                f"00:15:65:{index >> 16 & 0xFF:02X}:{index >> 8 & 0xFF:02X}:{index & 0xFF:02X}",
                model,
                f"Desk {index}",
                f"Employee {index}",
                str(2000 + index),
                f"pw-{index:05d}-Qx9!",
                "",  # pbx: the template's default
                str(6000 + index) if second else "",
                "Team queue" if second else "",
                f"q-{index:05d}-Zr4#" if second else "",
                "German" if model == "T42G" else "",
            ]
        )
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: python scripts/make_inventory.py N > phones.csv", file=sys.stderr)
        return 2
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(int(argv[1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
