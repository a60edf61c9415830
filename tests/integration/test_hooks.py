"""tf.function / GradientTape hooks, RunMetadata graphs and py-spy stacks on real runs."""

from __future__ import annotations

import importlib.util
import textwrap

import pytest

from tracekit import traced

pytestmark = pytest.mark.tf


def test_retraces_counted_with_causes(tf):
    @tf.function
    def scale(x):
        return x * 2.0

    profile = traced(lambda: [scale(tf.ones((n,))) for n in (4, 8, 16, 32, 8, 4)])
    [row] = [f for f in profile.functions if f.name == "scale"]
    assert (row.calls, row.traces, len(row.retraces)) == (6, 4, 3)
    assert [r["reason"] for r in row.retraces] == ["x: shape (4,) -> (8,)", "x: shape (8,) -> (16,)",
                                                   "x: shape (16,) -> (32,)"]
    assert all("input_signature" in r["fix"] for r in row.retraces)
    assert row.call_sites and row.call_sites[0]["file"] == __file__


def test_keras_fit_shows_its_train_function_and_placed_graph(tf):
    import numpy as np

    from tftrace.demos.mlp_digits import build_model
    from tftrace.stats import stats_dict

    model = build_model()
    x, y = np.random.rand(256, 64).astype("float32"), np.random.randint(0, 10, 256)
    profile = traced(lambda: model.fit(x, y, epochs=1, batch_size=32, verbose=0))
    names = {f.name: f for f in profile.functions}
    assert "multi_step_on_iterator" in names and names["multi_step_on_iterator"].calls >= 8
    nodes = [n for n in profile.graph["nodes"] if n["function"] == "multi_step_on_iterator"]
    assert nodes and all("CPU:0" in n["device"] for n in nodes)
    assert {n["dtype"] for n in nodes if n["op"].endswith("MatMul")} == {"float32"}
    timed = [n for n in nodes if n["total_us"] > 0]
    assert any("MatMul" in n["op"] for n in timed)
    data = stats_dict(profile)
    assert data["graph"]["nodes"] and data["functions"]
    assert any(t["kind"] == "graph" and t["backward_us"] > 0 for t in data["tapes"])


def test_gradient_tape_inside_function_has_forward_and_backward(tf):
    w = tf.Variable(tf.random.normal((64, 64), seed=0))
    x = tf.random.normal((128, 64), seed=1)

    @tf.function
    def train_step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.nn.relu(tf.matmul(tf.matmul(x, w), w)))
        grad = tape.gradient(loss, w)
        w.assign_sub(0.001 * grad)
        return loss

    profile = traced(lambda: [train_step() for _ in range(20)])
    [tape] = [t for t in profile.tapes if t["kind"] == "graph" and t["function"] == "train_step"]
    assert tape["forward_us"] > 0 and tape["backward_us"] > 0


def test_eager_tape_forward_and_backward_spans(tf):
    w = tf.Variable(tf.ones((32, 32)))

    def run():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.matmul(w, w))
        tape.gradient(y, w)

    [tape] = traced(run).tapes
    assert tape["kind"] == "eager" and tape["recordings"] == 1 and tape["gradients"] == 1
    assert tape["forward_us"] > 0 and tape["backward_us"] > 0
    assert tape["site"]["file"] == __file__


def test_hooks_removed_after_exception_and_interrupt(tf):
    import tftrace
    from tensorflow.python.eager import backprop

    function_call = type(tf.function(lambda: None)).__call__
    enter = backprop.GradientTape.__enter__
    for error in (ValueError, KeyboardInterrupt):
        with pytest.raises(error):
            with tftrace.trace(store=False, python=False):
                raise error()
        assert type(tf.function(lambda: None)).__call__ is function_call
        assert backprop.GradientTape.__enter__ is enter


USER_MODULE = """
import time
import tensorflow as tf

@tf.function
def user_step(a):
    return tf.reduce_sum(tf.matmul(a, a))

def my_user_training_loop(seconds):
    a = tf.random.normal((96, 96), seed=3)
    end = time.time() + seconds
    while time.time() < end:
        user_step(a)
"""


