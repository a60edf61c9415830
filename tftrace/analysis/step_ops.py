"""Each op's self time in each step: the per-step samples a comparison of runs needs.

Computed once by analysis into ``Profile.step_ops``, from the XSpace and its
``step_summary``: one more pass over the host threads' op events, each event given to the
step its start falls in. Self times are the same as the ops table's (XProf's op stack).
A long run keeps the samples of the ops with the most time, at most ``MAX_SAMPLES``
numbers in all.
"""

from __future__ import annotations

from . import nesting, vector
from .eager_ops import EagerNames
from .host_ops import classify, spans_where
from .pieces import HOST_PLANE

MAX_SAMPLES = 1_000_000


class StepWindows:
    """The steps of a summary as sorted (start ps, end ps) windows; ``indices`` finds the steps of times."""

    def __init__(self, rows: list):
        spans = sorted((round(r["start_us"] * 1e6), round((r["start_us"] + r["wall_us"]) * 1e6), n)
                       for n, r in enumerate(rows))
        self.starts = [s for s, _, _ in spans]
        self.ends = [e for _, e, _ in spans]
        self.index = [n for _, _, n in spans]

    def indices(self, sorted_starts) -> list:
        """The step each of ``sorted_starts`` (ascending) falls in, -1 for none, by one walk over the windows."""
        out, j, n = [], -1, len(self.starts)
        starts, ends, index = self.starts, self.ends, self.index
        for ps in sorted_starts:
            while j + 1 < n and starts[j + 1] <= ps:
                j += 1
            out.append(index[j] if j >= 0 and ps < ends[j] else -1)
        return out


def step_op_samples(space, step_summary: dict) -> dict:
    """{op name: [self us in step 1, step 2, ...]} for the graph and eager ops of the host that the
    steps were read on (an eager op by its type, as in the ops table); a step where the op did not
    run holds 0."""
    rows = step_summary.get("rows", []) if step_summary else []
    plane = space.plane(HOST_PLANE)
    if not rows or plane is None:
        return {}
    windows = StepWindows(rows)
    parsed, is_op = classify(plane)
    eager = EagerNames(plane, is_op)
    lines = [line for line in plane.lines if not line.derived and len(line)]
    np = vector.available()
    if np is not None and lines and all(_vector_kept(np, line.self_times) for line in lines):
        names, table = vector.step_sums(np, lines, windows, lambda i: parsed[i].name, eager.op_types.__getitem__)
        keep = max(MAX_SAMPLES // max(len(rows), 1), 1)
        totals = table.sum(axis=1).tolist()
        ranked = sorted(range(len(names)), key=totals.__getitem__, reverse=True)[:keep]  # stable: first seen first
        return dict(zip((names[n] for n in ranked), vector.microseconds(table[ranked])))
    sums: dict = {}
    for line in plane.lines:
        if line.derived or not len(line):
            continue
        kept = getattr(line, "self_times", None)  # computed by the analysis' pieces in this process
        if kept is not None:
            _add_kept(sums, windows, kept["ops"], lambda i: parsed[i].name)
            if "eager" in kept:
                _add_kept(sums, windows, kept["eager"], lambda i: eager.op_types[i])
            continue
        _add_self_times(sums, line, windows, spans_where(line, is_op), lambda i: parsed[i].name)
        if eager.ids and not eager.ids.isdisjoint(line.name_index):  # eager ops, graph ops nested in them not counted
            spans = spans_where(line, eager.eager_or_op)
            _add_self_times(sums, line, windows, spans, lambda i: eager.op_types[i])
    out: dict = {}
    for (name, step), ps in sums.items():
        samples = out.get(name)
        if samples is None:
            samples = out[name] = [0] * len(rows)
        samples[step] += ps
    return _bounded(out, len(rows))


def _add_self_times(sums: dict, line, windows: StepWindows, spans: list, name_of) -> None:
    """Add each span's self time to {(op name, step): ps}; ``name_of(name index)`` is None for a span
    that is only there as a parent (a graph op under an eager op)."""
    names = line.name_index
    steps = windows.indices([start for start, _, _ in spans])  # spans come in start order
    for (_, _, i), own, step in zip(spans, nesting.self_times(spans), steps):
        name = name_of(names[i]) if step >= 0 and own else None
        if name is not None:
            sums[(name, step)] = sums.get((name, step), 0) + own


def _add_kept(sums: dict, windows: StepWindows, kept: tuple, name_of) -> None:
    """``_add_self_times`` from the (start, self ps, name index) columns the pieces kept."""
    starts, own_ps, names = kept
    for name_index, own, step in zip(names, own_ps, windows.indices(starts)):
        name = name_of(name_index) if step >= 0 and own else None
        if name is not None:
            sums[(name, step)] = sums.get((name, step), 0) + own


def _vector_kept(np, kept) -> bool:
    return bool(kept) and isinstance(kept["ops"][0], np.ndarray)


def _bounded(samples: dict, steps: int) -> dict:
    """{name: [us per step]} of the ops with the most time, at most ``MAX_SAMPLES`` numbers, each to
    the nanosecond (from picoseconds); equal values share one float object (a million samples hold
    ~50k distinct values: 8 bytes a sample instead of 32)."""
    keep = max(MAX_SAMPLES // max(steps, 1), 1)
    names = sorted(samples, key=lambda name: sum(samples[name]), reverse=True)[:keep]
    shared: dict = {}
    out = {}
    for name in names:
        values = [(ps // 1000) / 1000 for ps in samples[name]]
        out[name] = list(map(shared.setdefault, values, values))
    return out
