"""Shared pieces of the fault tests: hand-made profiles (no TensorFlow), the CLI as a
subprocess, optionally without root's power to write through file modes (the tests run
as root here)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

from tftrace.model import Device, OpStat, Profile

def small_profile(name: str = "run", tag: str = "t", xspace: bytes | None = b"raw-xspace") -> Profile:
    """A one-op profile; ``source`` tells which one a lookup found; one fake raw XSpace
    (not parseable: give None where a report or view reads it)."""
    op = OpStat(name=f"op-{tag}", type="MatMul", device="/host:CPU", mode="eager", count=1, total_us=5.0,
                self_us=5.0, host="h")
    return Profile(name=name, source=tag, hosts=["h"], devices=[Device(name="/host:CPU", host="h", kind="cpu")],
                   ops=[op], xspaces={} if xspace is None else {"h": xspace})


def tftrace(*args, env=None, cwd=None, unprivileged=False, timeout=120) -> subprocess.CompletedProcess:
    """``python -m tftrace ARGS``; UNPRIVILEGED: file modes hold even for root (see ``_prefix``)."""
    return subprocess.run([*_prefix(unprivileged), sys.executable, "-m", "tftrace", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)


def python(code: str, env=None, unprivileged=False) -> subprocess.CompletedProcess:
    return subprocess.run([*_prefix(unprivileged), sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)


def _prefix(unprivileged: bool) -> list:
    """Root without the capabilities that bypass file modes (the tests run as root here)."""
    if not unprivileged or os.getuid() != 0:
        return []
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def one_error_line(result, code: int) -> str:
    """The single stderr line of a failed command, after checking its exit code and no traceback."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@contextlib.contextmanager
def ipython_shell():
    """An IPython shell with tftrace loaded. One made here is cleared afterwards, so that
    IPython's test app (the integration tests' shell) can still start its own."""
    from IPython.core.interactiveshell import InteractiveShell

    made = not InteractiveShell.initialized()
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "tftrace")
    try:
        yield shell
    finally:
        if made:
            InteractiveShell.clear_instance()
