"""Join what the hooks captured with what the profiler measured.

Hook records (plain dicts from ``capture``) complete the Profile: tf.function rows
get exact calls, traces, retrace causes, tracing time apart from execution time per
call; graphs (RunMetadata's, or the FuncGraphs of functions traced before the trace)
give every op its function, device, creating line and Keras layer; GradientTape
passes get forward/backward time; py-spy samples become the Python part of the flame
tree (``flame``). Every location names the notebook cell it is in, when it is in one.
"""

from __future__ import annotations

import re

from ..model import FunctionStat
from . import python_stacks
from .findings import find
from .flame import flame_tree
from .steps import eager_op_count, summarize
from .locations import locate
from .names import strip_call_prefix

_OPTIMIZER = re.compile(r"(^|/)(adam|adamw|sgd|rmsprop|adagrad|adadelta|adamax|nadam|ftrl|lion|optimizer)(_\d+)?/",
                        re.IGNORECASE)
_PLUMBING = {"_Arg", "_Retval", "NoOp", "Const", "_Send", "_Recv", "Identity", "_HostSend", "_HostRecv"}


def merge_functions(profile, records: list[dict], cells: dict) -> None:
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
        row.defined_at = locate(row.definition, cells)
        row.call_sites = [{**s, "cell": locate(s, cells).get("cell")} for s in r.get("call_sites", [])]
        row.trace_us, row.call_us = call_times(r.get("calls_log", []))


def call_times(calls_log: list) -> tuple[float, dict]:
    """(tracing us, execution per call {n, min, median, p95, max} in us) from the hooks' call log.

    Execution is the wall time of the calls that did not trace; when every call traced,
    each call's wall time less its measured tracing."""
    trace_ns = sum(entry[2] for entry in calls_log)
    plain = [end - start for start, end, _, traced, _ in calls_log if not traced]
    if not plain:
        plain = [max(end - start - t, 0) for start, end, t, _, _ in calls_log]
    return round(trace_ns / 1e3, 3), distribution_us(plain)


