"""Profile -> the JSON payload every front-end view reads (schema ``tftrace.payload/1``).

Compact by construction: tables are columns with names interned in one string
table; the timeline is binary columns (lane uint16, start-delta uint32 ns per lane,
duration uint32 ns, name int32), gzip-compressed and base64-encoded, decoded in the
browser with DecompressionStream. ``max_events`` bounds the timeline for notebook
outputs: the longest events are kept and the rest counted as dropped.

Code locations travel as {file, line, cell} (cell "In [7]" for a notebook cell) and read
"In [7], line 3" or "file.py:12" (``location_label``): the ops table has them as columns
(``source`` label, ``source_file``, ``source_line``, ``source_cell``; ``layer`` "dense_1
(Dense)"), graph nodes and flame nodes carry them, functions have ``defined_at``.

The answers (``findings``, ``steps``, ``memory``; see ``_findings``, ``_steps``, ``_memory``)
are bounded: step rows as columns (at most ``MAX_STEPS``), at most ``MAX_MEMORY_POINTS``
points per allocator and ``MAX_AT_PEAK`` rows of tensors alive at its peak. Their times are
us from the XSpace origin; ``timeline.origin_us`` is where the timeline's 0 sits on that
clock (the earliest event kept), so a view puts a step at ``start_us - origin_us``.
"""

from __future__ import annotations

import base64
import gzip
import re

import numpy as np

from .model import row_dict

SCHEMA = "tftrace.payload/1"
MIME_TYPE = "application/vnd.tftrace.payload+json"
_U32 = 2**32 - 1
MAX_FINDINGS = 50
MAX_FINDING_STEPS = 200  # step numbers named per finding
MAX_STEPS = 5_000  # step rows (the first ones; ``steps.count`` keeps the total)
MAX_MEMORY_POINTS = 2_000  # per allocator timeline
MAX_AT_PEAK = 1_000  # tensors alive at an allocator's peak, largest first
_CONTROL = re.compile(r"^\^")


class Strings:
    """An interned string table."""

    def __init__(self):
        self.table: list[str] = []
        self.index: dict[str, int] = {}

    def id(self, value: str) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.table)
            self.table.append(value)
        return found

    def ids(self, values) -> list[int]:
        return [self.id(v) for v in values]


def pack(array: np.ndarray, compress: bool = True) -> str:
    raw = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    return base64.b64encode(gzip.compress(raw, 6, mtime=0) if compress else raw).decode("ascii")


def _table(rows, strings: Strings, text: tuple, numbers: tuple) -> dict:
    columns = {name: strings.ids(str(getattr(r, name)) for r in rows) for name in text}
    columns.update({name: [getattr(r, name) for r in rows] for name in numbers})
    return {"count": len(rows), "text": list(text), "columns": columns}


def location_label(loc) -> str:
    """A user line as people read it: "In [7], line 3" in a notebook cell, else "file.py:12"."""
    if not loc:
        return ""
    line = int(loc.get("line") or 0)
    if loc.get("cell"):
        return f"{loc['cell']}, line {line}" if line else str(loc["cell"])
    file = str(loc.get("file") or "")
    if not file:
        return ""
    base = file.replace("\\", "/").rsplit("/", 1)[-1] or file
    return f"{base}:{line}" if line else base


def layer_label(layer) -> str:
    """A Keras layer as "dense_1 (Dense)"."""
    if not layer or not layer.get("name"):
        return ""
    return f"{layer['name']} ({layer['class']})" if layer.get("class") else str(layer["name"])


def _ops(profile, strings, limit=None):
    """Op rows; ``source`` is the label of the user line that created the op (``source_file``,
    ``source_line``, ``source_cell`` hold its parts, for the tooltip and the link to the cell)."""
    rows = profile.ops[:limit]
    table = _table(rows, strings, ("name", "type", "device", "mode", "category"), ("count", "total_us", "self_us"))
    sources = [op.source or {} for op in rows]
    columns = table["columns"]
    if any(sources):  # only a live trace knows them: a recorded XSpace's table goes without the columns
        columns["source"] = strings.ids(location_label(s) for s in sources)
        columns["source_file"] = strings.ids(str(s.get("file") or "") for s in sources)
        columns["source_cell"] = strings.ids(str(s.get("cell") or "") for s in sources)
        columns["source_line"] = [int(s.get("line") or 0) for s in sources]
        table["text"] += ["source", "source_file", "source_cell"]
    if any(op.layer for op in rows):
        columns["layer"] = strings.ids(layer_label(op.layer) for op in rows)
        table["text"].append("layer")
    return table


