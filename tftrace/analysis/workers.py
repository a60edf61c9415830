"""Several workers on one clock: collectives, clock offsets, per-worker steps, waiting, stragglers.

A multi-worker profile holds one XSpace per worker, each timed by its own machine's
clock. A collective (``CollectiveReduceV2``, ``NcclAllReduce``, ...) finishes on every
worker at nearly the same instant: when the last worker's contribution has arrived and
been combined. So each worker's clock offset to the first worker is estimated as the
median difference of the end times of the same collectives (instances paired by
nearest end, per op name), with the spread of those differences stated beside it.

On that clock, each instance of a collective splits, per worker, into *waiting* (from
the worker's own start until the last worker started it: nothing to combine yet) and
*transfer* (the rest). The worker that starts last most often is the straggler; what
it was doing while the others waited (input, compute, Python...) is read from its own
busy intervals in those windows.
"""

from __future__ import annotations

from bisect import bisect_left
from statistics import median

from . import names
from .busy import is_collective, merge
from .steps import LABELS, breakdown, summarize

HOST_PLANE = "/host:CPU"
STRAGGLER_SHARE = 0.6  # of the instances in which one worker started last
WAIT_SHARE = 0.10  # of the others' step time spent waiting for it
MIN_INSTANCES = 3


def collective_events(space) -> dict:
    """{op name: [(start ps, end ps)] sorted} of the collective ops on a host plane, in
    picoseconds of the host's own clock (since the epoch: ``Space.epoch_ns``)."""
    plane = space.plane(HOST_PLANE)
    if plane is None:
        return {}
    wanted = {}
    for i, name in enumerate(plane.event_names):
        if "Collective" in name or "Nccl" in name:
            op = names.parse_tf_op(name)
            if op.category == names.TENSORFLOW and is_collective(op.type):
                wanted[i] = op.name
    out: dict = {}
    if not wanted:
        return out
    origin = space.epoch_ns * 1000
    for line in plane.lines:
        if line.derived:
            continue
        index, start, duration = line.columns
        for k, n in enumerate(index):
            name = wanted.get(n)
            if name is not None:
                s = origin + start[k]
                out.setdefault(name, []).append((s, s + duration[k]))
        line.done()
    for events in out.values():
        events.sort()
    return out


def aligned_origin_ns(profile, host: str, space) -> int:
    """Where ``space`` (host label ``host``) starts on the profile's one clock: its origin as
    wall-clock time, moved by the host's estimated offset to the reference worker."""
    offsets_us = (profile.workers or {}).get("clock", {}).get("offsets_us", {})
    return space.epoch_ns + round(offsets_us.get(host, 0.0) * 1000)


def session_start_ns(space) -> int:
    """When the host's profiling session started (``profile_start_time``), 0 if not recorded."""
    env = space.plane("Task Environment")
    start = env.stats.get("profile_start_time") if env is not None else None
    return start if isinstance(start, int) else 0


def clock_offsets(events: dict, session_starts: dict) -> dict:
    """{host: offset ps to add to its clock to be on the first host's}, with how it was found.

    ``events``: {host: {op name: [(start, end)]}} in each host's own clock; ``session_starts``:
    {host: when its profiling session started, ns of its own clock, or 0}. A capture starts every
    worker's session at the same moment, so their difference is the first guess; the collectives
    then pin the offset down (a guess off by more than half a step would pair the wrong instances)."""
    hosts = list(events)
    reference = hosts[0]
    out = {"reference": reference, "offsets_ps": {reference: 0}, "spread_ps": {reference: 0}, "pairs": {reference: 0},
           "method": "median difference of the end times of the same collectives (they end together on every worker), "
                     "paired from the difference of the workers' profiling session starts"}
    for host in hosts[1:]:
        known = session_starts.get(reference) and session_starts.get(host)
        guess = (session_starts[reference] - session_starts[host]) * 1000 if known else 0
        diffs = _end_differences(events[reference], events[host], guess)
        if diffs:
            middle = median(diffs)
            out["offsets_ps"][host] = int(middle)
            out["spread_ps"][host] = int(median(abs(d - middle) for d in diffs))
        else:
            out["offsets_ps"][host] = guess
            out["spread_ps"][host] = None
        out["pairs"][host] = len(diffs)
    return out


