"""A Profile as flat tables: named columns and rows of plain values, one table per kind of row.

The CSV export (one file per table, ``export/csv_tables.py``) and ``Profile.to_pandas()``
(one DataFrame per table) both read ``tables``; pandas is optional and imported only by
``to_pandas``. Nested parts are flattened: a location {file, line, cell} becomes three
columns, a Keras layer two, a step's breakdown one ``<category>_us`` column per category,
the flame tree one row per node with its parent's row number. Times are microseconds.
"""

from __future__ import annotations

from .errors import TftraceError
from .model import row_tuple

Table = tuple  # (columns: tuple[str, ...], rows: list[tuple])

_OP_COLUMNS = ("name", "type", "device", "host", "mode", "category", "count", "total_us", "self_us",
               "source_file", "source_line", "source_cell", "layer_name", "layer_class")
_KERNEL_COLUMNS = ("name", "op", "device", "host", "count", "total_us", "min_us", "max_us", "grid", "block",
                   "registers", "shared_mem_bytes", "occupancy_pct", "op_source")
_FUNCTION_COLUMNS = ("name", "host", "calls", "traces", "retraces", "total_us", "trace_us", "call_n", "call_min_us",
                     "call_median_us", "call_p95_us", "call_max_us", "defined_file", "defined_line", "defined_cell")
_CALL_KEYS = ("n", "min", "median", "p95", "max")


def _where(loc) -> tuple:
    loc = loc if isinstance(loc, dict) else {}
    return (str(loc.get("file") or ""), int(loc.get("line") or 0), str(loc.get("cell") or ""))


def ops(profile) -> Table:
    rows = [(op.name, op.type, op.device, op.host, op.mode, op.category, op.count, op.total_us, op.self_us,
             *_where(op.source), str(op.layer.get("name") or ""), str(op.layer.get("class") or ""))
            for op in profile.ops]
    return _OP_COLUMNS, rows


def kernels(profile) -> Table:
    rows = [(k.name, k.op, k.device, k.host, k.count, k.total_us, k.min_us, k.max_us, k.grid, k.block,
             k.registers, k.shared_mem_bytes, k.occupancy_pct, k.op_source) for k in profile.kernels]
    return _KERNEL_COLUMNS, rows


def memcpy(profile) -> Table:
    return ("device", "direction", "op", "count", "bytes", "total_us", "host"), [row_tuple(m) for m in profile.memcpy]


def devices(profile) -> Table:
    return ("name", "host", "kind", "events"), [(d.name, d.host, d.kind, d.events) for d in profile.devices]


def functions(profile) -> Table:
    rows = []
    for f in profile.functions:
        calls = [f.call_us.get(key) for key in _CALL_KEYS]
        rows.append((f.name, f.host, f.calls, f.traces, len(f.retraces), f.total_us, f.trace_us, *calls,
                     *_where(f.defined_at)))
    return _FUNCTION_COLUMNS, rows


def retraces(profile) -> Table:
    rows = [(f.name, r.get("call"), str(r.get("signature") or ""), str(r.get("reason") or ""), str(r.get("fix") or ""))
            for f in profile.functions for r in f.retraces]
    return ("function", "call", "signature", "reason", "fix"), rows


def steps(profile) -> Table:
    summary = profile.step_summary or {}
    rows = list(summary.get("rows") or [])
    categories = list(summary.get("categories") or [])
    for row in rows:
        categories += [c for c in row.get("breakdown") or {} if c not in categories]
    columns = ("step", "name", "start_us", "wall_us", "outlier", *(f"{c}_us" for c in categories))
    return columns, [(r.get("step"), r.get("name") or "", r.get("start_us"), r.get("wall_us"), r.get("outlier") or "",
                      *((r.get("breakdown") or {}).get(c, 0.0) for c in categories)) for r in rows]


def findings(profile) -> Table:
    rows = [(rank, str(f.get("kind") or ""), str(f.get("severity") or ""), str(f.get("title") or ""),
             str(f.get("evidence") or ""), str(f.get("fix") or ""), f.get("impact_us"), *_where(f.get("location")))
            for rank, f in enumerate(profile.findings or [], start=1)]
    return ("rank", "kind", "severity", "title", "evidence", "fix", "impact_us", "file", "line", "cell"), rows


def memory(profile) -> Table:
    rows = [(str(a.get("name") or ""), str(a.get("host") or ""), a.get("capacity_bytes"), a.get("peak_bytes"),
             a.get("peak_time_us"), a.get("fragmentation_pct")) for a in (profile.memory or {}).get("allocators") or []]
    return ("allocator", "host", "capacity_bytes", "peak_bytes", "peak_time_us", "fragmentation_pct"), rows


def memory_timeline(profile) -> Table:
    rows = [(str(a.get("name") or ""), str(a.get("host") or ""), t_us, in_use)
            for a in (profile.memory or {}).get("allocators") or [] for t_us, in_use in a.get("timeline") or []]
    return ("allocator", "host", "t_us", "bytes"), rows


def python(profile) -> Table:
    rows = [(str(f.get("function") or ""), str(f.get("file") or ""), int(f.get("line") or 0), str(f.get("cell") or ""),
             f.get("self_pct"), f.get("total_pct")) for f in (profile.python or {}).get("top") or []]
    return ("function", "file", "line", "cell", "self_pct", "total_pct"), rows


def flame(profile) -> Table:
    """The flame tree the views show (``export.speedscope.flame_tree``), one row per node, depth first."""
    from .export.speedscope import flame_tree

    rows: list = []
    todo = [(flame_tree(profile), -1, 0)]
    while todo:
        node, parent, depth = todo.pop()
        children = node.get("children") or []
        own = float(node["value_us"]) - sum(float(c["value_us"]) for c in children)
        here = len(rows)
        rows.append((here, parent, depth, node["name"], node.get("kind") or "", node["value_us"], round(max(own, 0.0), 3),
                     str(node.get("file") or ""), int(node.get("line") or 0), str(node.get("cell") or "")))
        todo.extend((child, here, depth + 1) for child in reversed(children))
    return ("id", "parent", "depth", "name", "kind", "value_us", "self_us", "file", "line", "cell"), rows


TABLES = {"ops": ops, "kernels": kernels, "memcpy": memcpy, "devices": devices, "functions": functions,
          "retraces": retraces, "steps": steps, "findings": findings, "memory": memory,
          "memory_timeline": memory_timeline, "python": python, "flame": flame}


def tables(profile) -> dict:
    """{table name: (columns, rows)} for every table in ``TABLES`` (empty ones included)."""
    return {name: build(profile) for name, build in TABLES.items()}


def to_pandas(profile) -> dict:
    """{table name: pandas.DataFrame}; a one-line TftraceError when pandas is not installed."""
    try:
        import pandas
    except ImportError:
        raise TftraceError("Profile.to_pandas() needs pandas, which is not installed: pip install pandas") from None
    return {name: pandas.DataFrame(rows, columns=list(columns)) for name, (columns, rows) in tables(profile).items()}
