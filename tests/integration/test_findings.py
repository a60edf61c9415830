"""Steps and findings on workloads built so that the answer is known."""

from __future__ import annotations

import time

import pytest

from tracekit import traced

pytestmark = pytest.mark.tf

NOISY = {"input-bound", "retrace-bound", "eager-bound", "launch-bound"}


def kinds(profile) -> list[str]:
    return [f["kind"] for f in profile.findings]


def test_input_bound_pipeline_names_the_sleeping_stage_first(tf):
    # GIVEN a tf.data map that sleeps 3 ms per element in Python, feeding a fast step
    def slow(x):
        time.sleep(0.003)
        return x

    ds = tf.data.Dataset.range(160).map(lambda i: tf.py_function(slow, [tf.cast(i, tf.float32)], tf.float32))
    ds = ds.batch(8)

    @tf.function
    def step(xb):
        return tf.reduce_sum(xb * 2.0)

    step(tf.ones((8,)))  # traced before: only waiting is left to find
    profile = traced(lambda: [step(xb) for xb in ds])
    # THEN the steps are the calls of step, mostly waiting for input, and input-bound comes first
    summary = profile.step_summary
    assert (summary["source"], summary["function"], summary["count"]) == ("function", "step", 20)
    assert kinds(profile)[0] == "input-bound"
    finding = profile.findings[0]
    assert "Map" in finding["stages"][0]["name"], finding["stages"]
    assert finding["severity"] == "high" and "num_parallel_calls" in finding["fix"]
    assert finding["location"]["file"] == __file__
    for row in summary["rows"]:
        assert abs(sum(row["breakdown"].values()) - row["wall_us"]) < 1e-3 * row["wall_us"] + 0.01


def test_retraced_every_call_is_retrace_bound(tf):
    @tf.function
    def grow(x):
        return tf.reduce_sum(x * x)

    profile = traced(lambda: [grow(tf.ones((n,))) for n in range(2, 14)])
    assert kinds(profile)[0] == "retrace-bound"
    finding = profile.findings[0]
    assert "grow traced 12 times in 12 calls" in finding["title"]
    assert "input_signature" in finding["fix"] and finding["location"]["file"] == __file__


def test_python_loop_of_eager_ops_is_eager_bound_at_its_line(tf):
    w = tf.Variable(tf.ones((16, 16)) * 0.01)
    x = tf.ones((16, 16))

    def loop():
        for _ in range(400):
            w.assign_sub(0.001 * tf.matmul(x, w) - 0.0001)  # the line that dispatches

    profile = traced(loop, python=True)
    assert profile.step_summary["source"] == "none" and "eager" in profile.step_summary["reason"]
    assert kinds(profile)[0] == "eager-bound"
    finding = profile.findings[0]
    assert finding["location"].get("file") == __file__, finding
    assert "tf.function" in finding["fix"]


def test_healthy_compute_bound_loop_raises_no_alarm(tf):
    a = tf.random.normal((384, 384), seed=1)

    @tf.function
    def heavy(m):
        for _ in range(4):
            m = tf.tanh(tf.matmul(m, m) * 1e-3)
        return tf.reduce_sum(m)

    heavy(a)
    profile = traced(lambda: [heavy(a) for _ in range(25)])
    assert profile.step_summary["count"] == 25
    assert not NOISY & set(kinds(profile)), profile.findings


def _fit(tf, marked: bool):
    import numpy as np

    from tftrace.demos.mlp_digits import build_model

    class Steps(tf.keras.callbacks.Callback):
        """Step markers the way XProf reads them."""

        def on_train_batch_begin(self, batch, logs=None):
            self.trace = tf.profiler.experimental.Trace("train", step_num=batch, _r=1)
            self.trace.__enter__()

        def on_train_batch_end(self, batch, logs=None):
            self.trace.__exit__(None, None, None)

    model = build_model()
    x, y = np.random.rand(320, 64).astype("float32"), np.random.randint(0, 10, 320)
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    return traced(lambda: model.fit(x, y, epochs=1, batch_size=32, verbose=0,
                                    callbacks=[Steps()] if marked else []))


def test_keras_fit_steps_with_and_without_markers(tf):
    marked, plain = _fit(tf, True), _fit(tf, False)
    assert marked.step_summary["source"] == "markers" and plain.step_summary["source"] == "function"
    assert plain.step_summary["function"] == "multi_step_on_iterator"
    assert marked.step_summary["count"] == plain.step_summary["count"] == 10


def test_a_garbage_collection_pause_is_the_outliers_reason(tf):
    import gc

    a = tf.ones((32, 32))

    @tf.function
    def small(m):
        return tf.reduce_sum(tf.matmul(m, m))

    small(a)
    junk = [[{"i": i}] for i in range(300_000)]  # a heap for the collector to walk

    def loop():
        for i in range(30):
            small(a)
            if i == 20:
                gc.collect()  # a full collection inside step 21

    profile = traced(loop)
    del junk
    [row] = [r for r in profile.step_summary["rows"] if r["step"] == 21]
    assert row["breakdown"].get("gc", 0) > 0.5 * row["wall_us"]
    assert "garbage collection" in row["outlier"]
    [outlier] = [f for f in profile.findings if f["kind"] == "step-outlier"]
    assert "gc.freeze()" in outlier["fix"]
