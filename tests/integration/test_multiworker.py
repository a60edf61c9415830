"""A real MultiWorkerMirroredStrategy job on loopback, one worker slowed by construction, captured whole.

Each worker (``mw_worker.py``) runs a custom training loop, serves its profiler with
``tftrace.serve`` and sleeps in its input pipeline if told to. ``tftrace capture`` must
bring every worker back, on one clock, with per-worker steps, the collectives split into
transfer and waiting, and the slow worker named as the straggler, doing input.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from workerkit import free_port, wait_listening

pytestmark = pytest.mark.tf

WORKER = Path(__file__).with_name("mw_worker.py")
SLOW_MS = 40


def start_job(n: int, slow: int, tmp_path) -> tuple[list, list]:
    """(processes, profiler addresses) of an ``n``-worker job where worker ``slow`` waits SLOW_MS per batch."""
    cluster = ",".join(str(free_port()) for _ in range(n))
    profiler_ports = [free_port() for _ in range(n)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    procs = []
    for i in range(n):
        log = open(tmp_path / f"worker{i}.log", "w")
        procs.append(subprocess.Popen([sys.executable, str(WORKER), str(i), cluster, str(profiler_ports[i]),
                                       str(SLOW_MS if i == slow else 0), "600"],
                                      stdout=subprocess.PIPE, stderr=log, text=True, env=env))
    for proc in procs:  # every worker has run one step: the cluster is up, the collectives set up
        assert proc.stdout.readline().strip() == "ready", (tmp_path / "worker0.log").read_text()[-2000:]
    for port in profiler_ports:
        wait_listening(port)
    return procs, [f"localhost:{p}" for p in profiler_ports]


def captured_job(n: int, slow: int, tmp_path, run_capture, attempts: int = 3):
    """(what ``run_capture(addresses)`` returned, addresses) for a job no worker of which crashed.

    TensorFlow 2.21's profiler server now and then kills a MultiWorkerMirroredStrategy worker it
    traces (SIGSEGV / heap corruption, ~1 capture in 4 with 3 workers here, with or without
    tftrace in the worker). tftrace then reports that worker missing, which is right but not
    what these tests are about, so such a job is started again, at most ``attempts`` times."""
    crashes = []
    for _ in range(attempts):
        procs, addresses = start_job(n, slow, tmp_path)
        try:
            out = run_capture(addresses)
            died = [p.poll() for p in procs if p.poll() is not None and p.poll() < 0]
        finally:
            stop(procs)
        if not died:
            return out, addresses
        crashes.append(died)
    pytest.fail(f"TensorFlow's profiler crashed a worker in each of {attempts} jobs (signals {crashes})")


def stop(procs) -> None:
    for proc in procs:
        proc.kill()
        proc.wait()


def capture(addresses, tmp_path, *extra, out: str = "mw.tftrace") -> tuple[subprocess.CompletedProcess, Path]:
    run = tmp_path / out
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TFTRACE_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-m", "tftrace", "capture", ",".join(addresses), "--duration-ms", "3000",
                             "-o", str(run), *extra], capture_output=True, text=True, env=env, timeout=300)
    return result, run


@pytest.mark.parametrize("n", [2, 3])
def test_every_worker_captured_and_the_slow_one_named(n, tmp_path):
    slow = n - 1
    (result, run), addresses = captured_job(n, slow, tmp_path, lambda addresses: capture(addresses, tmp_path))
    logs = "\n".join((tmp_path / f"worker{i}.log").read_text()[-1500:] for i in range(n))
    assert result.returncode == 0, result.stderr + logs
    assert f"{n} of {n} worker(s)" in result.stderr
    from tftrace import load

    profile = load(run)
    requested = profile.workers["requested"]
    assert [r["address"] for r in requested] == addresses
    assert all(r["status"] == "captured" and r["host"] in profile.hosts for r in requested)
    assert len(set(profile.hosts)) == n
    host_of = {r["address"]: r["host"] for r in requested}
    rows = {r["host"]: r for r in profile.workers["rows"]}
    counts = [rows[h]["steps"] for h in profile.hosts]
    assert min(counts) >= 20 and max(counts) - min(counts) <= 1, counts
    slow_host = host_of[addresses[slow]]
    # the straggler: named, started (nearly) every collective last, and was waiting for input meanwhile
    (finding,) = [f for f in profile.findings if f["kind"] == "straggler"]
    assert finding["host"] == slow_host and slow_host in finding["title"]
    assert finding["share_last"] >= 0.8
    assert max(finding["doing"], key=finding["doing"].get) == "input"
    # the others waited for it inside the collectives: most of their collective time, SLOW_MS-ish a step
    for host in profile.hosts:
        row = rows[host]
        if host == slow_host:
            assert row["waiting_us"] < 0.2 * row["collective_us"], row
        else:
            assert row["waiting_us"] > 0.6 * row["collective_us"], row
            assert row["waiting_us"] / row["steps"] > 0.5 * SLOW_MS * 1000, row
    # one machine, one clock: the estimated offsets are ~0 (within the collectives' transfer time)
    clock = profile.workers["clock"]
    for host in profile.hosts:
        assert abs(clock["offsets_us"][host]) < 2000, clock
    if n == 2:
        assert_recovers_a_clock_shift(profile, shifted=profile.hosts[1], shift_us=50_000)


def assert_recovers_a_clock_shift(profile, shifted: str, shift_us: int, late_us: int = 3000) -> None:
    """The same XSpaces with one worker's clock moved by ``shift_us`` and its profiling session started
    ``late_us`` later than the others' (the first guess is that much off): the estimate moves by -shift_us."""
    from tftrace.analysis import analyze_bytes, xplane_pb

    blobs = dict(profile.xspaces)
    key = list(blobs)[profile.hosts.index(shifted)]
    space = xplane_pb.XSpace.FromString(blobs[key])
    (env,) = [p for p in space.planes if p.name == "Task Environment"]
    (start_id,) = [k for k, m in env.stat_metadata.items() if m.name == "profile_start_time"]
    (stat,) = [s for s in env.stats if s.metadata_id == start_id]
    stat.uint64_value += (shift_us + late_us) * 1000
    for plane in space.planes:  # events stay where they were on the shifted clock
        for line in plane.lines:
            line.timestamp_ns -= late_us * 1000
    blobs[key] = space.SerializeToString()
    before = profile.workers["clock"]["offsets_us"][shifted]
    moved = analyze_bytes(blobs, name="shifted")
    after = moved.workers["clock"]["offsets_us"][shifted]
    assert abs((after - before) + shift_us) < 1.0, (before, after)
    assert_collectives_end_together(moved)


