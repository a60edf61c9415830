"""Sample this process's Python stacks with py-spy while a trace runs.

``py-spy record --pid <own pid> --format speedscope --nonblocking`` in a child
process (its own process group), stopped with SIGINT. py-spy is ``$TFTRACE_PY_SPY``
when set, else the one beside the interpreter, else the one on PATH.

Whatever py-spy does (missing, not executable, hanging, crashing, ignoring SIGINT,
writing garbage), the trace goes on and loses at most its Python stacks, for about a
second: readiness is awaited ``START_TIMEOUT_S``; stopping sends SIGINT, then SIGTERM,
then SIGKILL, each awaited briefly (``STOP_SIGNALS``). Each fault is one line of
reason: ``start`` returns it, ``stop`` leaves it in ``problem`` with the samples left
out; the trace warns either way.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from . import speedscope

ENV = "TFTRACE_PY_SPY"
START_TIMEOUT_S = 1.0
STOP_SIGNALS = ((signal.SIGINT, 1.0), (signal.SIGTERM, 0.5), (signal.SIGKILL, 0.5))
_ABORT_SIGNALS = ((signal.SIGKILL, 0.5),)  # a py-spy that never got going has nothing to write
RATE_HZ = 100
_READY = "Sampling process"
_NOT_RECORDED = "Python stacks are not recorded"
_LEFT_OUT = "Python stacks left out"


def find_pyspy() -> str | None:
    """``$TFTRACE_PY_SPY``, else py-spy beside the interpreter, else on PATH; None if none."""
    chosen = os.environ.get(ENV)
    if chosen:
        return chosen
    beside = os.path.join(os.path.dirname(sys.executable), "py-spy")
    return beside if os.path.isfile(beside) else shutil.which("py-spy")


class PySpySampler:
    def __init__(self, rate_hz: int = RATE_HZ):
        self.rate_hz = rate_hz
        self.output = os.path.join(tempfile.mkdtemp(prefix="tftrace-pyspy-"), "profile.json")
        self.proc: subprocess.Popen | None = None
        self._reader: threading.Thread | None = None
        self._output: list[str] = []
        self.problem: str | None = None  # why ``stop`` gave no samples, if something went wrong

    def start(self, timeout_s: float = START_TIMEOUT_S) -> str | None:
        """Start sampling; None when running, else why Python stacks are unavailable."""
        exe = find_pyspy()
        if exe is None:
            self._discard()
            return f"py-spy is not installed: {_NOT_RECORDED} (pip install py-spy)"
        cmd = [exe, "record", "--pid", str(os.getpid()), "--format", "speedscope", "--nonblocking",
               "--rate", str(self.rate_hz), "--output", self.output]
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True, errors="replace",
                                         start_new_session=True)
        except OSError as exc:
            self._discard()
            return f"py-spy ({exe}) could not be started ({exc.strerror or exc}): {_NOT_RECORDED}"
        ready = threading.Event()
        self._reader = threading.Thread(target=self._read_output, args=(self.proc, ready), daemon=True)
        self._reader.start()
        if self._await_ready(ready, timeout_s):
            return None
        reason = self._start_failure(exe, timeout_s)
        self._halt(_ABORT_SIGNALS)
        self._discard()
        return reason

    def _await_ready(self, ready: threading.Event, timeout_s: float) -> bool:
        """True once py-spy says it samples; False when it exits or ``timeout_s`` passes first."""
        deadline = time.monotonic() + timeout_s
        while not ready.wait(0.02):
            if self.proc.poll() is not None or time.monotonic() >= deadline:
                return ready.is_set()
        return True

    def _read_output(self, proc: subprocess.Popen, ready: threading.Event) -> None:
        for line in proc.stdout:  # py-spy reports on stdout and stderr alike
            self._output.append(line.rstrip())
            if _READY in line:
                ready.set()

    def _detail(self, default: str) -> str:
        """py-spy's last line of output (it has exited: its last lines may still be in the pipe)."""
        self._reader.join(0.2)
        return next((l.strip() for l in reversed(self._output) if l.strip()), default)[:200]

    def _start_failure(self, exe: str, timeout_s: float) -> str:
        if self.proc.poll() is None:
            return f"py-spy ({exe}) did not start sampling within {timeout_s:g} s: {_NOT_RECORDED}"
        detail = self._detail(f"it exited with code {self.proc.returncode} without a message")
        if any(word in detail.lower() for word in ("ptrace", "permission", "root")):
            return (f"py-spy may not attach to this process ({detail}): {_NOT_RECORDED}; "
                    "run as root or allow ptrace (CAP_SYS_PTRACE, kernel.yama.ptrace_scope=0)")
        return f"py-spy could not sample this process ({detail}): {_NOT_RECORDED}"

    def _halt(self, signals=STOP_SIGNALS) -> str | None:
        """End py-spy and its children, each signal in turn, each awaited briefly; the name
        of the signal that ended it if not the first, else None."""
        late = None  # the last signal it outlived
        for sig, wait_s in signals:
            if self.proc.poll() is not None:
                return late
            try:
                os.killpg(self.proc.pid, sig)
            except OSError:  # already gone
                pass
            try:
                self.proc.wait(timeout=wait_s)
            except subprocess.TimeoutExpired:
                late = signal.Signals(sig).name
                continue
            return None if sig == signals[0][0] else signal.Signals(sig).name
        return "nothing (still running)"

    def _discard(self) -> None:
        self.proc = None
        shutil.rmtree(os.path.dirname(self.output), ignore_errors=True)

    def stop(self) -> dict | None:
        """Stop sampling; the speedscope document, or None if nothing usable was written (then
        ``problem`` says why, when something went wrong)."""
        if self.proc is None:
            return None
        forced = self._halt()
        code = self.proc.returncode
        try:
            doc, problem = self._read(forced, code)
        finally:
            self._discard()
        self.problem = problem
        return doc if problem is None else None

    def _read(self, forced: str | None, code: int | None) -> tuple[dict | None, str | None]:
        """(document, None) or (None, why the samples are left out)."""
        if forced:
            wait = STOP_SIGNALS[0][1]
            return None, f"py-spy did not stop within {wait:g} s of SIGINT (ended by {forced}): {_LEFT_OUT}"
        try:
            doc = speedscope.read(self.output)
        except speedscope.Malformed as exc:
            return None, f"py-spy wrote output tftrace cannot read ({exc}): {_LEFT_OUT}"
        except OSError as exc:
            return None, f"py-spy's output could not be read ({exc.strerror or exc}): {_LEFT_OUT}"
        if doc is None and code:
            return None, f"py-spy failed during the trace ({self._detail(f'exit code {code}')}): {_LEFT_OUT}"
        return doc, None
