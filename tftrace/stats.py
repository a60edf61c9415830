"""The ``tftrace stats`` outputs: schema ``tftrace.stats/2`` as JSON, a table, or CSV.

``/2`` keeps every ``/1`` field and adds: per function its tracing time, execution per
call (min / median / p95 / max) and where it is defined; per op its creating line and
Keras layer; the captured function graphs; the flame tree of a live trace; the kernels
grouped by kernel and launch shape (``kernels_by_name``, XProf's kernel_stats rows, with
each kernel's ops) or by op (``kernels_by_op``, with ``group="op"``); and per GPU how busy
it was (``gpu_utilisation``).
"""

from __future__ import annotations

import csv
import io
from operator import attrgetter

SCHEMA = "tftrace.stats/2"
_OP_FIELDS = ("name", "type", "device", "mode", "count", "total_us", "self_us", "host")
_KERNEL_FIELDS = ("name", "op", "device", "count", "total_us", "min_us", "max_us", "grid", "block",
                  "registers", "shared_mem_bytes", "occupancy_pct", "host")


def _rows(rows, keys) -> list[dict]:
    """Rows as dicts of ``keys`` (analysis already rounds times to the nanosecond)."""
    get = attrgetter(*keys)
    return [dict(zip(keys, get(row))) for row in rows]


def _rounded(value):
    return round(value, 3) if isinstance(value, float) else value


def stats_dict(profile, top: int | None = None, group: str = "kernel") -> dict:
    from .analysis import kernel_groups

    ops = profile.ops[:top] if top else profile.ops
    kernels = profile.kernels[:top] if top else profile.kernels
    by_name = kernel_groups.by_kernel(profile.kernels)
    extra = {"kernels_by_op": kernel_groups.by_op(profile.kernels)[:top] if top else kernel_groups.by_op(profile.kernels)} \
        if group == "op" else {}
    return {
        "schema": SCHEMA,
        "source": profile.source,
        "hosts": list(profile.hosts),
        "devices": [{"name": d.name, "host": d.host, "kind": d.kind, "events": d.events} for d in profile.devices],
        "ops": [_with_location(row, op) for row, op in zip(_rows(ops, _OP_FIELDS), ops)],
        "kernels": _rows(kernels, _KERNEL_FIELDS),
        "kernels_by_name": by_name[:top] if top else by_name,
        **extra,
        "gpu_utilisation": list(profile.gpu_utilisation),
        "workers": dict(profile.workers or {}),
        "memcpy": [{"device": m.device, "direction": m.direction, "op": m.op, "count": m.count,
                    "bytes": m.bytes, "total_us": _rounded(m.total_us)} for m in profile.memcpy],
        "functions": [_function(f) for f in profile.functions],
        "tapes": list(profile.tapes),
        "graph": {"nodes": list(profile.graph.get("nodes", [])), "functions": [
            {"function": g["function"], "nodes": sum(len(p) for p in g.get("partitions", [])),
             "origin": g.get("origin", "run_metadata")} for g in profile.graph.get("functions", [])]},
        "flame": _flame(profile.flame) if profile.flame else None,
        "steps": dict(profile.step_summary) or {"source": "none", "count": 0, "rows": []},
        "findings": list(profile.findings),
        "memory": dict(profile.memory) or {"allocators": []},
        "python": dict(profile.python),
        "warnings": list(profile.warnings),
    }


def _with_location(row: dict, op) -> dict:
    if op.source:
        row["source"] = op.source
    if op.layer:
        row["layer"] = op.layer
    return row


def _function(f) -> dict:
    return {"name": f.name, "calls": f.calls, "traces": f.traces, "total_us": _rounded(f.total_us),
            "retraces": f.retraces, "trace_us": _rounded(f.trace_us), "call_us": dict(f.call_us),
            "defined_at": dict(f.defined_at) or None}


_FLAME_KINDS = {"root": "python", "tensorflow": "python"}  # sampled Python time, inside TensorFlow or not


def _flame(node: dict) -> dict:
    """{name, kind, value_us, children} (+ file, line, cell where known), kinds python | function | op |
    kernel | remainder."""
    out = {"name": node["name"], "kind": _FLAME_KINDS.get(node["kind"], node["kind"]), "value_us": node["value_us"],
           "children": [_flame(c) for c in node["children"]]}
    if node.get("file"):
        out.update(file=node["file"], line=node.get("line", 0), cell=node.get("cell"))
    return out


def to_json_bytes(profile, top: int | None = None, group: str = "kernel") -> bytes:
    """Compact UTF-8 JSON (orjson: the stats of a large GPU profile are megabytes; it is ~5x faster)."""
    import orjson

    return orjson.dumps(stats_dict(profile, top, group))



def to_csv(profile, top: int | None = None) -> str:
    """One CSV: a ``table`` column (op | kernel) then the union of both tables' columns."""
    data = stats_dict(profile, top)
    columns = ["table"] + list(dict.fromkeys(_OP_FIELDS + _KERNEL_FIELDS))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, columns, lineterminator="\n")
    writer.writeheader()
    for table, rows in (("op", data["ops"]), ("kernel", data["kernels"])):
        for row in rows:
            writer.writerow({"table": table, **row})
    return buf.getvalue()


