"""Run comparison on hand-built runs whose answer is known: matching across renumbering,
intervals, verdicts, warm-up, new/gone rows and the text table."""

from __future__ import annotations

import random

import pytest

from tftrace.diff import SCHEMA, diff
from tftrace.diff.bootstrap import ratio_intervals
from tftrace.diff.match import pair
from tftrace.diff.table import duration, to_table
from tftrace.diff.verdict import judge, noise_floor
from tftrace.model import OpStat, Profile, Step

DENSE = "StatefulPartitionedCall/sequential_{m}/dense_{d}/MatMul"


def run(ops: dict, steps: int = 30, seed: int = 0, first_step_us: float = 50_000.0, other_us: float = 300.0,
        name: str = "run", dataset: dict | None = None, noise: float = 0.03) -> Profile:
    """A run of ``steps`` steps: each op of ``ops`` ({name: us per step}) takes about that long in
    every step (``noise`` relative jitter), plus ``other_us`` of runtime; the first step also traces."""
    rng = random.Random(seed)
    samples = {op: [us * (1 + rng.gauss(0, noise)) for _ in range(steps)] for op, us in {**ops, **(dataset or {})}.items()}
    rows, t = [], 0.0
    for i in range(steps):
        compute = sum(s[i] for s in samples.values())
        wall = compute + other_us + (first_step_us if i == 0 else 0.0)
        rows.append({"step": i + 1, "name": f"train {i + 1}", "start_us": t, "wall_us": wall,
                     "breakdown": {"host_compute": compute, "other": wall - compute}, "outlier": ""})
        t += wall
    step_rows = [Step(name="train", function="train", start_us=r["start_us"], duration_us=r["wall_us"] - 100.0,
                      traced=r["step"] == 1) for r in rows]
    op_rows = [OpStat(name=op, type=op.rsplit("/", 1)[-1], device="/host:CPU", mode="graph", count=steps,
                      total_us=sum(s), self_us=sum(s), category="dataset" if op in (dataset or {}) else "tensorflow")
               for op, s in samples.items()]
    return Profile(name=name, ops=op_rows, steps=step_rows, step_ops=samples,
                   step_summary={"source": "function", "function": "train", "reason": "", "count": steps,
                                 "rows": rows, "categories": ["host_compute", "other"]})


def model_ops(model: int, first: int, widths=(1000.0, 2000.0, 500.0)) -> dict:
    return {DENSE.format(m=model, d=first + k): us for k, us in enumerate(widths)}


def test_renumbered_layers_match_by_their_rank():
    a = [DENSE.format(m=1, d=d) for d in (1, "1_2", "2_1")] + ["StatefulPartitionedCall/adam/Sub_10", "__inference_f_12"]
    b = [DENSE.format(m="2_1", d=d) for d in ("6_1", "7_1", "8_1")] + ["StatefulPartitionedCall/adam/Sub_10", "__inference_f_98", "Extra"]
    pairs, gone, new = pair(a, b)
    assert pairs == [(a[0], b[0]), (a[1], b[1]), (a[2], b[2]), (a[3], b[3]), (a[4], b[4])]
    assert gone == [] and new == ["Extra"]


def test_a_scope_that_gained_a_sibling_still_matches_by_name():
    pairs, gone, new = pair(["s/Sub", "s/Sub_1"], ["s/Sub", "s/Sub_1", "s/Sub_2"])
    assert dict(pairs) == {"s/Sub": "s/Sub", "s/Sub_1": "s/Sub_1"} and gone == [] and new == ["s/Sub_2"]


def test_intervals_cover_the_true_ratio_and_are_reproducible():
    rng = random.Random(3)
    a = [[100 + rng.gauss(0, 10) for _ in range(40)]]
    b = [[150 + rng.gauss(0, 10) for _ in range(30)]]
    (ratio, low, high), = ratio_intervals(a, b)
    true = (150 - 0.674 * 10) / (100 - 0.674 * 10)  # the lower quartiles' ratio
    assert low < true < high and low < ratio < high and high - low < 0.4
    assert ratio_intervals(a, b) == [(ratio, low, high)]
    assert ratio_intervals([[0.0, 0.0]], [[1.0, 2.0]]) == [(None, None, None)]


