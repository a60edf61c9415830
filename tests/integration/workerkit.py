"""Worker processes on loopback for the multi-host tests: free ports, waiting for a listener."""

from __future__ import annotations

import random
import socket
import time


_taken: set = set()


def free_port() -> int:
    """A port nothing listens on, below the ephemeral range (so that no outgoing connection of the
    workers, e.g. between MultiWorkerMirroredStrategy tasks, can take it before its server binds it),
    and never the same twice in a session."""
    low, _ = (int(x) for x in open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    rng = random.Random()
    while True:
        port = rng.randrange(max(1024, low - 12000), low)
        if port in _taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _taken.add(port)
        return port


def wait_listening(port: int, timeout_s: float = 30.0) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"no profiler server listening on port {port}")
