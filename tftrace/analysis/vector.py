"""The per-event passes as numpy array operations, where numpy is already imported.

A notebook kernel running TensorFlow always has numpy loaded, and there a big cell's
analysis was Python loops over per-event tuples: ~160 bytes and ~1 us per op event for
the op stack alone (issue 11, item 8). Here the same passes work on a line's int64
columns: self times from the op stack (``parents``), sums per name, busy intervals,
the step breakdown and the per-step op samples. Integer picoseconds throughout, so the
numbers are the Python passes' to the picosecond (tests compare both on every recorded
profile). ``tftrace stats`` never imports numpy (~45 ms of a small run) and keeps the
Python passes; so do the command line's forked workers (their results travel as plain
data).

``available()`` is numpy when these passes apply: numpy already imported (``ENABLED``
None), or always / never (``ENABLED`` True / False, for tests).
"""

from __future__ import annotations

import sys

ENABLED: bool | None = None
_EXTRA = ("eager_dispatch", "gc", "input")  # busy categories read from every event of a thread (busy.line_busy)


def available():
    """The numpy module when the vectorised passes apply, else None (never imports it unless ``ENABLED``)."""
    if ENABLED is False:
        return None
    np = sys.modules.get("numpy")
    if np is None and ENABLED:
        import numpy as np
    return np


def trim() -> None:
    """Give the heap's free pages back to the system between the passes of a big analysis: glibc raises its
    mmap threshold after big arrays are freed, so later ones come from the heap, and what a pass freed
    there stays in the process (the peak grew pass by pass: 2M events, 114 -> 141 MiB)."""
    from . import release_free_memory

    release_free_memory()


BIG_LINE = 100_000  # events: a pass over a line this long ends with ``trim``


def int64(np, column):
    """An ``array('q')`` column as an int64 array sharing its memory."""
    return np.frombuffer(column, np.int64) if len(column) else np.zeros(0, np.int64)


# ---- nesting

def stack_order(np, start, duration):
    """None when spans are in stack order already (a profiler writes its lines so), else the positions
    putting them in it: by start, longer first, then as given (``nesting.in_stack_order``)."""
    if len(start) < 2:
        return None
    later = start[1:] > start[:-1]
    if later.all() or (later | ((start[1:] == start[:-1]) & (duration[1:] <= duration[:-1]))).all():
        return None
    return np.lexsort((-duration, start))


def parents(np, start, end):
    """Parent position of each span of spans in stack order (``start`` ascending), -1 for roots.

    XProf's op stack (``nesting.parents``) pops every span that ended by the next one's start,
    so a span's parent is the last earlier span that ends after it starts. Found for all spans
    at once by pointer jumping: a span's candidate starts as the span before it; a candidate
    that ended by then is replaced by the candidate's own candidate (every span skipped so
    ended by the candidate's start, so by this start too). Spans nothing earlier reaches are
    roots at once (a running maximum of the ends); siblings resolve in O(log n) rounds."""
    n = len(start)
    candidate = np.arange(-1, n - 1, dtype=np.int64)
    if n < 2:
        return candidate
    reach = np.maximum.accumulate(end)[:-1]  # the latest end among spans 0..i-1
    inside = reach > start[1:]  # some earlier span is still open
    del reach
    candidate[1:][~inside] = -1
    todo = np.flatnonzero(inside) + 1
    del inside
    while len(todo):
        todo = todo[end[candidate[todo]] <= start[todo]]  # the candidate ended: not the parent
        if not len(todo):
            break
        candidate[todo] = candidate[candidate[todo]]
        todo = todo[candidate[todo] >= 0]
    return candidate


def self_times(np, duration, parent):
    """Duration minus the direct children's durations, never below zero (``nesting.self_times``)."""
    own = duration.copy()
    child = parent >= 0
    np.subtract.at(own, parent[child], duration[child])
    return np.maximum(own, 0, out=own)