def test_a_change_needs_an_interval_off_one_and_a_ratio_past_the_noise_floor():
    assert judge(2.0, 1.8, 2.2, 0.05, 30, 30) == ("slower", "")
    assert judge(0.5, 0.45, 0.55, 0.05, 30, 30) == ("faster", "")
    verdict, note = judge(1.05, 1.02, 1.08, 0.05, 30, 30)  # off one, inside the floor
    assert verdict == "same" and "noise" in note and noise_floor(0.05) > 1.05
    assert judge(1.9, 0.8, 3.0, 0.05, 30, 30)[0] == "same"  # interval holds 1
    assert judge(3.0, 2.5, 3.5, 0.05, 2, 30)[0] == "same"  # too few samples
    assert judge(3.0, 2.5, 3.5, 0.05, 30, 30, delta_share=0.001)[0] == "same"  # immaterial
    assert noise_floor(0.0) > 1.8 and noise_floor(0.0, noise=0.05) < 1.2  # the prior sets the floor
    assert judge(1.3, 1.2, 1.4, 0.02, 30, 30)[0] == "same" and judge(1.3, 1.2, 1.4, 0.02, 30, 30, noise=0.05)[0] == "slower"


def test_an_op_is_not_called_changed_when_the_step_did_not_change():
    # an op of 16% of the step doubles: the step moves by 16%, inside the run-to-run noise assumed
    a = run({"x/Big": 4000.0, "x/Small": 800.0}, seed=1)
    b = run({"x/Big": 4000.0, "x/Small": 1600.0}, seed=2)
    result = diff(a, b)
    small, = [r for r in result["rows"] if r["key"] == "x/Small"]
    assert result["step"]["verdict"] == "same" and small["verdict"] == "same"
    assert small["ratio"] > 1.8 and small["low"] > 1 and "step time did not change" in small["note"]
    # on a machine declared quiet, both the step and the op are changes
    quiet = diff(a, b, noise=0.005)
    assert quiet["step"]["verdict"] == "slower"
    assert [r["verdict"] for r in quiet["rows"] if r["key"] == "x/Small"] == ["slower"]


def test_a_widened_layer_is_slower_and_everything_else_is_the_same():
    before = run(model_ops(1, 1), seed=1)
    after = run(model_ops(1, 1, widths=(1000.0, 8000.0, 500.0)), seed=2)
    result = diff(before, after, "a1", "b1")
    assert result["schema"] == SCHEMA and set(result) == {"schema", "a", "b", "method", "step", "rows", "notes"}
    ops = {r["key"]: r for r in result["rows"] if r["kind"] == "op"}
    widened = ops[DENSE.format(m=1, d=2)]
    assert widened["verdict"] == "slower" and widened["low"] > 3.5
    assert widened["b_mean_us"] - widened["a_mean_us"] == pytest.approx(6000, rel=0.05)
    assert widened["delta_us"] == pytest.approx(6000, rel=0.1)  # of the lower quartiles
    assert all(r["verdict"] == "same" for k, r in ops.items() if k != widened["key"])
    assert result["step"]["verdict"] == "slower" and result["step"]["low"] > 1
    assert result["rows"][0]["verdict"] == "slower"  # changes first
    # the first step traced and took 50 ms: warm-up, set aside, not averaged in
    assert result["a"]["steps"] == {"total": 30, "used": 29, "warmup": 1, "outliers": 0}
    assert result["step"]["a_warmup_ms"][0] > 50 and max(result["step"]["a_samples_ms"]) < 10
    assert set(result["step"]) >= {"a_ms", "b_ms", "ratio", "low", "high", "verdict", "a_samples_ms", "b_samples_ms"}


