"""Each op's self time in each step: the per-step samples a comparison of runs needs.

``tftrace stats`` does not need them, so they are computed on demand from a run's raw
XSpace and its ``step_summary``: one more pass over the host threads' op events, each
event given to the step its start falls in (``call_windows.Windows`` keyed by step
instead of call site). Self times are the same as the ops table's (XProf's op stack).
"""

from __future__ import annotations

from bisect import bisect_right

from . import nesting
from .host_ops import classify, spans_where
from .pieces import HOST_PLANE


class StepWindows:
    """The steps of a summary as sorted (start ps, end ps) windows; ``index_at`` finds a step by time."""

    def __init__(self, rows: list):
        spans = sorted((round(r["start_us"] * 1e6), round((r["start_us"] + r["wall_us"]) * 1e6), n)
                       for n, r in enumerate(rows))
        self.starts = [s for s, _, _ in spans]
        self.ends = [e for _, e, _ in spans]
        self.index = [n for _, _, n in spans]

    def index_at(self, ps: int) -> int:
        j = bisect_right(self.starts, ps) - 1
        return self.index[j] if j >= 0 and ps < self.ends[j] else -1


def step_op_samples(space, step_summary: dict) -> dict:
    """{op name: [self us in step 1, step 2, ...]} for the graph and eager ops of the host that the
    steps were read on; a step where the op did not run holds 0."""
    rows = step_summary.get("rows", []) if step_summary else []
    plane = space.plane(HOST_PLANE)
    if not rows or plane is None:
        return {}
    windows = StepWindows(rows)
    parsed, is_op = classify(plane)
    sums: dict = {}
    for line in plane.lines:
        if line.derived or not len(line):
            continue
        spans = spans_where(line, is_op)
        names = line.name_index
        for (start, _, i), own in zip(spans, nesting.self_times(spans)):
            step = windows.index_at(start)
            if step >= 0 and own:
                key = (names[i], step)
                sums[key] = sums.get(key, 0) + own
    out: dict = {}
    for (name_index, step), ps in sums.items():
        samples = out.get(parsed[name_index].name)
        if samples is None:
            samples = out[parsed[name_index].name] = [0.0] * len(rows)
        samples[step] += ps / 1e6
    return out
