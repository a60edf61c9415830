"""What the ``tftrace`` command shows on the terminal besides its results: a progress line
while a long analysis runs, and TensorFlow's C++ log lines kept out of the way.

- ``progress(what)``: after about a second, one line on stderr ("tftrace: analysing the
  profile… 3.2 s") rewritten in place and erased when done; only when stderr is a terminal.
  A daemon thread writes it with ``os.write`` (no lock that a forked analysis worker could
  inherit held). ``TFTRACE_PROGRESS_AFTER_S`` changes the delay (the tests show it at once).
- ``quiet_tensorflow_logs()``: TensorFlow's C++ runtime writes its log lines (oneDNN,
  cuInit, "delay_ms expects an i value", ...) straight to file descriptor 2, some before it
  reads ``TF_CPP_MIN_LOG_LEVEL``. While tracing, fd 2 goes through a small filter process
  that drops those lines and passes everything else on as it comes (partial lines too: a
  progress bar keeps working). A process of its own, so that nothing written before a crash
  is lost. ``tftrace run --verbose`` leaves stderr alone.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time

DELAY_S = float(os.environ.get("TFTRACE_PROGRESS_AFTER_S") or 1.0)  # an analysis shorter than this shows nothing
_TICK_S = 0.2

# The filter: a TensorFlow/absl log line is "[IWEF]mmdd hh:mm:ss.uuuuuu  tid file:line] message" (the seconds
# may be a whole Unix time: "00:00:1796021493.493406");
# absl's note about logging before InitializeLog and the CPU-feature line's continuation go too.
# Fatal ("F") lines always pass. A partial line is held only while it may still become one of them.
_FILTER = r"""
import os, re, sys
LOG = re.compile(rb"^[IWE]\d{4} [\d:.]+ +\d+ [^ \]]+:\d+\] ")
NOTES = (b"WARNING: All log messages before absl::InitializeLog()", b"To enable the following instructions:")
MAYBE = re.compile(rb"^(?:[IWE][\d :.]*(?:\d+ [^ \]\n]*)?|W[A-Z: a-z]*|To[ a-z]*)$")
def dropped(line):
    return bool(LOG.match(line)) or line.startswith(NOTES)
out, held = sys.stdout.buffer, b""
while True:
    chunk = os.read(0, 65536)
    if not chunk:
        break
    held += chunk
    *lines, held = held.split(b"\n")
    kept = b"".join(line + b"\n" for line in lines if not dropped(line))
    if held and not MAYBE.match(held):
        kept, held = kept + held, b""
    if kept:
        out.write(kept)
        out.flush()
if held and not dropped(held):
    out.write(held)
    out.flush()
"""


@contextlib.contextmanager
def progress(what: str, fd: int | None = None, delay_s: float = DELAY_S):
    """Show "tftrace: WHAT… N.N s" on file descriptor ``fd`` (stderr's) after ``delay_s``, while the
    block runs."""
    try:
        sys.stderr.flush()
        fd = sys.stderr.fileno() if fd is None else fd
        shown = os.isatty(fd)
    except (AttributeError, OSError, ValueError):
        shown = False
    if not shown:
        yield
        return
    import threading

    done = threading.Event()
    drawn = []
    start = time.monotonic()

    def draw():
        if done.wait(delay_s):
            return
        while not done.is_set():
            with contextlib.suppress(OSError):
                os.write(fd, f"\rtftrace: {what}\u2026 {time.monotonic() - start:.1f} s\x1b[K".encode())
                drawn.append(True)
            done.wait(_TICK_S)

    thread = threading.Thread(target=draw, name="tftrace-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        if drawn:
            with contextlib.suppress(OSError):
                os.write(fd, b"\r\x1b[K")


@contextlib.contextmanager
def quiet_tensorflow_logs():
    """Drop TensorFlow's C++ log lines from fd 2 while the block runs (see the module docstring);
    yields a descriptor of the real stderr (for ``progress``)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield 2
        return
    import subprocess  # only when tracing: not on the way of `tftrace stats`

    read_end, write_end = os.pipe()
    try:
        child = subprocess.Popen([sys.executable, "-I", "-S", "-c", _FILTER], stdin=read_end, stdout=saved,
                                 stderr=subprocess.DEVNULL, close_fds=True,
                                 start_new_session=True)  # Ctrl-C stops the run, not the filter
    except OSError:
        for fd in (read_end, write_end, saved):
            os.close(fd)
        yield 2
        return
    os.close(read_end)
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield saved
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        try:  # what went through the filter comes out before anything written after the block
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:  # a process the script started still holds the pipe
            pass
