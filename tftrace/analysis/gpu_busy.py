"""How busy each GPU was: busy time over the profiled span and over the steps, per stream,
and the idle gaps with what the host was doing meanwhile.

Busy means at least one kernel or memory copy running on any of the device's streams: the
union of their intervals, so overlapping work (two streams, a copy beside a kernel)
counts once. ``plane_busy`` runs in a GPU plane's piece (possibly a worker process) on the
launches ``device`` read and returns plain data (picoseconds, intervals as pairs);
``finish`` turns the pieces' results into the Profile's ``gpu_utilisation`` rows once the
span and the steps are known. Times in the rows are microseconds; ``*_start_us`` /
``*_end_us`` are on the XSpace clock (like the steps').
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import chain, compress, islice
from operator import le

from .kernel_names import short_name

GAP_THRESHOLD_US = 1000.0  # idle stretches at least this long between two bursts of work are listed
MAX_GAPS = 5  # per device, the longest
MAX_HOST_EVENTS = 3  # host events named per gap


def union_length(intervals) -> int:
    """Total length of the union of (start, end) intervals."""
    return sum(end - start for start, end in merge(intervals))


def merge(intervals) -> list:
    """Sorted, disjoint union of (start, end) intervals (empty ones dropped)."""
    out: list = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def plane_busy(plane, kernels, copies) -> dict:
    """One GPU plane's busy time from its launches (``device._Launch``: start_ps, duration_ps, stream)."""
    streams: dict = {}
    for kind, launches in (("kernel", kernels), ("memcpy", copies)):
        for launch in launches:
            stream = streams.setdefault(launch.stream, {"kernel": [], "memcpy": []})
            stream[kind].append((launch.start_ps, launch.start_ps + launch.duration_ps))
    all_kernels = merge(i for s in streams.values() for i in s["kernel"])
    all_copies = merge(i for s in streams.values() for i in s["memcpy"])
    busy = merge(all_kernels + all_copies)
    return {
        "device": plane.name, "host": plane.hostname,
        "busy": busy, "kernel_ps": _length(all_kernels), "memcpy_ps": _length(all_copies),
        "kernel_span": [all_kernels[0][0], all_kernels[-1][1]] if all_kernels else [],
        "streams": [_stream_row(name, s) for name, s in streams.items()],
    }


def _length(merged: list) -> int:
    return sum(end - start for start, end in merged)


def _stream_row(name: str, stream: dict) -> dict:
    kernels, copies = merge(stream["kernel"]), merge(stream["memcpy"])
    kind = "compute" if kernels and not copies else "memcpy" if copies and not kernels else "mixed"
    return {"name": name, "kind": kind, "kernels": len(stream["kernel"]), "copies": len(stream["memcpy"]),
            "busy_ps": _length(merge(kernels + copies)), "kernel_ps": _length(kernels), "memcpy_ps": _length(copies)}


# ---- the Profile's rows

def _us(ps: float) -> float:
    return round(ps / 1e6, 3)


def _pct(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 2) if whole > 0 else None


def finish(parts: list, span_ps: int, steps: dict, step_host: str, host_planes: dict) -> list[dict]:
    """``gpu_utilisation`` rows from the GPU pieces' ``plane_busy`` results.

    ``span_ps``: the profiled span; ``steps``: the step summary (rows on the XSpace clock, us) of
    ``step_host``; ``host_planes``: {host: its /host:CPU plane} to say what the host did in each gap.
    Devices that ran nothing are left out.
    """
    windows = _step_windows(steps)
    parts = [part for part in parts if part["busy"]]
    holes = [_holes(part["busy"]) for part in parts]
    gaps = [sorted(sorted(h, key=lambda g: g[0] - g[1])[:MAX_GAPS]) for h in holes]
    activity: dict = {}  # one pass over each host's threads for the gaps of all its GPUs
    for host, plane in host_planes.items():
        wanted = sorted({gap for part, mine in zip(parts, gaps) if part["host"] == host for gap in mine})
        if wanted and plane is not None:
            activity[host] = _host_activity(plane, wanted)
    rows = []
    for part, mine, every in zip(parts, gaps, holes):
        busy = part["busy"]
        busy_ps = _length(busy)
        first, last = busy[0][0], busy[-1][1]
        row = {
            "device": part["device"], "host": part["host"],
            "busy_us": _us(busy_ps), "kernel_us": _us(part["kernel_ps"]), "memcpy_us": _us(part["memcpy_ps"]),
            "span_us": _us(span_ps), "busy_pct": _pct(busy_ps, span_ps),
            "active_start_us": _us(first), "active_end_us": _us(last),
            "active_busy_pct": _pct(busy_ps, last - first),
            "kernel_start_us": _us(part["kernel_span"][0]) if part["kernel_span"] else None,
            "kernel_end_us": _us(part["kernel_span"][1]) if part["kernel_span"] else None,
            "steps": _in_steps(busy, windows) if windows and part["host"] == step_host else None,
            "streams": [_stream_us(s, span_ps) for s in sorted(part["streams"], key=lambda s: -s["busy_ps"])],
            "gap_threshold_us": GAP_THRESHOLD_US, "gaps_total": len(every),
            "gaps": _gap_rows(mine, activity.get(part["host"], {})),
        }
        rows.append(row)
    return rows


