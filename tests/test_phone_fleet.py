"""Fleet mode: a whole inventory at once against http.server, with the summary table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfgtool.cli import main
from cfgtool.phone import FleetResult, make_spec, provision_fleet, shards
from cfgtool.phone.fleet import inventory_phones
from tests.conftest import write_tree
from tests.phone_servers import http_server

COMMON = "#!version:1.0.0.1\nlang.gui = English\n"


def fleet_tree(tmp_path: Path, phones: int) -> tuple[Path, Path]:
    files: dict[str, str] = {
        "T46G/y000000000028.cfg": COMMON,
        "T42G/y000000000029.cfg": COMMON + "static.network.vlan.internet_port_enable = 1\n",
    }
    rows = ["mac;model;password"]
    for index in range(phones):
        mac = f"001565aa{index:04x}"
        model = "T46G" if index % 2 else "T42G"
        if index % 3:
            files[f"{model}/{mac}.cfg"] = f"#!version:1.0.0.1\naccount.1.label = Phone {index}\n"
        rows.append(f"{mac.upper()};{model};")
    rows.append("00:15:65:bb:00:01;T48G;")  # no T48G directory on the server
    root = write_tree(tmp_path / "srv", files)
    inventory = tmp_path / "phones.csv"
    inventory.write_text("\n".join(rows) + "\n")
    return root, inventory


def test_fleet_library_plays_every_phone_and_summarizes(tmp_path: Path) -> None:
    root, inventory = fleet_tree(tmp_path, 40)
    with http_server(root) as server:
        specs = inventory_phones(
            str(inventory), make_spec, url=server.url + "/$PN/", model=None, boot="never"
        )
        fleet = provision_fleet(specs, concurrency=8, timeout=5)
    summary = fleet.summary()
    assert summary.phones == 41 and len(server.paths()) == 41 * 2
    assert (summary.provisioned, summary.failed) == (40, 1)
    assert summary.failed_by_reason == {"file not found": 1}
    assert summary.would_reboot == 20  # the T42G Common file sets a reboot setting
    assert summary.changed == 33  # 7 T46G phones without a MAC file get only defaults
    assert 0 < summary.p50 <= summary.p99
    assert [result.mac for result in fleet.results][:2] == ["001565aa0000", "001565aa0001"]
    assert fleet.exit_code == 1


def test_fleet_cli_json_and_text(tmp_path: Path) -> None:
    root, inventory = fleet_tree(tmp_path, 10)
    state = tmp_path / "state"
    with http_server(root) as server:
        url = server.url + "/$PN/"
        args = [
            "phone",
            url,
            "--inventory",
            str(inventory),
            "--concurrency",
            "4",
            "--state",
            str(state),
            "--timeout",
            "5",
        ]
        first = CliRunner().invoke(main, [*args, "--format", "json"])
        second = CliRunner().invoke(main, args)
    data = json.loads(first.output)
    assert first.exit_code == 1
    assert data["summary"]["provisioned"] == 10 and data["summary"]["failed"] == 1
    assert len(data["phones"]) == 11 and set(data["phones"][0]["reboot"]) == {
        "needed",
        "forced",
        "keys",
    }
    assert second.exit_code == 1
    assert "no update" in second.output and "p99" in second.output
    assert "failed 00:15:65:bb:00:01" not in second.output  # the MAC is shown normalized
    assert "failed 001565bb0001 (T48G)" in second.output


def test_fleet_inventory_without_model_needs_model_option(tmp_path: Path) -> None:
    inventory = tmp_path / "phones.csv"
    inventory.write_text("mac\n0015651130f9\n")
    result = CliRunner().invoke(
        main, ["phone", "http://127.0.0.1:9/", "--inventory", str(inventory)]
    )
    assert result.exit_code == 2 and "no model" in result.output


def test_fleet_inventory_columns_give_each_phone_its_credentials(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "srv", {"T46G/y000000000028.cfg": COMMON})
    inventory = tmp_path / "phones.csv"
    inventory.write_text(
        "mac,model,user,password,firmware\n"
        "0015651130f1,T46G,phone,right,\n"
        "0015651130f2,T46G,phone,wrong,80\n"
    )
    with http_server(root, basic=("phone", "right")) as server:
        specs = inventory_phones(str(inventory), make_spec, url=server.url + "/$PN/", model=None)
        fleet = provision_fleet(specs, timeout=5)
    assert [r.ok for r in fleet.results] == [True, False]
    assert fleet.results[1].failure == "authentication"
    assert fleet.results[1].firmware == "28.80.0.95"
    assert fleet.summary().failed_by_reason == {"authentication": 1}


def _comparable(fleet: FleetResult) -> list[dict[str, object]]:
    phones = fleet.to_dict(show_secrets=True)["phones"]
    for phone in phones:
        phone.pop("seconds")
        for request in phone["requests"]:
            request.pop("seconds")
    return phones


def test_fleet_in_worker_processes_plays_as_in_one(tmp_path: Path) -> None:
    root, inventory = fleet_tree(tmp_path, 12)
    with http_server(root) as server:
        specs = inventory_phones(
            str(inventory), make_spec, url=server.url + "/$PN/", model=None, boot="never"
        )
        seen: list[str] = []
        shared = provision_fleet(
            specs, concurrency=6, timeout=5, processes=2, progress=lambda r: seen.append(r.mac)
        )
        alone = provision_fleet(specs, concurrency=6, timeout=5, processes=0)
    assert sorted(seen) == sorted(spec.mac for spec in specs)
    assert [r.mac for r in shared.results] == [spec.mac for spec in specs]
    assert _comparable(shared) == _comparable(alone)
    assert shared.summary().to_dict() | {"p50": 0, "p99": 0, "seconds": 0} == (
        alone.summary().to_dict() | {"p50": 0, "p99": 0, "seconds": 0}
    )
    label = shared.results[1].settings["account.1.label"]
    assert (label.value, label.file, label.line) == ("Phone 1", "001565aa0001.cfg", 2)


def test_fleet_in_worker_processes_raises_what_a_worker_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, inventory = fleet_tree(tmp_path, 4)

    async def broken(*_: object) -> None:
        raise RuntimeError("the worker broke")

    monkeypatch.setattr(shards, "play", broken)  # inherited by the forked workers
    with http_server(root) as server:
        specs = inventory_phones(
            str(inventory), make_spec, url=server.url + "/$PN/", model=None, boot="never"
        )
        with pytest.raises(RuntimeError, match="the worker broke"):
            provision_fleet(specs, concurrency=4, timeout=5, processes=2)