def stack(np, start, duration, *more):
    """(start, duration, self time, *more) of spans in stack order (``more``: arrays that go along)."""
    order = stack_order(np, start, duration)
    if order is not None:
        start, duration, more = start[order], duration[order], [m[order] for m in more]
    return (start, duration, self_times(np, duration, parents(np, start, start + duration)), *more)


# ---- sums

def sums_by_key(np, keys, totals, selfs, size: int = 0) -> dict:
    """{key: [count, total, self]} as Python ints, as ``aggregate.sum_by_key``, of small non-negative int keys."""
    if not len(keys):
        return {}
    size = max(size, int(keys.max()) + 1)
    count = np.bincount(keys, minlength=size)
    total = np.zeros(size, np.int64)
    own = np.zeros(size, np.int64)
    np.add.at(total, keys, totals)
    np.add.at(own, keys, selfs)
    found = np.flatnonzero(count)
    return {k: [c, t, s] for k, c, t, s in zip(found.tolist(), count[found].tolist(), total[found].tolist(),
                                               own[found].tolist())}


# ---- intervals

class Intervals:
    """Sorted disjoint (start, end) picosecond intervals held as one (n, 2) int64 array (16 bytes
    an interval; a list of tuples takes ~130). Reads as that list of tuples (length, index,
    iteration, ``+``, ``==``) for code written for lists; vector code uses ``array``."""

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [tuple(pair) for pair in self.array[i].tolist()]
        start, end = self.array[i].tolist()
        return start, end

    def __iter__(self):
        for at in range(0, len(self.array), 4096):
            yield from map(tuple, self.array[at:at + 4096].tolist())

    def __add__(self, other):
        return list(self) + list(other)

    def __radd__(self, other):
        return list(other) + list(self)

    def __eq__(self, other):
        if isinstance(other, Intervals):
            other = other.array
        elif not hasattr(other, "shape"):
            return len(other) == len(self) and list(self) == list(other)
        return self.array.shape == other.shape and bool((self.array == other).all())

    def __repr__(self) -> str:
        return f"Intervals({len(self)})"


def as_array(np, intervals):
    """Sorted disjoint intervals (``Intervals`` or a list of pairs) as an (n, 2) int64 array."""
    if isinstance(intervals, Intervals):
        return intervals.array
    if hasattr(intervals, "shape"):
        return intervals
    return np.array(intervals, np.int64).reshape(-1, 2)


def merge(np, starts, ends, in_order: bool = False):
    """The union of [start, end) intervals as a sorted disjoint (n, 2) array; intervals touching merge,
    empty ones are dropped (``busy.merge``). ``in_order``: sorted by start already."""
    keep = ends > starts
    if not keep.all():
        starts, ends = starts[keep], ends[keep]
    del keep
    if not len(starts):
        return np.zeros((0, 2), np.int64)
    if not in_order and (starts[1:] < starts[:-1]).any():
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
        del order
    reach = np.maximum.accumulate(ends)
    first = np.flatnonzero(starts[1:] > reach[:-1]) + 1
    out = np.empty((len(first) + 1, 2), np.int64)
    out[0, 0], out[1:, 0] = starts[0], starts[first]
    out[:-1, 1], out[-1, 1] = reach[first - 1], reach[-1]
    return out


_BLOCKS = 32  # a union of big interval sets is made in this many stretches of time (bounded temporaries)
_BLOCKED_FROM = 1 << 18  # intervals