def _kernels(profile, strings, limit=None):
    """Kernel rows per (device, kernel, op, launch shape), with each kernel's short name (``short_name``)."""
    from .analysis.kernel_names import short_name

    rows = profile.kernels[:limit]
    table = _table(rows, strings, ("name", "op", "device", "grid", "block", "op_source"),
                   ("count", "total_us", "min_us", "max_us", "registers", "shared_mem_bytes", "occupancy_pct"))
    table["columns"]["short_name"] = strings.ids(short_name(k.name) for k in rows)
    table["text"].append("short_name")
    return table


MAX_GROUP_OPS = 200  # ops listed under one kernel group (the rest counted in ``ops_omitted``)


def _kernels_by_name(profile, strings, limit=None) -> list[dict]:
    """XProf's kernel_stats rows (kernel name and launch shape over every device): name, short_name and
    family as string ids, the launch shape, times, ``ops`` as [op id, launches, us, share %] (at most
    MAX_GROUP_OPS, most time first), ``op_groups`` as [pattern id, ops, launches, us, share %] (ops with
    their layer/replica numbers folded) and ``devices`` as [device id, launches, us]."""
    from .analysis.kernel_groups import by_kernel

    out = []
    for row in by_kernel(profile.kernels)[:limit]:
        ops = row.pop("ops")
        groups = row.pop("op_groups")
        devices = row.pop("devices")
        row.update(name=strings.id(row["name"]), short_name=strings.id(row["short_name"]),
                   family=strings.id(row["family"]),
                   ops=[[strings.id(o["op"]), o["count"], o["total_us"], o["share_pct"]] for o in ops[:MAX_GROUP_OPS]],
                   ops_total=len(ops),
                   op_groups=[[strings.id(g["pattern"]), g["ops"], g["count"], g["total_us"], g["share_pct"]]
                              for g in groups[:MAX_GROUP_OPS]],
                   devices=[[strings.id(d["device"]), d["count"], d["total_us"]] for d in devices])
        out.append(row)
    return out


def _edge_source(name: str) -> str:
    return _CONTROL.sub("", name).split(":", 1)[0]


_NODE_EXTRAS = ("source", "layer", "placement")  # {file, line, cell}, {name, class}, runtime|measured|requested


def _graphs(profile) -> list[dict]:
    """Each function's partition-graph nodes (name, op, device, time, kernels, dtype, shapes and,
    where known, the user line that made it, its Keras layer and how its device is known) and edges."""
    times = {(n["function"], n["name"]): n for n in profile.graph.get("nodes", [])}
    out = []
    for g in profile.graph.get("functions", []):
        nodes, edges, index = [], [], {}
        for part in g.get("partitions", []):
            for node in part:
                if node["name"] in index:
                    continue
                index[node["name"]] = len(nodes)
                joined = times.get((g["function"], node["name"]), {})
                nodes.append({"name": node["name"], "op": node["op"], "device": node["device"],
                              "us": joined.get("total_us", 0.0), "kernels": joined.get("kernels", []),
                              "dtype": node.get("dtype", ""), "shapes": node.get("shapes", []),
                              "inputs": node.get("inputs", [])})
                for key in _NODE_EXTRAS:
                    value = joined.get(key) or node.get(key)
                    if value:
                        nodes[-1][key] = value
        for i, node in enumerate(nodes):
            for source in node.pop("inputs"):
                j = index.get(_edge_source(source))
                if j is not None and j != i:
                    edges.append([j, i])
        out.append({"function": g["function"], "nodes": nodes, "edges": edges})
    return out


def _compact_tree(node: dict, strings: Strings) -> list:
    """[name id, kind id, value_us, 0, children, file id, line, cell id, device id, calls]; strings interned.

    Every value is a measurement (remainder nodes name what is left of their parent). Slot 3
    held a separate measured time in older payloads: it is kept (as 0) so their layout stays
    the same, and readers ignore it. Appended since: the cell ("In [7]", "" outside
    notebooks), the device of an op node and the calls of a function node (0 if unknown)."""
    empty = strings.id("")
    out = [strings.id(node["name"]), strings.id(node["kind"]), node["value_us"], 0,
           [_compact_tree(c, strings) for c in node["children"]],
           strings.id(node.get("file") or ""), node.get("line") or 0, strings.id(node.get("cell") or ""),
           strings.id(node.get("device") or ""), node.get("calls") or 0]
    defaults = (None, None, None, None, None, empty, 0, empty, empty, 0)
    while len(out) > 5 and out[-1] == defaults[len(out) - 1]:  # trailing unknowns left out (a third of a big tree)
        out.pop()
    return out


