"""Steps, found without asking the user, and what each step's wall time went to.

Where the steps come from, in order: the repeats of ``--repeat N`` (``tftrace.repeat``
step markers); TensorFlow step markers (``Trace(name, step_num=...)``, what XProf
reads); else the calls of the tf.function that took the
most time (Keras' train/test/predict function, a custom loop's step); else none, and
why. A function step runs from one call's start to the next call's start (the last
ends with its call), so the Python between calls belongs to the step it follows.

Each instant of a step goes to the first category busy then, in ``PRIORITY`` order
(``busy`` intervals), so a breakdown is a partition: its parts add up to the step's
wall time. What no interval covers is TensorFlow's runtime (``other``) inside a
tf.function call, Python outside TensorFlow elsewhere; measured tracing (live traces)
is taken from the runtime part of the call that traced.
"""

from __future__ import annotations

from bisect import bisect_right
from statistics import median

from . import vector
from .busy import merge

PRIORITY = ("input", "memcpy_h2d", "memcpy_d2h", "memcpy_d2d", "collectives", "device_compute",
            "host_compute", "eager_dispatch", "gc")
ORDER = PRIORITY[:1] + ("tracing",) + PRIORITY[1:] + ("other", "python")
LABELS = {"input": "input", "tracing": "tracing", "memcpy_h2d": "copies host->device",
          "memcpy_d2h": "copies device->host", "memcpy_d2d": "copies device->device", "collectives": "collectives",
          "device_compute": "device compute", "host_compute": "host compute", "eager_dispatch": "eager dispatch",
          "gc": "Python garbage collection", "other": "TensorFlow runtime between ops", "python": "Python"}
REPEAT_MARKER = "tftrace.repeat"
_OUTLIER_RATIO = 3.0  # a step this many times the median (and well past the spread) is an outlier
_OUTLIER_SPREADS = 5  # ... and this many median absolute deviations above it


def find_steps(step_rows: list, eager_ops: int = 0) -> tuple[str, str, str, list]:
    """(source, function, reason, [(name, start ps, end ps, call index or None)]) from ``Profile.steps``
    (``eager_ops``: how many eager ops ran, for the reason when there are no steps)."""
    markers = [s for s in step_rows if not s.function]
    repeats = [s for s in markers if s.name.startswith(REPEAT_MARKER + " ")]
    if repeats:
        return "repeat", "", f"{len(repeats)} repeats of the traced code (--repeat)", [
            (s.name, _ps(s.start_us), _ps(s.start_us + s.duration_us), None) for s in repeats]
    if markers:
        return "markers", "", f"{len(markers)} step markers (tf.profiler.experimental.Trace with step_num)", [
            (s.name, _ps(s.start_us), _ps(s.start_us + s.duration_us), None) for s in markers]
    calls: dict = {}
    for s in step_rows:
        calls.setdefault(s.function, []).append(s)
    if not calls:
        marker = "tf.profiler.experimental.Trace('train', step_num=i, _r=1)"
        how = (f"the work ran as {eager_ops:,} eager ops; wrap the step in tf.function, or mark steps with {marker}"
               if eager_ops else f"mark steps with {marker}")
        return "none", "", f"no step markers and no tf.function call in this profile ({how})", []
    function, rows = max(calls.items(), key=lambda kv: sum(s.duration_us for s in kv[1]))
    rows.sort(key=lambda s: s.start_us)
    spans = []
    for i, s in enumerate(rows):
        end = rows[i + 1].start_us if i + 1 < len(rows) else s.start_us + s.duration_us
        spans.append((f"{function} {i + 1}", _ps(s.start_us), _ps(max(end, s.start_us + s.duration_us)), i))
    total = sum(s.duration_us for r in calls.values() for s in r)
    share = 100 * sum(s.duration_us for s in rows) / total if total else 100
    reason = (f"no step markers; each call of {function} is a step ({len(rows)} calls, "
              f"{share:.0f}% of tf.function call time)")
    return "function", function, reason, spans


def _ps(us: float) -> int:
    return int(round(us * 1e6))


def clipped(intervals: list, start: int, end: int) -> list:
    """The parts of sorted disjoint ``intervals`` within [start, end)."""
    out = []
    i = max(bisect_right(intervals, (start, start)) - 1, 0)
    while i < len(intervals) and intervals[i][0] < end:
        s, e = intervals[i]
        if e > start:
            out.append((max(s, start), min(e, end)))
        i += 1
    return out


