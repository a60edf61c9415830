"""Hand-built profiles for the browser tests: many ops with Keras layers and source lines
(some in notebook cells), tf.functions with trace time and per-call execution times, a
flame tree with named remainders, and optionally a dataflow graph whose nodes carry
source, layer and placement."""

from __future__ import annotations

from tftrace.model import Device, FunctionStat, OpStat, Profile

NOTEBOOK_FILE = "/tmp/ipykernel_4242/2718281828.py"
SCRIPT_FILE = "/home/user/project/train.py"
TYPES = ("MatMul", "BiasAdd", "Relu", "Conv2D", "AddV2", "Mul", "Sum", "Cast", "ReadVariableOp")
TARGET = 700  # the op the tests select: it sorts at row 700 by self time


def op_self_us(i: int) -> float:
    return 5000.0 - 5.0 * i


def make_ops(n: int) -> list[OpStat]:
    ops = []
    for i in range(n):
        block, layer = divmod(i, 60)
        op_type = TYPES[i % len(TYPES)]
        name = f"model/block_{block}/dense_{layer % 12}/{op_type}_{i}"
        device = "/job:localhost/replica:0/task:0/device:GPU:0" if i % 4 else "/job:localhost/replica:0/task:0/device:CPU:0"
        if i % 3 == 0:
            source = {"file": NOTEBOOK_FILE, "line": 3 + i % 5, "cell": "In [7]"}
        elif i % 3 == 1:
            source = {"file": SCRIPT_FILE, "line": 40 + i % 9, "cell": None}
        else:
            source = {}
        ops.append(OpStat(name=name, type=op_type, device=device, mode="graph", count=50,
                          total_us=op_self_us(i) * 1.2, self_us=op_self_us(i), host="localhost",
                          source=source, layer={"name": f"dense_{layer % 12}", "class": "Dense"} if i % 5 else {}))
    return ops


def functions() -> list[FunctionStat]:
    return [
        FunctionStat(
            name="train_step", calls=50, traces=3, total_us=2_405_000.0, host="localhost", mean_us=48_100.0,
            retraces=[
                {"signature": "(x: TensorSpec(shape=(32, 784), dtype=tf.float32))",
                 "reason": "x: shape (64, 784) -> (32, 784)", "fix": "pass input_signature with shape=(None, 784)",
                 "call": 17},
                {"signature": "(x: TensorSpec(shape=(32, 784), dtype=tf.float32), training=False)",
                 "reason": "training: Python value True -> False", "fix": "pass training as a tf.constant", "call": 40},
            ],
            call_sites=[{"file": NOTEBOOK_FILE, "line": 4, "cell": "In [8]", "function": "<module>", "calls": 50}],
            trace_us=2_350_000.0, call_us={"n": 47, "min": 812.0, "median": 1020.5, "p95": 1730.0, "max": 2400.0},
            defined_at={"file": NOTEBOOK_FILE, "line": 2, "cell": "In [5]"}),
        FunctionStat(name="predict", calls=4, traces=1, total_us=9_000.0, host="localhost",
                     trace_us=0.0, call_us={}, defined_at={"file": SCRIPT_FILE, "line": 12, "cell": None}),
    ]


def node(name, kind, value, children=(), file="", line=0, cell=None, **extra):
    return {"name": name, "kind": kind, "value_us": value, "file": file, "line": line, "cell": cell,
            "children": list(children), **extra}


def flame(ops: list[OpStat]) -> dict:
    """all -> train (cell) -> tf.function train_step -> ops, a kernel, remainders; evaluate -> predict -> TARGET."""
    a, b, t = ops[0], ops[1], ops[min(TARGET, len(ops) - 1)]
    kernel = node("volta_sgemm_128x64_nn", "kernel", b.self_us * 0.8)
    step_children = [node(a.name, "op", a.self_us, file=NOTEBOOK_FILE, line=3, cell="In [7]", device=a.device),
                     node(b.name, "op", b.self_us, [kernel], file=SCRIPT_FILE, line=41, device=b.device),
                     node("tracing / graph building", "remainder", 3000.0),
                     node("runtime and dispatch", "remainder", 1200.0)]
    step = node("tf.function train_step", "function", sum(c["value_us"] for c in step_children), step_children,
                file=NOTEBOOK_FILE, line=4, cell="In [8]", calls=50)
    waiting = node("waiting for input", "remainder", 800.0)
    train = node("train", "python", step["value_us"] + waiting["value_us"], [step, waiting],
                 file=NOTEBOOK_FILE, line=4, cell="In [8]")
    predict_children = [node(t.name, "op", t.self_us, file=NOTEBOOK_FILE, line=5, cell="In [7]", device=t.device),
                        node("unaccounted", "remainder", 500.0)]
    predict = node("tf.function predict", "function", sum(c["value_us"] for c in predict_children), predict_children,
                   file=SCRIPT_FILE, line=90, calls=4)
    evaluate = node("evaluate", "python", predict["value_us"], [predict], file=SCRIPT_FILE, line=88)
    return node("all", "root", train["value_us"] + evaluate["value_us"], [train, evaluate])


