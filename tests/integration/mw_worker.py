"""One worker of a MultiWorkerMirroredStrategy custom training loop on loopback (for the tests).

argv: index, cluster ports (comma separated), profiler port, input delay ms (0: none), seconds.
The worker serves its profiler with ``tftrace.serve`` and marks each step with a
TensorFlow step marker; a delay sleeps in its input pipeline, per batch (a straggler by construction).
"""

import json
import os
import sys
import time

index, cluster, profiler_port, delay_ms, seconds = sys.argv[1:6]
index, profiler_port, delay_ms, seconds = int(index), int(profiler_port), int(delay_ms), float(seconds)
ports = [int(p) for p in cluster.split(",")]
os.environ["TF_CONFIG"] = json.dumps({"cluster": {"worker": [f"localhost:{p}" for p in ports]},
                                      "task": {"type": "worker", "index": index}})

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from tensorflow.python.data.experimental.ops.testing import sleep  # noqa: E402

import tftrace  # noqa: E402

tftrace.serve(profiler_port, quiet=True)
strategy = tf.distribute.MultiWorkerMirroredStrategy()
GLOBAL_BATCH = 64 * len(ports)


def dataset_fn(ctx):
    rng = np.random.default_rng(ctx.input_pipeline_id)
    x = rng.normal(size=(4096, 32)).astype("float32")
    y = rng.integers(0, 10, 4096)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).repeat().batch(ctx.get_per_replica_batch_size(GLOBAL_BATCH))
    if delay_ms:  # tf.data's own sleep stage (a tf.numpy_function sleeping made TF 2.21 crash under the profiler)
        ds = ds.apply(sleep(delay_ms * 1000))
    return ds


with strategy.scope():
    w1 = tf.Variable(tf.random.normal((32, 256), seed=1), name="w1")
    w2 = tf.Variable(tf.random.normal((256, 10), seed=2), name="w2")
    optimizer = tf.keras.optimizers.SGD(0.01)
batches = iter(strategy.distribute_datasets_from_function(dataset_fn))


@tf.function
def train_step(iterator):
    def step(x, y):
        with tf.GradientTape() as tape:
            logits = tf.matmul(tf.nn.relu(tf.matmul(x, w1)), w2)
            labels = tf.cast(tf.reshape(y, [-1]), tf.int32)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
        grads = tape.gradient(loss, [w1, w2])
        optimizer.apply_gradients(zip(grads, [w1, w2]))
        return loss

    return strategy.run(step, args=next(iterator))


# Ready after 2 s of steps: traced, collectives and tf.data warmed up. (Capturing a worker within
# ~1 s of its first step crashed TF 2.21's profiler now and then: heap corruption in the worker.)
start = time.time()
end = start + seconds
step = 0
ready = False
while time.time() < end:
    if not ready and time.time() > start + 2:
        print("ready", flush=True)
        ready = True
    with tf.profiler.experimental.Trace("train", step_num=step, _r=1):
        train_step(batches)
    step += 1
