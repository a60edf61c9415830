"""``tftrace.trace()``: the context manager every entry point (magic, CLI, API) uses.

On exit, even on an exception or KeyboardInterrupt, the profiler is stopped, the
XSpace analysed into ``.profile`` and the run stored; the exception then propagates
unchanged. Traces do not nest.
"""

from __future__ import annotations

import threading

from ..errors import EmptyProfileError, NestedTraceError, TftraceError
from ..model import Profile
from .profiler import TfProfiler

_lock = threading.Lock()
_active: "Trace | None" = None


def active_trace() -> "Trace | None":
    return _active


class Trace:
    def __init__(self, name: str = "", python: bool = True, store: bool = True, home: str | None = None):
        self.name = name
        self.python = python
        self.store = store
        self.home = home
        self.profile: Profile | None = None
        self.run_id: str | None = None
        self._profiler: TfProfiler | None = None

    def __enter__(self) -> "Trace":
        global _active
        with _lock:
            if _active is not None:
                raise NestedTraceError("a tftrace trace is already running; traces do not nest")
            _active = self
        try:
            self._profiler = TfProfiler()
            self._profiler.start()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            blobs = self._profiler.stop()
        finally:
            self._profiler.cleanup()
            self._release()
        self.profile = self._build(blobs)
        if exc is not None:
            self.profile.error = f"{exc_type.__name__}: {exc}"
        if self.store:
            self._store()
        return False

    def _release(self) -> None:
        global _active
        with _lock:
            if _active is self:
                _active = None

    def _build(self, blobs: dict) -> Profile:
        from ..analysis import analyze_bytes

        try:
            return analyze_bytes(blobs, name=self.name, source=self.name or "trace")
        except EmptyProfileError:
            profile = Profile(name=self.name, source=self.name or "trace", xspaces=dict(blobs))
            profile.warnings.append("nothing ran on TensorFlow during the trace (the profiler recorded no events)")
            return profile

    def _store(self) -> None:
        from ..store import Store

        try:
            self.run_id = Store(self.home).add(self.profile)
        except TftraceError as exc:
            self.profile.warnings.append(f"the run was not stored: {exc}")


def trace(name: str = "", python: bool = True, store: bool = True, home: str | None = None) -> Trace:
    """Profile the TensorFlow work inside a ``with`` block; ``.profile`` afterwards."""
    return Trace(name=name, python=python, store=store, home=home)
