"""Host op statistics: executor events ``name:type`` and tf.data iterator events.

Matches XProf's host ``framework_op_stats``: every non-derived line of the host
plane, each op event's self time = its duration minus the ops nested in it on the
same thread, aggregated per (op name, type, mode) over all threads. Threads are
summed one by one (``op_sums``, possibly in other processes), then merged into rows.
"""

from __future__ import annotations

from array import array

from itertools import compress, count as counter

from ..model import OpStat
from . import names, nesting
from .aggregate import ps_to_us, sum_by_key
from .call_windows import window_sums

_OP_CATEGORIES = {names.TENSORFLOW, names.DATASET, names.MEMCPY, "jax"}


class LazyTable(dict):
    """key -> ``fn(key)``, computed on first lookup (``table.__getitem__`` maps at C speed)."""

    def __init__(self, fn):
        super().__init__()
        self._fn = fn

    def __missing__(self, key):
        value = self[key] = self._fn(key)
        return value


_NO_OP = names.TfOp(names.UNKNOWN, "", "")


def classify(plane):
    """Per event-name index: its TfOp and whether it counts as a host op.

    Both are lazy tables: a process that analyses some threads parses only their names.
    """
    event_names = plane.event_names
    parse = names.parse_tf_op.__wrapped__  # the table caches; the lru_cache would only add its cost
    parsed = LazyTable(lambda i: parse(event_names[i]) if event_names[i] else _NO_OP)
    return parsed, LazyTable(lambda i: parsed[i].category in _OP_CATEGORIES)


def spans_where(line, keep) -> list[tuple[int, int, int]]:
    """(start, duration, event index) of the events whose name index ``keep`` marks, in stack order."""
    spans = zip(line.start_ps, line.duration_ps, counter())
    return nesting.in_stack_order(list(compress(spans, map(keep.__getitem__, line.name_index))))


def _eager_flags(line, events) -> list[int]:
    if "is_eager" not in line.plane.stat_ids:
        return [0] * len(events)
    return [1 if v else 0 for v in line.stat_column(events, "is_eager", 0)]


def op_sums(line, is_op: list, windows=None, spans=None, keep: dict | None = None) -> tuple[dict, dict]:
    """One thread's op events: {name index * 2 + is_eager: [count, total ps, self ps]}, and the
    same per (call site id, key) for the events inside tf.function calls' ``windows`` ({} without).
    ``spans``: ``spans_where(line, is_op)`` when the caller has it already."""
    spans = spans_where(line, is_op) if spans is None else spans
    events = [i for _, _, i in spans]
    name_index = line.name_index
    keys = [name_index[i] * 2 + eager for i, eager in zip(events, _eager_flags(line, events))]
    self_ps = nesting.self_times(spans)
    if keep is not None:  # for ``step_ops``, in this process: (start, self ps, name index) per op event
        keep["ops"] = (array("q", [s for s, _, _ in spans]), array("q", self_ps),
                       array("q", map(name_index.__getitem__, events)))
    by_window = window_sums(windows, spans, keys, self_ps) if windows else {}
    return sum_by_key(keys, [d for _, d, _ in spans], self_ps), by_window


def op_rows(plane, parsed, sums: dict) -> list[OpStat]:
    """Op rows of a host plane from its threads' merged ``op_sums``; ``parsed`` from ``classify``."""
    merged: dict = {}
    for key in sorted(sums):
        count, total_ps, self_ps = sums[key]
        op = parsed[key // 2]
        mode = "eager" if key % 2 else "graph"
        row = merged.get((op.name, op.type, mode))
        if row is None:
            merged[op.name, op.type, mode] = OpStat(op.name, op.type, plane.name, mode, count, ps_to_us(total_ps),
                                                    ps_to_us(self_ps), plane.hostname, op.category)
        else:  # several event names can map to one op (e.g. memcpy variants)
            row.count += count
            row.total_us += ps_to_us(total_ps)
            row.self_us += ps_to_us(self_ps)
    return list(merged.values())
