"""Servers the tests start on loopback (JupyterLab, jupyter server): waiting until they answer."""

from __future__ import annotations

import time


def wait_until_answering(ping, stop, what: str, timeout_s: float = 60.0) -> None:
    """Call ``ping`` until it stops raising OSError; past the timeout, ``stop`` the server and fail."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            ping()
            return
        except OSError:
            time.sleep(0.3)
    stop()
    raise RuntimeError(f"{what} did not start")
