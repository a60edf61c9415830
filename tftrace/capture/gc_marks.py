"""Python garbage-collection pauses, marked in the TensorFlow trace.

While a trace runs, a ``gc.callbacks`` hook wraps every collection in a
``tftrace.gc`` TraceMe (stat generation=), so pauses land on the XSpace's clock next
to the ops: the step breakdown counts them (category ``gc``) and a slow step can say
"garbage collection". Removed when the trace ends, even on an error.
"""

from __future__ import annotations

import gc
import threading

EVENT = "tftrace.gc"


class GcMarks:
    def __init__(self, tf):
        self.tf = tf
        self._open = threading.local()

    def install(self) -> None:
        gc.callbacks.append(self._callback)

    def uninstall(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            trace = self.tf.profiler.experimental.Trace(EVENT, generation=info.get("generation", -1))
            trace.__enter__()
            self._open.trace = trace
        else:
            trace = getattr(self._open, "trace", None)
            self._open.trace = None
            if trace is not None:
                trace.__exit__(None, None, None)

    def results(self) -> list:
        return []
