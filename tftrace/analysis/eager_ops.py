"""Eager ops: ``EagerLocalExecute: <OpType>`` spans on the threads that called them.

XProf drops these. An eager op's total time is its EagerLocalExecute span (dispatch
plus kernel); its self time excludes graph ops nested in it on the same thread.
tf.function calls (``EagerLocalExecute: __inference_...``) are not ops: see functions.
"""

from __future__ import annotations

from ..model import OpStat
from . import names, nesting
from .aggregate import accumulate, ps_to_us, sum_by_key
from .host_ops import spans_where


def eager_ops(plane, is_op: list) -> list[OpStat]:
    op_types = [names.eager_op_type(n) for n in plane.event_names]
    is_eager = [t is not None for t in op_types]
    if not any(is_eager):
        return []
    either = [e or o for e, o in zip(is_eager, is_op)]
    eager_ids = {i for i, e in enumerate(is_eager) if e}
    keys, totals, selfs = [], [], []
    for line in plane.lines:
        if line.derived or eager_ids.isdisjoint(line.name_index):
            continue
        spans = spans_where(line, either)
        name_index = line.name_index
        for (_, duration, i), self_ in zip(spans, nesting.self_times(spans)):
            if is_eager[name_index[i]]:
                keys.append(name_index[i])
                totals.append(duration)
                selfs.append(self_)
    sums = sum_by_key(keys, totals, selfs)
    by_type: dict = {}
    for key in sorted(sums):
        count, tot, slf = sums[key][0], ps_to_us(sums[key][1]), ps_to_us(sums[key][2])
        op_type = op_types[key]
        accumulate(by_type, op_type, lambda: OpStat(
            name=op_type, type=op_type, device=plane.name, mode="eager", count=count,
            total_us=tot, self_us=slf, host=plane.hostname), count=count, total_us=tot, self_us=slf)
    return list(by_type.values())
