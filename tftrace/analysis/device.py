"""GPU planes: kernels, memory copies and device-side op time.

Each kernel launch on a stream line is attributed to a TensorFlow op from, in order:
its ``tf_op`` / ``annotation`` / ``level 0`` stat, the derived ``TensorFlow Ops`` line
of its plane (the op span covering the kernel), the host event that launched it
(same ``correlation_id``). Kernels aggregate per (kernel, op, grid, block); device
ops are the kernels grouped by op; how busy the device and each stream were comes from
the same launches (``gpu_busy``).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from ..model import KernelStat, MemcpyStat, OpStat
from . import gpu_busy, names, nesting
from .aggregate import accumulate
from .occupancy import occupancy_pct

_DETAIL = re.compile(r"(\w+):(\S+)")
_COPY_DIRECTION = {"MemcpyH2D": "HtoD", "MemcpyD2H": "DtoH", "MemcpyD2D": "DtoD",
                   "MemcpyP2P": "DtoD", "MemcpyHtoD": "HtoD", "MemcpyDtoH": "DtoH"}
_OP_STATS = ("tf_op", "annotation", "level 0")
_LAUNCH_STATS = _OP_STATS + ("kernel_details", "memcpy_details", "correlation_id", "is_eager")


@lru_cache(maxsize=4096)
def parse_details(text: str) -> dict:
    """``regs:38 shm:0 grid:160,1,1 block:1024,1,1`` -> {"regs": "38", ...} (shared: do not modify)."""
    return dict(_DETAIL.findall(text or ""))


def is_gpu_plane(plane) -> bool:
    return plane.name.startswith("/device:GPU:")


@dataclass
class _Launch:
    kernel: str
    op: str  # "name:type" or ""
    source: str
    duration_ps: int
    details: dict
    eager: bool
    start_ps: int = 0
    stream: str = ""  # the stream line's name


def _op_from_stats(stats: dict) -> str:
    for key in _OP_STATS:
        value = stats.get(key)
        if isinstance(value, str) and value:
            op = names.strip_annotation(value)
            if op:
                return op
    return ""


class _TfOpsLine:
    """The derived ``TensorFlow Ops`` line: which op span covers a given time."""

    def __init__(self, plane):
        line = next((l for l in plane.lines if l.name == "TensorFlow Ops"), None)
        self.empty = line is None or len(line) == 0
        if self.empty:
            return
        order = sorted(range(len(line)), key=line.start_ps.__getitem__)
        self.start = [line.start_ps[i] for i in order]
        self.end = [line.start_ps[i] + line.duration_ps[i] for i in order]
        self.names = [plane.event_names[line.name_index[i]] for i in order]

    def op_at(self, t: int) -> str:
        if self.empty:
            return ""
        i = bisect_right(self.start, t) - 1
        if i >= 0 and t < self.end[i]:
            return self.names[i]
        return ""


def _launches(plane, correlation) -> tuple[list, list]:
    tf_ops_line = _TfOpsLine(plane)
    kernels, copies = [], []
    for line in plane.lines:
        if line.derived:
            continue
        all_stats = line.select_stats(range(len(line)), _LAUNCH_STATS)
        durations, starts, name_index = line.duration_ps, line.start_ps, line.name_index
        for i, stats in enumerate(all_stats):
            duration = durations[i]
            name = plane.event_names[name_index[i]]
            op, source = _op_from_stats(stats), "annotation"
            if not op:
                op, source = tf_ops_line.op_at(starts[i]), "tf_ops_line"
            if not op and "kernel_details" in stats:  # copies are often not launched by an op at all
                op, source = correlation().get(stats.get("correlation_id"), ""), "correlation"
            launch = _Launch(name, op, source if op else "", duration,
                             stats, bool(stats.get("is_eager") or 0), starts[i], line.display_name)
            if "kernel_details" in stats:
                if duration > 0:
                    launch.details = parse_details(stats["kernel_details"])
                    kernels.append(launch)
            elif "memcpy_details" in stats or name in _COPY_DIRECTION:
                launch.details = parse_details(stats.get("memcpy_details", ""))
                copies.append(launch)
    return kernels, copies


def _kernel_rows(plane, kernels) -> list[KernelStat]:
    major = int(plane.stats.get("compute_cap_major") or 0)
    minor = int(plane.stats.get("compute_cap_minor") or 0)
    rows: dict = {}
    for k in kernels:
        grid, block = k.details.get("grid", ""), k.details.get("block", "")
        regs = int(k.details.get("regs", 0) or 0)
        smem = int(k.details.get("shm", 0) or 0) + int(k.details.get("dshm", 0) or 0)
        op_name = names.parse_tf_op(k.op).name if k.op else ""
        key = (k.kernel, op_name, grid, block, regs, smem)
        us = k.duration_ps / 1e6
        row = rows.get(key)
        if row is None:
            threads = math.prod([int(x) for x in block.split(",") if x.isdigit()] or [0])
            rows[key] = KernelStat(
                name=k.kernel, op=op_name, device=plane.name, count=1, total_us=us, min_us=us, max_us=us,
                grid=grid, block=block, registers=regs, shared_mem_bytes=smem,
                occupancy_pct=round(occupancy_pct(major, minor, threads, regs, smem), 2),
                op_source=k.source, host=plane.hostname)
        else:
            row.count += 1
            row.total_us += us
            row.min_us = min(row.min_us, us)
            row.max_us = max(row.max_us, us)
    return list(rows.values())


def _device_op_rows(plane, kernels) -> list[OpStat]:
    rows: dict = {}
    for k in kernels:
        if not k.op:
            continue
        op = names.parse_tf_op(k.op)
        mode = "eager" if k.eager else "graph"
        us = k.duration_ps / 1e6
        accumulate(rows, (op.name, op.type, mode), lambda: OpStat(
            name=op.name, type=op.type, device=plane.name, mode=mode, count=1, total_us=us, self_us=us,
            host=plane.hostname, category=op.category), count=1, total_us=us, self_us=us)
    return list(rows.values())


def _copy_rows(plane, copies) -> list[MemcpyStat]:
    rows: dict = {}
    for c in copies:
        direction = _COPY_DIRECTION.get(c.kernel, c.kernel)
        op_name = names.parse_tf_op(c.op).name if c.op else ""
        size = int(c.details.get("size", 0) or 0)
        us = c.duration_ps / 1e6
        accumulate(rows, (direction, op_name), lambda: MemcpyStat(
            device=plane.name, direction=direction, op=op_name, count=1, bytes=size, total_us=us,
            host=plane.hostname), count=1, bytes=size, total_us=us)
    return list(rows.values())


def _round_times(rows: list, fields=("total_us", "self_us", "min_us", "max_us")) -> list:
    """Sums of float microseconds, rounded back to the nanosecond the profiler measured."""
    for row in rows:
        for name in fields:
            if hasattr(row, name):
                setattr(row, name, round(getattr(row, name), 3))
    return rows


def device_tables(plane, correlation):
    """(kernel rows, device op rows, memcpy rows, busy summary) for one GPU plane.

    ``correlation()`` returns the correlation_id -> host op map; it is called only
    when a kernel has no op from its stats or the TensorFlow Ops line. The busy summary is
    ``gpu_busy.plane_busy``'s plain dict (busy time per device and stream).
    """
    kernels, copies = _launches(plane, correlation)
    return (_round_times(_kernel_rows(plane, kernels)), _round_times(_device_op_rows(plane, kernels)),
            _round_times(_copy_rows(plane, copies)), gpu_busy.plane_busy(plane, kernels, copies))


def host_ops_by_correlation(host_plane, is_op: list) -> dict:
    """correlation_id -> "name:type" of the innermost host op open when the launch with that id began."""
    if host_plane is None or "correlation_id" not in host_plane.stat_ids:
        return {}
    out = {}
    for line in host_plane.lines:
        if line.derived or len(line) == 0:
            continue
        name_index, starts, durations = line.name_index, line.start_ps, line.duration_ps
        ops = [i for i, n in enumerate(name_index) if is_op[n]]
        others = [i for i, n in enumerate(name_index) if not is_op[n]]
        if not ops or not others:
            continue
        launches = {i: c for i, c in zip(others, line.stat_column(others, "correlation_id")) if c is not None}
        # each launch as a zero-length span at its start: its parent is the op that launched it
        spans = nesting.in_stack_order([(starts[i], durations[i], i) for i in ops]
                                       + [(starts[i], 0, i) for i in launches])
        for (_, _, i), parent in zip(spans, nesting.parents(spans)):
            if parent >= 0 and i in launches:
                out[launches[i]] = host_plane.event_names[name_index[spans[parent][2]]]
    return out
