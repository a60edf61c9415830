"""Sample this process's Python stacks with py-spy while a trace runs.

``py-spy record --pid <own pid> --format speedscope --nonblocking`` in a child
process, stopped with SIGINT. When py-spy is missing or may not attach (no ptrace
permission), ``start`` returns a one-line reason and the trace goes on without it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

_READY = "Sampling process"
RATE_HZ = 100


def find_pyspy() -> str | None:
    beside = os.path.join(os.path.dirname(sys.executable), "py-spy")
    return beside if os.path.isfile(beside) else shutil.which("py-spy")


class PySpySampler:
    def __init__(self, rate_hz: int = RATE_HZ):
        self.rate_hz = rate_hz
        self.output = os.path.join(tempfile.mkdtemp(prefix="tftrace-pyspy-"), "profile.json")
        self.proc: subprocess.Popen | None = None
        self._output: list[str] = []

    def start(self, timeout_s: float = 10.0) -> str | None:
        """Start sampling; None when running, else why Python stacks are unavailable."""
        exe = find_pyspy()
        if exe is None:
            return "py-spy is not installed: Python stacks are not recorded (pip install py-spy)"
        cmd = [exe, "record", "--pid", str(os.getpid()), "--format", "speedscope", "--nonblocking",
               "--rate", str(self.rate_hz), "--output", self.output]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        ready = threading.Event()
        threading.Thread(target=self._read_output, args=(ready,), daemon=True).start()
        deadline = time.monotonic() + timeout_s
        while not ready.wait(0.02):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                reason = self._failure()
                self.stop()
                return reason
        return None

    def _read_output(self, ready: threading.Event) -> None:
        for line in self.proc.stdout:  # py-spy reports on stdout and stderr alike
            self._output.append(line.rstrip())
            if _READY in line:
                ready.set()

    def _failure(self) -> str:
        detail = next((l for l in self._output if l.strip()), "it exited without a message")
        if "ptrace" in detail.lower() or "permission" in detail.lower() or "root" in detail.lower():
            return (f"py-spy may not attach to this process ({detail.strip()}): Python stacks are not recorded; "
                    "run as root or allow ptrace (CAP_SYS_PTRACE, kernel.yama.ptrace_scope=0)")
        return f"py-spy could not sample this process ({detail.strip()}): Python stacks are not recorded"

    def stop(self) -> dict | None:
        """Stop sampling; the speedscope document, or None if nothing was written."""
        if self.proc is None:
            return None
        proc = self.proc
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.proc = None
        try:
            with open(self.output) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None
        finally:
            shutil.rmtree(os.path.dirname(self.output), ignore_errors=True)