def union(np, parts):
    """The union of several sorted disjoint interval sets, as an (n, 2) array. Big ones are joined
    stretch by stretch of time (each set's intervals in a stretch are a slice of it), the pieces cut
    at a stretch's end joined again after."""
    arrays = [a for a in (as_array(np, p) for p in parts) if len(a)]
    if len(arrays) < 2:
        return arrays[0] if arrays else np.zeros((0, 2), np.int64)
    total = sum(len(a) for a in arrays)
    if total < _BLOCKED_FROM:
        return _merge_pairs(np, arrays)
    biggest = max(arrays, key=len)
    cuts = np.unique(biggest[np.linspace(0, len(biggest) - 1, _BLOCKS + 1).astype(np.int64)[1:-1], 0])
    bounds = [None, *cuts.tolist(), None]
    pieces = []
    for lo, hi in zip(bounds, bounds[1:]):
        inside = [_clip(np, a, lo, hi) for a in arrays]
        piece = _merge_pairs(np, [a for a in inside if len(a)])
        if len(piece) and pieces and len(pieces[-1]) and pieces[-1][-1, 1] == piece[0, 0]:  # cut at ``lo``
            piece = piece.copy()
            piece[0, 0] = pieces[-1][-1, 0]
            pieces[-1] = pieces[-1][:-1]
        pieces.append(piece)
    return np.concatenate(pieces)


def _merge_pairs(np, arrays):
    if not arrays:
        return np.zeros((0, 2), np.int64)
    if len(arrays) == 1:
        return arrays[0]
    return merge(np, np.concatenate([a[:, 0] for a in arrays]), np.concatenate([a[:, 1] for a in arrays]))


def _clip(np, merged, lo, hi):
    """The parts of sorted disjoint ``merged`` within [lo, hi) (None: no bound)."""
    a = 0 if lo is None else int(np.searchsorted(merged[:, 1], lo, side="right"))
    b = len(merged) if hi is None else int(np.searchsorted(merged[:, 0], hi, side="left"))
    part = merged[a:b]
    if not len(part) or ((lo is None or part[0, 0] >= lo) and (hi is None or part[-1, 1] <= hi)):
        return part
    part = part.copy()
    if lo is not None:
        part[0, 0] = max(part[0, 0], lo)
    if hi is not None:
        part[-1, 1] = min(part[-1, 1], hi)
    return part


def union_all(np, parts) -> dict:
    """``busy.union_all``: per category, the union over several threads' or planes' intervals."""
    gathered: dict = {}
    for part in parts:
        for category, intervals in part.items():
            gathered.setdefault(category, []).append(intervals)
    return {category: Intervals(union(np, found)) for category, found in gathered.items()}


def covered(np, merged, starts, ends):
    """For each window [starts[k], ends[k]), how much of sorted disjoint ``merged`` lies inside it."""
    return _before(np, merged, ends) - _before(np, merged, starts)


def _before(np, merged, t):
    """Length of ``merged`` before each time of ``t``."""
    if not len(merged):
        return np.zeros(len(t), np.int64)
    s, e = merged[:, 0], merged[:, 1]
    full = np.concatenate(([0], np.cumsum(e - s)))  # full[k]: the length of intervals 0..k-1
    k = np.searchsorted(s, t, side="left")  # intervals 0..k-1 start before t
    last = np.maximum(k - 1, 0)
    partial = np.where(k > 0, np.minimum(e[last], t) - s[last], 0)
    return full[last] + partial


_STEPS_AT_ONCE = 64


def breakdowns(np, spans: list, busy: dict, calls: list, tracing: list, priority: tuple) -> list[dict]:
    """``steps.breakdown`` of every (start, end) of ``spans``: each category's share is what it adds
    to the union of the categories before it (a step's time inside that union, less the same for the
    union without it), then the calls' time outside every category (tracing first, up to
    ``tracing[k]``, the rest TensorFlow's runtime), then Python. ``_STEPS_AT_ONCE`` steps at a time,
    on the intervals of their stretch of time alone."""
    sets = [(c, as_array(np, busy[c])) for c in priority if busy.get(c) is not None and len(busy[c])]
    calls = as_array(np, calls)
    out: list = []
    for at in range(0, len(spans), _STEPS_AT_ONCE):
        block = spans[at:at + _STEPS_AT_ONCE]
        starts = np.array([s for s, _ in block], np.int64)
        ends = np.array([e for _, e in block], np.int64)
        lo, hi = int(starts.min()), int(ends.max())
        so_far = np.zeros((0, 2), np.int64)
        inside = np.zeros(len(block), np.int64)
        shares = []
        for category, intervals in sets:
            so_far = union(np, [so_far, _clip(np, intervals, lo, hi)])
            now = covered(np, so_far, starts, ends)
            shares.append((category, (now - inside).tolist()))
            inside = now
        in_calls = (covered(np, union(np, [so_far, _clip(np, calls, lo, hi)]), starts, ends) - inside).tolist()
        for k, wall in enumerate((ends - starts).tolist()):
            parts = {category: values[k] for category, values in shares if values[k] > 0}
            trace = min(tracing[at + k], in_calls[k])
            if trace:
                parts["tracing"] = trace
            if in_calls[k] - trace:
                parts["other"] = in_calls[k] - trace
            python = wall - sum(parts.values())
            if python > 0:
                parts["python"] = python
            out.append(parts)
    return out


