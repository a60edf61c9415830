"""Eager ops: ``EagerLocalExecute: <OpType>`` spans on the threads that called them.

XProf drops these. An eager op's total time is its EagerLocalExecute span (dispatch
plus kernel); its self time excludes graph ops nested in it on the same thread.
tf.function calls (``EagerLocalExecute: __inference_...``) are not ops: see functions.
"""

from __future__ import annotations

import numpy as np

from ..model import OpStat
from . import names, nesting
from .aggregate import accumulate, group_sum, ps_to_us


def eager_ops(plane, is_op: np.ndarray) -> list[OpStat]:
    op_types = [names.eager_op_type(n) for n in plane.event_names]
    is_eager = np.array([t is not None for t in op_types], bool)
    if not is_eager.any():
        return []
    keys, totals, selfs = [], [], []
    for line in plane.lines:
        if line.derived or len(line) == 0:
            continue
        eager_here = is_eager[line.name_index]
        if not eager_here.any():
            continue
        idx = np.flatnonzero(eager_here | is_op[line.name_index])
        start, duration = line.start_ps[idx], line.duration_ps[idx]
        order = nesting.sort_order(start, duration)
        idx, start, duration = idx[order], start[order], duration[order]
        self_ = nesting.self_times(start, duration)
        keep = is_eager[line.name_index[idx]]
        keys.append(line.name_index[idx][keep])
        totals.append(duration[keep])
        selfs.append(self_[keep])
    unique, counts, total, self_ = group_sum(np.concatenate(keys), np.concatenate(totals), np.concatenate(selfs))
    by_type: dict = {}
    for key, count, tot, slf in zip(unique.tolist(), counts.tolist(), ps_to_us(total).tolist(), ps_to_us(self_).tolist()):
        op_type = op_types[key]
        accumulate(by_type, op_type, lambda: OpStat(
            name=op_type, type=op_type, device=plane.name, mode="eager", count=count,
            total_us=tot, self_us=slf, host=plane.hostname), count=count, total_us=tot, self_us=slf)
    return list(by_type.values())
