"""A Keras MLP trained on synthetic data: the workload the run comparison is tested on.

``python tests/diff_workload.py [WIDTH] [MODELS_BEFORE]``: the second Dense layer has
WIDTH units (default 256; widen it to make a known change); MODELS_BEFORE models are
built first in the same process, so this one's layers are renumbered (``dense_6``
instead of ``dense``), as when a notebook cell runs again.
"""

import sys

import numpy as np
import tensorflow as tf


def build(width: int):
    return tf.keras.Sequential([
        tf.keras.Input((256,)),
        tf.keras.layers.Dense(256, activation="relu"),
        tf.keras.layers.Dense(width, activation="relu"),
        tf.keras.layers.Dense(10),
    ])


def main(width: int = 1024, models_before: int = 0, steps: int = 20, batch: int = 1024) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((steps * batch, 256)).astype("float32")
    y = rng.integers(0, 10, steps * batch)
    for _ in range(models_before):
        build(width)
    model = build(width)
    model.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=False)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