def subtract(intervals: list, covered: list) -> list:
    """Sorted disjoint ``intervals`` minus sorted disjoint ``covered``."""
    out = []
    j = 0
    for s, e in intervals:
        while j < len(covered) and covered[j][1] <= s:
            j += 1
        k = j
        while s < e:
            if k < len(covered) and covered[k][0] < e:
                cs, ce = covered[k]
                if cs > s:
                    out.append((s, cs))
                s = max(s, ce)
                k += 1
            else:
                out.append((s, e))
                break
    return out


def _length(intervals) -> int:
    return sum(e - s for s, e in intervals)


def _union(a: list, b: list) -> list:
    return merge(a + b)


def breakdown(start: int, end: int, busy: dict, calls: list, tracing_ps: int = 0) -> dict:
    """{category: ps} partitioning [start, end): ``busy`` categories by priority, then tracing and
    TensorFlow's runtime within ``calls`` (sorted disjoint tf.function call intervals), then Python."""
    covered: list = []
    out: dict = {}
    for category in PRIORITY:
        mine = subtract(clipped(busy.get(category, []), start, end), covered)
        if mine:
            out[category] = _length(mine)
            covered = _union(covered, mine)
    in_calls = _length(subtract(clipped(calls, start, end), covered))
    tracing = min(tracing_ps, in_calls)
    if tracing:
        out["tracing"] = tracing
    if in_calls - tracing:
        out["other"] = in_calls - tracing
    python = (end - start) - sum(out.values())
    if python > 0:
        out["python"] = python
    return out


def summarize(step_rows: list, busy: dict, tracing_ps: dict | None = None, eager_ops: int = 0) -> dict:
    """The Profile's ``step_summary`` (see model.Profile); ``tracing_ps``: {function: {call index:
    tracing ps}} measured by the hooks (live traces only)."""
    source, function, reason, spans = find_steps(step_rows, eager_ops)
    summary = {"source": source, "function": function, "reason": reason, "count": len(spans), "rows": [],
               "categories": []}
    if not spans:
        return summary
    calls = merge((_ps(s.start_us), _ps(s.start_us + s.duration_us)) for s in step_rows if s.function)
    tracing = (tracing_ps or {}).get(function, {})
    traced = [tracing.get(call, 0) if call is not None else 0 for _, _, _, call in spans]
    np = vector.available()
    if np is not None:  # every step at once (the same picoseconds)
        found = vector.breakdowns(np, [(start, end) for _, start, end, _ in spans], busy, calls, traced, PRIORITY)
    else:
        found = [breakdown(start, end, busy, calls, t) for (_, start, end, _), t in zip(spans, traced)]
    seen = set()
    for n, ((name, start, end, call), parts) in enumerate(zip(spans, found), 1):
        seen.update(parts)
        summary["rows"].append({"step": n, "name": name, "start_us": start / 1e6, "wall_us": (end - start) / 1e6,
                                "breakdown": {k: v / 1e6 for k, v in parts.items()}, "outlier": ""})
    summary["categories"] = [c for c in ORDER if c in seen]
    mark_outliers(summary["rows"], function)
    return summary


def mark_outliers(rows: list, function: str) -> None:
    """Steps far above the median (3 x the median, and 5 median absolute deviations above it)."""
    if len(rows) < 3:
        return
    walls = [r["wall_us"] for r in rows]
    mid = median(walls)
    spread = median(abs(w - mid) for w in walls)
    for r in rows:
        if r["wall_us"] > max(mid * _OUTLIER_RATIO, mid + _OUTLIER_SPREADS * spread):
            r["outlier"] = _why(r, mid)


def _why(row: dict, typical: float) -> str:
    parts = row["breakdown"]
    biggest = max(parts, key=parts.get)
    times = f"{row['wall_us'] / typical:.1f}x the median step"
    if parts.get("tracing", 0) > 0.3 * row["wall_us"]:
        return f"{times}: tracing (graph building) took {parts['tracing'] / 1e3:.1f} ms"
    if parts.get("gc", 0) > 0.3 * row["wall_us"]:
        return f"{times}: Python garbage collection paused it for {parts['gc'] / 1e3:.1f} ms"
    if row["step"] == 1:
        return (f"{times}: the first step (warm-up: graph optimisation, allocations; "
                f"{LABELS.get(biggest, biggest)} the largest part)")
    return f"{times}: mostly {LABELS.get(biggest, biggest)} ({parts[biggest] / 1e3:.1f} ms)"


def eager_op_count(profile) -> int:
    return sum(op.count for op in profile.ops if op.mode == "eager")
