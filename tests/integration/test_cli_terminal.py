"""What the command line shows on a terminal: a progress line during a long analysis (on a tty
only, erased when done) and TensorFlow's C++ log lines filtered out of stderr."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

PROGRESS = b"\rtftrace: analysing the profile\xe2\x80\xa6 "
ERASE = b"\r\x1b[K"


def read_all(fd: int) -> bytes:
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the other side closed
            return out
        if not chunk:
            return out
        out += chunk


def stats_with_stderr_on(gpu_fixture, stderr, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tftrace", "stats", str(gpu_fixture), "--top", "5"],
                          stdout=subprocess.PIPE, stderr=stderr, env=env)


def test_progress_line_on_a_terminal_then_erased(gpu_fixture):
    # GIVEN an analysis longer than the delay (0 s here) and stderr a terminal
    env = dict(os.environ, TFTRACE_PROGRESS_AFTER_S="0")
    main, side = pty.openpty()
    try:
        result = stats_with_stderr_on(gpu_fixture, side, env)
    finally:
        os.close(side)
    shown = read_all(main)
    os.close(main)
    # THEN the line is drawn, counts seconds, and is erased at the end; stdout is untouched
    assert result.returncode == 0
    assert shown.startswith(PROGRESS) and shown.endswith(ERASE), shown[:200]
    assert b" s\x1b[K" in shown and b"\n" not in shown
    piped = stats_with_stderr_on(gpu_fixture, subprocess.PIPE, env)
    assert piped.stdout == result.stdout and b"analysing" not in piped.stderr


def test_no_progress_line_when_stderr_is_not_a_terminal(gpu_fixture, tmp_path):
    env = dict(os.environ, TFTRACE_PROGRESS_AFTER_S="0")
    with open(tmp_path / "err", "wb") as err:
        assert stats_with_stderr_on(gpu_fixture, err, env).returncode == 0
    assert (tmp_path / "err").read_bytes() == b""


WRITER = r"""
import os, sys, time
from tftrace.terminal import quiet_tensorflow_logs
with quiet_tensorflow_logs():
    os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n")
    os.write(2, b"I0000 00:00:1796021139.796823   13906 port.cc:153] oneDNN custom operations are on.\n")
    os.write(2, b"keep: the script's own line\n")
    os.write(2, b"W0000 00:00:1796021406.146318   19329 session_manager.cc:55] delay_ms expects an i value.\n")
    os.write(2, b"E0000 00:00:1796021406.147692   19329 cuda_platform.cc:52] failed call to cuInit: ...\n")
    os.write(2, b"F0000 00:00:1796021406.147692   19329 fatal.cc:1] a fatal line stays\n")
    os.write(2, b"\r 50%|#####     |")  # a progress bar: a partial line, shown before the next write
    time.sleep(0.5)
    os.write(2, b"\r100%|##########|\n")
    print("Traceback-like text from Python", file=sys.stderr)
print("after", file=sys.stderr)
"""


def test_tensorflow_log_lines_are_filtered_and_the_rest_passes():
    result = subprocess.run([sys.executable, "-c", WRITER], capture_output=True)
    assert result.returncode == 0
    assert result.stderr == (b"keep: the script's own line\n"
                             b"F0000 00:00:1796021406.147692   19329 fatal.cc:1] a fatal line stays\n"
                             b"\r 50%|#####     |\r100%|##########|\n"
                             b"Traceback-like text from Python\nafter\n")
