"""Multi-host capture from TensorFlow profiler servers on loopback workers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from workerkit import free_port, wait_listening

pytestmark = pytest.mark.tf

WORKER = textwrap.dedent("""
    import sys, time
    import tensorflow as tf
    tf.profiler.experimental.server.start(int(sys.argv[1]))
    a = tf.random.normal((96, 96), seed=int(sys.argv[1]) % 7)

    @tf.function
    def worker_step(x):
        return tf.reduce_sum(tf.matmul(x, x))

    print("ready", flush=True)
    end = time.time() + 600  # killed by the fixture; long enough for a slow, loaded CI machine
    while time.time() < end:
        worker_step(a)
""")


@pytest.fixture()
def workers(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    ports = [free_port(), free_port()]
    procs = [subprocess.Popen([sys.executable, str(script), str(p)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, env=env) for p in ports]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready"
        for port in ports:  # the profiler server starts listening a little after start() returns
            wait_listening(port)
        yield [f"localhost:{p}" for p in ports]
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def test_capture_two_workers_into_one_profile(workers, tmp_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TFTRACE_HOME=str(tmp_path / "home"))
    run = tmp_path / "workers.tftrace"
    result = subprocess.run([sys.executable, "-m", "tftrace", "capture", ",".join(workers), "--duration-ms", "1500",
                             "-o", str(run)], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    from tftrace import load

    profile = load(run)
    assert len(profile.hosts) == 2 and len(set(profile.hosts)) == 2
    assert all(p.split(":")[-1] in " ".join(profile.hosts) for p in workers)
    for host in profile.hosts:
        assert any(op.host == host and op.type.endswith("MatMul") and op.count > 10 for op in profile.ops)
        assert any(f.host == host and f.name == "worker_step" and f.calls > 10 for f in profile.functions)


def test_unreachable_worker_is_one_clear_error(tmp_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TFTRACE_HOME=str(tmp_path / "home"))
    port = free_port()
    result = subprocess.run([sys.executable, "-m", "tftrace", "capture", f"localhost:{port}",
                             "--duration-ms", "200"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 4
    assert (f"tftrace: error: no worker could be captured (localhost:{port}: no profiler server listening "
            "(connection refused))") in result.stderr
    assert "Traceback" not in result.stderr


def test_a_busy_worker_is_retried_until_it_is_free(workers, tmp_path, tf):
    """Another client holds one worker's profiler for 14 s: the capture retries it and gets it."""
    import threading
    import time

    holder = threading.Thread(target=tf.profiler.experimental.client.trace,
                              args=(f"grpc://{workers[1]}", str(tmp_path / "holder"), 14_000), daemon=True)
    holder.start()
    time.sleep(1.0)  # the holder's session is running on that worker from here on
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TFTRACE_HOME=str(tmp_path / "home"))
    run = tmp_path / "busy.tftrace"
    result = subprocess.run([sys.executable, "-m", "tftrace", "capture", ",".join(workers), "--duration-ms", "5000",
                             "-o", str(run)], capture_output=True, text=True, env=env, timeout=300)
    holder.join()
    assert result.returncode == 0, result.stderr
    from tftrace import load

    profile = load(run)
    status = {r["address"]: r for r in profile.workers["requested"]}
    assert status[workers[0]]["status"] == "captured" and status[workers[0]]["attempts"] == 1
    assert status[workers[1]]["status"] == "captured" and status[workers[1]]["attempts"] >= 2
    assert any("captured in different windows" in w and workers[1] in w for w in profile.warnings)


def test_a_notebook_cell_traces_the_workers_alongside(workers, tmp_path):
    """``%%tftrace --workers``: the cell's own process and every worker, one profile, one host each."""
    cell = ("%%tftrace --quiet --no-python --workers " + ",".join(workers) + " --workers-ms 1500\n"
            "for _ in range(50):\n    chief(tf.ones((64, 64)))\n")
    script = textwrap.dedent(f"""
        from IPython.core.interactiveshell import InteractiveShell
        import tftrace
        from tftrace.store import Store
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "tftrace")
        shell.run_cell("import tensorflow as tf\\n@tf.function\\ndef chief(x):\\n    return tf.reduce_sum(x * x)\\n")
        result = shell.run_cell({cell!r})
        assert result.success, result.error_in_exec
        (run,) = Store().list()
        p = tftrace.load(run["id"])
        print("HOSTS", len(p.hosts), sorted(r["status"] for r in p.workers["requested"]))
        print("CHIEF", any(f.name == "chief" for f in p.functions if f.host == p.hosts[0]))
        print("WORKERS", all(any(f.name == "worker_step" and f.host == r["host"] for f in p.functions)
                              for r in p.workers["requested"]))
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TFTRACE_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "HOSTS 3 ['captured', 'captured']" in result.stdout, result.stdout
    assert "CHIEF True" in result.stdout and "WORKERS True" in result.stdout
