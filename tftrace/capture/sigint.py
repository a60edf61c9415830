"""Hold Ctrl-C back while a trace stops and keeps its profile, then raise it.

A second Ctrl-C while the profile is analysed and stored must not throw the profile
away; it is delivered (as KeyboardInterrupt) once the profile is safe. Only the main
thread can own signal handlers: elsewhere this does nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading


@contextlib.contextmanager
def deferred():
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
    if caught:  # delivered again, to whatever handler was there before
        os.kill(os.getpid(), signal.SIGINT)