def _end_differences(ref: dict, other: dict, guess: int) -> list:
    """Reference end minus other end for paired instances of every op name both ran."""
    diffs: list = []
    for name, mine in other.items():
        theirs = ref.get(name)
        if not theirs:
            continue
        offset = guess
        for _ in range(3):  # pair by nearest end, re-centre on the pairs' median, pair again
            pairs = _pair(theirs, mine, offset)
            if not pairs:
                break
            offset = median(r[1] - o[1] for r, o in pairs)
        diffs += [r[1] - o[1] for r, o in _pair(theirs, mine, offset)]
    return diffs


def _pair(ref: list, other: list, offset: int) -> list:
    """(ref event, other event) whose ends are nearest once ``offset`` is added to the other's,
    each event used once, and only pairs closer than half the ref's typical spacing."""
    if len(ref) < 1 or not other:
        return []
    ends = [e for _, e in ref]
    gaps = [b - a for a, b in zip(ends, ends[1:]) if b > a]
    limit = median(gaps) / 2 if gaps else float("inf")
    out, used = [], set()
    for event in other:
        t = event[1] + offset
        i = bisect_left(ends, t)
        best = min((j for j in (i - 1, i) if 0 <= j < len(ends) and j not in used),
                   key=lambda j: abs(ends[j] - t), default=None)
        if best is not None and abs(ends[best] - t) < limit:
            used.add(best)
            out.append((ref[best], event))
    return out


def instances(events: dict, offsets: dict) -> list:
    """Each collective instance across workers: {name, by_host: {host: (start, end)}} on the
    reference clock, for instances that at least two workers ran."""
    hosts = list(events)
    reference = hosts[0]
    out: dict = {}
    for name, ref_events in events[reference].items():
        for r in ref_events:
            out[(name, r)] = {reference: r}
    for host in hosts[1:]:
        shift = offsets[host]
        for name, mine in events[host].items():
            theirs = events[reference].get(name, [])
            for r, o in _pair(theirs, mine, shift):
                out[(name, r)][host] = (o[0] + shift, o[1] + shift)
    return [{"name": key[0], "by_host": by} for key, by in sorted(out.items(), key=lambda kv: kv[0][1])
            if len(by) > 1]


def waits(found: list, hosts: list) -> dict:
    """{host: {collective_ps, waiting_ps, last}} over the paired instances."""
    out = {h: {"collective_ps": 0, "waiting_ps": 0, "last": 0, "instances": 0} for h in hosts}
    for inst in found:
        by = inst["by_host"]
        last_start = max(s for s, _ in by.values())
        last = max(by, key=lambda h: by[h][0])
        out[last]["last"] += 1
        for host, (start, end) in by.items():
            row = out[host]
            row["instances"] += 1
            row["collective_ps"] += end - start
            row["waiting_ps"] += min(max(last_start - start, 0), end - start)
    return out


def analyze_workers(labels: list, spaces: list, steps: list, busy_by_host: dict) -> tuple[dict, list]:
    """(``Profile.workers`` without ``requested``, [straggler finding] or []) of a multi-host profile."""
    events = {host: collective_events(space) for host, space in zip(labels, spaces)}
    clock = clock_offsets(events, {host: session_start_ns(space) for host, space in zip(labels, spaces)})
    origins = {host: space.epoch_ns * 1000 for host, space in zip(labels, spaces)}
    found = instances(events, clock["offsets_ps"])
    waited = waits(found, labels)
    rows = []
    for host in labels:
        mine = [s for s in steps if s.host == host]
        busy = dict(busy_by_host.get(host, {}))
        summary = summarize(mine, busy)
        step_rows = [r for r in summary["rows"] if not r.get("outlier")] or summary["rows"]
        walls = [r["wall_us"] for r in step_rows]
        w = waited[host]
        rows.append({"host": host, "steps": summary["count"],
                     "steps_source": summary["source"],
                     "step_median_us": median(walls) if walls else 0.0,
                     "collective_us": w["collective_ps"] / 1e6, "waiting_us": w["waiting_ps"] / 1e6,
                     "transfer_us": (w["collective_ps"] - w["waiting_ps"]) / 1e6,
                     "instances": w["instances"], "last_to_start": w["last"],
                     "step_total_us": sum(walls)})
    out = {"clock": _clock_us(clock), "rows": rows, "collectives": len(found)}
    finding = straggler(found, rows, busy_by_host, origins, clock["offsets_ps"])
    if finding:
        out["straggler"] = {k: finding[k] for k in ("host", "share_last", "doing")}
    return out, [finding] if finding else []


