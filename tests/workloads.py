"""Small CPU workloads the tests (and benchmarks) record with TensorFlow's profiler.

Run as a script: ``python tests/workloads.py OUTDIR NAME [NAME ...]`` writes
``OUTDIR/NAME.xplane.pb`` for each workload, each under its own profiler session,
all in one process (TensorFlow is imported once).
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
import tempfile

import numpy as np


def _digits():
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    return (x / 16.0).astype("float32"), y.astype("int64")


def keras_fit(tf, epochs: int = 2):
    from tftrace.demos.mlp_digits import build_model

    x, y = _digits()
    build_model().fit(x, y, epochs=epochs, batch_size=32, verbose=0)


def gradient_tape(tf):
    x, y = _digits()
    model = tf.keras.Sequential([tf.keras.Input((64,)), tf.keras.layers.Dense(64, activation="relu"),
                                 tf.keras.layers.Dense(10)])
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.SGD(0.1)

    @tf.function
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for i in range(0, 1600, 64):
        train_step(x[i:i + 64], y[i:i + 64])


def tf_data(tf):
    x, y = _digits()
    ds = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(512, seed=0)
          .map(lambda a, b: (a * 2.0 - 1.0, b), num_parallel_calls=2).batch(64).prefetch(2))

    @tf.function
    def step(a, b):
        return tf.reduce_sum(tf.matmul(a, tf.transpose(a))) + tf.cast(tf.reduce_sum(b), tf.float32)

    for _ in range(3):
        for a, b in ds:
            step(a, b)


def lstm(tf):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 20, 8)).astype("float32")
    y = rng.integers(0, 3, size=256)
    model = tf.keras.Sequential([tf.keras.Input((20, 8)), tf.keras.layers.LSTM(32), tf.keras.layers.Dense(3)])
    model.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)


def eager(tf):
    a = tf.random.normal((256, 256), seed=1)
    for _ in range(20):
        a = tf.matmul(a, a) / 256.0


def keras_memory(tf) -> int:
    """A Keras MLP whose weights (3.2 MB) and Adam state dominate what the allocator holds; returns
    the weights' bytes. Record it with TF_CPU_ALLOCATOR_USE_BFC=1 to see every CPU allocation."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2048, 256)).astype("float32")
    y = rng.integers(0, 10, size=2048)
    model = tf.keras.Sequential([tf.keras.Input((256,)), tf.keras.layers.Dense(1024, activation="relu"),
                                 tf.keras.layers.Dense(512, activation="relu"), tf.keras.layers.Dense(10)])
    model.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=1, batch_size=256, verbose=0)
    return sum(v.numpy().nbytes for v in model.weights)


WORKLOADS = {"keras_fit": keras_fit, "gradient_tape": gradient_tape, "tf_data": tf_data,
             "lstm": lstm, "eager": eager, "keras_memory": keras_memory}


def record(tf, fn, out_path: str) -> None:
    logdir = tempfile.mkdtemp(prefix="tftrace-rec-")
    try:
        tf.profiler.experimental.start(logdir)
        try:
            fn(tf)
        finally:
            tf.profiler.experimental.stop()
        [path] = glob.glob(os.path.join(logdir, "plugins", "profile", "*", "*.xplane.pb"))
        shutil.copy(path, out_path)
    finally:
        shutil.rmtree(logdir, ignore_errors=True)


def main(argv: list[str]) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    out_dir, names = argv[0], argv[1:]
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        record(tf, WORKLOADS[name], os.path.join(out_dir, f"{name}.xplane.pb"))


if __name__ == "__main__":
    main(sys.argv[1:])
