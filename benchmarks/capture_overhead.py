"""Capture overhead: a steady-state training loop timed with no profiler, under the bare
TensorFlow profiler, and under full tftrace capture (hooks, graphs, py-spy).

All three run in one process on the same warmed-up tf.function (traced before any
trace, so tftrace reads its graph from the FuncGraph at the end of the trace), alternated (the
order rotating every round) for N rounds; prints the median loop time of each and the ratios
tftrace / bare profiler (goal <= 1.10) and bare profiler / none.

    python benchmarks/capture_overhead.py [--rounds 7] [--steps 300] [--batch 32]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def make_step(tf, batch: int):
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = tf.constant((x[:batch] / 16.0).astype("float32"))
    y = tf.constant(y[:batch])
    model = tf.keras.Sequential([tf.keras.Input((64,)), tf.keras.layers.Dense(128, activation="relu"),
                                 tf.keras.layers.Dropout(0.2), tf.keras.layers.Dense(64, activation="relu"),
                                 tf.keras.layers.Dense(10)])
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam()

    @tf.function
    def train_step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return train_step


def loop(step, steps: int) -> float:
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - start


def run_none(tf, step, steps):
    return loop(step, steps)


def run_bare(tf, step, steps):
    logdir = tempfile.mkdtemp()
    tf.profiler.experimental.start(logdir)
    try:
        return loop(step, steps)
    finally:
        tf.profiler.experimental.stop()
        shutil.rmtree(logdir, ignore_errors=True)


def run_tftrace(tf, step, steps):
    import tftrace

    with tftrace.trace(store=False) as t:
        seconds = loop(step, steps)
    assert t.profile.functions, "tftrace captured nothing"
    # the step was traced before the trace: its graph comes from its FuncGraph, read after the loop
    assert any(g["function"] == "train_step" for g in t.profile.graph["functions"]), "no graph for train_step"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    import tensorflow as tf

    step = make_step(tf, args.batch)
    loop(step, 50)  # trace and warm up
    modes = {"none": run_none, "bare profiler": run_bare, "tftrace": run_tftrace}
    times = {name: [] for name in modes}
    names = list(modes)
    for r in range(args.rounds):
        # rotate the order every round: whatever runs right after a profiler session
        # (its teardown, py-spy exiting) must not always be the same mode
        for name in names[r % 3:] + names[:r % 3]:
            times[name].append(modes[name](tf, step, args.steps))
    med = {name: statistics.median(v) for name, v in times.items()}
    per_step = {name: 1e6 * m / args.steps for name, m in med.items()}
    print(f"steps {args.steps} x {args.rounds} rounds, batch {args.batch}; median us/step: "
          + ", ".join(f"{n} {us:.0f}" for n, us in per_step.items()))
    print(f"ratio tftrace / bare profiler: {med['tftrace'] / med['bare profiler']:.3f} (goal <= 1.10)")
    print(f"ratio bare profiler / none:    {med['bare profiler'] / med['none']:.3f}")


if __name__ == "__main__":
    main()