def _clock_us(clock: dict) -> dict:
    return {"reference": clock["reference"], "method": clock["method"], "pairs": clock["pairs"],
            "offsets_us": {h: v / 1e6 for h, v in clock["offsets_ps"].items()},
            "spread_us": {h: (None if v is None else v / 1e6) for h, v in clock["spread_ps"].items()}}


def straggler(found: list, rows: list, busy_by_host: dict, origins: dict, offsets: dict) -> dict | None:
    """The worker that started the collectives last while the others waited, if one stands out."""
    if len(found) < MIN_INSTANCES or len(rows) < 2:
        return None
    slow = max(rows, key=lambda r: r["last_to_start"])
    share = slow["last_to_start"] / len(found)
    others = [r for r in rows if r is not slow]
    waited = sum(r["waiting_us"] for r in others)
    others_steps = sum(r["step_total_us"] for r in others)
    wait_share = waited / others_steps if others_steps else 0.0
    if share < STRAGGLER_SHARE or wait_share < WAIT_SHARE:
        return None
    doing = _doing(found, slow["host"], busy_by_host.get(slow["host"], {}), origins[slow["host"]],
                   offsets[slow["host"]])
    top = max(doing, key=doing.get) if doing else "python"
    parts = ", ".join(f"{LABELS.get(k, k)} {_ms(v)}" for k, v in sorted(doing.items(), key=lambda kv: -kv[1])[:3])
    waiting_each = ", ".join(f"{r['host']} {_ms(r['waiting_us'])} ({100 * r['waiting_us'] / r['step_total_us']:.0f}%"
                             f" of its step time)" for r in others if r["step_total_us"])
    return {"kind": "straggler", "severity": "high" if wait_share >= 0.5 else "medium" if wait_share >= 0.2 else "low",
            "title": f"straggler: {slow['host']} started {100 * share:.0f}% of the collectives last",
            "evidence": (f"The other workers waited for it inside collectives: {waiting_each}. While they waited, "
                         f"{slow['host']} was busy with: {parts or 'nothing TensorFlow recorded'}."),
            "location": {}, "fix": _FIXES.get(top, _FIXES["python"]), "impact_us": waited,
            "host": slow["host"], "share_last": share, "doing": {k: v for k, v in doing.items()}}


_FIXES = {
    "input": ("its input pipeline is slower than the others': parallelise and prefetch it "
              "(map(..., num_parallel_calls=tf.data.AUTOTUNE), .prefetch(tf.data.AUTOTUNE)), keep Python out of "
              "it, or give every worker a shard of the same cost"),
    "host_compute": ("it computes longer than the others: check that its machine is not shared or slower, and "
                     "that every worker gets the same batch size and placement"),
    "eager_dispatch": "it dispatches eager ops from Python between steps: move that work into the tf.function",
    "gc": "Python garbage collection pauses it: reduce per-step Python allocations",
    "python": ("it runs Python outside TensorFlow before the collective (logging, callbacks, data handling "
               "in Python): move that work off the step or make it equal on every worker"),
}


def _doing(found: list, host: str, busy: dict, origin: int, offset: int) -> dict:
    """{category: us} of ``host``'s own activity in the windows where the others waited for it."""
    windows = []
    for inst in found:
        by = inst["by_host"]
        if host not in by or max(by, key=lambda h: by[h][0]) != host:
            continue
        first = min(s for s, _ in by.values())
        # back to the host's own clock, relative to its XSpace origin (what busy intervals use)
        windows.append((first - offset - origin, by[host][0] - offset - origin))
    windows = merge(w for w in windows if w[1] > w[0])
    total: dict = {}
    for start, end in windows:
        for category, ps in breakdown(start, end, busy, []).items():
            total[category] = total.get(category, 0) + ps
    return {k: v / 1e6 for k, v in total.items() if v}


def _ms(us: float) -> str:
    return f"{us / 1e3:,.1f} ms" if us >= 1000 else f"{us:,.0f} us"

