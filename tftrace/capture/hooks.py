"""Hooks on tf.function and GradientTape, installed for the duration of a trace only.

``FunctionHook`` wraps the ``__call__`` of the class ``tf.function`` returns (so it
sees Keras' train/predict functions too): per function, calls, traces (tracing count
before/after), wall time per call, and for every retrace its cause. Each eager call
is also annotated in the TensorFlow trace. ``TracingTimer`` measures the time spent
building graphs (TensorFlow's ``_create_concrete_function``, outermost only) so a
call's tracing is told apart from its execution. ``TapeHook`` times GradientTape's forward
recording (enter to exit) and backward passes (gradient, jacobian) in eager code.
Records are plain dicts with ``time.time_ns()`` stamps, the XSpace's clock.
"""

from __future__ import annotations

import sys
import threading
import time

from ..paths import is_tensorflow, is_tftrace
from . import signatures


def _call_site(depth: int = 2) -> dict:
    """The nearest caller frame outside TensorFlow, Keras and tftrace."""
    frame = sys._getframe(depth)
    first = frame
    while frame is not None and (is_tensorflow(frame.f_code.co_filename) or is_tftrace(frame.f_code.co_filename)):
        frame = frame.f_back
    frame = frame or first
    return {"file": frame.f_code.co_filename, "line": frame.f_lineno, "function": frame.f_code.co_name}


def _params(python_function) -> tuple:
    code = getattr(python_function, "__code__", None)
    return tuple(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]) if code is not None else ()


def _definition(python_function) -> dict:
    import inspect

    try:
        python_function = inspect.unwrap(python_function)  # autograph and decorators wrap the user's function
    except ValueError:
        pass
    code = getattr(python_function, "__code__", None)
    if code is None:
        return {}
    return {"file": code.co_filename, "line": code.co_firstlineno}


class TracingTimer:
    """Wall time spent tracing (graph building) on each thread, outermost traces only."""

    def __init__(self):
        from tensorflow.python.eager.polymorphic_function import tracing_compilation

        self.module = tracing_compilation
        self._original = None
        self._local = threading.local()

    def install(self) -> None:
        self._original = self.module._create_concrete_function
        timer = self

        def _create_concrete_function(*args, **kwargs):
            return timer._timed(args, kwargs)

        _create_concrete_function.__wrapped__ = self._original
        self.module._create_concrete_function = _create_concrete_function

    def uninstall(self) -> None:
        if self._original is not None:
            self.module._create_concrete_function = self._original
            self._original = None

    def _timed(self, args, kwargs):
        local = self._local
        depth = getattr(local, "depth", 0)
        local.depth = depth + 1
        start = time.time_ns()
        try:
            return self._original(*args, **kwargs)
        finally:
            local.depth = depth
            if depth == 0:
                local.ns = getattr(local, "ns", 0) + time.time_ns() - start

    def take(self) -> int:
        """Tracing nanoseconds on this thread since the last ``take``."""
        ns = getattr(self._local, "ns", 0)
        self._local.ns = 0
        return ns


