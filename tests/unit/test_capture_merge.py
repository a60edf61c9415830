"""Joining hook records with measured ops, fed with hand-made records (no TensorFlow)."""

from tftrace.analysis.capture_merge import merge_capture, strip_call_prefix
from tftrace.analysis.python_stacks import fold_stack, top_frames
from tftrace.model import Device, FunctionStat, OpStat, Profile


def op(name, self_us, device="/host:CPU", type_="MatMul"):
    return OpStat(name=name, type=type_, device=device, mode="graph", count=1, total_us=self_us, self_us=self_us)


def node(name, op_type="MatMul", device="/job:localhost/replica:0/task:0/device:CPU:0"):
    return {"name": name, "op": op_type, "device": device, "inputs": []}


GRAPH = {"function": "train_step", "pre": [], "post": [], "partitions": [[
    node("StatefulPartitionedCall/dense/MatMul"), node("gradient_tape/dense/MatMul/MatMul"),
    node("adam/Mul_3", "Mul"), node("x", "_Arg")]]}


def profile_with_ops(gpu=False):
    p = Profile(hosts=["h"], ops=[op("StatefulPartitionedCall/dense/MatMul", 30.0),
                                  op("StatefulPartitionedCall/gradient_tape/dense/MatMul/MatMul", 50.0),
                                  op("StatefulPartitionedCall/adam/Mul_3", 5.0, type_="Mul")],
                functions=[FunctionStat(name="train_step", calls=3, traces=1, total_us=100.0)])
    p.devices = [Device(name="/host:CPU", host="h", kind="cpu")]
    if gpu:
        p.devices.append(Device(name="/device:GPU:0", host="h", kind="gpu"))
    return p


def test_strip_call_prefix():
    assert strip_call_prefix("StatefulPartitionedCall/PartitionedCall_1/a/b") == "a/b"
    assert strip_call_prefix("a/StatefulPartitionedCall/b") == "a/StatefulPartitionedCall/b"


def test_graph_nodes_get_time_and_tapes_split_forward_backward_optimizer():
    p = profile_with_ops()
    merge_capture(p, {"graphs": [GRAPH]})
    times = {n["name"]: n["total_us"] for n in p.graph["nodes"]}
    assert times["StatefulPartitionedCall/dense/MatMul"] == 30.0
    assert times["gradient_tape/dense/MatMul/MatMul"] == 50.0
    assert all(n["kernels"] == [] for n in p.graph["nodes"])
    assert p.tapes == [{"kind": "graph", "function": "train_step", "forward_us": 30.0, "backward_us": 50.0,
                        "optimizer_us": 5.0}]
    assert not p.warnings


def test_graph_nodes_list_the_kernels_of_their_op():
    from tftrace.model import KernelStat

    p = profile_with_ops(gpu=True)
    p.kernels = [KernelStat(name="void gemm<float>", op="dense/MatMul", device="/device:GPU:0", count=2,
                            total_us=9.0, min_us=4.0, max_us=5.0, grid="1,1,1", block="128,1,1", registers=32,
                            shared_mem_bytes=0, occupancy_pct=100.0)]
    merge_capture(p, {"graphs": [GRAPH]})
    by_name = {n["name"]: n for n in p.graph["nodes"]}
    assert by_name["StatefulPartitionedCall/dense/MatMul"]["kernels"] == ["void gemm<float>"]


def test_placement_warning_when_a_gpu_is_visible():
    p = profile_with_ops(gpu=True)
    merge_capture(p, {"graphs": [GRAPH]})
    [warning] = p.warnings
    assert warning.startswith("3 op(s) ran on the CPU while a GPU is visible") and "MatMul" in warning


def test_function_records_override_trace_counts_and_keep_retraces():
    p = profile_with_ops()
    record = {"name": "train_step", "calls": 6, "traces": 4, "total_ns": 6_000_000, "retraces": [
        {"signature": "x: float32[8]", "reason": "x: shape (4,) -> (8,)", "fix": "...", "call": 2, "kinds": ["shape"]}],
        "definition": {"file": "a.py", "line": 3}, "call_sites": []}
    merge_capture(p, {"functions": [record]})
    [f] = p.functions
    assert (f.calls, f.traces, f.total_us, f.mean_us) == (6, 4, 6000.0, 1000.0)
    assert f.retraces == [{"signature": "x: float32[8]", "reason": "x: shape (4,) -> (8,)", "fix": "...", "call": 2}]
    from tftrace.stats import to_table

    table = to_table(p)
    assert "retrace 1: x: shape (4,) -> (8,)" in table and "fix: ..." in table


SPEEDSCOPE = {"shared": {"frames": [
    {"name": "<module>", "file": "/u/run.py", "line": 9}, {"name": "loop", "file": "/u/run.py", "line": 5},
    {"name": "Function.__call__", "file": "/x/tensorflow/python/eager/polymorphic_function/polymorphic_function.py",
     "line": 800},
    {"name": "<img src=x onerror=alert(1)>", "file": "/u/\"odd\".py", "line": 1}]},
    "profiles": [{"type": "sampled", "unit": "seconds", "samples": [[0, 1, 2], [0, 1, 2], [0, 3]],
                  "weights": [0.01, 0.01, 0.01]}]}


