"""``tftrace run -m module`` runs a module like ``python -m``; TensorFlow's C++ log lines stay
out of stderr unless ``--verbose``."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.tf

MODULE = """
import sys
import tensorflow as tf
a = tf.ones((8, 8))
print("module argv:", sys.argv[1:], __name__, sys.argv[0].endswith("job.py"))
print("own stderr line", file=sys.stderr)
print(float(tf.reduce_sum(tf.matmul(a, a))))
sys.exit(4)
"""
TF_LOG = re.compile(r"^[IWE]\d{4} [\d:.]+ +\d+ \S+:\d+\] ", re.M)


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    root = tmp_path_factory.mktemp("mod")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "job.py").write_text(MODULE)
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}  # TensorFlow's default logging
    env["TFTRACE_HOME"] = str(root / "home")
    return root, env


def run(root, env, *args):
    return subprocess.run([sys.executable, "-m", "tftrace", "run", *map(str, args)], capture_output=True, text=True,
                          cwd=root, env=env)


def test_run_module_like_python_m_with_quiet_tensorflow(package):
    root, env = package
    result = run(root, env, "-o", root / "job.tftrace", "--no-python", "-m", "pkg.job", "--lr", "0.1", "-o", "x")
    # the module's own options pass through, even those tftrace also has (-o)
    assert "module argv: ['--lr', '0.1', '-o', 'x'] __main__ True" in result.stdout
    assert "512.0" in result.stdout
    assert result.returncode == 4  # the module's exit code
    assert "own stderr line" in result.stderr
    assert TF_LOG.search(result.stderr) is None and "absl::InitializeLog" not in result.stderr, result.stderr
    assert re.search(r"^tftrace: \d+ events, \d+ ops -> .*job\.tftrace$", result.stderr, re.M)
    stats = json.loads(subprocess.run([sys.executable, "-m", "tftrace", "stats", root / "job.tftrace", "--format",
                                       "json"], capture_output=True, text=True, env=env).stdout)
    assert any(op["type"] == "MatMul" for op in stats["ops"])


def test_verbose_lets_tensorflow_log_lines_through(package):
    root, env = package
    result = run(root, env, "-o", root / "verbose.tftrace", "--no-python", "--verbose", "-m", "pkg.job")
    assert result.returncode == 4
    assert TF_LOG.search(result.stderr) is not None


def test_run_module_errors_are_one_line(package):
    root, env = package
    result = run(root, env, "-m", "pkg.no_such_module")
    assert result.returncode == 1 and result.stderr == "tftrace: error: pkg.no_such_module: no module of that name\n"
    for usage in ([], ["-m"]):  # bad usage, like argparse's: exit 2
        result = run(root, env, *usage)
        assert result.returncode == 2 and "run takes a script or -m MODULE" in result.stderr


def test_run_on_a_terminal_shows_progress_while_the_trace_ends(package):
    # GIVEN stderr a terminal and a progress delay of 0 s
    root, env = package
    env = dict(env, TFTRACE_PROGRESS_AFTER_S="0")
    main, side = pty.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "tftrace", "run", "-o", root / "tty.tftrace", "--no-python",
                                 "-m", "pkg.job"], stdout=subprocess.PIPE, stderr=side, cwd=root, env=env)
    finally:
        os.close(side)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    text = shown.decode()
    # THEN the trace's end shows the line on the terminal (not through the log filter), erased
    # before the summary line; TensorFlow's log lines still stay out
    assert result.returncode == 4
    assert "\rtftrace: analysing the trace\u2026 " in text and "\r\x1b[Ktftrace: " in text, text[-400:]
    assert TF_LOG.search(text.replace("\r", "\n")) is None
    assert "own stderr line" in text
