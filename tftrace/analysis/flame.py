"""The flame tree of a live trace: sampled Python frames over measured TensorFlow time.

Python frames come from py-spy samples (``python_stacks.frame_tree``). A
``tf.function NAME`` node at a call site takes the hooks' measured wall time of the
calls made there; its children are measured, never scaled: each graph op's self time
inside those calls (``Profile.call_ops``), the measured tracing time, and what is left
of the wall time as a named remainder (runtime and dispatch). Where ops on parallel
threads add up to more than the wall time, the node is as wide as its ops and says so.
Ancestors grow to hold their children (a sampled frame is an estimate; a measured
child is not shrunk to fit it). Sites the sampler never caught hang under the root.
Every node: {name, kind, file, line, cell, value_us, children}; kinds python |
function | tensorflow | op | remainder.
"""

from __future__ import annotations

import math

from . import python_stacks
from .call_windows import site_table
from .locations import cell_of

TRACING = "tracing / graph building"
RUNTIME = "runtime and dispatch"


def flame_tree(doc: dict, records: list[dict], call_ops: dict, cells: dict, ops: list = ()) -> dict:
    """The merged tree; ``ops`` (the profile's op rows) give op nodes their type and device."""
    sites = {}
    for r in records:
        for s in r.get("call_sites", []):
            sites[(s["file"], s["line"])] = r["name"]
    tree = python_stacks.frame_tree(doc, sites)
    _name_cells(tree, cells)
    measured = site_measurements(records, call_ops)
    _attach(tree, measured, {op.name: op for op in ops if op.mode == "graph"})
    _settle(tree)
    return _freeze(tree)


def site_measurements(records: list[dict], call_ops: dict) -> dict:
    """(function name, file, line) -> {wall_ns, trace_ns, calls, ops: {op: self us}} per call site."""
    site_keys, _ = site_table(records)
    out: dict = {key: {"wall_ns": 0, "trace_ns": 0, "calls": 0, "ops": dict(call_ops.get(i, {}))}
                 for i, key in enumerate(site_keys)}
    for record in records:
        for start, end, trace_ns, _traced, (file, line, _fn) in record.get("calls_log", []):
            site = out[(record["name"], file, line)]
            site["wall_ns"] += end - start
            site["trace_ns"] += trace_ns
            site["calls"] += 1
    return out


def _node(name: str, kind: str, value_us: float, file: str = "", line: int = 0) -> dict:
    return {"name": name, "kind": kind, "file": file, "line": line, "value_us": value_us, "children": {}}


def _op_node(name: str, us: float, row) -> dict:
    node = _node(name, "op", us)
    if row is not None:
        node["type"], node["device"] = row.type, row.device
    return node


def _measured_children(site: dict, rows: dict) -> tuple[dict, float]:
    """The site's op and remainder nodes and the width they need."""
    children = {("op", name): _op_node(name, us, rows.get(name)) for name, us in site["ops"].items() if us > 0}
    ops_us = sum(site["ops"].values())
    trace_us = site["trace_ns"] / 1e3
    if trace_us > 0:
        children[("remainder", TRACING)] = _node(TRACING, "remainder", trace_us)
    rest = site["wall_ns"] / 1e3 - trace_us - ops_us
    if rest > 0:
        children[("remainder", RUNTIME)] = _node(RUNTIME, "remainder", rest)
    return children, max(site["wall_ns"] / 1e3, trace_us + ops_us)


def _attach(tree: dict, measured: dict, rows: dict) -> None:
    """Measured children under every function node; unsampled sites under the root."""
    placed = set()

    def visit(node):
        if node["kind"] == "function":
            key = (node["name"][len("tf.function "):], node["file"], node["line"])
            site = measured.get(key)
            if site is not None:
                placed.add(key)
                node["children"], node["value_us"] = _measured_children(site, rows)
                node["calls"] = site["calls"]
                return
        for child in node["children"].values():
            visit(child)

    visit(tree)
    for key, site in measured.items():
        if key in placed or not site["calls"]:
            continue
        name, file, line = key
        node = _node(f"tf.function {name}", "function", 0.0, file, line)
        node["children"], node["value_us"] = _measured_children(site, rows)
        node["calls"] = site["calls"]
        tree["children"][("function", name, file, line)] = node


def _settle(node: dict) -> float:
    """Each node at least as wide as its children (bottom-up); returns the node's value."""
    inside = sum(_settle(c) for c in node["children"].values())
    node["value_us"] = max(node["value_us"], inside)
    return node["value_us"]


def _name_cells(node: dict, cells: dict) -> None:
    """A frame in a notebook cell carries the cell ("In [7]"); a cell's module frame is named after it."""
    cell = cell_of(node.get("file", ""), cells)
    if cell:
        node["cell"] = cell
        if node["name"] == "<module>":
            node["name"] = cell
    for child in node["children"].values():
        _name_cells(child, cells)


def _freeze(node: dict) -> dict:
    """Children dicts -> lists, largest first; times floored to the nanosecond, which keeps
    every node's children within it (floor(a) + floor(b) <= floor(a + b))."""
    children = sorted(node["children"].values(), key=lambda c: -c["value_us"])
    return {**node, "value_us": math.floor(node["value_us"] * 1000) / 1000,
            "children": [_freeze(c) for c in children]}
