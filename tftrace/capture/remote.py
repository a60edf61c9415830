"""Capture from TensorFlow profiler servers on several workers into one multi-host profile.

Each worker runs ``tf.profiler.experimental.server.start(port)``; this asks all of
them to trace for the same window (``tf.profiler.experimental.client.trace``), then
analyses every worker's XSpace as one host of the profile.
"""

from __future__ import annotations

import shutil
import tempfile

from ..errors import CaptureError, TftraceError
from ..sources import read_xplanes, xplane_files


def service_address(addresses) -> str:
    """``h1:p1,h2:p2`` or a list of them -> ``grpc://h1:p1,grpc://h2:p2``."""
    if isinstance(addresses, str):
        addresses = addresses.split(",")
    cleaned = [a.strip() for a in addresses if a.strip()]
    if not cleaned:
        raise TftraceError("no worker address given (expected host:port[,host:port...])")
    return ",".join(a if a.startswith("grpc://") else f"grpc://{a}" for a in cleaned)


def capture_workers(addresses, duration_ms: int = 2000, name: str = "", store: bool = True,
                    home: str | None = None):
    """(Profile, run id or None) of every worker traced for ``duration_ms``."""
    import tensorflow as tf

    from ..analysis import analyze_bytes

    service = service_address(addresses)
    logdir = tempfile.mkdtemp(prefix="tftrace-workers-")
    try:
        try:
            tf.profiler.experimental.client.trace(service, logdir, int(duration_ms), num_tracing_attempts=2)
        except Exception as exc:  # UnavailableError, DeadlineExceeded, ...
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CaptureError(f"cannot capture from {service}: {message}") from None
        blobs = read_xplanes(xplane_files(logdir))
    finally:
        shutil.rmtree(logdir, ignore_errors=True)
    profile = analyze_bytes(blobs, name=name or "workers", source=service)
    run_id = None
    if store:  # a store that cannot take it: saved beside the working directory, one line says so
        from ..keep import store_and_say

        run_id = store_and_say(profile, home).run_id
    return profile, run_id