@pytest.fixture()
def user_module(tmp_path):
    path = tmp_path / "user_code.py"
    path.write_text(textwrap.dedent(USER_MODULE))
    spec = importlib.util.spec_from_file_location("user_code", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pyspy_frames_include_user_functions_and_flame_joins_ops(tf, user_module):
    profile = traced(lambda: user_module.my_user_training_loop(1.0), python=True)
    assert profile.python["samples"] >= 20, profile.warnings
    user = [frame["function"] for frame in profile.python["top"] if frame["user"]]
    assert "my_user_training_loop" in user and profile.python["top"][0]["user"]

    def walk(node, path=()):
        yield node, path
        for child in node["children"]:
            yield from walk(child, path + (node["name"],))

    nodes = list(walk(profile.flame))
    [call] = [n for n, path in nodes if n["name"] == "tf.function user_step"][:1]
    assert any(n["name"] == "my_user_training_loop" for n, _ in nodes)
    assert any(c["kind"] == "op" and "MatMul" in c["type"] for c in call["children"])
    for node, _ in nodes:  # children never exceed their parent
        assert sum(c["value_us"] for c in node["children"]) <= node["value_us"] + 1e-6


def test_without_pyspy_one_warning_and_everything_else(tf, monkeypatch, capsys):
    from tftrace.capture import pyspy, session

    monkeypatch.setattr(pyspy, "find_pyspy", lambda: "/bin/false")
    monkeypatch.setattr(session, "_said_once", set())

    @tf.function
    def double(x):
        return tf.matmul(x, x)

    profile = traced(lambda: [double(tf.ones((8, 8))) for _ in range(3)], python=True)
    warnings = [w for w in profile.warnings if "py-spy" in w]
    assert len(warnings) == 1 and "Python stacks are not recorded" in warnings[0]
    assert any(op.type.endswith("MatMul") for op in profile.ops)
    args = [n for n in profile.graph["nodes"] if n["function"] == "double" and n["op"] == "_Arg"]
    assert [(n["dtype"], n["shapes"]) for n in args] == [("float32", ["[8,8]"])]
    assert profile.python["samples"] == 0
    again = traced(lambda: double(tf.ones((8, 8))), python=True)
    assert [w for w in again.warnings if "py-spy" in w] == warnings  # in every profile ...
    assert capsys.readouterr().err.count("Python stacks are not recorded") == 1  # ... said once


def test_keras_model_warmed_up_before_the_trace_has_its_graph(tf):
    # GIVEN a Keras model whose train function was traced by a fit before the trace (as the quickstart does)
    import numpy as np

    from tftrace.demos.mlp_digits import build_model

    model = build_model()
    x, y = np.random.rand(256, 64).astype("float32"), np.random.randint(0, 10, 256)
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    # WHEN a second fit is profiled
    profile = traced(lambda: model.fit(x, y, epochs=1, batch_size=32, verbose=0))
    # THEN its train function's graph is there, no retrace, one MatMul per Dense layer, placed, with times
    [train] = [f for f in profile.functions if f.name == "multi_step_on_iterator"]
    assert train.traces == 0 and train.trace_us == 0
    nodes = [n for n in profile.graph["nodes"] if n["function"] == "multi_step_on_iterator"]
    dense = {layer.name for layer in model.layers if type(layer).__name__ == "Dense"}
    forward = [n for n in nodes if n["op"] == "MatMul" and not n["name"].startswith("gradient_tape/")]
    assert sorted(n["layer"]["name"] for n in forward) == sorted(dense)
    assert {n["layer"]["class"] for n in forward} == {"Dense"}
    assert all(n["device"].endswith("CPU:0") and n["placement"] for n in nodes)
    for name in dense:  # every Dense layer's nodes were measured (Grappler may fuse its MatMul into the Relu)
        assert sum(n["total_us"] for n in nodes if n["layer"].get("name") == name) > 0, name
    assert all(n["source"]["file"] == __file__ for n in forward)  # the line whose fit traced it
    graph_ops = [op for op in profile.ops if op.layer]
    assert graph_ops and {op.layer["class"] for op in graph_ops} >= {"Dense"}


def test_flame_op_values_are_the_measured_op_times(tf, user_module):
    profile = traced(lambda: user_module.my_user_training_loop(1.0), python=True)
    per_op: dict = {}

    def walk(node):
        if node["kind"] == "op":
            per_op[node["name"]] = per_op.get(node["name"], 0.0) + node["value_us"]
        for child in node["children"]:
            walk(child)

    walk(profile.flame)
    measured = {op.name: op.self_us for op in profile.ops}
    assert per_op and any("MatMul" in name for name in per_op)
    for name, value in per_op.items():
        assert value <= measured[name] * 1.01 + 1e-3, name
    matmul = next(name for name in per_op if "MatMul" in name)
    assert per_op[matmul] >= measured[matmul] * 0.99  # all of it ran inside the calls


def test_execution_per_call_apart_from_tracing(tf):
    import statistics
    import time

    @tf.function
    def step(a):
        return tf.reduce_sum(tf.matmul(a, a))

    a = tf.random.normal((64, 64), seed=4)

    def run():
        step(a)  # traces
        times = []
        for _ in range(200):
            start = time.perf_counter_ns()
            step(a)
            times.append(time.perf_counter_ns() - start)
        return times

    holder = {}
    profile = traced(lambda: holder.setdefault("times", run()))
    [row] = [f for f in profile.functions if f.name == "step"]
    loop_median_us = statistics.median(holder["times"]) / 1e3
    assert (row.calls, row.traces) == (201, 1) and row.trace_us > 0
    assert row.call_us["n"] == 200
    assert loop_median_us / 2 <= row.call_us["median"] <= loop_median_us * 2
    assert row.call_us["min"] <= row.call_us["median"] <= row.call_us["p95"] <= row.call_us["max"]