def _stream_us(stream: dict, span_ps: int) -> dict:
    return {"name": stream["name"], "kind": stream["kind"], "kernels": stream["kernels"], "copies": stream["copies"],
            "busy_us": _us(stream["busy_ps"]), "kernel_us": _us(stream["kernel_ps"]),
            "memcpy_us": _us(stream["memcpy_ps"]), "busy_pct": _pct(stream["busy_ps"], span_ps)}


def _step_windows(steps: dict) -> list:
    rows = (steps or {}).get("rows") or []
    return merge((round(r["start_us"] * 1e6), round((r["start_us"] + r["wall_us"]) * 1e6)) for r in rows)


def _in_steps(busy: list, windows: list) -> dict:
    """Busy time inside the steps' windows over their wall time."""
    wall = _length(windows)
    inside = sum(_overlap(busy, start, end) for start, end in windows)
    return {"busy_us": _us(inside), "wall_us": _us(wall), "busy_pct": _pct(inside, wall)}


def _overlap(merged: list, start: int, end: int) -> int:
    """Length of sorted disjoint ``merged`` inside [start, end)."""
    i = max(bisect_right(merged, (start,)) - 1, 0)
    total = 0
    for s, e in islice(merged, i, None):
        if s >= end:
            break
        total += max(0, min(e, end) - max(s, start))
    return total


# ---- idle gaps and the host meanwhile

def _holes(busy: list) -> list[tuple]:
    """Idle stretches between two busy intervals of at least GAP_THRESHOLD_US (the rows keep the MAX_GAPS
    longest, in time order)."""
    threshold = GAP_THRESHOLD_US * 1e6
    return [(busy[i][1], busy[i + 1][0]) for i in range(len(busy) - 1) if busy[i + 1][0] - busy[i][1] >= threshold]


def _gap_rows(gaps: list, activity: dict) -> list[dict]:
    """Each gap with the host events that overlapped it most (innermost first among equals)."""
    out = []
    for s, e in gaps:
        events, covered = activity.get((s, e), ([], 0))
        out.append({"start_us": _us(s), "end_us": _us(e), "duration_us": _us(e - s),
                    "host_busy_pct": _pct(covered, e - s) or 0.0, "host": events})
    return out


def _host_activity(plane, gaps: list) -> dict:
    """{gap: ([{name, thread, overlap_us}], ps of the gap some traced host event covered)}: per gap the host
    events overlapping it most.

    Cheap on 10^6 host events: an event shorter than the threshold can only overlap a gap if it starts at
    most one threshold before it, so per gap only the events starting in [start - threshold, end) are read
    (a range of the line sorted by start); the few longer ones are picked out once per line (at C speed)
    and read for every gap."""
    threshold = int(GAP_THRESHOLD_US * 1e6)
    found: dict = {gap: [] for gap in gaps}
    names = plane.event_names
    for line in plane.lines:
        if line.derived or not len(line):
            continue
        starts, durations, name_index = line.start_ps, line.duration_ps, line.name_index
        order = _sorted_order(starts)
        if order is None:
            begin, length, names_at = starts, durations, name_index
        else:
            begin, length = [starts[i] for i in order], [durations[i] for i in order]
            names_at = [name_index[i] for i in order]
        long_ones = list(compress(range(len(begin)), map(threshold.__le__, length)))
        thread = line.display_name
        longs = [(begin[k], length[k], names_at[k]) for k in long_ones]
        for gap in gaps:
            g0, g1 = gap
            lo, hi = bisect_left(begin, g0 - threshold), bisect_left(begin, g1)
            short = compress(zip(begin[lo:hi], length[lo:hi], names_at[lo:hi]),
                             map(threshold.__gt__, length[lo:hi]))  # the long ones come from ``longs``
            add = found[gap].append
            for b, d, n in chain(short, longs):
                covered = (b + d if b + d < g1 else g1) - (b if b > g0 else g0)
                if covered > 0 and names[n]:
                    add((covered, d, names[n], thread, b))
    return {gap: (_top_events(events, gap[1] - gap[0]), _covered(events, gap)) for gap, events in found.items()}


def _covered(events: list, gap: tuple) -> int:
    return union_length((max(start, gap[0]), min(start + duration, gap[1])) for _, duration, _, _, start in events)


def _sorted_order(starts) -> list | None:
    """None when ``starts`` is already sorted (the usual case), else the indices in start order."""
    if all(map(le, starts, islice(starts, 1, None))):
        return None
    return sorted(range(len(starts)), key=starts.__getitem__)


def _top_events(events: list, length: int) -> list[dict]:
    """Most overlap first (to the percent of the gap), then the shortest: an op inside a long outer event."""
    events.sort(key=lambda e: (-round(100 * e[0] / length), e[1]))
    out, seen = [], set()
    for covered, _, name, thread, _ in events:
        if name in seen:
            continue
        seen.add(name)
        readable = short_name(name) if "<" in name or "(" in name else name  # kernel launches carry C++ names
        out.append({"name": readable, "thread": thread, "overlap_us": _us(covered)})
        if len(out) == MAX_HOST_EVENTS:
            break
    return out
