"""Start and stop TensorFlow's profiler around a trace, and collect the XSpace it writes."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile

from ..errors import CaptureError, TensorFlowMissingError
from ..sources import read_xplanes, xplane_files

_ALREADY_RUNNING = ("Another profiler", "already", "profiler session is active")


def _missing_tensorflow(why: str) -> TensorFlowMissingError:
    return TensorFlowMissingError(
        f"tracing needs TensorFlow, which this Python ({sys.executable}) {why}: install TensorFlow into it "
        "(pip install tensorflow; tensorflow-cpu, tf-nightly or a vendor build do too)")


def require_tensorflow() -> None:
    """TensorFlowMissingError unless this Python can find TensorFlow; does not import it (seconds,
    and its log lines: ``tftrace run`` filters those only once the trace starts)."""
    if importlib.util.find_spec("tensorflow") is None:
        raise _missing_tensorflow("does not have")


def import_tensorflow():
    """The tensorflow module; TensorFlowMissingError (one line) when this Python has none, or one
    that fails to import (a missing CUDA library, a numpy it was not built for, ...)."""
    try:
        import tensorflow
    except ImportError as exc:
        raise _missing_tensorflow("does not have" if exc.name == "tensorflow" else f"cannot import ({exc})") from None
    return tensorflow


class TfProfiler:
    """One TensorFlow profiler session writing into a private temporary log dir."""

    def __init__(self):
        self.logdir = tempfile.mkdtemp(prefix="tftrace-")
        self.running = False

    def start(self) -> None:
        import tensorflow as tf

        options = tf.profiler.experimental.ProfilerOptions(
            host_tracer_level=2, python_tracer_level=0, device_tracer_level=1)
        try:
            tf.profiler.experimental.start(self.logdir, options=options)
        except Exception as exc:  # TF raises AlreadyExistsError / UnavailableError
            self.cleanup()
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if any(marker.lower() in message.lower() for marker in _ALREADY_RUNNING) or "AlreadyExists" in type(exc).__name__:
                raise CaptureError(
                    "another TensorFlow profiler is already running (for example a Keras TensorBoard "
                    "callback with profile_batch); stop it before tracing with tftrace") from None
            raise CaptureError(f"cannot start the TensorFlow profiler: {message}") from None
        self.running = True

    def stop(self) -> dict:
        """Stop the profiler (always) and return {host: XSpace bytes}."""
        import tensorflow as tf

        if not self.running:
            return {}
        self.running = False
        try:
            tf.profiler.experimental.stop()
        except Exception as exc:
            raise CaptureError(f"the TensorFlow profiler failed to stop: {exc}") from None
        return read_xplanes(xplane_files(self.logdir))

    def cleanup(self) -> None:
        shutil.rmtree(self.logdir, ignore_errors=True)
