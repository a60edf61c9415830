"""``tftrace.trace()``: the context manager every entry point (magic, CLI, API) uses.

Entering starts py-spy (unless ``python=False``), TensorFlow's profiler, the
tf.function / GradientTape hooks and run-metadata graph collection. Exiting, even
on an exception or KeyboardInterrupt, removes the hooks, stops everything, analyses
the XSpace plus the hook records into ``.profile`` and stores the run; the exception
then propagates unchanged. Traces do not nest.
"""

from __future__ import annotations

import os
import threading

from ..errors import EmptyProfileError, NestedTraceError
from ..model import Profile
from .profiler import TfProfiler, import_tensorflow, require_tensorflow

_lock = threading.Lock()
_active: "Trace | None" = None
_said_once: set = set()


def active_trace() -> "Trace | None":
    return _active


def _say_once(message: str) -> None:
    """Print a capture notice the first time it happens in this process (it is in every profile)."""
    if message not in _said_once:
        _said_once.add(message)
        import sys
        print(f"tftrace: {message}", file=sys.stderr)


class Trace:
    def __init__(self, name: str = "", python: bool = True, store: bool = True, home: str | None = None,
                 workers=None, workers_ms: int = 5000):
        self.name = name
        self.python = python
        self.store = store
        self.home = home
        self.profile: Profile | None = None
        self.run_id: str | None = None
        self.saved_to: str | None = None  # the run file written outside the store when the store failed
        self._profiler: TfProfiler | None = None
        self._sampler = None
        self._hooks: dict = {}  # capture record name -> installed hook
        self._graphs = None
        self._warnings: list[str] = []
        self._machine = None
        self._workers = None  # remote workers traced alongside (``workers``: host:port,...)
        self._worker_spec = (workers, workers_ms)
        self._started_at = 0.0

    def __enter__(self) -> "Trace":
        global _active
        with _lock:
            if _active is not None:
                raise NestedTraceError("a tftrace trace is already running; traces do not nest")
            _active = self
        try:
            self._start()
        except BaseException:
            self._stop_all()
            self._release()
            raise
        return self

    def _start(self) -> None:
        import_tensorflow()  # imported before sampling starts, so it is not in the stacks

        if self.python and os.environ.get("TFTRACE_NO_PYTHON") != "1":
            from .pyspy import PySpySampler

            self._sampler = PySpySampler()
            problem = self._sampler.start()
            if problem:
                self._sampler = None
                self._warn(problem)
        from .machine import MachineLoad

        self._machine = MachineLoad()
        self._profiler = TfProfiler()
        self._profiler.start()
        self._start_workers()
        self._install_hooks()

    def _start_workers(self) -> None:
        import time

        self._started_at = time.time()
        addresses, duration_ms = self._worker_spec
        if not addresses:
            return
        from .remote import WorkerWindow

        self._workers = WorkerWindow(addresses, duration_ms)
        self._workers.start(import_tensorflow())

    def _warn(self, problem: str | None) -> None:
        """A capture problem: in the profile's warnings, and said once in this process."""
        if problem:
            self._warnings.append(problem)
            _say_once(problem)

    def _install_hooks(self) -> None:
        import tensorflow as tf

        from .graphs import GraphCollector
        from .hooks import FunctionHook, TapeHook

        self._graphs = GraphCollector()
        from .gc_marks import GcMarks

        self._hooks = {"functions": FunctionHook(tf, graphs=self._graphs), "tapes": TapeHook(tf), "gc": GcMarks(tf)}
        for hook in self._hooks.values():
            hook.install()

    def _stop_all(self) -> tuple[dict, dict]:
        """Undo everything that was started, in reverse; (XSpace blobs, capture records)."""
        capture: dict = {"warnings": self._warnings, "machine": self._machine.finish() if self._machine else {}}
        for hook in reversed(list(self._hooks.values())):
            hook.uninstall()
        blobs: dict = {}
        try:
            if self._graphs is not None:
                self._graphs.stop()
                capture["graphs"] = self._graphs.graphs
            if self._profiler is not None:
                blobs = self._profiler.stop()
        finally:
            if self._profiler is not None:
                self._profiler.cleanup()
            if self._sampler is not None:
                capture["python"] = self._sampler.stop()
                self._warn(self._sampler.problem)
        self._describe_functions(capture)
        for name, hook in self._hooks.items():
            capture[name] = hook.results()
        if self._workers is not None:  # the workers' window ends on its own: wait for it
            import time

            self._warn(self._workers.note(time.time() - self._started_at))
            blobs = {**blobs, **self._workers.finish()}
        return blobs, capture

    def _describe_functions(self, capture: dict) -> None:
        """After the profiler stopped: graphs of called functions RunMetadata did not give
        (traced before the trace), and the notebook cells locations point into."""
        from .autograph_lines import autograph_lines
        from .cells import cell_names

        capture["cells"] = cell_names()
        capture["autograph_lines"] = autograph_lines()
        functions = self._hooks.get("functions")
        if functions is None:
            return
        from .function_graphs import add_called_function_graphs

        try:
            add_called_function_graphs(list(functions.records.values()), capture.setdefault("graphs", []))
        except Exception as exc:  # noqa: BLE001 - a graph we cannot read must not lose the profile
            self._warnings.append(f"the graphs of functions traced before the trace could not be read: {exc}")

    def __exit__(self, exc_type, exc, tb) -> bool:
        from .sigint import deferred

        with deferred():  # a Ctrl-C now waits until the profile is kept
            try:
                blobs, capture = self._stop_all()
            finally:
                self._release()
            self.profile = self._build(blobs, capture)
            if exc is not None:
                self.profile.error = f"{exc_type.__name__}: {exc}"
            if self.store:
                self._store()
        from ..analysis import release_free_memory

        release_free_memory()  # what the analysis and the run file freed goes back to the system
        return False

    def _release(self) -> None:
        global _active
        with _lock:
            if _active is self:
                _active = None

    def _build(self, blobs: dict, capture: dict) -> Profile:
        from ..analysis import analyze_bytes, merge_capture

        try:
            profile = analyze_bytes(blobs, name=self.name, source=self.name or "trace", capture=capture)
            if self._workers is not None:
                from .remote import record_workers

                record_workers(profile, self._workers.workers)
            return profile
        except EmptyProfileError:
            profile = Profile(name=self.name, source=self.name or "trace", xspaces=dict(blobs))
            profile.warnings.append("nothing ran on TensorFlow during the trace (the profiler recorded no events)")
            merge_capture(profile, capture)
            return profile

    def _store(self) -> None:
        """Store the profile; if the store cannot take it, keep it elsewhere and say where (once)."""
        from ..keep import store_and_say

        kept = store_and_say(self.profile, self.home)
        self.run_id, self.saved_to = kept.run_id, kept.path


def trace(name: str = "", python: bool = True, store: bool = True, home: str | None = None,
          workers=None, workers_ms: int = 5000) -> Trace:
    """Profile the TensorFlow work inside a ``with`` block; ``.profile`` afterwards.

    ``workers`` ("host:port,..." of ``tftrace.serve`` / TensorFlow profiler servers) are
    traced too, for ``workers_ms`` from the start, each as a host of the same profile.
    Without TensorFlow in this Python: TensorFlowMissingError (one line, also for ``tftrace
    run`` and ``%%tftrace``) before anything starts; one that fails to import raises it on entry."""
    require_tensorflow()
    if workers:
        from .remote import parse_addresses

        parse_addresses(workers)  # a bad address is an error before anything starts
    return Trace(name=name, python=python, store=store, home=home, workers=workers, workers_ms=workers_ms)
