"""XSpace -> Profile: pure functions, no TensorFlow, no IPython.

``analyze(spaces)`` takes decoded XSpaces (one per host) and returns a Profile with
host ops (XProf-compatible), eager ops, GPU kernels / device ops / copies, tf.function
calls and steps, and warnings about what the capture could not see.
"""

from __future__ import annotations

from ..errors import EmptyProfileError
from ..model import Device, Profile
from . import device as gpu
from .eager_ops import eager_ops
from .functions import function_calls
from .host_ops import classify, host_ops
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


def _analyze_space(space: Space, host: str, profile: Profile) -> None:
    host_plane = space.plane("/host:CPU")
    is_op = None
    if host_plane is not None:
        parsed, is_op = classify(host_plane)
        profile.ops += host_ops(host_plane, parsed, is_op)
        profile.ops += eager_ops(host_plane, is_op)
        functions, steps = function_calls(host_plane)
        profile.functions += functions
        profile.steps += steps
    cache: dict = {}

    def correlation():
        if "map" not in cache:
            cache["map"] = gpu.host_ops_by_correlation(host_plane, is_op) if is_op is not None else {}
        return cache["map"]

    for plane in space.planes:
        if gpu.is_gpu_plane(plane) and plane.event_count:
            kernels, ops, copies = gpu.device_tables(plane, correlation)
            profile.kernels += kernels
            profile.ops += ops
            profile.memcpy += copies
    profile.devices += _devices(space, host)
    profile.warnings += _warnings(space, host, profile)


def analyze(spaces: dict, name: str = "", source: str = "") -> Profile:
    """Build a Profile from {host: Space}; raise EmptyProfileError if no events at all."""
    profile = Profile(name=name, source=source)
    total = 0
    span_ps = 0
    for host, space in zip(_host_labels(spaces), spaces.values()):
        profile.hosts.append(host)
        for plane in space.planes:
            plane.hostname = host
        _analyze_space(space, host, profile)
        total += space.event_count
        span_ps = max(span_ps, _span_ps(space))
    if total == 0:
        raise EmptyProfileError(f"{source or 'profile'}: the profile holds no events: nothing ran on TensorFlow while it was recorded")
    profile.event_count = total
    profile.duration_us = span_ps / 1e6
    if not profile.ops and not profile.kernels and not profile.functions:
        profile.warnings.append("no TensorFlow op ran during the trace (only runtime events were recorded)")
    profile.ops.sort(key=lambda r: r.self_us, reverse=True)
    profile.kernels.sort(key=lambda r: r.total_us, reverse=True)
    return profile


def _host_labels(spaces: dict) -> list[str]:
    """The XSpace's hostname; with several workers on one machine, plus their file name."""
    names = [space.hostnames[0] if space.hostnames else key for key, space in spaces.items()]
    if len(set(names)) == len(names):
        return names
    return [f"{name} ({key})" if name != key else name for name, key in zip(names, spaces)]


def _span_ps(space: Space) -> int:
    lines = [line for p in space.planes for line in p.lines if len(line)]
    if not lines:
        return 0
    end = max(max(map(int.__add__, line.start_ps, line.duration_ps)) for line in lines)
    return end - min(min(line.start_ps) for line in lines)


def analyze_bytes(blobs: dict, name: str = "", source: str = "", capture: dict | None = None,
                  keep_raw: bool = True) -> Profile:
    """Same as ``analyze`` from raw XSpace bytes {host: bytes}; keeps the bytes on the Profile
    unless ``keep_raw`` is False.

    ``capture`` holds the hook records of a live trace (see ``capture_merge``).
    """
    spaces = {host: parse(data, source=f"{source or host}") for host, data in blobs.items()}
    profile = analyze(spaces, name=name, source=source)
    if keep_raw:
        profile.xspaces = dict(blobs)
    if capture:
        merge_capture(profile, capture)
    return profile
