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
