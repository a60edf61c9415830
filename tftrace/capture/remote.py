"""Capture from TensorFlow profiler servers on several workers into one multi-host profile.

Each worker runs ``tf.profiler.experimental.server.start(port)`` (or ``tftrace.serve``).
Every requested worker is traced for the same window, one TensorFlow profiler client
call per worker in its own thread and its own directory, so that each worker's XSpace
keeps its own name (workers on one machine share a hostname) and each worker's
failure has its own reason. A worker that is not listening yet, or busy with another
profiling session, is retried until the user's duration plus a bounded grace has
passed. The profile records every requested worker as captured or missing, with the
reason (``Profile.workers["requested"]``, and a warning per missing worker).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field

from ..errors import CaptureError, TftraceError
from ..sources import read_xplanes, xplane_files

PROBE_TIMEOUT_S = 1.0
MIN_GRACE_S = 10.0  # a worker still starting (TensorFlow import, gRPC bind) gets at least this long
MAX_GRACE_S = 60.0


@dataclass
class Worker:
    """One requested worker: its address, then what its capture gave."""

    address: str  # host:port
    blob: bytes | None = None
    reason: str = ""
    attempts: int = 0
    window: tuple = field(default_factory=tuple)  # (start, end) wall-clock seconds of the capturing call

    @property
    def key(self) -> str:
        """The worker's XSpace name in the profile: ``host_port`` (unique per requested address)."""
        return self.address.replace(":", "_").replace("/", "_")

    def status(self) -> dict:
        return {"address": self.address, "status": "captured" if self.blob is not None else "missing",
                "reason": "" if self.blob is not None else self.reason, "attempts": self.attempts,
                "window_s": [round(t, 3) for t in self.window]}


def parse_addresses(addresses) -> list[str]:
    """``h1:p1,grpc://h2:p2`` or a list of them -> ["h1:p1", "h2:p2"] (duplicates dropped, order kept)."""
    if isinstance(addresses, str):
        addresses = addresses.split(",")
    out: list[str] = []
    for raw in addresses:
        address = raw.strip().removeprefix("grpc://")
        if not address:
            continue
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise TftraceError(f"not a worker address: {raw.strip()!r} (expected host:port, port 1-65535)")
        if address not in out:
            out.append(address)
    if not out:
        raise TftraceError("no worker address given (expected host:port[,host:port...])")
    return out


def service_address(addresses) -> str:
    """``h1:p1,h2:p2`` or a list of them -> ``grpc://h1:p1,grpc://h2:p2``."""
    return ",".join(f"grpc://{a}" for a in parse_addresses(addresses))


def probe(address: str, timeout_s: float = PROBE_TIMEOUT_S) -> str:
    """Why nothing listens at ``address`` ("" when something does)."""
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
            return ""
    except socket.gaierror:
        return f"unknown host {host!r}"
    except ConnectionRefusedError:
        return "no profiler server listening (connection refused)"
    except TimeoutError:
        return f"no answer within {timeout_s:g} s"
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def grace_for(duration_ms: int) -> float:
    """Extra seconds, beyond the duration, a capture waits for late or busy workers."""
    return min(MAX_GRACE_S, max(MIN_GRACE_S, duration_ms / 1000))


def capture_workers(addresses, duration_ms: int = 2000, name: str = "", store: bool = True,
                    home: str | None = None, grace_s: float | None = None):
    """(Profile, run id or None) of every requested worker traced for ``duration_ms``.

    Raises CaptureError only when no worker could be captured; a partial capture is a
    profile whose ``workers["requested"]`` says which worker is missing and why."""
    from ..analysis import analyze_bytes
    from .profiler import import_tensorflow

    if int(duration_ms) <= 0:
        raise TftraceError(f"--duration-ms must be > 0, not {duration_ms}")
    tf = import_tensorflow()
    workers = [Worker(a) for a in parse_addresses(addresses)]
    trace_all(tf, workers, int(duration_ms), grace_for(duration_ms) if grace_s is None else grace_s)
    captured = {w.key: w.blob for w in workers if w.blob is not None}
    if not captured:
        reasons = "; ".join(f"{w.address}: {w.reason}" for w in workers)
        raise CaptureError(f"no worker could be captured ({reasons})")
    profile = analyze_bytes(captured, name=name or "workers", source=service_address([w.address for w in workers]))
    record_workers(profile, workers)
    run_id = None
    if store:  # a store that cannot take it: saved beside the working directory, one line says so
        from ..keep import store_and_say

        run_id = store_and_say(profile, home).run_id
    return profile, run_id


