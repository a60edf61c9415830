"""Run by ``test_pyspy.py`` in a fresh process: a small TensorFlow loop traced without
Python stacks, then with the py-spy ``TFTRACE_PY_SPY`` names; prints one JSON object
{plain_s, sampled_s, result, ops, warnings}."""

from __future__ import annotations

import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

import tftrace  # noqa: E402


def work(seconds: float = 0.3) -> float:
    x = tf.ones((64, 64))
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        x = tf.matmul(x, x) / 64.0
    return float(tf.reduce_sum(x))


def traced(python: bool):
    t0 = time.monotonic()
    with tftrace.trace(python=python, store=False) as t:
        result = work()
    return time.monotonic() - t0, t.profile, result


if __name__ == "__main__":
    traced(False)  # warm-up: the first trace in a process pays TensorFlow's set-up
    plain_s, _, _ = traced(False)
    sampled_s, profile, result = traced(True)
    print(json.dumps({"plain_s": plain_s, "sampled_s": sampled_s, "result": result,
                      "ops": len(profile.ops), "warnings": profile.warnings}))
