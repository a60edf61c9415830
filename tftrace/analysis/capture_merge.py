"""Join what the hooks captured with what the profiler measured.

Hook records (plain dicts from ``capture``) complete the Profile: tf.function rows
get exact calls, traces and retrace causes; graphs from RunMetadata give every op
its function and device; GradientTape passes get forward/backward time; py-spy
samples become the Python part of the flame tree, with each tf.function's ops and
GPU kernels hung below the line that called it.
"""

from __future__ import annotations

import math
import re

from ..model import FunctionStat
from . import python_stacks

_CALL_PREFIX = re.compile(r"^(Stateful)?PartitionedCall(_\d+)?/")
_OPTIMIZER = re.compile(r"(^|/)(adam|adamw|sgd|rmsprop|adagrad|adadelta|adamax|nadam|ftrl|lion|optimizer)(_\d+)?/",
                        re.IGNORECASE)
_PLUMBING = {"_Arg", "_Retval", "NoOp", "Const", "_Send", "_Recv", "Identity", "_HostSend", "_HostRecv"}


def strip_call_prefix(op_name: str) -> str:
    """``StatefulPartitionedCall/dense/MatMul`` -> ``dense/MatMul`` (repeatedly)."""
    while True:
        stripped = _CALL_PREFIX.sub("", op_name, count=1)
        if stripped == op_name:
            return op_name
        op_name = stripped


def merge_functions(profile, records: list[dict]) -> None:
    by_name = {f.name: f for f in profile.functions}
    for r in records:
        row = by_name.get(r["name"])
        if row is None:
            row = by_name[r["name"]] = FunctionStat(name=r["name"], calls=0, traces=0, total_us=0.0,
                                                    host=profile.hosts[0] if profile.hosts else "")
            profile.functions.append(row)
        row.calls = r["calls"]
        row.traces = r["traces"]
        row.total_us = round(r["total_ns"] / 1e3, 3)
        row.mean_us = round(row.total_us / row.calls, 3) if row.calls else 0.0
        row.retraces = [{k: v for k, v in rt.items() if k != "kinds"} for rt in r["retraces"]]
        row.definition = r.get("definition", {})
        row.call_sites = r.get("call_sites", [])


def node_functions(graphs: list[dict]) -> dict:
    """node name -> function name, from the partition graphs (what actually ran)."""
    out = {}
    for g in graphs:
        for part in g["partitions"]:
            for node in part:
                out.setdefault(strip_call_prefix(node["name"]), g["function"])
    return out


def op_function(op_name: str, nodes: dict) -> str | None:
    return nodes.get(strip_call_prefix(op_name))


def graph_nodes(profile, graphs: list[dict]) -> list[dict]:
    """Partition-graph nodes with device, measured time (host and device ops) and GPU kernels."""
    times: dict = {}
    for op in profile.ops:
        if op.mode == "graph":
            key = strip_call_prefix(op.name)
            times[key] = times.get(key, 0.0) + op.self_us
    kernels: dict = {}
    for k in profile.kernels:
        kernels.setdefault(strip_call_prefix(k.op), []).append(k.name)
    out = []
    for g in graphs:
        for part in g["partitions"]:
            for node in part:
                key = strip_call_prefix(node["name"])
                out.append({"name": node["name"], "op": node["op"], "device": node["device"],
                            "function": g["function"], "total_us": round(times.get(key, 0.0), 3),
                            "kernels": sorted(set(kernels.get(key, []))), "dtype": node.get("dtype", ""),
                            "shapes": node.get("shapes", [])})
    return out


def _device_kind(device: str) -> str:
    return "GPU" if "GPU" in device.upper() else "CPU" if "CPU" in device.upper() else device


def graph_copies(graphs: list[dict]) -> list[dict]:
    """Tensors the partition graphs send between devices: [{function, src, dst, tensors}]."""
    counts: dict = {}
    for g in graphs:
        for part in g["partitions"]:
            for node in part:
                if node["op"] in ("_Send", "_HostSend") and node.get("send_device") and node.get("recv_device"):
                    if node["send_device"] != node["recv_device"]:
                        key = (g["function"], node["send_device"], node["recv_device"])
                        counts[key] = counts.get(key, 0) + 1
    return [{"function": f, "src": src, "dst": dst, "tensors": n} for (f, src, dst), n in counts.items()]


def copy_warnings(profile, copies: list[dict]) -> list[str]:
    out = []
    for c in copies:
        direction = f"{_device_kind(c['src'])}->{_device_kind(c['dst'])}"
        out.append(f"{c['function']}: {c['tensors']} tensor(s) copied {direction} per call ({c['src']} -> {c['dst']})")
    by_direction: dict = {}
    for m in profile.memcpy:
        entry = by_direction.setdefault(m.direction, [0, 0, 0.0])
        entry[0] += m.count
        entry[1] += m.bytes
        entry[2] += m.total_us
    for direction, (count, size, us) in sorted(by_direction.items()):
        out.append(f"measured {direction} copies: {count} ({size:,} bytes, {us:,.1f} us)")
    return out if copies else []