# ---- one host thread (a piece of ``pieces.Pieces``)

def host_line(np, line, names, site_of_call: dict | None, keep: bool) -> dict:
    """``Pieces._host_line`` read a chunk of the line at a time (``Line.column_chunks``): only its op
    spans, eager ops and the few events of some busy categories are held, never the whole columns.
    ``call_ops`` are left to ``call_op_sums`` (with ``keep`` the line keeps its ops' start, self time
    and key, and its eager ops', for that and ``step_ops``); the line's ``tftrace.call`` windows come
    back as ``call_windows`` [(start, end, site)]."""
    from .call_windows import CALL_EVENT, line_call_spans
    from .functions import line_calls
    from .host_ops import _eager_flags

    event_names = line.plane.event_names
    size = len(event_names)
    call = event_names.index(CALL_EVENT) if site_of_call and CALL_EVENT in event_names else -1
    flags = None if line.derived else _Flags(np, names, size)
    counts = np.zeros(size, np.int64)
    found = _Found()
    at, low, high = 0, None, None
    for index, start, duration in line.column_chunks(np):
        if not len(index):
            continue
        counts += np.bincount(index, minlength=size)
        first, last = int(start.min()), int(np.add(start, duration).max())
        low, high = (first, last) if low is None else (min(low, first), max(high, last))
        if call >= 0:
            found.calls += (np.flatnonzero(index == call) + at).tolist()
        if flags is not None:
            flags.add(np.flatnonzero(counts))
            found.add(np, flags, index, start, duration, at)
        at += len(index)
        if at // BIG_LINE != (at - len(index)) // BIG_LINE:
            trim()  # each chunk's arrays were freed between the kept ones
    if not at:
        return {"span": None}
    out = {"span": (low, high)}
    present = np.flatnonzero(counts).tolist()
    line.present = frozenset(present)
    if found.calls:
        out["call_windows"] = line_call_spans(line, site_of_call, found.calls)
    if flags is None:
        return out
    out["calls"] = line_calls(line, names.markers, present=line.present)
    position, s, d, which = found.joined(np, "ops", 4)
    keys = which.astype(np.int64) * 2
    del which
    if "is_eager" in line.plane.stat_ids:
        keys += np.array(_eager_flags(line, position.tolist()), np.int64)
    has_eager = bool(flags.is_eager[present].any())
    out["eager"], kept = _eager(np, found, position, s, d, keys >> 1, flags, keep) if has_eager else ({}, {})
    del position
    busy = {}
    for code, name in enumerate(flags.categories):  # categories read from every event (``busy.line_busy``)
        parts = found.extra.get(code) or (found.loose.get(code) if name == "host_compute" and not len(s) else None)
        if parts:
            busy[name] = Intervals(merge(np, np.concatenate([p[0] for p in parts]),
                                         np.concatenate([p[1] for p in parts])))
    found = None
    s, d, own, keys = stack(np, s, d, keys)
    e = s + d
    out["ops"] = sums_by_key(np, keys, d, own, 2 * size)
    del d
    op_category = flags.category[keys >> 1]
    for code, name in enumerate(flags.categories):  # the rest from the op spans, in stack order (by start)
        if name not in busy and name not in _EXTRA:
            events = op_category == code
            if events.any():
                busy[name] = Intervals(merge(np, s[events], e[events], in_order=True))
    out["busy"] = busy
    out["call_ops"] = {}
    if keep:
        kept["ops"] = (s, own, keys.astype(np.int32))
        line.self_times = kept
    return out


