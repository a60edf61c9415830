"""Steps and input stages against XProf's input_pipeline_analyzer on the same XSpace."""

from __future__ import annotations

import statistics
import time

import pytest

from xprofkit import datatable_rows, xprof_tool

pytestmark = pytest.mark.tf


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    """A loop over a sleepy tf.data pipeline with XProf's step markers: (profile, XSpace path)."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    import tftrace

    def slow(x):
        time.sleep(0.002)
        return x

    ds = (tf.data.Dataset.range(240).map(lambda i: tf.py_function(slow, [tf.cast(i, tf.float32)], tf.float32))
          .batch(8).prefetch(1))
    w = tf.Variable(tf.random.normal((64, 64), seed=0))

    @tf.function
    def step(xb):
        return tf.reduce_sum(tf.matmul(tf.ones((64, 64)) * tf.reduce_mean(xb), w))

    step(tf.ones((8,)))
    with tftrace.trace(store=False, python=False) as t:
        for i, xb in enumerate(ds):
            with tf.profiler.experimental.Trace("train", step_num=i, _r=1):
                step(xb)
    path = tmp_path_factory.mktemp("marked") / "marked.xplane.pb"
    path.write_bytes(next(iter(t.profile.xspaces.values())))
    return t.profile, path


def test_marked_steps_match_xprofs_step_table(marked, tmp_path):
    profile, path = marked
    tables = xprof_tool(path, "input_pipeline_analyzer", tmp_path)
    xprof = datatable_rows(tables[1])
    ours = profile.step_summary["rows"]
    assert profile.step_summary["source"] == "markers" and len(ours) == 30
    # XProf drops the first and last step of a profile with more than 5 (maybe_drop_incomplete_steps)
    assert len(xprof) == len(ours) - 2
    assert [r["Step number"] for r in xprof] == [r["name"] for r in ours[1:-1]]
    for theirs, mine in zip(xprof, ours[1:-1]):
        assert mine["wall_us"] / 1e3 == pytest.approx(theirs["Step time"], rel=1e-3)
    mean_xprof = statistics.mean(r["Step time"] for r in xprof)
    assert statistics.mean(r["wall_us"] for r in ours[1:-1]) / 1e3 == pytest.approx(mean_xprof, rel=0.02)


def test_input_stages_match_xprofs_host_input_ops(marked, tmp_path):
    profile, path = marked
    stages = datatable_rows(xprof_tool(path, "input_pipeline_analyzer", tmp_path)[2])
    ours = {op.name: op for op in profile.ops if op.category == "dataset"}
    checked = 0
    for stage in stages:
        if stage["Total Self Time (as % of total input-processing time)"] < 0.01:
            continue
        mine = ours[stage["Input Op"]]
        assert mine.self_us / 1e3 == pytest.approx(stage["Total Self Time (in ms)"], rel=0.02), stage["Input Op"]
        assert mine.count == stage["Count"]
        checked += 1
    assert checked >= 2


def test_keras_fit_has_steps_where_xprof_finds_none(recorded, tmp_path):
    import tftrace

    tables = xprof_tool(recorded["keras_fit"], "input_pipeline_analyzer", tmp_path)
    assert datatable_rows(tables[1]) == []  # "No step marker observed"
    summary = tftrace.load(recorded["keras_fit"]).step_summary
    assert summary["source"] == "function" and summary["function"] == "multi_step_on_iterator"
    assert summary["count"] > 10
