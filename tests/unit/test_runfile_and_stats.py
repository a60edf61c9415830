"""Run files round-trip; stats JSON follows tftrace.stats/1; the store indexes runs."""

import json
import subprocess
import sys

import pytest

from tftrace import load
from tftrace.stats import stats_dict, to_csv
from tftrace.store import Store


@pytest.fixture(scope="module")
def profile(gpu_fixture):
    return load(gpu_fixture)


def test_run_file_round_trip_keeps_tables_and_raw_xspace(profile, tmp_path, gpu_fixture):
    path = profile.save(tmp_path / "run.tftrace")
    again = load(path)
    assert again.to_dict() == profile.to_dict()
    assert list(again.xspaces.values()) == [gpu_fixture.read_bytes()]


def test_stats_json_schema(profile):
    data = stats_dict(profile)
    assert data["schema"] == "tftrace.stats/1"
    for key in ("source", "hosts", "devices", "ops", "kernels", "functions", "tapes", "graph", "python", "warnings"):
        assert key in data
    assert set(data["ops"][0]) == {"name", "type", "device", "mode", "count", "total_us", "self_us", "host"}
    assert set(data["kernels"][0]) == {"name", "op", "device", "count", "total_us", "min_us", "max_us", "grid",
                                       "block", "registers", "shared_mem_bytes", "occupancy_pct", "host"}
    assert data["ops"] == sorted(data["ops"], key=lambda o: -o["self_us"])


def test_cli_json_and_csv_agree(gpu_fixture, tmp_path):
    run = lambda fmt: subprocess.run([sys.executable, "-m", "tftrace", "stats", str(gpu_fixture), "--format", fmt,
                                      "--top", "5"], capture_output=True, text=True, check=True).stdout
    data = json.loads(run("json"))
    assert len(data["ops"]) == 5 and len(data["kernels"]) == 5
    rows = run("csv").splitlines()
    assert rows[0].startswith("table,name,type,device,mode")
    assert len(rows) == 1 + 5 + 5


def test_store_indexes_and_finds_runs(profile, tmp_path):
    store = Store(str(tmp_path / "home"))
    first = store.add(profile)
    second = store.add(profile)
    assert [r["id"] for r in store.list()] == [second, first]  # newest first, even within one second
    assert load(store.find(first)).ops[0].name == profile.ops[0].name
    assert store.find("19990101") is None
