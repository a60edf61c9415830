"""``--repeat N``: run the traced code N times in one profile, each run a step.

Each repeat is a TensorFlow step marker named ``tftrace.repeat`` (what
``tf.profiler.experimental.Trace(name, step_num=n, _r=1)`` records, so XProf sees the
same steps), and analysis takes these as the steps whenever they are there. A cell or
script without a loop of its own still yields samples to compare runs with; the first
repeat is warm-up.
"""

from __future__ import annotations

from ..analysis.steps import REPEAT_MARKER


def run_repeated(body, times: int):
    """Call ``body()`` ``times`` times, each inside a repeat marker; its last value. An exception
    stops the repeats and propagates (the repeats before it are in the profile)."""
    value = None
    for n in range(1, times + 1):
        with repeat_step(n):
            value = body()
    return value


def repeat_step(n: int):
    """The step marker of the ``n``-th repeat (a context manager)."""
    import tensorflow as tf

    return tf.profiler.experimental.Trace(REPEAT_MARKER, step_num=n, _r=1)
