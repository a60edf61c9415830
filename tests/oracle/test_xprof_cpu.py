"""Per-op self time against XProf's framework_op_stats on CPU profiles we record ourselves."""

from __future__ import annotations

import pytest

from xprofkit import datatable_rows, xprof_tool
from tftrace import load

WORKLOADS = ("keras_fit", "gradient_tape", "tf_data", "lstm")


def xprof_host_self_times(xplane, tmp_path) -> dict:
    """{Operation Name: total self-time us} from the table without IDLE."""
    tables = xprof_tool(xplane, "framework_op_stats", tmp_path)
    without_idle = next(t for t in tables if not any(r["Operation Type"] == "IDLE" for r in datatable_rows(t)))
    out: dict = {}
    for row in datatable_rows(without_idle):
        if row["Host/device"] == "Host":
            out[row["Operation Name"]] = out.get(row["Operation Name"], 0.0) + row["Total self-time (us)"]
    return out


@pytest.mark.tf
@pytest.mark.parametrize("workload", WORKLOADS)
def test_host_op_self_time_matches_xprof(recorded, workload, tmp_path):
    # GIVEN a CPU profile and XProf's host op table for it
    reference = xprof_host_self_times(recorded[workload], tmp_path)
    total = sum(reference.values())
    assert total > 0 and len(reference) >= 5
    # WHEN tftrace analyses the same XSpace
    ours: dict = {}
    for op in load(recorded[workload]).ops:
        if op.device == "/host:CPU" and op.mode == "graph":
            ours[op.name] = ours.get(op.name, 0.0) + op.self_us
    # THEN every op above 0.5% of the total agrees within 2%
    significant = {name: us for name, us in reference.items() if us > 0.005 * total}
    assert len(significant) >= 3
    mismatches = {name: (us, ours.get(name)) for name, us in significant.items()
                  if ours.get(name) is None or abs(ours[name] - us) > 0.02 * us}
    assert not mismatches, mismatches


@pytest.mark.tf
@pytest.mark.parametrize("workload", WORKLOADS)
def test_two_processes_give_the_same_profile(recorded, workload, monkeypatch):
    from tftrace.analysis import parallel

    monkeypatch.setattr(parallel, "MIN_PARALLEL_WEIGHT", 0)  # fork even for a small profile
    assert load(recorded[workload], processes=2).to_dict() == load(recorded[workload]).to_dict()


@pytest.mark.tf
def test_tf_data_iterators_are_dataset_ops(recorded):
    ops = load(recorded["tf_data"]).ops
    datasets = [op for op in ops if op.type == "Dataset"]
    assert any(op.name.startswith("Iterator::") for op in datasets)
    assert all(op.category == "dataset" for op in datasets)


@pytest.mark.tf
def test_eager_matmul_reported_with_mode_eager(recorded):
    ops = load(recorded["eager"]).ops
    matmul = [op for op in ops if op.type == "MatMul" and op.mode == "eager"]
    assert matmul, [(o.name, o.mode) for o in ops]
    assert matmul[0].count == 20
    assert matmul[0].total_us > 0 and 0 < matmul[0].self_us <= matmul[0].total_us
