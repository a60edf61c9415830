"""The memory profile of real CPU runs: what TensorFlow's CPU allocators report, and under which switch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tftrace.analysis import memory as mem

pytestmark = pytest.mark.tf

REPO = Path(__file__).resolve().parents[2]

# TF_CPU_ALLOCATOR_USE_BFC is read when TensorFlow makes its CPU device, so it is set before
# TensorFlow starts: in a process of its own
RECORD = """
import json, sys
sys.path.insert(0, {tests!r})
import tensorflow as tf
import tftrace
import workloads
with tftrace.trace(store=False, python=False) as t:
    weights = workloads.keras_memory(tf)
print(json.dumps({{"weights": weights, "memory": t.profile.memory, "duration_us": t.profile.duration_us}}))
"""


@pytest.fixture(scope="module")
def bfc_run() -> dict:
    env = dict(os.environ, TF_CPU_ALLOCATOR_USE_BFC="1", TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", RECORD.format(tests=str(REPO / "tests"))], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_cpu_allocation_is_seen_with_the_bfc_switch(bfc_run):
    # GIVEN a Keras fit traced with TF_CPU_ALLOCATOR_USE_BFC=1
    memory, weights = bfc_run["memory"], bfc_run["weights"]
    by_name = {a["name"]: a for a in memory["allocators"]}
    # THEN the CPU device's BFC allocator reports, and its peak holds more than the model's weights
    cpu = by_name["bfc_cpu_allocator_for_gpu"]
    assert weights > 3_000_000
    assert cpu["peak_bytes"] > weights
    assert memory["note"] == mem.NOTE
    # its timeline is bounded, in time order, within the trace, and holds the peak
    timeline = cpu["timeline"]
    assert 0 < len(timeline) <= mem.MAX_POINTS and cpu["events"] >= len(timeline)
    assert [cpu["peak_time_us"], cpu["peak_bytes"]] in timeline
    assert max(b for _, b in timeline) == cpu["peak_bytes"]
    times = [t for t, _ in timeline]
    # (from the XSpace origin; the profile's span starts at its first event, at or before the first here)
    assert times == sorted(times) and 0 <= times[0] and times[-1] - times[0] <= bfc_run["duration_us"]
    # and what is alive at the peak adds up to it, largest first, the tensors named by op, dtype, shape
    rows = cpu["at_peak"]
    assert sum(r["bytes"] * r["count"] for r in rows) == cpu["peak_bytes"]
    assert [r["bytes"] for r in rows] == sorted((r["bytes"] for r in rows), reverse=True)
    tensors = [r for r in rows if r["op"] and r["dtype"] == "float" and r["shape"].startswith("[")]
    assert tensors and cpu["capacity_bytes"] >= cpu["peak_bytes"]


def test_default_cpu_allocator_reports_only_large_allocations(tf):
    # GIVEN TensorFlow's default CPU allocator (oneDNN's mklcpu on x86 Linux), in this process
    import tftrace

    with tftrace.trace(store=False, python=False) as t:
        big = tf.zeros((512, 512)) + 1.0  # 1 MiB
        small = tf.zeros((8,)) + 1.0
        float(tf.reduce_sum(big)) + float(tf.reduce_sum(small))
    names = [a["name"] for a in t.profile.memory["allocators"]]
    if "mklcpu" not in names:
        pytest.skip(f"the CPU allocator here is not oneDNN's mklcpu ({names or 'no allocator events'})")
    # THEN mklcpu reports, the note says what it leaves out, and every tensor it saw is >= 256 KiB
    assert t.profile.memory["note"] == mem.MKL_NOTE
    [mkl] = [a for a in t.profile.memory["allocators"] if a["name"] == "mklcpu"]
    assert mkl["peak_bytes"] >= 512 * 512 * 4
    seen = [r for r in mkl["at_peak"] if r["op"] not in ("unused preallocated device memory", "stack")]
    assert all(r["requested_bytes"] >= 262_144 for r in seen)