def test_python_top_frames_and_folding_into_tf_function():
    top = top_frames(SPEEDSCOPE)
    assert top["samples"] == 3
    assert {(f["function"], f["self_pct"]) for f in top["top"]} >= {("Function.__call__", 66.67), ("loop", 0.0)}
    assert [f["user"] for f in top["top"]][:2] == [True, True]  # /u/run.py lines lead
    keys = fold_stack([SPEEDSCOPE["shared"]["frames"][i] for i in (0, 1, 2)], {("/u/run.py", 5): "train_step"})
    assert [k[0] for k in keys] == ["<module>", "loop", "tf.function train_step"]
    runpy = {"name": "_run_code", "file": "<frozen runpy>", "line": 88}
    cli = {"name": "main", "file": "/site/tftrace/cli.py", "line": 3}
    eager = {"name": "matmul", "file": "/x/tensorflow/python/ops/math_ops.py", "line": 1}
    keys = fold_stack([runpy, cli, SPEEDSCOPE["shared"]["frames"][0], eager], {})
    assert [k[0] for k in keys] == ["<module>", "TensorFlow"]


def _calls_log(n, wall_ns, trace_ns=0, site=("/u/run.py", 5, "loop")):
    """n calls of ``wall_ns`` each; the first traced for ``trace_ns``."""
    return [(i * 10 * wall_ns, i * 10 * wall_ns + wall_ns, trace_ns if i == 0 else 0, i == 0 and trace_ns > 0, site)
            for i in range(n)]


def _check_tree(node):
    """pyinstrument's self_check: children never exceed their parent."""
    assert sum(c["value_us"] for c in node["children"]) <= node["value_us"] + 1e-9, node["name"]
    for child in node["children"]:
        _check_tree(child)


def test_flame_function_node_holds_measured_ops_and_named_remainders():
    # GIVEN two calls of 10 ms from run.py:5, the first tracing for 4 ms, and 3 ms of ops measured inside them
    p = profile_with_ops()
    p.call_ops = {0: {"StatefulPartitionedCall/dense/MatMul": 2000.0, "StatefulPartitionedCall/dense/Relu": 1000.0}}
    records = [{"name": "train_step", "calls": 2, "traces": 1, "total_ns": 20_000_000, "retraces": [],
                "call_sites": [{"file": "/u/run.py", "line": 5, "function": "loop", "calls": 2}],
                "calls_log": _calls_log(2, 10_000_000, trace_ns=4_000_000)}]
    # WHEN the samples (2 x 10 ms inside the call) are merged
    merge_capture(p, {"functions": records, "graphs": [GRAPH], "python": SPEEDSCOPE})
    # THEN the function node is the measured wall time and its children are measurements or named remainders
    [module] = p.flame["children"]
    loop = next(c for c in module["children"] if c["name"] == "loop")
    [call] = loop["children"]
    assert call["name"] == "tf.function train_step" and call["value_us"] == 20000.0
    children = {c["name"]: (c["kind"], c["value_us"]) for c in call["children"]}
    assert children == {"StatefulPartitionedCall/dense/MatMul": ("op", 2000.0),
                        "StatefulPartitionedCall/dense/Relu": ("op", 1000.0),
                        "tracing / graph building": ("remainder", 4000.0),
                        "runtime and dispatch": ("remainder", 13000.0)}
    _check_tree(p.flame)


def test_flame_never_scales_ops_and_grows_parents_to_hold_them():
    # GIVEN ops on parallel threads that add up to more than the calls' wall time
    p = profile_with_ops()
    p.call_ops = {0: {"a:MatMul": 30000.0}}
    records = [{"name": "train_step", "calls": 1, "traces": 0, "total_ns": 20_000_000, "retraces": [],
                "call_sites": [{"file": "/u/run.py", "line": 5, "function": "loop", "calls": 1}],
                "calls_log": _calls_log(1, 20_000_000)}]
    merge_capture(p, {"functions": records, "python": SPEEDSCOPE})
    [module] = p.flame["children"]
    loop = next(c for c in module["children"] if c["name"] == "loop")
    [call] = loop["children"]
    # THEN the op keeps its 30 ms, the call and its callers are as wide as it is
    assert [(c["name"], c["value_us"]) for c in call["children"]] == [("a:MatMul", 30000.0)]
    assert call["value_us"] == 30000.0 and loop["value_us"] >= 30000.0 and p.flame["value_us"] >= 30000.0
    _check_tree(p.flame)


