"""Finding rules and the step breakdown on hand-built profiles (GPU cases this machine cannot record)."""

from tftrace.analysis.findings import find, one_line
from tftrace.analysis.steps import breakdown, summarize
from tftrace.model import Device, MemcpyStat, Profile, Step

MS = 1_000_000_000  # picoseconds


def gpu_profile(steps_breakdown: list[dict]) -> Profile:
    p = Profile(hosts=["h"], duration_us=sum(sum(b.values()) for b in steps_breakdown))
    p.devices = [Device(name="/host:CPU", host="h", kind="cpu"), Device(name="/device:GPU:0", host="h", kind="gpu")]
    start = 0.0
    rows = []
    for n, parts in enumerate(steps_breakdown, 1):
        wall = sum(parts.values())
        rows.append({"step": n, "name": f"train {n}", "start_us": start, "wall_us": wall, "breakdown": parts,
                     "outlier": ""})
        start += wall
    p.step_summary = {"source": "markers", "function": "", "reason": "", "count": len(rows), "rows": rows,
                      "categories": sorted({c for r in rows for c in r["breakdown"]})}
    return p


def test_breakdown_is_a_partition_by_priority():
    # GIVEN input waiting over [0, 2) ms, host compute over [1, 4) ms, a call over [0, 6) ms, 1 ms tracing
    busy = {"input": [(0, 2 * MS)], "host_compute": [(1 * MS, 4 * MS)]}
    parts = breakdown(0, 8 * MS, busy, calls=[(0, 6 * MS)], tracing_ps=1 * MS)
    # THEN input keeps its overlap, compute the rest, the call's remainder is tracing then runtime, then Python
    assert parts == {"input": 2 * MS, "host_compute": 2 * MS, "tracing": 1 * MS, "other": 1 * MS, "python": 2 * MS}
    assert sum(parts.values()) == 8 * MS


def test_function_steps_run_call_to_call_and_outliers_say_why():
    calls = [Step(name="f", function="f", start_us=10.0 * i, duration_us=4.0) for i in range(8)]
    calls[3].duration_us = 60.0  # one slow call
    busy = {"host_compute": [(int(s.start_us * 1e6), int((s.start_us + s.duration_us) * 1e6)) for s in calls]}
    summary = summarize(calls, busy)
    assert summary["source"] == "function" and summary["count"] == 8
    assert [r["wall_us"] for r in summary["rows"]][:4] == [10.0, 10.0, 10.0, 60.0]  # call 4 runs past call 5's start
    [odd] = [r for r in summary["rows"] if r["outlier"]]
    assert odd["step"] == 4 and "mostly host compute" in odd["outlier"]


def test_no_steps_says_why():
    summary = summarize([], {})
    assert summary["count"] == 0 and "eager ops" not in summary["reason"] and "step_num" in summary["reason"]
    summary = summarize([], {}, eager_ops=1200)
    assert "ran as 1,200 eager ops; wrap the step in tf.function" in summary["reason"]


def test_gpu_rules_fire_on_their_evidence_only():
    # GIVEN steps half spent copying host<->device, and CPU ops while a GPU is visible
    p = gpu_profile([{"memcpy_h2d": 500.0, "device_compute": 400.0, "python": 100.0}] * 10)
    p.memcpy = [MemcpyStat(device="/device:GPU:0", direction="HtoD", op="", count=40, bytes=4 << 20, total_us=5000.0)]
    p.graph = {"nodes": [{"name": "loss/Cast", "op": "Cast", "device": "/job:localhost/device:CPU:0",
                          "total_us": 2500.0, "source": {"file": "/u/train.py", "line": 12, "cell": None}},
                         {"name": "x", "op": "_Arg", "device": "/device:CPU:0", "total_us": 10.0}]}
    findings = find(p)
    kinds = [f["kind"] for f in findings]
    assert kinds[:2] == ["memcpy", "cpu-fallback"]
    copy, fallback = findings[0], findings[1]
    assert copy["severity"] == "high" and "4 per step" in copy["title"]
    assert "1 ops ran on the CPU" in fallback["title"] and fallback["location"]["line"] == 12
    assert one_line(findings).startswith("tftrace: host<->device copies") and "(+1 more)" in one_line(findings)


def test_a_healthy_gpu_step_raises_nothing():
    p = gpu_profile([{"device_compute": 900.0, "host_compute": 60.0, "python": 40.0}] * 10)
    assert find(p) == []