def test_the_same_model_renumbered_matches_and_shows_b_names():
    result = diff(run(model_ops(1, 1), seed=1), run(model_ops(3, 7), seed=2))
    ops = [r for r in result["rows"] if r["kind"] == "op"]
    assert len(ops) == 3 and all(r["verdict"] == "same" and r["b_key"] for r in ops)
    assert ops[0]["b_key"].startswith("StatefulPartitionedCall/sequential_3/dense_")


def test_what_only_one_run_has_is_new_or_gone_never_a_zero_ratio():
    a = run({"x/MatMul": 1000.0, "x/Gone": 300.0}, seed=1)
    b = run({"x/MatMul": 1000.0, "x/Added": 400.0}, seed=2)
    rows = {r["key"]: r for r in diff(a, b)["rows"]}
    assert rows["x/Gone"]["verdict"] == "gone" and rows["x/Gone"]["ratio"] is None and rows["x/Gone"]["b_us"] == 0
    assert rows["x/Added"]["verdict"] == "new" and rows["x/Added"]["ratio"] is None and rows["x/Added"]["a_us"] == 0
    text = to_table(diff(a, b))
    assert "0.00" not in text.split("only in one run")[1].split("\n\n")[0] and "new" in text


def test_tf_data_iterators_are_compared_as_input_not_as_ops():
    a = run({"x/MatMul": 1000.0}, dataset={"Iterator::Root::Prefetch": 500.0}, seed=1)
    b = run({"x/MatMul": 1000.0}, dataset={"Iterator::Root::Prefetch": 5000.0}, seed=2)
    assert [r["key"] for r in diff(a, b)["rows"] if r["kind"] == "op"] == ["x/MatMul"]


def test_functions_compare_per_call_without_the_calls_that_traced():
    result = diff(run({"x/MatMul": 1000.0}, seed=1), run({"x/MatMul": 1000.0}, seed=2))
    function, = [r for r in result["rows"] if r["kind"] == "function"]
    assert function["key"] == "train" and function["a_us"] < 2000 and function["verdict"] == "same"


def test_a_run_without_steps_is_one_sample_and_says_so():
    a = run({"x/MatMul": 1000.0}, seed=1)
    lone = Profile(name="lone", ops=[OpStat("x/MatMul", "MatMul", "/host:CPU", "graph", 1, 900.0, 900.0)],
                   duration_us=2000.0, step_summary={"source": "none", "reason": "no steps", "count": 0, "rows": []})
    result = diff(a, lone)
    assert result["step"]["verdict"] == "same" and "too few samples" in result["step"]["note"]
    assert any("one sample" in n for n in result["notes"])


def test_durations_are_signed_with_units():
    assert duration(-4687.312, signed=True) == "\u22124.69 ms"
    assert duration(45.6, signed=True) == "+45.6 us" and duration(1500.0) == "1.50 ms"


def test_a_run_on_a_busier_machine_needs_a_bigger_change_and_says_why():
    a = run({"x/Big": 4000.0, "x/Small": 800.0}, seed=1)
    b = run({"x/Big": 8000.0, "x/Small": 800.0}, seed=2)  # the step x1.8
    a.machine = {"cpus": 2, "others_pct": 2.0, "steal_pct": 0.0, "own_pct": 90.0}
    b.machine = {"cpus": 2, "others_pct": 45.0, "steal_pct": 5.0, "own_pct": 48.0}
    result = diff(a, b, noise=0.05)
    assert result["step"]["verdict"] == "same"  # losing 48% more of the CPUs can cost x1.92
    assert any("other processes and the hypervisor took 50%" in n and "x1.92" in n for n in result["notes"])
    assert result["method"]["machine_load"] == pytest.approx(1 / 0.52, rel=1e-3)
    much = run({"x/Big": 16000.0, "x/Small": 800.0}, seed=3)  # the step x3.5: more than the machine explains
    much.machine = dict(b.machine)
    assert diff(a, much, noise=0.05)["step"]["verdict"] == "slower"
    b.machine = dict(a.machine)
    assert diff(a, b, noise=0.05)["step"]["verdict"] == "slower"