def _ellipsize(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1):]


def to_table(profile, top: int | None = 20, group: str = "kernel") -> str:
    lines = [f"tftrace: {profile.source or profile.name}  ({profile.event_count:,} events, "
             f"{profile.duration_us / 1e3:,.1f} ms)"]
    lines += findings_table(profile.findings) + steps_table(profile.step_summary) + workers_table(profile.workers)
    total_self = sum(op.self_us for op in profile.ops) or 1.0
    hosts = len(profile.hosts) > 1
    host_head = f"{'host':<24} " if hosts else ""
    lines.append(f"{'self us':>12} {'%':>6} {'count':>7}  {'mode':<5} {host_head}{'device':<16} {'type':<22} name")
    for op in profile.ops[:top]:
        host = f"{_ellipsize(op.host, 24):<24} " if hosts else ""
        lines.append(f"{op.self_us:12,.1f} {100 * op.self_us / total_self:6.2f} {op.count:7d}  {op.mode:<5} "
                     f"{host}{_ellipsize(op.device, 16):<16} {_ellipsize(op.type, 22):<22} {op.name}")
    if profile.kernels:
        lines += [""] + (kernels_by_op_table(profile.kernels, top) if group == "op"
                         else kernels_by_name_table(profile.kernels, top))
    if profile.gpu_utilisation:
        lines += [""] + gpu_table(profile.gpu_utilisation)
    if profile.functions:
        lines += [""] + function_table(profile.functions)
    for warning in profile.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def kernels_by_name_table(kernels, top: int | None) -> list[str]:
    """One line per kernel and launch shape (XProf's kernel_stats rows), its short name, then the op
    (numbers folded) that spent most of its time."""
    from .analysis.kernel_groups import by_kernel

    rows = by_kernel(kernels)
    total = sum(r["total_us"] for r in rows) or 1.0
    lines = [f"GPU kernels by kernel and launch shape: {len(rows)} ({sum(r['count'] for r in rows):,} launches)",
             f"{'total us':>12} {'%':>6} {'count':>7} {'avg us':>9}  {'grid':<10} {'block':<10} {'regs':>4}  kernel"
             "  <- top op (share)"]
    for r in rows[:top]:
        top_op = r["op_groups"][0] if r["op_groups"] else None
        launched = f"  <- {_ellipsize(top_op['pattern'] or '?', 70)} ({top_op['share_pct']:.0f}%)" if top_op else ""
        lines.append(f"{r['total_us']:12,.1f} {100 * r['total_us'] / total:6.2f} {r['count']:7d} {r['avg_us']:9,.1f}  "
                     f"{r['grid']:<10} {r['block']:<10} {r['registers']:>4}  {r['short_name']}{launched}")
    return lines


def kernels_by_op_table(kernels, top: int | None) -> list[str]:
    """One line per TensorFlow op that launched kernels: its kernel time and its main kernel."""
    from .analysis.kernel_groups import by_op

    rows = by_op(kernels)
    lines = [f"GPU kernels by TensorFlow op: {len(rows)}",
             f"{'total us':>12} {'count':>7} {'kernels':>7}  {'op':<60} main kernel"]
    for r in rows[:top]:
        main = r["kernels"][0]["short_name"] if r["kernels"] else ""
        lines.append(f"{r['total_us']:12,.1f} {r['count']:7d} {len(r['kernels']):7d}  "
                     f"{_ellipsize(r['op'] or '(no op)', 60):<60} {main}")
    return lines


def gpu_table(rows: list) -> list[str]:
    """Per GPU: busy time over the span, the active window and the steps, kernels and copies."""
    lines = ["GPU busy (kernels and copies, overlaps once):",
             f"{'device':<16} {'busy us':>12} {'% span':>7} {'% active':>8} {'% steps':>7} {'kernel us':>11} "
             f"{'memcpy us':>10}  idle gaps"]
    for r in rows:
        steps = r.get("steps") or {}
        step_pct = f"{steps['busy_pct']:7.2f}" if steps.get("busy_pct") is not None else f"{'-':>7}"
        gaps = r.get("gaps") or []
        longest = max((g["duration_us"] for g in gaps), default=0.0)
        gap_text = (f"{r.get('gaps_total', len(gaps))} >= {r['gap_threshold_us'] / 1e3:g} ms (longest {longest / 1e3:,.1f} ms)"
                    if gaps else "-")
        lines.append(f"{_ellipsize(r['device'], 16):<16} {r['busy_us']:12,.1f} {r['busy_pct'] or 0:7.2f} "
                     f"{r['active_busy_pct'] or 0:8.2f} {step_pct} {r['kernel_us']:11,.1f} {r['memcpy_us']:10,.1f}  {gap_text}")
        for stream in r.get("streams") or []:
            work = f"{stream['kernels']} kernels" if stream["kernels"] else ""
            work += (", " if work and stream["copies"] else "") + (f"{stream['copies']} copies" if stream["copies"] else "")
            lines.append(f"  {_ellipsize(stream['name'], 26):<26} {stream['busy_us']:12,.1f}  {stream['kind']:<7} {work}")
    return lines


