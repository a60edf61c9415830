"""Kernels grouped by kernel and launch shape against XProf's kernel_stats rows on the 8-GPU BERT
profile: the same 15 rows (name, grid, block, registers, shared memory), launches and totals, in the
Profile, in ``tftrace stats`` (JSON ``kernels_by_name``, ``--group kernel|op`` tables) and the payload."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tftrace import payload
from tftrace.analysis.kernel_groups import by_kernel, by_op
from tftrace.analysis.kernel_names import short_name


def _xprof_key(row) -> tuple:
    return (row["Kernel Name"], row["Grid dim"], row["Block dim"], int(row["Registers per thread"]),
            int(row["Shared Mem bytes"]))


def _our_key(row) -> tuple:
    return (row["name"], row["grid"], row["block"], row["registers"], row["shared_mem_bytes"])


def _assert_same_rows(ours: list[dict], xprof_kernel_stats: list[dict]) -> None:
    reference = {_xprof_key(r): r for r in xprof_kernel_stats}
    mine = {_our_key(r): r for r in ours}
    assert len(mine) == len(ours) == len(reference) == 15
    assert set(mine) == set(reference)
    for key, ref in reference.items():
        row = mine[key]
        assert row["count"] == int(ref["Occurrences"]), key
        assert row["total_us"] == pytest.approx(ref["Total Duration (μs)"], abs=0.002), key
        assert row["min_us"] == pytest.approx(ref["Min Duration (μs)"], abs=0.002), key
        assert row["max_us"] == pytest.approx(ref["Max Duration (μs)"], abs=0.002), key
        assert row["avg_us"] == pytest.approx(ref["Avg Duration (μs)"], abs=0.002), key


def test_grouped_by_kernel_equals_xprof_kernel_stats(gpu_profile, xprof_kernel_stats):
    groups = by_kernel(gpu_profile.kernels)
    _assert_same_rows(groups, xprof_kernel_stats)
    # XProf's order: most time first
    assert [g["total_us"] for g in groups] == sorted((g["total_us"] for g in groups), reverse=True)
    assert [_our_key(g) for g in groups] == [_xprof_key(r) for r in xprof_kernel_stats]


def test_each_group_is_split_into_the_ops_that_launched_it(gpu_profile, xprof_kernel_stats):
    for g in by_kernel(gpu_profile.kernels):
        assert sum(o["count"] for o in g["ops"]) == g["count"]
        assert sum(o["total_us"] for o in g["ops"]) == pytest.approx(g["total_us"], abs=1e-3 * len(g["ops"]))
        assert sum(o["share_pct"] for o in g["ops"]) == pytest.approx(100.0, abs=0.01 * len(g["ops"]) + 0.01)
        assert all(o["op"] for o in g["ops"])  # XProf leaves "Op Name" empty; every kernel has its op here
        assert sum(p["ops"] for p in g["op_groups"]) == len(g["ops"])
        assert {d["device"] for d in g["devices"]} == {"/device:GPU:4", "/device:GPU:6"}
        assert g["short_name"] == short_name(g["name"])
    # by name alone there are 11 kernels (the fixture README): shapes split four of them; the short name and
    # the launch shape still tell the 15 rows apart, as the full name and the shape do
    groups = by_kernel(gpu_profile.kernels)
    assert len({g["name"] for g in groups}) == len({g["short_name"] for g in groups}) == 11
    assert len({(g["short_name"], g["grid"], g["block"], g["registers"], g["shared_mem_bytes"]) for g in groups}) == 15


def test_grouped_by_op_adds_up_to_the_same_time(gpu_profile, xprof_kernel_stats):
    ops = by_op(gpu_profile.kernels)
    assert sum(o["count"] for o in ops) == sum(int(r["Occurrences"]) for r in xprof_kernel_stats) == 1330
    assert sum(o["total_us"] for o in ops) == pytest.approx(sum(r["Total Duration (μs)"] for r in xprof_kernel_stats), abs=0.5)
    assert all(o["op"] for o in ops)


def _stats(source, *args) -> str:
    done = subprocess.run([sys.executable, "-m", "tftrace", "stats", str(source), *args],
                          capture_output=True, text=True, check=True)
    return done.stdout


def test_stats_json_has_the_xprof_rows_and_op_grouping(gpu_fixture, xprof_kernel_stats):
    data = json.loads(_stats(gpu_fixture, "--format", "json"))
    _assert_same_rows(data["kernels_by_name"], xprof_kernel_stats)
    assert "kernels_by_op" not in data
    by_op_data = json.loads(_stats(gpu_fixture, "--format", "json", "--group", "op"))
    assert sum(o["count"] for o in by_op_data["kernels_by_op"]) == 1330
    assert by_op_data["kernels_by_name"] == data["kernels_by_name"]


def test_stats_tables_group_by_kernel_or_op(gpu_fixture, xprof_kernel_stats):
    by_kernel_text = _stats(gpu_fixture)
    assert "GPU kernels by kernel and launch shape: 15 (1,330 launches)" in by_kernel_text
    top = max(xprof_kernel_stats, key=lambda r: r["Total Duration (μs)"])
    assert short_name(top["Kernel Name"]) in by_kernel_text
    assert "Eigen::TensorEvaluator" not in by_kernel_text  # no full C++ signatures in the table
    by_op_text = _stats(gpu_fixture, "--group", "op")
    assert "GPU kernels by TensorFlow op: 1330" in by_op_text


def test_payload_carries_the_groups_with_string_ids(gpu_profile, xprof_kernel_stats):
    data = payload.build(gpu_profile, charts=False)
    strings = data["strings"]
    groups = [dict(g, name=strings[g["name"]]) for g in data["kernels_by_name"]]
    _assert_same_rows(groups, xprof_kernel_stats)
    for g in data["kernels_by_name"]:
        assert strings[g["short_name"]] == short_name(strings[g["name"]])
        assert sum(p[2] for p in g["op_groups"]) == g["count"]  # folded op groups hold every launch
        assert len(g["ops"]) == min(g["ops_total"], payload.MAX_GROUP_OPS)  # ops listed up to the bound
        assert [o[2] for o in g["ops"]] == sorted((o[2] for o in g["ops"]), reverse=True)
    assert len(data["kernels"]["columns"]["short_name"]) == data["kernels"]["count"]