def ops_tree(profile, limit: int | None = None) -> dict:
    """Flame tree when there are no Python samples: device -> op type -> op -> kernel."""
    root = {"name": "all", "kind": "root", "value_us": 0.0, "children": []}
    by_device: dict = {}
    kernels: dict = {}
    for k in profile.kernels:
        kernels.setdefault((k.device, k.op), []).append(k)
    for op in profile.ops[:limit]:
        device = by_device.get(op.device)
        if device is None:
            device = by_device[op.device] = {"name": op.device, "kind": "device", "value_us": 0.0, "children": {}}
        group = device["children"].setdefault(op.type, {"name": op.type, "kind": "type", "value_us": 0.0,
                                                         "children": []})
        source = op.source or {}
        leaf = {"name": op.name, "kind": "op", "value_us": op.self_us, "file": source.get("file") or "",
                "line": source.get("line") or 0, "cell": source.get("cell") or "", "children": [
            {"name": k.name, "kind": "kernel", "value_us": k.total_us, "children": []}
            for k in kernels.get((op.device, op.name), [])]}
        group["children"].append(leaf)
        group["value_us"] += op.self_us
        device["value_us"] += op.self_us
    for device in by_device.values():
        device["children"] = sorted(device["children"].values(), key=lambda g: -g["value_us"])
        for group in device["children"]:
            group["children"].sort(key=lambda o: -o["value_us"])
        root["children"].append(device)
        root["value_us"] += device["value_us"]
    return root


def _int64(column) -> np.ndarray:
    """An analysis column (``array('q')``) as numpy, sharing its memory."""
    return np.frombuffer(column, np.int64) if len(column) else np.zeros(0, np.int64)