class WorkerWindow:
    """Workers traced in the background while a local trace runs (``%%tftrace --workers``):
    their window starts with the local trace and lasts ``duration_ms`` (a profiler server
    traces for a duration fixed in advance); ``finish`` waits for it to end."""

    def __init__(self, addresses, duration_ms: int):
        self.workers = [Worker(a) for a in parse_addresses(addresses)]
        self.duration_ms = int(duration_ms)
        if self.duration_ms <= 0:
            raise TftraceError(f"the workers' window must be > 0 ms, not {duration_ms}")
        self._thread: threading.Thread | None = None
        self.started = 0.0

    def start(self, tf) -> None:
        self.started = time.time()
        self._thread = threading.Thread(target=trace_all, args=(tf, self.workers, self.duration_ms, 0.0),
                                        name="tftrace-workers", daemon=True)
        self._thread.start()

    def finish(self) -> dict:
        """{worker key: XSpace bytes} of the workers captured (waits for their window to end)."""
        if self._thread is not None:
            self._thread.join()
        return {w.key: w.blob for w in self.workers if w.blob is not None}

    def note(self, local_s: float) -> str:
        """Why the workers' window and the local trace differ, "" when they agree."""
        window_s = self.duration_ms / 1000
        if local_s > window_s * 1.05:
            return (f"the workers were traced for the first {window_s:g} s of the cell's {local_s:.1f} s "
                    f"(a profiler server's window is fixed in advance: --workers-ms)")
        return ""


def trace_all(tf, workers: list[Worker], duration_ms: int, grace_s: float) -> None:
    """Capture every worker: those listening at once together, the others (not listening yet,
    busy, or sending nothing) again while the user's duration plus the grace allows."""
    deadline = time.monotonic() + duration_ms / 1000 + grace_s
    pending = list(workers)
    while pending:
        for w in pending:
            w.reason = probe(w.address)
        ready = [w for w in pending if not w.reason]
        threads = [threading.Thread(target=_trace_one, args=(tf, w, duration_ms), daemon=True) for w in ready]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        pending = [w for w in pending if w.blob is None]
        if not pending or time.monotonic() + 0.5 + duration_ms / 1000 > deadline:
            return
        time.sleep(0.5)


def _trace_one(tf, worker: Worker, duration_ms: int) -> None:
    """One TensorFlow profiler client call to one worker, in its own directory."""
    logdir = tempfile.mkdtemp(prefix="tftrace-worker-")
    worker.attempts += 1
    start = time.time()
    try:
        tf.profiler.experimental.client.trace(f"grpc://{worker.address}", logdir, duration_ms,
                                              num_tracing_attempts=1)
        files = xplane_files(logdir)
        worker.blob = b"".join(read_xplanes(files).values()) if len(files) == 1 else None
        if worker.blob is None:
            worker.reason = f"the worker sent {len(files)} profiles, expected 1"
    except TftraceError as exc:
        worker.reason = str(exc)
    except Exception as exc:  # UnavailableError, DeadlineExceeded, RuntimeError from the client
        worker.reason = _client_reason(exc)
    finally:
        worker.window = (start, time.time())
        shutil.rmtree(logdir, ignore_errors=True)


def _client_reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "No trace event was collected" in text:
        return ("the profiler server answered but sent no trace events (busy with another profiling "
                "session, or nothing ran)")
    return text


def record_workers(profile, workers: list[Worker]) -> None:
    """Each requested worker's status in the profile, and one warning per missing worker."""
    labels = dict(zip(profile.xspaces.keys() if profile.xspaces else [], profile.hosts))
    rows = []
    for w in workers:
        row = w.status()
        row["host"] = labels.get(w.key, "")
        rows.append(row)
        if w.blob is None:
            profile.warnings.append(f"worker {w.address} missing: {w.reason}")
    windows = [w.window for w in workers if w.blob is not None and w.window]
    if len(windows) > 1 and max(a for a, _ in windows) > min(b for _, b in windows):
        late = ", ".join(f"{w.address} (attempt {w.attempts})" for w in workers if w.blob is not None and w.attempts > 1)
        profile.warnings.append(f"workers were captured in different windows (retried when busy or late: {late}): "
                                "their timelines do not overlap, compare their steps rather than their instants")
    profile.workers = dict(profile.workers or {}, requested=rows)


def missing_workers(profile) -> list[dict]:
    return [r for r in (profile.workers or {}).get("requested", []) if r["status"] == "missing"]

