"""The tftrace CLI as a subprocess: run passes the script through; export reopens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.tf

SCRIPT = """
import sys
import tensorflow as tf
a = tf.ones((16, 16))
print("out:", float(tf.reduce_sum(tf.matmul(a, a))), sys.argv[1:])
print("err-line", file=sys.stderr)
sys.exit(int(sys.argv[1]))
"""


def _tftrace(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "tftrace", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd)


@pytest.fixture(scope="module")
def script_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    script = tmp / "work's <script>.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TFTRACE_HOME=str(tmp / "home"))
    result = _tftrace("run", "-o", tmp / "run.tftrace", script, 3, env=env)
    return tmp, result, env


def test_run_passes_stdout_stderr_and_exit_code(script_run):
    tmp, result, _ = script_run
    assert result.returncode == 3
    assert "out: 4096.0 ['3']" in result.stdout
    assert "err-line" in result.stderr
    assert (tmp / "run.tftrace").is_file()


def test_stats_of_run_file_has_the_eager_matmul(script_run):
    tmp, _, env = script_run
    data = json.loads(_tftrace("stats", tmp / "run.tftrace", "--format", "json", env=env).stdout)
    assert any(op["type"] == "MatMul" and op["mode"] == "eager" for op in data["ops"])


def test_export_tensorboard_layout_reloads_identically(script_run):
    tmp, _, env = script_run
    result = _tftrace("export", tmp / "run.tftrace", "--format", "tensorboard", "-o", tmp / "tb", env=env)
    assert result.returncode == 0, result.stderr
    [xplane] = list((tmp / "tb" / "plugins" / "profile").glob("*/*.xplane.pb"))
    from tftrace import load

    original, exported = load(tmp / "run.tftrace"), load(tmp / "tb")
    assert [o.name for o in exported.ops] == [o.name for o in original.ops]
    assert exported.xspaces[Path(xplane).name[:-len(".xplane.pb")]] == next(iter(original.xspaces.values()))


def test_run_without_output_goes_to_store_and_ls_lists_it(script_run):
    tmp, _, env = script_run
    result = _tftrace("run", tmp / "work's <script>.py", 0, env=env)
    assert result.returncode == 0
    listing = _tftrace("ls", env=env).stdout
    assert "script" in listing


def test_stats_and_report_by_run_name_note_shared_names(script_run):
    from tftrace import load
    from tftrace.store import Store

    tmp, _, env = script_run
    home = tmp / "named-home"
    env = dict(env, TFTRACE_HOME=str(home))
    profile = load(tmp / "run.tftrace")
    profile.name = "custom-loop"
    store = Store(str(home))
    older = store.add(profile)
    result = _tftrace("stats", "custom-loop", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    assert any(op["type"] == "MatMul" for op in json.loads(result.stdout)["ops"])
    assert "runs are named" not in result.stderr
    newest = store.add(profile)
    result = _tftrace("stats", "custom-loop", env=env)
    assert result.returncode == 0, result.stderr
    assert "MatMul" in result.stdout
    note = f"tftrace: 2 runs are named 'custom-loop'; using the newest, {newest} (older: {older})"
    assert result.stderr.splitlines().count(note) == 1
    result = _tftrace("report", "custom-loop", "-o", tmp / "named.html", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp / "named.html").is_file() and note in result.stderr.splitlines()