def _longest(index, start, duration, max_events: int | None):
    """Events of one lane (name index, start, duration), only its ``max_events`` longest (in ns) when it has
    more: no other event of the lane can be among the timeline's longest."""
    if max_events is None or len(start) <= max_events:
        return index, start, duration
    longest = np.argpartition(-np.minimum(duration // 1000, _U32), max_events)[:max_events]
    return index[longest], start[longest], duration[longest]


def timeline(profile, strings: Strings, max_events: int | None = None) -> dict:
    """The events of every non-empty line of every plane, as packed columns."""
    from .analysis import parse
    from .analysis.workers import aligned_origin_ns

    lanes, lane_ids, starts, durations, names = [], [], [], [], []
    origin = None
    total = 0  # events in all lanes (a lane longer than ``max_events`` keeps only its longest here)
    labels = dict(zip(profile.xspaces, profile.hosts))
    for host, data in profile.xspaces.items():
        space = parse(data, source=host, lazy=True)  # each line's events freed once its columns are read
        base_ns = aligned_origin_ns(profile, labels.get(host, host), space)  # several workers: one clock
        origin = base_ns if origin is None else min(origin, base_ns)
        for plane in space.planes:
            name_ids = np.array(strings.ids(plane.event_names), np.int32)
            for line in plane.lines:
                if len(line) == 0:
                    continue
                lane = len(lanes)
                lanes.append({"name": line.display_name or str(line.id), "device": plane.name, "host": host,
                              "derived": bool(line.derived)})
                total += len(line)
                parts = [_longest(*chunk, max_events) for chunk in line.column_chunks(np)]  # a chunk at a time
                index, start, duration = _longest(*(np.concatenate(p) for p in zip(*parts)), max_events)
                del parts
                lane_ids.append(np.full(len(start), lane, np.uint16))
                starts.append(start + (base_ns - origin) * 1000 if base_ns != origin else start)
                durations.append(duration)
                names.append(name_ids[index])
                line.release()
    if not lanes:
        return {"lanes": [], "count": 0, "dropped": 0, "origin_us": 0.0}
    lane = np.concatenate(lane_ids)
    start_ns = np.concatenate(starts) // 1000
    dur_ns = np.minimum(np.concatenate(durations) // 1000, _U32).astype(np.uint32)
    name = np.concatenate(names)
    dropped, min_kept_ns = 0, 0
    if max_events is not None and total > max_events:
        keep = (np.argpartition(-dur_ns.astype(np.int64), max_events)[:max_events] if len(lane) > max_events
                else slice(None))
        dropped = total - max_events
        min_kept_ns = int(dur_ns[keep].min())
        lane, start_ns, dur_ns, name = lane[keep], start_ns[keep], dur_ns[keep], name[keep]
    order = np.lexsort((start_ns, lane))
    lane, start_ns, dur_ns, name = lane[order], start_ns[order], dur_ns[order], name[order]
    origin_ns = int(start_ns.min())
    start_ns = start_ns - origin_ns
    delta = np.diff(start_ns, prepend=0)
    first_of_lane = np.r_[True, lane[1:] != lane[:-1]]
    delta[first_of_lane] = start_ns[first_of_lane]
    if delta.max(initial=0) > _U32:
        start_col = {"start_abs_f64": pack(start_ns.astype(np.float64))}
    else:
        start_col = {"start_delta_u32": pack(delta.astype(np.uint32))}
    return {"lanes": lanes, "count": int(len(lane)), "dropped": dropped, "min_kept_ns": min_kept_ns,
            "origin_us": origin_ns / 1000,
            "lane_u16": pack(lane), "dur_u32": pack(dur_ns), "name_i32": pack(name.astype(np.int32)),
            **start_col, "encoding": "gzip+base64"}


def build(profile, max_events: int | None = None, max_ops: int | None = None, max_kernels: int | None = None,
          charts: bool = True) -> dict:
    """The payload; ``max_*`` bound the tables (largest first) and the timeline for notebooks."""
    strings = Strings()
    return {
        "schema": SCHEMA,
        "meta": {"name": profile.name, "source": profile.source, "created": profile.created,
                 "duration_us": profile.duration_us, "event_count": profile.event_count,
                 "hosts": list(profile.hosts), "error": profile.error},
        "devices": [{"name": d.name, "host": d.host, "kind": d.kind, "events": d.events} for d in profile.devices],
        "warnings": list(profile.warnings),
        "ops": _ops(profile, strings, max_ops),
        "kernels": _kernels(profile, strings, max_kernels),
        "kernels_by_name": _kernels_by_name(profile, strings, max_kernels),
        "gpu_utilisation": list(profile.gpu_utilisation),
        "workers": dict(profile.workers or {}),
        "totals": {"ops": len(profile.ops), "kernels": len(profile.kernels)},
        "memcpy": [row_dict(m) for m in profile.memcpy],
        "functions": [row_dict(f) for f in profile.functions],
        "tapes": list(profile.tapes),
        "graphs": _graphs(profile),
        "python": dict(profile.python),
        "flame": _compact_tree(profile.flame if profile.flame else ops_tree(profile, max_ops), strings),
        "flame_source": "python" if profile.flame else "ops",
        "timeline": timeline(profile, strings, max_events),
        "findings": _findings(profile.findings),
        "steps": _steps(profile.step_summary, strings),
        "memory": _memory(profile.memory, strings),
        "charts": _charts(profile) if charts else {},
        "strings": strings.table,
    }


def _location(loc) -> dict:
    """{file, line, cell} with only the parts that are known ({} for none)."""
    if not isinstance(loc, dict):
        return {}
    out = {}
    if loc.get("file"):
        out["file"] = str(loc["file"])
    if loc.get("line"):
        out["line"] = int(loc["line"])
    if loc.get("cell"):
        out["cell"] = str(loc["cell"])
    return out


_FINDING_TEXT = ("kind", "severity", "title", "evidence", "fix")


def _findings(findings) -> list[dict]:
    """Ranked findings as the analysis wrote them: the text fields, the location ({} if none), the step
    numbers affected (``steps``, matching ``steps.step``) and any other scalar the rule added (``impact_us``)."""
    out = []
    for f in list(findings or [])[:MAX_FINDINGS]:
        row = {key: str(f.get(key) or "") for key in _FINDING_TEXT}
        row["location"] = _location(f.get("location"))
        steps = [int(s) for s in (f.get("steps") or [])]
        if steps:
            row["steps"] = steps[:MAX_FINDING_STEPS]
            if len(steps) > MAX_FINDING_STEPS:
                row["steps_omitted"] = len(steps) - MAX_FINDING_STEPS
        for key, value in f.items():
            if key not in row and key != "steps" and isinstance(value, (int, float, str, bool)):
                row[key] = value
        out.append(row)
    return out


def _us(value, digits: int = 3) -> float:
    return round(float(value or 0.0), digits)


def _name_prefix(names: list, steps: list) -> str | None:
    """The common prefix when every name is prefix + its step number ("train_step 12"), else None."""
    if not names:
        return None
    prefix = names[0][:len(names[0]) - len(str(steps[0]))]
    if all(name == f"{prefix}{step}" for name, step in zip(names, steps)):
        return prefix
    return None


def _steps(summary, strings: Strings) -> dict:
    """The step summary with its rows as columns: ``step``, ``name`` and ``outlier`` (string ids), ``start_us``,
    ``wall_us``, and ``breakdown`` {category: [us per step]} over ``categories`` (in their order; a category
    the rows use but ``categories`` does not name is appended). ``count`` is every step found; ``shown`` the
    rows here (the first ``MAX_STEPS``). When every name is a prefix and the step number ("train_step 12"),
    ``name_prefix`` replaces the ``name`` column (10^4 distinct names would fill the string table). Parts
    are rounded to 10 ns."""
    summary = summary or {}
    rows = list(summary.get("rows") or [])
    shown = rows[:MAX_STEPS]
    categories = [str(c) for c in summary.get("categories") or []]
    for r in shown:
        for c in r.get("breakdown") or {}:
            if c not in categories:
                categories.append(c)
    numbers = [int(r.get("step", i + 1)) for i, r in enumerate(shown)]
    names = [str(r.get("name") or "") for r in shown]
    prefix = _name_prefix(names, numbers)
    out = {
        "source": str(summary.get("source") or "none"),
        "function": str(summary.get("function") or ""),
        "reason": str(summary.get("reason") or ""),
        "count": int(summary.get("count") or len(rows)),
        "shown": len(shown),
        "categories": categories,
        "columns": {
            "step": numbers,
            "start_us": [_us(r.get("start_us")) for r in shown],
            "wall_us": [_us(r.get("wall_us")) for r in shown],
            "outlier": strings.ids(str(r.get("outlier") or "") for r in shown),
        },
        "breakdown": {c: [_us((r.get("breakdown") or {}).get(c), 2) for r in shown] for c in categories},
    }
    if prefix is None:
        out["columns"]["name"] = strings.ids(names)
    else:
        out["name_prefix"] = prefix
    return out


def _memory_points(points) -> dict:
    """[[t_us, bytes], ...] as two columns, at most MAX_MEMORY_POINTS (the largest of each run, so the
    peak stays)."""
    points = list(points or [])
    n = len(points)
    if n > MAX_MEMORY_POINTS:
        chosen = []
        for b in range(MAX_MEMORY_POINTS):
            run = points[b * n // MAX_MEMORY_POINTS:(b + 1) * n // MAX_MEMORY_POINTS]
            chosen.append(max(run, key=lambda p: p[1]))
        points = chosen
    return {"t_us": [_us(p[0]) for p in points], "bytes": [int(p[1]) for p in points]}


_AT_PEAK_TEXT = ("op", "shape", "dtype", "region")
_AT_PEAK_NUMBERS = ("bytes", "requested_bytes", "count")


def _memory(memory, strings: Strings) -> dict:
    """Per allocator: name, host, capacity, peak (bytes, time, fragmentation), the bytes-in-use timeline as
    columns and the tensors alive at the peak as a table (largest first); ``note`` says why there is none or
    how to read it."""
    memory = memory or {}
    allocators = []
    for a in memory.get("allocators") or []:
        rows = sorted(a.get("at_peak") or [], key=lambda r: -(r.get("bytes") or 0))
        kept = rows[:MAX_AT_PEAK]
        table = {"count": len(kept), "text": list(_AT_PEAK_TEXT),
                 "columns": {k: strings.ids(str(r.get(k) or "") for r in kept) for k in _AT_PEAK_TEXT}}
        table["columns"].update({k: [int(r.get(k) or (1 if k == "count" else 0)) for r in kept]
                                 for k in _AT_PEAK_NUMBERS})
        allocators.append({
            "name": str(a.get("name") or ""), "host": str(a.get("host") or ""),
            "capacity_bytes": int(a.get("capacity_bytes") or 0), "peak_bytes": int(a.get("peak_bytes") or 0),
            "peak_time_us": _us(a.get("peak_time_us")),
            "fragmentation_pct": round(float(a.get("fragmentation_pct") or 0.0), 2),
            "events": int(a.get("events") or 0), "lifetime_peak_bytes": int(a.get("lifetime_peak_bytes") or 0),
            "timeline": _memory_points(a.get("timeline")),
            "at_peak": table,
            "at_peak_omitted": int(a.get("at_peak_omitted") or 0) + len(rows) - len(kept),
        })
    return {"allocators": allocators, "note": str(memory.get("note") or "")}


def _charts(profile) -> dict:
    """The top-ops picture; none where matplotlib is not installed (it comes with tftrace[jupyter])."""
    from importlib.util import find_spec

    if find_spec("matplotlib") is None:
        return {}
    from .charts import top_ops_png

    png = top_ops_png(profile)
    return {"top_ops": png} if png else {}
