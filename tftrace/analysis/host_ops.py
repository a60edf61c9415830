"""Host op statistics: executor events ``name:type`` and tf.data iterator events.

Matches XProf's host ``framework_op_stats``: every non-derived line of the host
plane, each op event's self time = its duration minus the ops nested in it on the
same thread, aggregated per (op name, type, mode) over all threads.
"""

from __future__ import annotations

import numpy as np

from ..model import OpStat
from . import names, nesting
from .aggregate import accumulate, group_sum, ps_to_us

_OP_CATEGORIES = {names.TENSORFLOW, names.DATASET, names.MEMCPY, "jax"}


def classify(plane):
    """Per event-name index: its TfOp and whether it counts as a host op."""
    parsed = [names.parse_tf_op(n) if n else names.TfOp(names.UNKNOWN, "", "") for n in plane.event_names]
    is_op = np.array([p.category in _OP_CATEGORIES for p in parsed], bool)
    return parsed, is_op


def op_events(line, is_op):
    """Indices (in start order) of the op events on a line, with start and duration."""
    idx = np.flatnonzero(is_op[line.name_index])
    start, duration = line.start_ps[idx], line.duration_ps[idx]
    order = nesting.sort_order(start, duration)
    return idx[order], start[order], duration[order]


def _eager_flags(line, idx) -> np.ndarray:
    if "is_eager" not in line.plane.stat_ids:
        return np.zeros(len(idx), bool)
    return np.array([bool(v) for v in line.stat_column(idx, "is_eager", 0)], bool)


def host_ops(plane) -> list[OpStat]:
    parsed, is_op = classify(plane)
    keys, totals, selfs = [], [], []
    for line in plane.lines:
        if line.derived or len(line) == 0:
            continue
        idx, start, duration = op_events(line, is_op)
        if len(idx) == 0:
            continue
        eager = _eager_flags(line, idx)
        keys.append(line.name_index[idx] * 2 + eager)
        totals.append(duration)
        selfs.append(nesting.self_times(start, duration))
    if not keys:
        return []
    unique, counts, total, self_ = group_sum(np.concatenate(keys), np.concatenate(totals), np.concatenate(selfs))
    merged: dict = {}
    for key, count, tot, slf in zip(unique.tolist(), counts.tolist(), ps_to_us(total).tolist(), ps_to_us(self_).tolist()):
        op = parsed[key // 2]
        mode = "eager" if key % 2 else "graph"
        # several event names can map to one op (e.g. memcpy variants)
        accumulate(merged, (op.name, op.type, mode), lambda: OpStat(
            name=op.name, type=op.type, device=plane.name, mode=mode, count=count,
            total_us=tot, self_us=slf, host=plane.hostname, category=op.category),
            count=count, total_us=tot, self_us=slf)
    return list(merged.values())