def distribution_us(values_ns: list) -> dict:
    if not values_ns:
        return {}
    ordered = sorted(values_ns)
    n = len(ordered)
    middle = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
    p95 = ordered[max(0, -(-95 * n // 100) - 1)]  # nearest rank
    return {"n": n, "min": ordered[0] / 1e3, "median": round(middle / 1e3, 3), "p95": p95 / 1e3,
            "max": ordered[-1] / 1e3}


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


def graph_nodes(profile, graphs: list[dict], cells: dict) -> list[dict]:
    """Graph nodes with device, measured time (host and device ops), GPU kernels, creating
    line and layer. Nodes of FuncGraphs (no runtime placement) are placed where the
    profiler saw them run."""
    times: dict = {}
    ran_on: dict = {}
    for op in profile.ops:
        if op.mode == "graph":
            key = strip_call_prefix(op.name)
            times[key] = times.get(key, 0.0) + op.self_us
            ran_on.setdefault(key, (op.device, op.type))
    kernels: dict = {}
    for k in profile.kernels:
        kernels.setdefault(strip_call_prefix(k.op), []).append(k)
    only_cpu = not any(d.kind == "gpu" for d in profile.devices)
    out = []
    for g in graphs:
        for part in g["partitions"]:
            for node in part:
                key = strip_call_prefix(node["name"])
                node["source"] = locate(node.get("source"), cells)
                device, ran_as = ran_on.get(key, ("", ""))
                if node.get("placement") != "runtime" and g.get("origin") == "func_graph":
                    _place(node, kernels.get(key), device, only_cpu)
                out.append({"name": node["name"], "op": node["op"], "device": node["device"],
                            "function": g["function"], "total_us": round(times.get(key, 0.0), 3),
                            "kernels": sorted({k.name for k in kernels.get(key, [])}), "dtype": node.get("dtype", ""),
                            "shapes": node.get("shapes", []), "placement": node.get("placement") or "runtime",
                            "source": node["source"], "layer": node.get("layer", {}),
                            # the kernel that ran when it is not the node's own op (Grappler fused or rewrote it)
                            "ran_as": ran_as if ran_as and ran_as != node["op"] else ""})
    return out


def _place(node: dict, kernels, measured_device, only_cpu: bool) -> None:
    """Where a FuncGraph node ran: its GPU kernels' device, else the host if the profiler saw
    it there, else the only device there is; else the device it asked for."""
    if kernels:
        node["device"], node["placement"] = kernels[0].device, "measured"
    elif measured_device:
        node["device"], node["placement"] = "/device:CPU:0", "measured"
    elif only_cpu:
        node["device"], node["placement"] = "/device:CPU:0", "only device"


def op_sources(profile, graphs: list[dict]) -> None:
    """Each graph op's creating line and Keras layer, from the graph node of the same name."""
    known: dict = {}
    for g in graphs:
        for part in g["partitions"] + [g.get("pre", [])]:
            for node in part:
                if node.get("source") or node.get("layer"):
                    known.setdefault(strip_call_prefix(node["name"]), node)
    for op in profile.ops:
        node = known.get(strip_call_prefix(op.name))
        if node is not None and op.mode == "graph":
            op.source = node.get("source") or {}
            op.layer = node.get("layer") or {}


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


def map_autograph_frames(doc: dict, lines: dict) -> None:
    """Frames in autograph-generated files point at the user's source line instead (``tf__f`` -> ``f``)."""
    for frame in doc.get("shared", {}).get("frames", []):
        found = lines.get((frame.get("file"), frame.get("line")))
        if found is not None:
            frame["file"], frame["line"] = found
            name = frame.get("name", "").rsplit(".", 1)[-1]  # outer_factory.<locals>.inner_factory.<locals>.tf__f
            frame["name"] = name[4:] if name.startswith("tf__") else name


def merge_python(profile, doc: dict | None, function_records: list[dict], cells: dict,
                 autograph_lines: dict | None = None) -> None:
    if not doc:
        return
    map_autograph_frames(doc, autograph_lines or {})
    profile.python = python_stacks.top_frames(doc)
    for frame in profile.python.get("top", []):
        frame["cell"] = locate(frame, cells).get("cell")
    profile.flame = flame_tree(doc, function_records, profile.call_ops, cells, profile.ops)


def merge_capture(profile, capture: dict, steps: bool = True) -> None:
    """Fold capture records ({functions, tapes, graphs, python, cells, warnings, machine}) into the profile.
    ``steps=False``: the step summary already took the calls' tracing time (``analyze(tracing_ps=...)``)."""
    profile.machine = dict(capture.get("machine") or {})
    functions = capture.get("functions", [])
    graphs = capture.get("graphs", [])
    cells = capture.get("cells", {})
    merge_functions(profile, functions, cells)
    nodes_to_function = node_functions(graphs)
    copies = graph_copies(graphs)
    nodes = graph_nodes(profile, graphs, cells)
    op_sources(profile, graphs)
    profile.graph = {"nodes": nodes, "functions": graphs, "copies": copies}
    profile.tapes = eager_tapes(capture.get("tapes", [])) + graph_tapes(profile, nodes_to_function)
    merge_python(profile, capture.get("python"), functions, cells, capture.get("autograph_lines"))
    profile.warnings += (list(capture.get("warnings", [])) + placement_warnings(profile, profile.graph["nodes"])
                         + copy_warnings(profile, copies))
    if steps:
        profile.step_summary = summarize(profile.steps, profile.busy, tracing_by_call(functions),
                                         eager_op_count(profile))
    profile.findings = find(profile)


def tracing_by_call(records: list[dict]) -> dict:
    """{function: {index of a call among its calls (time order): tracing ps}} from the hooks' call log."""
    out: dict = {}
    for record in records:
        for i, entry in enumerate(record.get("calls_log", [])):
            if entry[2]:
                out.setdefault(record["name"], {})[i] = entry[2] * 1000
    return out