class FunctionHook:
    def __init__(self, tf, graphs=None):
        self.tf = tf
        self.cls = type(tf.function(lambda: None))
        self.records: dict = {}  # id(Function) -> record
        self.graphs = graphs  # a GraphCollector, or None
        self.tracing = TracingTimer()
        self._original = None
        self._lock = threading.Lock()

    def install(self) -> None:
        self._original = self.cls.__dict__["__call__"]
        hook = self

        def __call__(function, *args, **kwargs):
            return hook._call(function, args, kwargs)

        __call__.__wrapped__ = self._original
        self.cls.__call__ = __call__
        self.tracing.install()

    def uninstall(self) -> None:
        self.tracing.uninstall()
        if self._original is not None:
            self.cls.__call__ = self._original
            self._original = None

    def _record(self, function) -> dict:
        key = id(function)
        record = self.records.get(key)
        if record is None:
            python_function = getattr(function, "python_function", None)
            name = getattr(function, "__name__", None) or getattr(python_function, "__name__", "tf.function")
            record = {"name": str(name), "definition": _definition(python_function), "params": _params(python_function),
                      "calls": 0,
                      "traced_calls": 0, "traces": 0, "total_ns": 0, "retraces": [],
                      "signatures": [], "call_sites": {}, "calls_log": [], "_function": function}
            self.records[key] = record
        return record

    def _call(self, function, args, kwargs):
        tf = self.tf
        eager = tf.executing_eagerly()
        record = self._record(function)
        before = function.experimental_get_tracing_count()
        site = _call_site(3) if eager else None
        if not eager:  # called while another function traces: inlined, not a call of its own
            try:
                return self._original(function, *args, **kwargs)
            finally:
                traced = function.experimental_get_tracing_count() - before
                self._finish(record, function, args, kwargs, False, traced, 0, 0, None)
        if self.graphs is not None:
            self.graphs.start()
        self.tracing.take()
        start = time.time_ns()
        try:
            with tf.profiler.experimental.Trace("tftrace.call", function=record["name"], call=record["calls"] + 1):
                return self._original(function, *args, **kwargs)
        finally:
            end = time.time_ns()
            site["trace_ns"] = self.tracing.take()
            traced = function.experimental_get_tracing_count() - before
            if self.graphs is not None:
                self.graphs.finish_call(record["name"], traced > 0, record["params"])
            self._finish(record, function, args, kwargs, True, traced, start, end, site)

    def _finish(self, record, function, args, kwargs, eager, traced, start, end, site) -> None:
        with self._lock:
            if eager:
                record["calls"] += 1
                record["total_ns"] += end - start
                key = (site["file"], site["line"], site["function"])
                record["call_sites"][key] = record["call_sites"].get(key, 0) + 1
                # (start, end, tracing ns, traced, call site) per call: execution time apart from tracing,
                # and the window in which the function's ops ran
                record["calls_log"].append((start, end, site["trace_ns"], traced > 0, key))
            if traced <= 0:
                return
            sig = signatures.signature(getattr(function, "python_function", lambda *a, **k: None), args, kwargs)
            record["traces"] += traced
            record["traced_calls"] += 1
            if record["signatures"]:
                cause = signatures.explain(sig, record["signatures"])
                record["retraces"].append({"signature": signatures.render(sig), "reason": cause["reason"],
                                           "fix": cause["fix"], "call": record["calls"], "kinds": cause["kinds"]})
            record["signatures"].append(sig)

    def results(self) -> list[dict]:
        out = []
        for record in self.records.values():
            row = {k: v for k, v in record.items() if not k.startswith("_") and k not in ("signatures", "params")}
            row["call_sites"] = [{"file": f, "line": l, "function": fn, "calls": n}
                                 for (f, l, fn), n in record["call_sites"].items()]
            out.append(row)
        return out


class TapeHook:
    _METHODS = ("__enter__", "__exit__", "gradient", "jacobian", "batch_jacobian")

    def __init__(self, tf):
        self.tf = tf
        from tensorflow.python.eager import backprop

        self.cls = backprop.GradientTape
        self.tapes: dict = {}  # id(tape) -> record
        self._originals: dict = {}
        self._annotations: dict = {}

    def install(self) -> None:
        for name in self._METHODS:
            self._originals[name] = self.cls.__dict__[name]
            setattr(self.cls, name, self._wrap(name, self._originals[name]))

    def uninstall(self) -> None:
        for name, original in self._originals.items():
            setattr(self.cls, name, original)
        self._originals.clear()

    def _tape(self, tape) -> dict:
        record = self.tapes.get(id(tape))
        if record is None:
            record = {"id": len(self.tapes) + 1, "site": _call_site(4), "forward": [], "backward": [], "_tape": tape}
            self.tapes[id(tape)] = record
        return record

    def _wrap(self, name, original):
        hook = self

        def method(tape, *args, **kwargs):
            if not hook.tf.executing_eagerly():
                return original(tape, *args, **kwargs)
            return hook._timed(name, original, tape, args, kwargs)

        method.__wrapped__ = original
        return method

    def _timed(self, name, original, tape, args, kwargs):
        record = self._tape(tape)
        if name == "__enter__":
            record["_enter_ns"] = time.time_ns()
            annotation = self.tf.profiler.experimental.Trace("tftrace.tape.forward", tape=record["id"])
            annotation.__enter__()
            self._annotations[id(tape)] = annotation
            return original(tape, *args, **kwargs)
        if name == "__exit__":
            try:
                return original(tape, *args, **kwargs)
            finally:
                annotation = self._annotations.pop(id(tape), None)
                if annotation is not None:
                    annotation.__exit__(None, None, None)
                start = record.pop("_enter_ns", None)
                if start is not None:
                    record["forward"].append((start, time.time_ns() - start))
        start = time.time_ns()
        try:
            with self.tf.profiler.experimental.Trace(f"tftrace.tape.{name}", tape=record["id"]):
                return original(tape, *args, **kwargs)
        finally:
            record["backward"].append((start, time.time_ns() - start, name))

    def results(self) -> list[dict]:
        return [{k: v for k, v in r.items() if not k.startswith("_")} for r in self.tapes.values()]
