"""Host op statistics: executor events ``name:type`` and tf.data iterator events.

Matches XProf's host ``framework_op_stats``: every non-derived line of the host
plane, each op event's self time = its duration minus the ops nested in it on the
same thread, aggregated per (op name, type, mode) over all threads.
"""

from __future__ import annotations

from itertools import compress, count

from ..model import OpStat
from . import names, nesting
from .aggregate import accumulate, ps_to_us, sum_by_key

_OP_CATEGORIES = {names.TENSORFLOW, names.DATASET, names.MEMCPY, "jax"}


def classify(plane):
    """Per event-name index: its TfOp and whether it counts as a host op."""
    parsed = [names.parse_tf_op(n) if n else names.TfOp(names.UNKNOWN, "", "") for n in plane.event_names]
    return parsed, [p.category in _OP_CATEGORIES for p in parsed]


def spans_where(line, keep) -> list[tuple[int, int, int]]:
    """(start, duration, event index) of the events whose name index ``keep`` marks, in stack order."""
    spans = zip(line.start_ps, line.duration_ps, count())
    return nesting.in_stack_order(list(compress(spans, map(keep.__getitem__, line.name_index))))


def _eager_flags(line, events) -> list[int]:
    if "is_eager" not in line.plane.stat_ids:
        return [0] * len(events)
    return [1 if v else 0 for v in line.stat_column(events, "is_eager", 0)]


def host_ops(plane, parsed: list, is_op: list) -> list[OpStat]:
    """Op rows of a host plane, given ``classify(plane)``."""
    keys, totals, selfs = [], [], []
    for line in plane.lines:
        if line.derived or len(line) == 0:
            continue
        spans = spans_where(line, is_op)
        events = [i for _, _, i in spans]
        name_index = line.name_index
        keys += [name_index[i] * 2 + eager for i, eager in zip(events, _eager_flags(line, events))]
        totals += [d for _, d, _ in spans]
        selfs += nesting.self_times(spans)
    sums = sum_by_key(keys, totals, selfs)
    merged: dict = {}
    for key in sorted(sums):
        count, tot, slf = sums[key][0], ps_to_us(sums[key][1]), ps_to_us(sums[key][2])
        op = parsed[key // 2]
        mode = "eager" if key % 2 else "graph"
        # several event names can map to one op (e.g. memcpy variants)
        accumulate(merged, (op.name, op.type, mode), lambda: OpStat(
            name=op.name, type=op.type, device=plane.name, mode=mode, count=count,
            total_us=tot, self_us=slf, host=plane.hostname, category=op.category),
            count=count, total_us=tot, self_us=slf)
    return list(merged.values())
