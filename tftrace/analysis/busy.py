"""When each kind of work was running: merged busy intervals per category.

A step's time is split by what was running at each instant (``steps``). This module
finds those instants: per host thread (a piece, possibly in a worker process) the
union of the intervals of its input waits (``IteratorGetNext*`` ops and the outermost
tf.data iterator's GetNext, which is where a consumer waits), graph ops, eager ops and
Python garbage collections (``tftrace.gc``, marked by the capture); per GPU plane the union of its kernels, collectives and copies by direction.
Intervals are (start ps, end ps) from the XSpace origin, sorted and disjoint.
"""

from __future__ import annotations

from itertools import compress

from . import names

INPUT_TYPES = frozenset({"IteratorGetNext", "IteratorGetNextSync", "IteratorGetNextAsOptional",
                         "MultiDeviceIteratorGetNextFromShard"})
GC_EVENT = "tftrace.gc"  # capture/gc_marks.py: a Python garbage collection
_COLLECTIVE_HINTS = ("nccl", "allreduce", "all_reduce", "allgather", "all_gather", "reducescatter",
                     "collective")
_MEMCPY_CATEGORY = {"MemcpyHToD": "memcpy_h2d", "MemcpyDToH": "memcpy_d2h", "MemcpyDToD": "memcpy_d2d"}


def merge(intervals) -> list:
    """Sorted, disjoint union of (start, end) intervals."""
    out: list = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        elif end > start:
            out.append((start, end))
    return out


def host_categories(plane, parsed, is_eager) -> list:
    """Per event-name index of a host plane: its busy category or None."""
    out = []
    for i, name in enumerate(plane.event_names):
        if name == GC_EVENT:
            out.append("gc")
            continue
        if is_eager[i]:  # an eager IteratorGetNext (``for x in dataset`` in Python) waits for input too
            out.append("input" if names.eager_op_type(name) in INPUT_TYPES else "eager_dispatch")
            continue
        op = parsed[i]
        if op.category == names.TENSORFLOW:
            out.append("input" if op.type in INPUT_TYPES else "collectives" if is_collective(op.type) else "host_compute")
        elif op.category == names.DATASET and is_root_iterator(name):
            out.append("input")
        else:
            out.append(None)
    return out


def is_collective(op_type: str) -> bool:
    """A cross-worker/device collective op (CollectiveReduceV2, NcclAllReduce, ...): the step waits on peers there."""
    return (op_type.startswith("Collective") and "Group" not in op_type and "Initialize" not in op_type) \
        or op_type.startswith("Nccl")


def is_root_iterator(event_name: str) -> bool:
    """The consumer's side of tf.data: the outermost iterator's GetNext (``Iterator::Root::Prefetch``,
    or ``Iterator::Prefetch`` without a Root), on the thread that waits for the element. Deeper
    stages (``Iterator::Root::Prefetch::ParallelMapV2``) run on tf.data's own threads."""
    parts = event_name.split("::")
    return len(parts) == (3 if len(parts) > 1 and parts[1] == "Root" else 2)


def line_busy(line, categories: list, op_spans: list = ()) -> dict:
    """{category: merged intervals} of one host thread. ``op_spans``: its op events as
    ``host_ops.spans_where`` gives them (sorted by start), merged in one pass; the few
    other events (eager ops, GC) are picked out of the line."""
    out: dict = {}
    name_index = line.name_index
    by_category: dict = {}
    for start, duration, i in op_spans:
        category = categories[name_index[i]]
        if category is not None:
            by_category.setdefault(category, []).append((start, start + duration))
    for category, intervals in by_category.items():
        out[category] = merge_sorted(intervals)
    # eager IteratorGetNext waits are input too, and are no op spans
    for category in ("eager_dispatch", "gc", "input") + (() if op_spans else ("host_compute",)):
        if category not in categories:
            continue
        keep = [c == category for c in categories]
        events = list(compress(range(len(name_index)), map(keep.__getitem__, name_index)))
        if events:
            starts, durations = line.start_ps, line.duration_ps
            found = [(starts[i], starts[i] + durations[i]) for i in events]
            out[category] = merge(found + out.get(category, []))
    return out


def merge_sorted(intervals: list) -> list:
    """``merge`` of intervals already sorted by start (one pass, no sort)."""
    out: list = []
    end = None
    for s, e in intervals:
        if end is not None and s <= end:
            if e > end:
                end = e
                out[-1] = (out[-1][0], e)
        elif e > s:
            out.append((s, e))
            end = e
    return out


def device_category(event_name: str) -> str:
    memcpy = _MEMCPY_CATEGORY.get(names.parse_tf_op(event_name).type)
    if memcpy:
        return memcpy
    lowered = event_name.lower()
    return "collectives" if any(h in lowered for h in _COLLECTIVE_HINTS) else "device_compute"


def gpu_busy(plane) -> dict:
    """{category: merged intervals} of a GPU plane's non-derived lines (kernels, copies, collectives)."""
    categories = [device_category(n) if n else None for n in plane.event_names]
    spans: dict = {}
    for line in plane.lines:
        if line.derived or not len(line):
            continue
        for n, start, duration in zip(line.name_index, line.start_ps, line.duration_ps):
            category = categories[n]
            if category is not None:
                spans.setdefault(category, []).append((start, start + duration))
    return {category: merge(intervals) for category, intervals in spans.items()}


def union_all(parts) -> dict:
    """Per category, the union over several threads' or planes' busy intervals."""
    gathered: dict = {}
    for part in parts:
        for category, intervals in part.items():
            gathered.setdefault(category, []).extend(intervals)
    return {category: merge(intervals) for category, intervals in gathered.items()}