FUNCTIONS_NOTE = ("tf.functions: a trace builds the graph for a new input signature; the first is expected, "
                  "each later one is a retrace (cause and fix below). Execution per call excludes tracing.")


def retrace_count(f) -> int:
    """Calls that traced again after the first call that traced (one recorded cause each). Not
    traces - 1: a function that creates variables traces twice on its first call. A function only
    traced inside another has no calls and no causes: traces - 1 there."""
    return len(f.retraces) if f.calls else max(f.traces - 1, 0)


def function_table(functions) -> list[str]:
    from .analysis.locations import label

    lines = [FUNCTIONS_NOTE,
             f"{'calls':>7} {'traces':>6} {'retr':>4} {'trace ms':>9} {'min ms':>8} {'median':>8} {'p95':>8} "
             f"{'max ms':>8} {'total ms':>9}  function"]
    for f in functions:
        calls = f.call_us or {}
        times = " ".join(f"{calls[k] / 1e3:8.3f}" if k in calls else f"{'-':>8}" for k in ("min", "median", "p95", "max"))
        where = label(f.defined_at)
        inlined = "  (traced inside another tf.function: no calls of its own)" if f.traces and not f.calls else ""
        lines.append(f"{f.calls:7d} {f.traces:6d} {retrace_count(f):4d} {f.trace_us / 1e3:9.1f} {times} "
                     f"{f.total_us / 1e3:9.1f}  {f.name}{f'  ({where})' if where else ''}{inlined}")
        for n, retrace in enumerate(f.retraces, 1):
            lines.append(f"{'':>30}retrace {n}: {retrace['reason']}")
        if f.retraces and f.retraces[-1].get("fix"):
            lines.append(f"{'':>30}fix: {f.retraces[-1]['fix']}")
    return lines


def findings_table(findings: list) -> list[str]:
    """The findings, most important first: title, evidence, where, fix."""
    from .analysis.locations import label

    if not findings:
        return []
    lines = ["", "findings:"]
    for n, f in enumerate(findings, 1):
        where = label(f.get("location") or {})
        lines.append(f"{n}. [{f['severity']}] {f['title']}" + (f"  ({where})" if where else ""))
        lines.append(f"   {f['evidence']}")
        lines.append(f"   fix: {f['fix']}")
    return lines


def workers_table(workers: dict) -> list[str]:
    """A multi-worker capture: each requested worker, captured or missing, its steps and collectives."""
    requested = (workers or {}).get("requested", [])
    rows = {r["host"]: r for r in (workers or {}).get("rows", [])}
    if not requested and len(rows) < 2:
        return []
    offsets = (workers.get("clock") or {}).get("offsets_us", {})
    lines = ["", f"{'worker':<28} {'steps':>6} {'median ms':>10} {'collective ms':>14} {'waiting ms':>11} "
                 f"{'last':>9} {'offset us':>10}  address / status"]
    listed = requested or [{"host": h, "address": "", "status": "captured", "reason": ""} for h in rows]
    for req in listed:
        r = rows.get(req.get("host", ""))
        status = "" if req["status"] == "captured" else f"  missing: {req['reason']}"
        if r is None:
            lines.append(f"{'-':<28} {'':>6} {'':>10} {'':>14} {'':>11} {'':>9} {'':>10}  {req['address']}{status}")
            continue
        last = f"{r['last_to_start']}/{r['instances']}" if r["instances"] else "-"
        lines.append(f"{_ellipsize(r['host'], 28):<28} {r['steps']:6d} {r['step_median_us'] / 1e3:10,.2f} "
                     f"{r['collective_us'] / 1e3:14,.1f} {r['waiting_us'] / 1e3:11,.1f} {last:>9} "
                     f"{offsets.get(r['host'], 0.0):10,.1f}  {req['address']}{status}")
    return lines


def _percent(share: float) -> str:
    return "<1%" if share < 0.005 else f"{100 * share:.0f}%"


def steps_table(summary: dict) -> list[str]:
    """One paragraph: where the steps come from and where their time went."""
    from .analysis.steps import LABELS

    if not summary:
        return []
    if not summary.get("count"):
        return ["", f"steps: none ({summary.get('reason', '')})"]
    rows = summary["rows"]
    walls = sorted(r["wall_us"] for r in rows)
    total = sum(walls) or 1.0
    parts = {c: sum(r["breakdown"].get(c, 0.0) for r in rows) for c in summary.get("categories", [])}
    split = ", ".join(f"{LABELS.get(c, c)} {_percent(us / total)}" for c, us in parts.items() if us)
    outliers = sum(1 for r in rows if r.get("outlier"))
    return ["", f"steps: {summary['count']} ({summary['reason']})",
            f"  median {walls[len(walls) // 2] / 1e3:,.2f} ms, max {walls[-1] / 1e3:,.2f} ms"
            f"{f', {outliers} outlier(s)' if outliers else ''}; time went to: {split}"]