class _Flags:
    """Per name index of a host plane, as arrays filled for the names a line holds: op, eager op, busy category."""

    def __init__(self, np, names, size: int):
        self.names = names
        categories = names.busy_categories
        self.categories = sorted(set(categories) - {None})
        self._code = {c: k for k, c in enumerate(self.categories)}
        self.extra = np.array([c in _EXTRA for c in self.categories] or [False])
        self.is_op = np.zeros(size, bool)
        self.is_eager = np.zeros(size, bool)
        self.category = np.full(size, -1, np.int8)
        self._known = np.zeros(size, bool)

    def add(self, present) -> None:
        new = present[~self._known[present]]
        if len(new):
            names, eager = self.names, self.names.eager
            listed = new.tolist()
            self.is_op[new] = [bool(names.is_op[i]) for i in listed]
            self.is_eager[new] = [bool(eager.is_eager[i]) for i in listed]
            categories = names.busy_categories
            self.category[new] = [self._code.get(categories[i], -1) for i in listed]
            self._known[new] = True


class _Found:
    """What a line's chunks hold that its passes need: op spans, eager ops (not ops), the events of the busy
    categories read from every event, host compute events that are not ops, ``tftrace.call`` positions."""

    def __init__(self):
        self.parts: dict = {"ops": [], "eager": []}
        self.extra: dict = {}
        self.loose: dict = {}
        self.calls: list = []

    def add(self, np, flags, index, start, duration, at: int) -> None:
        is_op = flags.is_op[index]
        eager = np.flatnonzero(flags.is_eager[index] & ~is_op)
        for kind, events in (("ops", np.flatnonzero(is_op)), ("eager", eager)):
            if len(events) or kind == "ops":
                self.parts[kind].append(((events + at).astype(np.int32), start[events], duration[events],
                                         index[events].astype(np.int32)))
        category = flags.category[index]
        for code in np.unique(category[category >= 0]).tolist():
            events = category == code
            extra = bool(flags.extra[code])
            if not extra:  # host compute that is no op (``busy.line_busy`` reads it from every event without ops)
                events &= ~is_op
            if events.any():
                s = start[events]
                (self.extra if extra else self.loose).setdefault(code, []).append((s, s + duration[events]))

    def joined(self, np, kind: str, width: int):
        parts = self.parts[kind]
        if not parts:
            return [np.zeros(0, np.int64) for _ in range(width)]
        out = [np.concatenate(column) for column in zip(*parts)]
        self.parts[kind] = []
        return out


def _eager(np, found, op_position, op_start, op_duration, op_name, flags, keep: bool) -> tuple[dict, dict]:
    """(``eager_ops.eager_sums`` of the thread, {"eager": its eager ops' (start, self, name index)} to keep): the
    eager ops and the ops together, in the thread's order, through the op stack."""
    kept: dict = {}
    position, start, duration, which = found.joined(np, "eager", 4)
    order = np.argsort(np.concatenate((op_position, position)), kind="stable")
    s, d, own, which = stack(np, np.concatenate((op_start, start))[order],
                             np.concatenate((op_duration, duration))[order],
                             np.concatenate((op_name, which.astype(np.int64)))[order])
    mine = flags.is_eager[which]
    if keep:
        kept["eager"] = (s[mine], own[mine], which[mine].astype(np.int32))
    return sums_by_key(np, which[mine], d[mine], own[mine]), kept


_EVENTS_AT_ONCE = 1 << 16


