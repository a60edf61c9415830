"""Export to the Chrome Trace Event Format (JSON object form), which Perfetto UI and
chrome://tracing open.

Every event of every line of the raw XSpaces becomes a complete ("X") event: each host
and device (one per XSpace plane) is a process, each line (host thread, GPU stream,
derived line such as "TensorFlow Ops") a thread, named with "M" metadata events. Event
names are exactly the XSpace names (host ops read ``name:type``), so summing durations
per name gives the ops and kernels tables' totals. Steps (``Profile.step_summary``) are
"X" events on a "Steps" process (sorted first). Times are microseconds written as exact decimals of the
XSpace's picoseconds, relative to the earliest line of all hosts.

The events are read with the analysis' own XSpace decoder (``analysis.parse``), as the
views' timeline is (``payload.timeline``): no second parser. The file is written as it is
made (10^6 events make ~100 MB of JSON), atomically.
"""

from __future__ import annotations

import json

from ..errors import SourceError

STEPS_PROCESS = "Steps"
_DERIVED_CATEGORY = "derived"


def micros(ps: int) -> str:
    """Picoseconds as an exact decimal number of microseconds ("12.5", "3")."""
    whole, frac = divmod(int(ps), 1_000_000)
    return f"{whole}.{frac:06d}".rstrip("0").rstrip(".") if frac else str(whole)


def _name(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _metadata(kind: str, pid: int, tid: int, name: str) -> str:
    return f'{{"ph":"M","name":"{kind}","pid":{pid},"tid":{tid},"args":{{"name":{_name(name)}}}}}'


def _sort_index(kind: str, pid: int, tid: int, index: int) -> str:
    return f'{{"ph":"M","name":"{kind}","pid":{pid},"tid":{tid},"args":{{"sort_index":{index}}}}}'


def _spaces(profile):
    """(host label, parsed Space) per host, lazily parsed (a line's events are freed once read)."""
    from ..analysis import parse

    if not profile.xspaces:
        raise SourceError("this profile has no raw XSpace to export (it was loaded without one)")
    labels = list(profile.hosts) if len(profile.hosts) == len(profile.xspaces) else list(profile.xspaces)
    for label, (key, data) in zip(labels, profile.xspaces.items()):
        yield label, parse(data, source=key, lazy=True)


def _plane_chunks(pid: int, plane, offset_ps: int, process: str):
    """The metadata and complete events of one plane, as JSON texts."""
    yield _metadata("process_name", pid, 0, process)
    yield _sort_index("process_sort_index", pid, 0, pid)
    names = [_name(n) for n in plane.event_names]
    for tid, line in enumerate((line for line in plane.lines if len(line)), start=1):
        yield _metadata("thread_name", pid, tid, line.display_name or str(line.id))
        yield _sort_index("thread_sort_index", pid, tid, tid)
        category = _DERIVED_CATEGORY if line.derived else "event"
        head = f'{{"ph":"X","cat":"{category}","pid":{pid},"tid":{tid},"ts":'
        for index, start, duration in zip(line.name_index, line.start_ps, line.duration_ps):
            yield f'{head}{micros(start + offset_ps)},"dur":{micros(duration)},"name":{names[index]}}}'
        line.drop_message()


def _step_chunks(profile, pid: int, origins: dict, first_ns: int):
    """The steps as complete events on process ``pid``, on the clock of the host they were read on."""
    rows = (profile.step_summary or {}).get("rows") or []
    if not rows:
        return
    host = next((s.host for s in profile.steps if s.host), None)
    offset_ps = (origins.get(host, first_ns) - first_ns) * 1000
    yield _metadata("process_name", pid, 0, STEPS_PROCESS)
    yield _sort_index("process_sort_index", pid, 0, 0)  # above the devices
    yield _metadata("thread_name", pid, 1, f"steps ({profile.step_summary.get('source', '')})")
    for i, row in enumerate(rows):
        name = _name(str(row.get("name") or f"step {row.get('step', i + 1)}"))
        start = round(float(row.get("start_us") or 0.0) * 1e6) + offset_ps
        duration = round(float(row.get("wall_us") or 0.0) * 1e6)
        args = json.dumps({"step": row.get("step", i + 1), "breakdown_us": row.get("breakdown") or {}})
        yield (f'{{"ph":"X","cat":"step","pid":{pid},"tid":1,"ts":{micros(max(start, 0))},'
               f'"dur":{micros(duration)},"name":{name},"args":{args}}}')


def chunks(profile):
    """The trace's events as JSON texts, one per event (see the module docstring)."""
    from ..analysis.workers import aligned_origin_ns

    spaces = list(_spaces(profile))
    origins = {label: aligned_origin_ns(profile, label, space) for label, space in spaces}  # workers: one clock
    first_ns = min(origins.values())
    several = len(spaces) > 1
    pid = 0  # processes count from 1 (Perfetto keeps pid 0 for the idle process)
    for label, space in spaces:
        offset_ps = (origins[label] - first_ns) * 1000
        for plane in space.planes:
            if not any(len(line) for line in plane.lines):
                continue
            pid += 1
            yield from _plane_chunks(pid, plane, offset_ps, f"{label} {plane.name}" if several else plane.name)
        space.release()
    yield from _step_chunks(profile, pid + 1, origins, first_ns)


def write(profile, f) -> None:
    """Write the trace to the binary file ``f``."""
    f.write(b'{"displayTimeUnit":"ns","otherData":{"producer":"tftrace"},"traceEvents":[\n')
    batch, first = [], True
    for chunk in chunks(profile):
        batch.append(chunk)
        if len(batch) >= 4096:
            f.write(((",\n" if not first else "") + ",\n".join(batch)).encode("utf-8"))
            batch, first = [], False
    if batch:
        f.write(((",\n" if not first else "") + ",\n".join(batch)).encode("utf-8"))
    f.write(b"\n]}\n")


def export(profile, path) -> str:
    """Write ``profile`` as a Chrome trace JSON file at ``path``; returns the path."""
    from ..outputs import write_output

    return write_output(path, lambda f: write(profile, f))