def assert_collectives_end_together(profile) -> None:
    """On the exported timeline (one clock), each worker's collectives end within 2 ms of the other's."""
    import io
    import json

    from tftrace.export import chrome

    out = io.BytesIO()
    chrome.write(profile, out)
    ends: dict = {}
    for e in json.loads(out.getvalue())["traceEvents"]:
        if e.get("ph") == "X" and "CollectiveReduceV2" in e["name"] and e["name"].endswith(":CollectiveReduceV2"):
            ends.setdefault(e["pid"], []).append(float(e["ts"]) + float(e["dur"]))
    first, second = (sorted(v) for v in ends.values())
    near = [min(abs(t - u) for u in second) for t in first[2:-2]]
    assert sorted(near)[len(near) // 2] < 2000, near[:10]


def test_a_missing_worker_is_reported_and_the_others_kept(tmp_path):
    dead = f"localhost:{free_port()}"

    def both(addresses):
        return (capture([addresses[0], dead, addresses[1]], tmp_path),
                capture([addresses[0], dead], tmp_path, "--allow-partial", out="partial.tftrace"))

    ((result, run), (allowed, _)), addresses = captured_job(2, -1, tmp_path, both)
    assert result.returncode == 4, result.stderr
    assert "2 of 3 worker(s)" in result.stderr
    assert f"tftrace: worker {dead} missing: no profiler server listening (connection refused)" in result.stderr
    assert "--allow-partial" in result.stderr and "Traceback" not in result.stderr
    from tftrace import load

    profile = load(run)
    assert len(profile.hosts) == 2
    status = {r["address"]: r["status"] for r in profile.workers["requested"]}
    assert status == {addresses[0]: "captured", dead: "missing", addresses[1]: "captured"}
    assert any(dead in w and "missing" in w for w in profile.warnings)
    assert allowed.returncode == 0, allowed.stderr
    assert f"worker {dead} missing" in allowed.stderr