def call_op_sums(np, lines, windows) -> dict:
    """{(call site id, op key): [count, 0, self ps]} of the kept op self times of ``lines`` inside the
    calls' ``windows`` (``call_windows.Windows``), as ``call_windows.window_sums`` gives per thread
    (without the totals: only the self times are used)."""
    if not windows:
        return {}
    w_start = np.array(windows.starts, np.int64)
    w_end = np.array(windows.ends, np.int64)
    w_site = np.array(windows.sites, np.int64)
    out: dict = {}
    for line in lines:
        starts, own, keys = line.self_times["ops"]
        span = int(keys.max()) + 1 if len(keys) else 1
        for at in range(0, len(starts), _EVENTS_AT_ONCE):
            s = starts[at:at + _EVENTS_AT_ONCE]
            j = np.maximum(np.searchsorted(w_start, s, side="right") - 1, 0)
            inside = (w_start[j] <= s) & (s < w_end[j])
            codes = w_site[j[inside]] * span + keys[at:at + _EVENTS_AT_ONCE][inside]
            sums = sums_by_key(np, codes, np.zeros(len(codes), np.int64), own[at:at + _EVENTS_AT_ONCE][inside])
            for code, (count, _, self_ps) in sums.items():
                acc = out.setdefault(divmod(code, span), [0, 0, 0])
                acc[0] += count
                acc[2] += self_ps
    return out


# ---- per-step op samples (``step_ops``)

def step_sums(np, lines, windows, op_name, eager_name) -> tuple[list, object]:
    """(op names in first-seen order, int64 [name, step] ps) of the kept self times of ``lines``, each
    op event in the step its start falls in (``step_ops._add_kept``), ``_EVENTS_AT_ONCE`` at a time."""
    w_start = np.array(windows.starts, np.int64)
    w_end = np.array(windows.ends, np.int64)
    w_index = np.array(windows.index, np.int64)
    steps = len(w_index)
    names: list = []
    position: dict = {}
    seen = set().union(*(line.present or () for line in lines))  # the names the lines hold: the table's rows at most
    rows = len({op_name(i) for i in seen} | {eager_name(i) for i in seen} - {None})
    table = np.zeros((max(rows, 16), max(steps, 1)), np.int64)
    for line in lines:
        for kind, name_of, shift in (("ops", op_name, 1), ("eager", eager_name, 0)):
            if kind not in line.self_times or not steps:
                continue
            starts, own, codes = line.self_times[kind]
            for at in range(0, len(starts), _EVENTS_AT_ONCE):
                s = starts[at:at + _EVENTS_AT_ONCE]
                j = np.maximum(np.searchsorted(w_start, s, side="right") - 1, 0)
                take = (w_start[j] <= s) & (s < w_end[j]) & (own[at:at + _EVENTS_AT_ONCE] != 0)
                unique, first, inverse = np.unique(codes[at:at + _EVENTS_AT_ONCE][take] >> shift, return_index=True,
                                                   return_inverse=True)
                for i in unique[np.argsort(first, kind="stable")].tolist():  # first seen first, as the Python pass
                    name = name_of(i)
                    if name not in position:
                        position[name] = len(names)
                        names.append(name)
                if len(names) > len(table):
                    table = np.concatenate((table, np.zeros((max(len(names), 2 * len(table)) - len(table), steps),
                                                            np.int64)))
                rows = np.array([position[name_of(i)] for i in unique.tolist()], np.int64)
                np.add.at(table, (rows[inverse], w_index[j[take]]), own[at:at + _EVENTS_AT_ONCE][take])
    return names, table[:len(names)]


def microseconds(table) -> list[list]:
    """Each int64 row of picoseconds of ``table`` as a list of floats to the nanosecond, ``(ps // 1000) /
    1000``; equal values share one float object (a million samples hold ~50k distinct values: 8 bytes a
    sample instead of 32)."""
    shared: dict = {}
    out = []
    for row in table:
        values = (row // 1000 / 1000).tolist()
        out.append(list(map(shared.setdefault, values, values)))
    return out