def test_flame_hangs_unsampled_call_sites_under_the_root():
    p = profile_with_ops()
    p.call_ops = {0: {"x": 5.0}}
    records = [{"name": "tiny", "calls": 1, "traces": 0, "total_ns": 8000, "retraces": [],
                "call_sites": [{"file": "/u/other.py", "line": 2, "function": "f", "calls": 1}],
                "calls_log": _calls_log(1, 8000, site=("/u/other.py", 2, "f"))}]
    merge_capture(p, {"functions": records, "python": SPEEDSCOPE})
    tiny = next(c for c in p.flame["children"] if c["name"] == "tf.function tiny")
    assert (tiny["file"], tiny["line"], tiny["value_us"]) == ("/u/other.py", 2, 8.0)
    assert {c["name"]: c["value_us"] for c in tiny["children"]} == {"x": 5.0, "runtime and dispatch": 3.0}


def test_flame_starts_at_the_users_cell_and_drops_tftrace_start_and_stop():
    kernel = {"name": "run_forever", "file": "/v/lib/python3.11/site-packages/ipykernel/kernelapp.py", "line": 1}
    asyncio = {"name": "_run_once", "file": "/usr/lib/python3.11/asyncio/base_events.py", "line": 1}
    magic = {"name": "_cell", "file": "/v/site-packages/tftrace/magic.py", "line": 60}
    outer_cell = {"name": "<module>", "file": "/tmp/ipykernel_1/111.py", "line": 1}
    body = {"name": "<module>", "file": "/tmp/ipykernel_1/222.py", "line": 3}
    stop = {"name": "__exit__", "file": "/v/site-packages/tftrace/capture/session.py", "line": 130}
    frames = [kernel, asyncio, outer_cell, magic, body, stop]
    doc = {"shared": {"frames": frames}, "profiles": [{"unit": "seconds", "weights": [0.01, 0.01],
                                                       "samples": [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5]]}]}
    p = profile_with_ops()
    merge_capture(p, {"python": doc, "cells": {"/tmp/ipykernel_1/222.py": "In [7]"}})
    [cell] = p.flame["children"]
    assert (cell["name"], cell["cell"], cell["value_us"]) == ("In [7]", "In [7]", 10000.0)
    assert p.flame["value_us"] == 10000.0  # the sample in tftrace's own stop is gone


def test_function_rows_separate_tracing_from_execution():
    p = profile_with_ops()
    log = [(0, 50_000_000, 40_000_000, True, ("/u/a.py", 9, "f"))] + [
        (i, i + us * 1000, 0, False, ("/u/a.py", 9, "f")) for i, us in enumerate([3, 1, 2, 5, 4], 1)]
    record = {"name": "train_step", "calls": 6, "traces": 1, "total_ns": 65_000_000, "retraces": [],
              "definition": {"file": "/tmp/ipykernel_1/222.py", "line": 3}, "call_sites": [], "calls_log": log}
    merge_capture(p, {"functions": [record], "cells": {"/tmp/ipykernel_1/222.py": "In [7]"}})
    [f] = p.functions
    assert f.trace_us == 40000.0
    assert f.call_us == {"n": 5, "min": 1.0, "median": 3.0, "p95": 5.0, "max": 5.0}
    assert f.defined_at == {"file": "/tmp/ipykernel_1/222.py", "line": 3, "cell": "In [7]"}


def test_cross_device_copies_from_partition_graphs_are_audited():
    from tftrace.model import MemcpyStat

    gpu, cpu = "/job:localhost/replica:0/task:0/device:GPU:0", "/job:localhost/replica:0/task:0/device:CPU:0"
    send = {"name": "x/_0", "op": "_Send", "device": cpu, "inputs": [], "send_device": cpu, "recv_device": gpu}
    local = {"name": "x/_1", "op": "_Send", "device": gpu, "inputs": [], "send_device": gpu, "recv_device": gpu}
    graph = {"function": "step", "pre": [], "post": [], "partitions": [[send, local], [dict(send, name="y/_2")]]}
    p = profile_with_ops(gpu=True)
    p.memcpy = [MemcpyStat(device="/device:GPU:0", direction="HtoD", op="", count=4, bytes=4096, total_us=12.5)]
    merge_capture(p, {"graphs": [graph]})
    assert p.graph["copies"] == [{"function": "step", "src": cpu, "dst": gpu, "tensors": 2}]
    assert "step: 2 tensor(s) copied CPU->GPU per call" in p.warnings[-2]
    assert p.warnings[-1] == "measured HtoD copies: 4 (4,096 bytes, 12.5 us)"


def test_autograph_generated_frames_point_at_the_users_source():
    generated = "/tmp/__autograph_generated_fileab12.py"
    frames = [{"name": "<module>", "file": "/u/run.py", "line": 3},
              {"name": "outer_factory.<locals>.inner_factory.<locals>.tf__step", "file": generated, "line": 14}]
    doc = {"shared": {"frames": frames}, "profiles": [{"unit": "seconds", "samples": [[0, 1]], "weights": [0.01]}]}
    p = profile_with_ops()
    merge_capture(p, {"python": doc, "autograph_lines": {(generated, 14): ("/u/run.py", 8)}})
    assert ("step", "/u/run.py", 8) in {(f["function"], f["file"], f["line"]) for f in p.python["top"]}
    assert not any("__autograph_generated" in f["file"] for f in p.python["top"])
