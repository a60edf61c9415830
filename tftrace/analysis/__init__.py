"""XSpace -> Profile: pure functions, no TensorFlow, no IPython.

``analyze(spaces)`` takes decoded XSpaces (one per host) and returns a Profile with
host ops (XProf-compatible), eager ops, GPU kernels / device ops / copies, tf.function
calls and steps, and warnings about what the capture could not see. The work is
split into pieces (``pieces``: per host thread, per GPU plane) that the command line
shares among forked processes (``parallel``).
"""

from __future__ import annotations

from ..errors import EmptyProfileError
from ..model import Device, Profile
from . import device as gpu
from . import gpu_busy, vector
from .memory import memory_profile
from .workers import analyze_workers
from .parallel import map_balanced
from .findings import find
from .step_ops import step_op_samples
from .steps import eager_op_count, summarize
from .pieces import Pieces
from .xspace import Space, parse

__all__ = ["analyze", "analyze_bytes", "merge_capture", "parse"]


def merge_capture(profile: Profile, capture: dict) -> None:
    """Join a live trace's hook records into its Profile (imported on use: ``stats`` never needs it)."""
    from .capture_merge import merge_capture as merge

    merge(profile, capture)


def _kind(plane_name: str) -> str:
    if plane_name.startswith("/host:"):
        return "cpu"
    if plane_name.startswith("/device:GPU:"):
        return "gpu"
    return "other"


def _devices(space: Space, host: str) -> list[Device]:
    out = []
    for plane in space.planes:
        if plane.name.startswith(("/host:", "/device:")):
            caps = {k: v for k, v in plane.stats.items() if isinstance(v, (int, float, str))}
            out.append(Device(name=plane.name, host=host, kind=_kind(plane.name), events=plane.event_count, caps=caps))
    return out


def _warnings(space: Space, host: str, profile: Profile) -> list[str]:
    out = [f"{host}: profiler error: {e}" for e in space.errors]
    out += [f"{host}: profiler warning: {w}" for w in space.warnings]
    gpus = [p for p in space.planes if gpu.is_gpu_plane(p)]
    if gpus and not any(p.event_count for p in gpus):
        out.append(f"{host}: {len(gpus)} GPU(s) visible but no GPU activity was recorded")
    return out


def analyze(spaces: dict, name: str = "", source: str = "", processes: int = 1,
            site_of_call: dict | None = None, step_ops: bool = True, drop_messages: bool = False,
            tracing_ps: dict | None = None) -> Profile:
    """Build a Profile from {host: Space}; raise EmptyProfileError if no events at all.

    ``processes`` > 1 shares the work among forked processes (command line only: see
    ``parallel``); the Profile is the same either way. ``site_of_call`` ({(function,
    call number): call site id}, from the hooks) fills ``Profile.call_ops``. ``step_ops=False``
    leaves ``Profile.step_ops`` empty (``tftrace stats`` does not need them: one pass fewer).
    ``drop_messages`` frees the parsed protobuf of ``spaces`` once the last pass that reads
    stats is done (the caller no longer needs them: ``analyze_bytes``). ``tracing_ps`` ({function: {call
    index: ps}}, from the hooks) is the tracing time the step breakdown takes out of TensorFlow's runtime.
    With one process and numpy already imported (a notebook kernel), the per-event passes are numpy
    array operations (``vector``): the same Profile.
    """
    profile = Profile(name=name, source=source)
    labels = _host_labels(spaces)
    spaces = list(spaces.values())
    for host, space in zip(labels, spaces):
        for plane in space.planes:
            plane.hostname = host
    np = vector.available() if processes == 1 else None
    keep = (step_ops or bool(site_of_call)) if np is not None else step_ops and processes == 1
    pieces = Pieces(spaces, site_of_call, keep_self_times=keep, np=np)
    results = map_balanced(pieces.run, pieces.keys, pieces.weights, processes)
    span_ps = 0
    step_space = None
    gpu_parts: list = []
    busy_by_host: dict = {}  # several hosts: each one's busy intervals, for the per-worker analysis
    for s, (host, space) in enumerate(zip(labels, spaces)):
        rows = pieces.combine(results, s)
        profile.hosts.append(host)
        profile.ops += rows["ops"]
        profile.kernels += rows["kernels"]
        profile.memcpy += rows["memcpy"]
        profile.functions += rows["functions"]
        profile.steps += rows["steps"]
        gpu_parts += rows["gpu_busy"]
        if len(spaces) > 1:
            busy_by_host[host] = rows["busy"]
        if rows["steps"] and step_space is None:  # steps are read on the first host that has any
            profile.busy, step_space, step_host = rows["busy"], space, host
        for site, ops in rows["call_ops"].items():
            mine = profile.call_ops.setdefault(site, {})
            for op, us in ops.items():
                mine[op] = mine.get(op, 0.0) + us
        profile.devices += _devices(space, host)
        profile.warnings += _warnings(space, host, profile)
        span_ps = max(span_ps, rows["span_ps"])
    del pieces, results, rows  # the pieces' sums and intervals (tens of MB on 10^6 events) before the passes below
    if np is not None:
        vector.trim()
    total = sum(space.event_count for space in spaces)
    if total == 0:
        raise EmptyProfileError(f"{source or 'profile'}: the profile holds no events: nothing ran on TensorFlow while it was recorded")
    profile.event_count = total
    profile.duration_us = span_ps / 1e6
    profile.memory = memory_profile(spaces, labels)
    worker_findings = []
    if len(spaces) > 1:  # collectives are read from the events: before the messages go
        profile.workers, worker_findings = analyze_workers(labels, spaces, profile.steps, busy_by_host)
        del busy_by_host
    if drop_messages:  # the passes below read columns and names only
        for space in spaces:
            space.drop_messages()
    if not profile.ops and not profile.kernels and not profile.functions:
        profile.warnings.append("no TensorFlow op ran during the trace (only runtime events were recorded)")
    # several hosts: the steps of the host whose busy intervals split them (each worker's: ``workers``)
    steps = [s for s in profile.steps if s.host == step_host] if step_space is not None and len(spaces) > 1 \
        else profile.steps
    profile.step_summary = summarize(steps, profile.busy, tracing_ps, eager_ops=eager_op_count(profile))
    profile.gpu_utilisation = gpu_busy.finish(gpu_parts, span_ps, profile.step_summary,
                                              profile.steps[0].host if profile.steps else "", _host_planes(spaces, labels))
    if step_ops and step_space is not None:
        profile.step_ops = step_op_samples(step_space, profile.step_summary)
    for space in spaces:  # the kept self times (20-24 bytes an op event) are read by the step ops alone
        for plane in space.planes:
            for line in plane.lines:
                line.self_times = None
    if np is not None:
        vector.trim()
    profile.findings = find(profile, worker_findings)
    profile.ops.sort(key=lambda r: r.self_us, reverse=True)
    profile.kernels.sort(key=lambda r: r.total_us, reverse=True)
    return profile