def graph(ops: list[OpStat]) -> dict:
    """One function graph over a few ops (TARGET among them) with source, layer and placement."""
    picked = [ops[0], ops[1], ops[min(TARGET, len(ops) - 1)], ops[3]]
    nodes = []
    for j, op in enumerate(picked):
        nodes.append({"name": op.name, "op": op.type, "device": op.device, "dtype": "DT_FLOAT",
                      "inputs": [picked[j - 1].name] if j else [], "source": op.source,
                      "layer": op.layer, "placement": ("runtime", "measured", "requested", "runtime")[j]})
    timed = [{"function": "train_step", "name": n["name"], "total_us": op.self_us, "kernels": []}
             for n, op in zip(nodes, picked)]
    return {"nodes": timed, "functions": [{"function": "train_step", "partitions": [nodes]}]}


def big_profile(n_ops: int = 900, with_graph: bool = False) -> Profile:
    ops = make_ops(n_ops)
    return Profile(
        name="handmade", source="handmade", created="2025-01-01T00:00:00", duration_us=20_000.0,
        event_count=0, hosts=["localhost"],
        devices=[Device("/host:CPU", "localhost", "cpu", 10), Device("/device:GPU:0", "localhost", "gpu", 10)],
        ops=ops, functions=functions(), flame=flame(ops),
        graph=graph(ops) if with_graph else {"nodes": []})


# ---- answers: findings, steps, memory (issue 9), with a small timeline the steps align with

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
CATEGORIES = ["input", "tracing", "memcpy_h2d", "device_compute", "host_compute", "other", "python"]
N_STEPS = 40
STEP_US = 12_000.0
LINE_START_US = 1_000.0  # the host line's timestamp (the XSpace origin) ...
FIRST_EVENT_US = 1_500.0  # ... lies before its first event: the timeline's 0 is here
OUTLIERS = {1: "20.8x the median step: tracing (graph building) took 230.0 ms",
            23: "4.0x the median step: mostly input (36.0 ms)"}


def step_rows() -> list[dict]:
    """Steps of train_step: step 1 traced (250 ms), step 23 waited for input (48 ms), the rest 12 ms."""
    rows, start = [], FIRST_EVENT_US - LINE_START_US  # step starts on the XSpace clock
    for n in range(1, N_STEPS + 1):
        parts = {"input": 800.0 + 10 * n, "memcpy_h2d": 600.0, "device_compute": 7_000.0, "host_compute": 900.0,
                 "other": 1_500.0}
        if n == 1:
            parts["tracing"] = 230_000.0
        if n == 23:
            parts["input"] = 36_000.0
        wall = 250_000.0 if n == 1 else 48_000.0 if n == 23 else STEP_US
        parts["python"] = wall - sum(parts.values())
        rows.append({"step": n, "name": f"train_step {n}", "start_us": start, "wall_us": wall,
                     "breakdown": {c: parts[c] for c in CATEGORIES if c in parts}, "outlier": OUTLIERS.get(n, "")})
        start += wall
    return rows


def step_summary() -> dict:
    return {"source": "function", "function": "train_step",
            "reason": "no step markers; each call of train_step is a step (40 calls, 98% of tf.function call time)",
            "count": N_STEPS, "rows": step_rows(), "categories": list(CATEGORIES)}


def findings() -> list[dict]:
    return [
        {"kind": "input-bound", "severity": "high", "title": "input-bound: 38% of step time waiting for data",
         "evidence": "250.0 ms of 660.0 ms in 39 steps waiting for the next element (39 steps over 20%).",
         "location": {"file": NOTEBOOK_FILE, "line": 4, "cell": "In [8]"},
         "fix": "map(..., num_parallel_calls=tf.data.AUTOTUNE); end the pipeline with .prefetch(tf.data.AUTOTUNE)",
         "steps": [23, 5, 6], "impact_us": 250_000.0},
        {"kind": "retrace-bound", "severity": "medium", "title": "retrace-bound: train_step traced 3 times in 50 calls",
         "evidence": "2 retraces took 2.35 s (98% of the function's 2.40 s); last cause: training: Python value True -> False.",
         "location": {"file": NOTEBOOK_FILE, "line": 2, "cell": "In [5]"},
         "fix": "pass training as a tf.constant", "impact_us": 2_350_000.0},
        {"kind": "step-outlier", "severity": "low", "title": "2 outlier steps: step 1 took 250.0 ms",
         "evidence": f"step 1: {OUTLIERS[1]}; step 23: {OUTLIERS[23]}.",
         "location": {"file": NOTEBOOK_FILE, "line": 4, "cell": "In [8]"},
         "fix": "expected once per new input signature: warm the function up before the profiled part",
         "steps": [1, 23], "impact_us": 262_000.0},
        {"kind": "cpu-fallback", "severity": "low", "title": HOSTILE_TITLE,
         "evidence": 'kernel "EigenMetaKernel<Eigen::TensorMap<float>>" ran 3 ops on the CPU: <b>bold?</b>',
         "location": {"file": SCRIPT_FILE, "line": 41}, "fix": "keep <script>alert(2)</script> inputs on the GPU"},
    ]


