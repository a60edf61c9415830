"""``tftrace.serve(port)``: make this worker capturable (TensorFlow's profiler server), in one line.

A worker of a multi-worker job calls it once at start-up; ``tftrace capture
HOST:PORT,...`` (or ``%%tftrace --workers``) then traces every worker for the same window.
"""

from __future__ import annotations

import socket
import sys

from ..errors import CaptureError

_started: dict = {}  # port -> address: TensorFlow runs one profiler server per process


def serve(port: int = 6009, quiet: bool = False) -> str:
    """Start TensorFlow's profiler server on ``port`` and return the ``host:port`` to capture.

    Calling it again with the same port returns the same address; another port is an error
    (TensorFlow allows one profiler server per process)."""
    if not isinstance(port, int) or not 0 < port < 65536:
        raise CaptureError(f"tftrace.serve: port must be 1-65535, not {port!r}")
    if port in _started:
        return _started[port]
    if _started:
        raise CaptureError(f"tftrace.serve: this process already serves on {next(iter(_started.values()))} "
                           "(TensorFlow runs one profiler server per process)")
    from .profiler import import_tensorflow

    tf = import_tensorflow()
    try:
        tf.profiler.experimental.server.start(port)
    except Exception as exc:  # UnknownError: "Could not start gRPC server" (port taken)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CaptureError(f"tftrace.serve: cannot start the profiler server on port {port}: {first}") from None
    address = _started[port] = f"{socket.gethostname()}:{port}"
    if not quiet:
        print(f"tftrace: profiler server on {address} (capture with: tftrace capture {address},...)",
              file=sys.stderr, flush=True)
    return address
