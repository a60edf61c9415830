"""Per-step op samples (the input of run comparison) add up to the ops table."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.tf


def test_step_samples_add_up_to_the_measured_self_time(recorded):
    import tftrace
    from tftrace.analysis import parse
    from tftrace.analysis.step_ops import step_op_samples

    # GIVEN a recorded Keras fit: its steps are the calls of its train function
    path = recorded["keras_fit"]
    profile = tftrace.load(path)
    summary = profile.step_summary
    assert summary["source"] == "function" and summary["count"] > 10
    samples = profile.step_ops
    assert samples == step_op_samples(parse(path.read_bytes()), summary)  # computed once, at analysis
    # THEN every op has one sample per step, and the train function's ops, which only run inside
    # steps, add up over the steps to their self time in the ops table
    assert samples and all(len(v) == summary["count"] for v in samples.values())
    inside = [op for op in profile.ops if op.mode == "graph" and op.name.startswith("StatefulPartitionedCall/")]
    assert len(inside) > 20
    for op in inside:
        assert sum(samples[op.name]) == pytest.approx(op.self_us, rel=1e-6, abs=1e-3), op.name
    by_name: dict = {}  # an eager op is named by its type, which a graph op may share
    for op in profile.ops:
        by_name[op.name] = by_name.get(op.name, 0.0) + op.self_us
    for name, self_us in by_name.items():  # nothing counted twice, nothing invented
        assert sum(samples.get(name, [0.0])) <= self_us + 1e-3, name
    heaviest = max(inside, key=lambda op: op.self_us)
    ran = [us for us in samples[heaviest.name] if us > 0]
    assert len(ran) == summary["count"]  # the heaviest train op ran in every step