def placement_warnings(profile, nodes: list[dict]) -> list[str]:
    if not any(d.kind == "gpu" for d in profile.devices):
        return []
    on_cpu = [n for n in nodes if "CPU" in n["device"] and n["op"] not in _PLUMBING]
    if not on_cpu:
        return []
    types = sorted({n["op"] for n in on_cpu})
    return [f"{len(on_cpu)} op(s) ran on the CPU while a GPU is visible: {', '.join(types[:12])}"]


def graph_tapes(profile, nodes_to_function: dict) -> list[dict]:
    """Per function with gradient ops: forward, backward (gradient_tape/ scope) and optimizer time."""
    per_function: dict = {}
    for op in profile.ops:
        if op.mode != "graph":
            continue
        function = op_function(op.name, nodes_to_function)
        if function is None:
            continue
        bucket = per_function.setdefault(function, {"forward_us": 0.0, "backward_us": 0.0, "optimizer_us": 0.0})
        name = strip_call_prefix(op.name)
        if "gradient_tape/" in name:
            bucket["backward_us"] += op.self_us
        elif _OPTIMIZER.search(name):
            bucket["optimizer_us"] += op.self_us
        else:
            bucket["forward_us"] += op.self_us
    return [{"kind": "graph", "function": f, **{k: round(v, 3) for k, v in b.items()}}
            for f, b in per_function.items() if b["backward_us"] > 0]


def eager_tapes(records: list[dict]) -> list[dict]:
    out = []
    for r in records:
        out.append({"kind": "eager", "id": r["id"], "site": r["site"],
                    "forward_us": round(sum(d for _, d in r["forward"]) / 1e3, 3),
                    "backward_us": round(sum(b[1] for b in r["backward"]) / 1e3, 3),
                    "recordings": len(r["forward"]), "gradients": len(r["backward"])})
    return out


def _freeze(node: dict) -> dict:
    """Children dicts -> lists, largest first; times floored to the nanosecond, which keeps
    every node's children within it (floor(a) + floor(b) <= floor(a + b))."""
    children = sorted(node["children"].values(), key=lambda c: -c["value_us"])
    return {**node, "value_us": math.floor(node["value_us"] * 1000) / 1000,
            "children": [_freeze(c) for c in children]}


def _attach_ops(tree: dict, profile, nodes_to_function: dict) -> None:
    """Hang each tf.function's ops (and their kernels) below its flame node, time-weighted."""
    ops_by_function: dict = {}
    graph_ops = [op for op in profile.ops if op.mode == "graph" and op.device.startswith("/host")]
    single = [f.name for f in profile.functions]
    for op in graph_ops:
        function = op_function(op.name, nodes_to_function) or (single[0] if len(single) == 1 else None)
        if function is not None:
            ops_by_function.setdefault(function, []).append(op)
    kernels_by_op: dict = {}
    for k in profile.kernels:
        kernels_by_op.setdefault(k.op, []).append(k)

    def visit(node):
        if node["kind"] == "function":
            ops = ops_by_function.get(node["name"][len("tf.function "):], [])
            total = sum(op.self_us for op in ops)
            for op in sorted(ops, key=lambda o: -o.self_us)[:200]:
                share = node["value_us"] * op.self_us / total if total else 0.0
                child = {"name": op.name, "kind": "op", "file": "", "line": 0, "value_us": share,
                         "measured_us": op.self_us, "type": op.type, "device": op.device, "children": {}}
                kernels = kernels_by_op.get(strip_call_prefix(op.name), [])
                kernel_total = sum(k.total_us for k in kernels)
                for k in kernels:
                    child["children"][k.name] = {"name": k.name, "kind": "kernel", "file": "", "line": 0,
                                                 "value_us": share * k.total_us / kernel_total if kernel_total else 0.0,
                                                 "measured_us": k.total_us, "children": {}}
                node["children"][("op", op.name)] = child
        for child in list(node["children"].values()):
            visit(child)

    visit(tree)


def merge_python(profile, doc: dict | None, function_records: list[dict], nodes_to_function: dict) -> None:
    if not doc:
        return
    profile.python = python_stacks.top_frames(doc)
    sites = {}
    for r in function_records:
        for s in r.get("call_sites", []):
            sites[(s["file"], s["line"])] = r["name"]
    tree = python_stacks.frame_tree(doc, sites)
    _attach_ops(tree, profile, nodes_to_function)
    profile.flame = _freeze(tree)


def merge_capture(profile, capture: dict) -> None:
    """Fold capture records ({functions, tapes, graphs, python, warnings}) into the profile."""
    functions = capture.get("functions", [])
    graphs = capture.get("graphs", [])
    merge_functions(profile, functions)
    nodes_to_function = node_functions(graphs)
    copies = graph_copies(graphs)
    profile.graph = {"nodes": graph_nodes(profile, graphs), "functions": graphs, "copies": copies}
    profile.tapes = eager_tapes(capture.get("tapes", [])) + graph_tapes(profile, nodes_to_function)
    merge_python(profile, capture.get("python"), functions, nodes_to_function)
    profile.warnings += (list(capture.get("warnings", [])) + placement_warnings(profile, profile.graph["nodes"])
                         + copy_warnings(profile, copies))
