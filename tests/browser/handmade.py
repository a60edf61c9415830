"""Hand-built profiles for the browser tests: many ops with Keras layers and source lines
(some in notebook cells), tf.functions with trace time and per-call execution times, a
flame tree with named remainders, and optionally a dataflow graph whose nodes carry
source, layer and placement."""

from __future__ import annotations

import math

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


# A comparison of two runs (tftrace.diff/1) as `tftrace diff` writes it: B widened a Dense
# layer (its MatMuls slower, renamed dense_1 -> dense_7 by a rebuilt model) and prefetched
# its input (faster); dropout is new, batch norm gone; most rows did not change.

DIFF_HOSTILE = '<img src=x onerror=alert(1)>"quoted"'
DIFF_STEPS = 30


def _wobble(i: int, scale: float) -> float:
    """A fixed, noise-like offset for the i-th step (no randomness in tests)."""
    return scale * (0.55 * math.sin(2.3 * i + 0.4) + 0.3 * math.cos(0.7 * i) + 0.15 * math.sin(5.1 * i))


def diff_step() -> dict:
    a = [round(41.2 + _wobble(i, 2.2), 4) for i in range(DIFF_STEPS)]
    b = [round(48.9 + _wobble(i + 11, 2.6), 4) for i in range(DIFF_STEPS)]
    a_ms, b_ms = round(sum(a) / len(a), 4), round(sum(b) / len(b), 4)
    ratio = round(b_ms / a_ms, 4)
    return {"a_ms": a_ms, "b_ms": b_ms, "ratio": ratio, "low": round(ratio - 0.0291, 4),
            "high": round(ratio + 0.0307, 4), "verdict": "slower", "note": "", "a_samples_ms": a, "b_samples_ms": b,
            "a_warmup_ms": [812.5], "b_warmup_ms": [61.3], "a_outliers_ms": [], "b_outliers_ms": [96.4]}


def _diff_row(kind, key, a_us, b_us, verdict, ratio=None, low=None, high=None, b_key="", note="", type_="",
              layer="", step_a=41_200.0, step_b=48_900.0, **extra) -> dict:
    if ratio is None and verdict not in ("new", "gone"):
        ratio = round(b_us / a_us, 4)
    share = 100 * (b_us / step_b if verdict == "new" else a_us / step_a)
    return {"kind": kind, "key": key, "b_key": b_key, "a_us": a_us, "b_us": b_us, "delta_us": round(b_us - a_us, 3),
            "ratio": ratio, "low": low, "high": high, "verdict": verdict, "note": note, "share_pct": round(share, 2),
            "type": type_, "layer": layer, **extra}


def diff_changed_rows() -> list[dict]:
    """Slower and faster rows, largest |delta| first."""
    row = _diff_row
    return [
        row("category", "host compute", 31_200.0, 42_090.0, "slower", low=1.31, high=1.39),
        row("function", "train_step", 41_050.0, 48_700.0, "slower", low=1.16, high=1.21, a_calls=32, b_calls=32),
        row("op", "sequential/dense_1/MatMul", 2_950.0, 8_060.0, "slower", low=2.61, high=2.86,
            b_key="sequential_1/dense_7/MatMul", type_="MatMul", layer="dense_1"),
        row("op", "gradient_tape/sequential/dense_1/MatMul/MatMul_1", 3_010.0, 7_420.0, "slower", low=2.35, high=2.58,
            b_key="gradient_tape/sequential_1/dense_7/MatMul/MatMul_1", type_="MatMul", layer="dense_1"),
        row("category", "input", 6_400.0, 3_100.0, "faster", low=0.41, high=0.55),
        row("op", "IteratorGetNext", 2_480.0, 640.0, "faster", low=0.22, high=0.3, type_="IteratorGetNext"),
        row("op", DIFF_HOSTILE, 120.0, 980.0, "slower", low=7.4, high=9.0, type_="Identity",
            note="<b>not bold</b> & not a tag"),
        row("op", "sequential/dense_1/BiasAdd", 410.0, 1_230.0, "slower", low=2.8, high=3.2,
            b_key="sequential_1/dense_7/BiasAdd", type_="BiasAdd", layer="dense_1"),
        row("op", "sequential/dense/Cast", 512.0, 245.3, "faster", low=0.44, high=0.52, type_="Cast", layer="dense"),
    ]


def diff_appeared_rows() -> list[dict]:
    """New and gone rows (ratio null), largest |delta| first."""
    row = _diff_row
    return [
        row("function", "eval_step", 0.0, 1_830.0, "new", note="only in B", a_calls=0, b_calls=3),
        row("op", "sequential_1/dropout/dropout/Mul", 0.0, 640.0, "new", note="only in B", type_="Mul",
            layer="dropout"),
        row("op", "sequential/batch_normalization/FusedBatchNormV3", 520.0, 0.0, "gone", note="only in A",
            type_="FusedBatchNormV3", layer="batch_normalization"),
        row("op", "sequential_1/dropout/dropout/Cast", 0.0, 210.0, "new", note="only in B", type_="Cast",
            layer="dropout"),
    ]