def memory() -> dict:
    """Two allocators: the GPU's BFC (peak 1.20 GiB at the 23rd step, capacity 1.50 GiB) and the pinned host one."""
    gib = 1 << 30
    rows = step_rows()
    points, peak_t = [], rows[22]["start_us"] + 20_000.0
    for r in rows:
        for k in range(10):
            t = r["start_us"] + k * r["wall_us"] / 10
            points.append([t, int(0.35 * gib + (0.3 * gib if r["step"] == 23 else 0.1 * gib) * (k % 5) / 4)])
    points.append([peak_t, int(1.2 * gib)])
    points.sort()
    at_peak = [{"op": f"model/dense_{i}/MatMul", "bytes": (i + 1) * 3 << 20, "requested_bytes": (i + 1) * 3 << 20,
                "count": 1, "shape": f"[32,{(i + 1) * 256}]", "dtype": "float", "region": "output"} for i in range(30)]
    at_peak.append({"op": "unused preallocated device memory", "bytes": 180 << 20, "requested_bytes": 180 << 20,
                    "count": 1, "shape": "unknown", "dtype": "INVALID", "region": "persist/dynamic"})
    gpu = {"name": "GPU_0_bfc", "capacity_bytes": int(1.5 * gib), "peak_bytes": int(1.2 * gib),
           "peak_time_us": peak_t, "fragmentation_pct": 3.25, "timeline": points, "at_peak": at_peak, "events": 4_000}
    host = {"name": "gpu_host_bfc", "capacity_bytes": 0, "peak_bytes": 64 << 20, "peak_time_us": 2_000.0,
            "fragmentation_pct": 0.0, "timeline": [[1_000.0, 0], [2_000.0, 64 << 20], [300_000.0, 16 << 20]],
            "at_peak": [{"op": "IteratorGetNext", "bytes": 64 << 20, "shape": "[32,784]", "dtype": "float",
                         "region": "output"}], "events": 3}
    return {"allocators": [gpu, host], "note": "bytes in use per allocator from TensorFlow's allocator events"}


def step_xspace() -> bytes:
    """One host line (timestamp at LINE_START_US) with a train_step call per step, and a GPU stream with a
    kernel in each: the steps' starts (XSpace clock) are these events' starts."""
    from tftrace.analysis import xplane_pb

    space = xplane_pb.XSpace(hostnames=["localhost"])
    host = space.planes.add(id=1, name="/host:CPU")
    host.event_metadata[1].id = 1
    host.event_metadata[1].name = "train_step"
    gpu = space.planes.add(id=2, name="/device:GPU:0")
    gpu.event_metadata[1].id = 1
    gpu.event_metadata[1].name = "volta_sgemm_128x64_nn"
    base_ns = 1_700_000_000_000_000_000
    line = host.lines.add(id=1, name="tf_Compute", timestamp_ns=base_ns)
    stream = gpu.lines.add(id=7, name="Stream #7", timestamp_ns=base_ns)
    for r in step_rows():
        offset_ps = int(round(r["start_us"] * 1e6))  # from the line's timestamp, the XSpace origin
        line.events.add(metadata_id=1, offset_ps=offset_ps, duration_ps=int((r["wall_us"] - 500) * 1e6))
        stream.events.add(metadata_id=1, offset_ps=offset_ps + 2_000_000_000, duration_ps=7_000_000_000)
    return space.SerializeToString()


def answers_profile(with_timeline: bool = True) -> Profile:
    """The big profile plus findings (one with a hostile title), 40 steps with two outliers, two allocators."""
    profile = big_profile(n_ops=120)
    profile.name = "answers"
    profile.findings = findings()
    profile.step_summary = step_summary()
    profile.memory = memory()
    if with_timeline:
        profile.xspaces = {"localhost": step_xspace()}
    return profile


def quiet_profile(steps: bool) -> Profile:
    """No findings; with ``steps`` 40 healthy steps, else none (and why); no allocator events (and why)."""
    profile = big_profile(n_ops=30)
    profile.name = "quiet"
    if steps:
        rows = [dict(r, outlier="") for r in step_rows()]
        profile.step_summary = dict(step_summary(), rows=rows)
    else:
        profile.step_summary = {"source": "none", "function": "", "count": 0, "rows": [], "categories": [],
                                "reason": "no step markers and no tf.function calls: the work ran as eager ops"}
    profile.memory = {"allocators": [], "note": "no allocator events were recorded: TensorFlow's BFC allocators "
                                                "record them (GPU)"}
    return profile
