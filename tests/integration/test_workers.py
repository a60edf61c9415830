"""Multi-host capture from TensorFlow profiler servers on loopback workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time

import pytest

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, timeout_s: float = 30.0) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"no profiler server listening on port {port}")


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
    result = subprocess.run([sys.executable, "-m", "tftrace", "capture", f"localhost:{free_port()}",
                             "--duration-ms", "200"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 4
    assert "tftrace: error: cannot capture from grpc://localhost:" in result.stderr
    assert "Traceback" not in result.stderr