_SAME_OPS = [  # (name, type, layer, A us per step, B/A)
    ("sequential/dense/MatMul", "MatMul", "dense", 1_480.0, 1.021),
    ("gradient_tape/sequential/dense/MatMul", "MatMul", "dense", 1_510.0, 0.984),
    ("sequential/dense_2/MatMul", "MatMul", "dense_2", 212.0, 1.032),
    ("gradient_tape/sequential/dense_2/MatMul", "MatMul", "dense_2", 230.0, 0.972),
    ("gradient_tape/sequential/dense_2/MatMul_1", "MatMul", "dense_2", 228.0, 1.011),
    ("sequential/dense/BiasAdd", "BiasAdd", "dense", 301.0, 0.991),
    ("sequential/dense/Relu", "Relu", "dense", 262.0, 1.014),
    ("sequential/dense_1/Relu", "Relu", "dense_1", 148.0, 1.06),
    ("gradient_tape/sequential/dense/ReluGrad", "ReluGrad", "dense", 280.0, 1.008),
    ("gradient_tape/sequential/dense_1/ReluGrad", "ReluGrad", "dense_1", 150.0, 1.047),
    ("sparse_categorical_crossentropy/SparseSoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits",
     "", 96.0, 0.978),
    ("Adam/Adam/AssignAddVariableOp", "AssignAddVariableOp", "", 45.2, 0.991),
    ("Adam/Adam/update/ResourceApplyAdam", "ResourceApplyAdam", "", 188.0, 1.019),
    ("Adam/Adam/update_1/ResourceApplyAdam", "ResourceApplyAdam", "", 186.0, 0.987),
    ("Adam/Adam/update_2/ResourceApplyAdam", "ResourceApplyAdam", "", 402.0, 1.027),
    ("Adam/Adam/update_3/ResourceApplyAdam", "ResourceApplyAdam", "", 52.0, 1.041),
    ("sequential/dense_2/BiasAdd", "BiasAdd", "dense_2", 38.0, 1.063),
    ("gradient_tape/sequential/dense/BiasAdd/BiasAddGrad", "BiasAddGrad", "dense", 122.0, 0.969),
    ("gradient_tape/sequential/dense_1/BiasAdd/BiasAddGrad", "BiasAddGrad", "dense_1", 84.0, 1.022),
    ("ReadVariableOp", "ReadVariableOp", "", 8.4, 1.12),
    ("sequential/dense/Cast_1", "Cast", "dense", 61.0, 0.252),
    ("Mean", "Mean", "", 19.8, 1.031),
    ("AddN", "AddN", "", 33.5, 0.962),
    ("gradient_tape/sequential/dense_2/BiasAdd/BiasAddGrad", "BiasAddGrad", "dense_2", 27.0, 1.037),
]


def diff_same_rows() -> list[dict]:
    """No detectable change: step parts, a tf.function and ops, largest |delta| first."""
    row = _diff_row
    rows = [row("category", "TensorFlow runtime between ops", 2_100.0, 2_150.0, "same", low=0.93, high=1.09),
            row("category", "Python", 1_500.0, 1_560.0, "same", low=0.94, high=1.12),
            row("function", "predict", 3_050.0, 3_120.0, "same", low=0.97, high=1.06, a_calls=4, b_calls=4,
                note="too few samples to tell a change from noise (A 4, B 4; try --repeat)")]
    for name, type_, layer, a_us, ratio in _SAME_OPS:
        b_us = round(a_us * ratio, 1)
        low, high = round(ratio - 0.06, 4), round(ratio + 0.07, 4)
        note = "change under 0.5% of the step time" if low > 1 or high < 1 else ""
        rows.append(row("op", name, a_us, b_us, "same", ratio=ratio, low=low, high=high, note=note, type_=type_,
                        layer=layer))
    return sorted(rows, key=lambda r: -abs(r["delta_us"]))


def diff_side(name: str, run_id: str, created: str) -> dict:
    return {"name": name, "run_id": run_id, "source": f"/home/user/.tftrace/runs/{run_id}.tftrace",
            "created": created, "step_source": "function", "step_function": "train_step",
            "steps": {"total": 32, "used": DIFF_STEPS, "warmup": 1, "outliers": 0}}


def diff_dict() -> dict:
    """A ``tftrace.diff/1`` object: 30 steps a side (plus warm-up), 40 rows (9 changed, 4 new or gone, 27 same)."""
    b = diff_side("mlp wide", "20251130-101502-b7e1", "2025-11-30 10:15:02")
    b["steps"] = {"total": 32, "used": DIFF_STEPS, "warmup": 1, "outliers": 1}
    return {
        "schema": "tftrace.diff/1",
        "a": diff_side("mlp", "20251130-094011-3fa2", "2025-11-30 09:40:11"),
        "b": b,
        "method": {"statistic": "mean per step", "resamples": 2000, "confidence": 0.99, "noise_pct": 10.0,
                   "text": "Mean per step (tf.functions: per call) over the steps compared; B/A with its 99% "
                           "interval from 2,000 resamples of the steps. A change must exclude 1 and pass 2.5x "
                           "the row's step-to-step spread (at least x1.10), the noise seen between runs of the "
                           "same code."},
        "step": diff_step(),
        "rows": diff_changed_rows() + diff_appeared_rows() + diff_same_rows(),
        "notes": ["A: step 1 traced train_step (warm-up, set aside)",
                  "B: step 19 is an outlier (96.4 ms, input wait) and is set aside"],
    }