def _host_planes(spaces: list, labels: list) -> dict:
    """{host label: its /host:CPU plane} (what the host did while a GPU was idle)."""
    return {label: space.plane("/host:CPU") for label, space in zip(labels, spaces) if space.plane("/host:CPU")}


def _host_labels(spaces: dict) -> list[str]:
    """The XSpace's hostname; with several workers on one machine, plus their file name."""
    names = [space.hostnames[0] if space.hostnames else key for key, space in spaces.items()]
    if len(set(names)) == len(names):
        return names
    return [f"{name} ({key})" if name != key else name for name, key in zip(names, spaces)]


def call_sites(capture: dict | None) -> dict:
    """{(function, call number): call site id} of a live trace's hook records."""
    if not capture:
        return {}
    from .call_windows import site_table

    return site_table(capture.get("functions", []))[1]


def analyze_bytes(blobs: dict, name: str = "", source: str = "", capture: dict | None = None,
                  keep_raw: bool = True, processes: int = 1, step_ops: bool = True) -> Profile:
    """Same as ``analyze`` from raw XSpace bytes {host: bytes}; keeps the bytes on the Profile
    unless ``keep_raw`` is False, in which case each is dropped from ``blobs`` once parsed
    (the caller hands them over: a parsed XSpace takes 4x its bytes, so this lowers the peak).

    ``capture`` holds the hook records of a live trace (see ``capture_merge``).
    """
    # one process: each line's parsed events are freed once its piece is done (the peak stays ~2x the bytes)
    spaces = {host: parse(data, source=f"{source or host}", lazy=processes == 1) for host, data in blobs.items()}
    raw = dict(blobs)
    if not keep_raw:
        blobs.clear()
        raw.clear()
    tracing = None
    if capture:
        from .capture_merge import tracing_by_call

        tracing = tracing_by_call(capture.get("functions", []))
    profile = analyze(spaces, name=name, source=source, processes=processes, site_of_call=call_sites(capture),
                      step_ops=step_ops, drop_messages=True, tracing_ps=tracing)
    for space in spaces.values():
        space.release()
    profile.xspaces = raw
    if capture:
        from .capture_merge import merge_capture as merge

        merge(profile, capture, steps=False)  # the step breakdown had the calls' tracing already
    release_free_memory()
    return profile


def release_free_memory() -> None:
    """Hand the heap's free pages back to the system (glibc keeps what a big analysis freed:
    ~70 MB after a 790k-event profile, so a kernel would keep its peak). No-op elsewhere."""
    global _malloc_trim
    if _malloc_trim is None:
        try:
            import ctypes

            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim = None
