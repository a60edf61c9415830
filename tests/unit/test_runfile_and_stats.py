"""Run files round-trip; stats JSON follows tftrace.stats/2 (every /1 field kept); the store indexes runs."""

import json
import subprocess
import sys

import pytest

from tftrace import load
from tftrace.stats import stats_dict
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
    assert data["schema"] == "tftrace.stats/2"
    for key in ("source", "hosts", "devices", "ops", "kernels", "functions", "tapes", "graph", "python", "warnings"):
        assert key in data
    assert set(data["ops"][0]) == {"name", "type", "device", "mode", "count", "total_us", "self_us", "host"}
    assert set(data["kernels"][0]) == {"name", "op", "device", "count", "total_us", "min_us", "max_us", "grid",
                                       "block", "registers", "shared_mem_bytes", "occupancy_pct", "host"}
    assert data["ops"] == sorted(data["ops"], key=lambda o: -o["self_us"])


def test_stats_2_adds_function_times_locations_graphs_and_flame(profile):
    from tftrace.analysis.capture_merge import merge_capture

    live = type(profile).from_dict(profile.to_dict())
    live.ops = live.ops[:3]
    live.ops[0].mode = "graph"
    node = {"name": live.ops[0].name, "op": "MatMul", "device": "", "placement": "", "inputs": [],
            "source": {"file": "/tmp/ipykernel_1/9.py", "line": 4}, "layer": {"name": "dense", "class": "Dense"}}
    record = {"name": "step", "calls": 3, "traces": 1, "total_ns": 9_000_000, "retraces": [],
              "definition": {"file": "/tmp/ipykernel_1/9.py", "line": 2}, "call_sites": [],
              "calls_log": [(0, 5_000_000, 3_000_000, True, ("/u.py", 1, "f")),
                            (6_000_000, 8_000_000, 0, False, ("/u.py", 1, "f")),
                            (9_000_000, 10_000_000, 0, False, ("/u.py", 1, "f"))]}
    doc = {"shared": {"frames": [{"name": "<module>", "file": "/u.py", "line": 1}]},
           "profiles": [{"unit": "seconds", "samples": [[0]], "weights": [0.01]}]}
    merge_capture(live, {"functions": [record], "cells": {"/tmp/ipykernel_1/9.py": "In [3]"},
                         "graphs": [{"function": "step", "pre": [], "post": [], "partitions": [[node]],
                                     "origin": "func_graph"}], "python": doc})
    data = stats_dict(live)
    [step] = [f for f in data["functions"] if f["name"] == "step"]
    assert {"name", "calls", "traces", "total_us", "retraces"} <= set(step)  # /1 fields kept
    assert step["trace_us"] == 3000.0 and step["call_us"]["median"] == 1500.0
    assert step["defined_at"] == {"file": "/tmp/ipykernel_1/9.py", "line": 2, "cell": "In [3]"}
    assert data["ops"][0]["source"] == {"file": "/tmp/ipykernel_1/9.py", "line": 4, "cell": "In [3]"}
    assert data["ops"][0]["layer"] == {"name": "dense", "class": "Dense"}
    assert data["graph"]["functions"] == [{"function": "step", "nodes": 1, "origin": "func_graph"}]

    def kinds(node):
        yield node["kind"]
        for child in node["children"]:
            yield from kinds(child)

    assert set(kinds(data["flame"])) <= {"python", "function", "op", "kernel", "remainder"}
    assert stats_dict(profile)["flame"] is None  # no Python samples in a recorded XSpace


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
