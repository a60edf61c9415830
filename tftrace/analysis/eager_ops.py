"""Eager ops: ``EagerLocalExecute: <OpType>`` spans on the threads that called them.

XProf drops these. An eager op's total time is its EagerLocalExecute span (dispatch
plus kernel); its self time excludes graph ops nested in it on the same thread.
tf.function calls (``EagerLocalExecute: __inference_...``) are not ops: see functions.
"""

from __future__ import annotations

from array import array

from ..model import OpStat
from . import names, nesting
from .aggregate import accumulate, ps_to_us, sum_by_key
from .host_ops import LazyTable, spans_where


class EagerNames:
    """Which event names of a host plane are eager ops (and of which type)."""

    def __init__(self, plane, is_op):
        self.op_types = [names.eager_op_type(n) for n in plane.event_names]
        self.is_eager = [t is not None for t in self.op_types]
        self.ids = {i for i, eager in enumerate(self.is_eager) if eager}
        self.eager_or_op = LazyTable(lambda i: self.is_eager[i] or is_op[i])


def eager_sums(line, eager: EagerNames, keep: dict | None = None) -> dict:
    """One thread's eager ops: {name index: [count, total ps, self ps]}; ``keep`` (a dict) gets
    (start, self ps, name index) per eager-or-op event, for ``step_ops``."""
    if not eager.ids or eager.ids.isdisjoint(line.name_index):
        return {}
    spans = spans_where(line, eager.eager_or_op)
    name_index, is_eager = line.name_index, eager.is_eager
    own = nesting.self_times(spans)
    if keep is not None:
        keep["eager"] = (array("q", [s for s, _, _ in spans]), array("q", own),
                         array("q", [name_index[i] for _, _, i in spans]))
    kept = [(name_index[i], duration, self_) for (_, duration, i), self_ in zip(spans, own)
            if is_eager[name_index[i]]]
    return sum_by_key(*zip(*kept)) if kept else {}


def eager_rows(plane, eager: EagerNames, sums: dict) -> list[OpStat]:
    """Eager op rows (one per op type) from the threads' merged ``eager_sums``."""
    by_type: dict = {}
    for key in sorted(sums):
        count, tot, slf = sums[key][0], ps_to_us(sums[key][1]), ps_to_us(sums[key][2])
        op_type = eager.op_types[key]
        accumulate(by_type, op_type, lambda: OpStat(
            name=op_type, type=op_type, device=plane.name, mode="eager", count=count,
            total_us=tot, self_us=slf, host=plane.hostname), count=count, total_us=tot, self_us=slf)
    return list(by_type.values())
