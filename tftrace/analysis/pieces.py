"""Analysis in pieces: one per host thread, one per GPU plane, one per other plane.

A piece's result is plain data (sums keyed by event-name index, the finished rows of
a GPU plane, the time span it covers), so pieces can run in worker processes
(``parallel``). ``combine`` merges them in piece order: the Profile is the same
whichever process did which piece.
"""

from __future__ import annotations

from functools import cached_property

from ..model import KernelStat, MemcpyStat, OpStat, row_tuple
from . import device as gpu
from . import vector
from .aggregate import merge_sums, ps_to_us
from .busy import gpu_busy, host_categories, line_busy, union_all
from .call_windows import Windows
from .eager_ops import EagerNames, eager_rows, eager_sums
from .functions import function_rows, line_calls, python_markers
from .host_ops import classify, op_rows, op_sums, spans_where
from .xspace import Space

HOST_PLANE = "/host:CPU"
# Estimated cost in microseconds per event (measured on this machine; only the ratios matter)
_US_PER_HOST_EVENT = 1.5
_US_PER_LAUNCH = 12.0  # every kernel launch or copy: all its stats are read
_US_PER_OTHER_EVENT = 0.5  # decoded for the time span only


class HostNames:
    """Name tables of one host plane, built on first use by each process that needs them."""

    def __init__(self, plane):
        self.plane = plane

    @cached_property
    def _classified(self):
        return classify(self.plane)

    @property
    def parsed(self) -> list:
        return self._classified[0]

    @property
    def is_op(self) -> list[bool]:
        return self._classified[1]

    @cached_property
    def eager(self) -> EagerNames:
        return EagerNames(self.plane, self.is_op)

    @cached_property
    def markers(self) -> set[int]:
        return python_markers(self.plane)

    @cached_property
    def busy_categories(self) -> list:
        return host_categories(self.plane, self.parsed, self.eager.is_eager)


class Pieces:
    """The pieces of some XSpaces (one per host) and how to compute each."""

    def __init__(self, spaces: list[Space], site_of_call: dict | None = None, keep_self_times: bool = False,
                 np=None):
        self.spaces = spaces
        # keep each host line's op self times on the line for ``step_ops`` (one process only: a worker's are lost)
        self.keep_self_times = keep_self_times
        # ``np``: numpy, to run the pieces as array operations (``vector``; one process only): a line's columns
        # are freed once its piece is done, the call windows are read in the pieces and applied after them
        self.np = np
        self.site_of_call = site_of_call
        self.hosts = [_host_names(space) for space in spaces]
        self.windows = [Windows(names.plane if names else None, site_of_call) if np is None else None
                        for names in self.hosts]
        self._correlation: dict = {}
        self.keys: list[tuple] = []  # (space index, plane index, line index or None)
        self.weights: list[int] = []  # estimated microseconds
        for s, space in enumerate(spaces):
            for p, plane in enumerate(space.planes):
                if self.hosts[s] is not None and plane is self.hosts[s].plane:
                    for n, line in enumerate(plane.lines):
                        self._add((s, p, n), len(line) * _US_PER_HOST_EVENT)
                elif plane.event_count:
                    self._add((s, p, None), _plane_cost(plane))

    def _add(self, key, weight: float):
        if weight:
            self.keys.append(key)
            self.weights.append(int(weight) + 1)

    def run(self, key: tuple) -> dict:
        s, p, n = key
        plane = self.spaces[s].planes[p]
        if n is not None:
            line = plane.lines[n]
            if self.np is not None:
                out = vector.host_line(self.np, line, self.hosts[s], self.site_of_call, self.keep_self_times)
                line.release()
                if len(line) >= vector.BIG_LINE:
                    vector.trim()
                return out
            out = self._host_line(line, self.hosts[s], self.windows[s])
            line.done()
            return out
        out = {"span": _span(plane.lines)}
        if gpu.is_gpu_plane(plane):
            out["busy"] = gpu_busy(plane)
            *tables, out["gpu_busy"] = gpu.device_tables(plane, lambda: self.correlation(s))
            # rows travel as tuples (see ``parallel``)
            out["kernels"], out["device_ops"], out["memcpy"] = ([row_tuple(row) for row in rows]
                                                                for rows in tables)
        for line in plane.lines:
            if self.np is not None:
                line.release()
            else:
                line.done()
        return out

    def _host_line(self, line, names: HostNames, windows: Windows) -> dict:
        out = {"span": _span([line])}
        if not line.derived:
            spans = spans_where(line, names.is_op)  # in stack order: sorted by start for the busy intervals too
            keep = None
            if self.keep_self_times:
                keep = line.self_times = {}
            out["ops"], out["call_ops"] = op_sums(line, names.is_op, windows, spans, keep)
            out["busy"] = line_busy(line, names.busy_categories, spans)
            out["eager"] = eager_sums(line, names.eager, keep)
            out["calls"] = line_calls(line, names.markers)
        return out

    def correlation(self, s: int) -> dict:
        """correlation_id -> host op of space ``s`` (computed once, only if a kernel needs it)."""
        if s not in self._correlation:
            names = self.hosts[s]
            self._correlation[s] = gpu.host_ops_by_correlation(names.plane, names.is_op) if names else {}
        return self._correlation[s]

    def combine(self, results: list[dict], s: int) -> dict:
        """Rows of space ``s`` from all the pieces' results (in piece order)."""
        mine = [r for key, r in zip(self.keys, results) if key[0] == s]
        host = [r for r in mine if "ops" in r]
        out = {"ops": [], "kernels": [], "memcpy": [], "functions": [], "steps": [], "call_ops": {}, "busy": {},
               "gpu_busy": [r["gpu_busy"] for r in mine if "gpu_busy" in r]}
        names = self.hosts[s]
        if names is not None:
            out["ops"] += op_rows(names.plane, names.parsed, merge_sums(r["ops"] for r in host))
            out["ops"] += eager_rows(names.plane, names.eager, merge_sums(r["eager"] for r in host))
            out["functions"], out["steps"] = function_rows(names.plane, [c for r in host for c in r["calls"]])
            if self.np is not None and self.site_of_call:  # the windows are known: apply them to the kept self times
                windows = Windows(spans=[w for r in mine for w in r.get("call_windows", ())])
                lines = [line for line in names.plane.lines if line.self_times]
                out["call_ops"] = call_op_times(names.parsed, vector.call_op_sums(self.np, lines, windows))
            else:
                out["call_ops"] = call_op_times(names.parsed, merge_sums(r["call_ops"] for r in host))
        for r in mine:
            if "kernels" in r:
                out["kernels"] += [KernelStat(*values) for values in r["kernels"]]
                out["ops"] += [OpStat(*values) for values in r["device_ops"]]
                out["memcpy"] += [MemcpyStat(*values) for values in r["memcpy"]]
        parts = (r["busy"] for r in mine if "busy" in r)
        out["busy"] = union_all(parts) if self.np is None else vector.union_all(self.np, parts)
        spans = [r["span"] for r in mine if r["span"]]
        out["span_ps"] = max(e for _, e in spans) - min(b for b, _ in spans) if spans else 0
        return out


def call_op_times(parsed, sums: dict) -> dict:
    """{call site id: {op name: self us}}: the graph ops (not tf.data) measured inside each site's calls."""
    out: dict = {}
    for (site, key) in sorted(sums):
        op = parsed[key // 2]
        if key % 2 or op.category != "tensorflow":
            continue
        ops = out.setdefault(site, {})
        ops[op.name] = ops.get(op.name, 0.0) + ps_to_us(sums[site, key][2])
    return out


def _plane_cost(plane) -> float:
    cost = plane.event_count * _US_PER_OTHER_EVENT
    if gpu.is_gpu_plane(plane):
        cost += sum(len(line) for line in plane.lines if not line.derived) * _US_PER_LAUNCH
    return cost


def _host_names(space: Space) -> HostNames | None:
    plane = space.plane(HOST_PLANE)
    return HostNames(plane) if plane is not None else None


def _span(lines) -> tuple[int, int] | None:
    """(first start, last end) of the events on ``lines``, None if they have none."""
    lines = [line for line in lines if len(line)]
    if not lines:
        return None
    return (min(min(line.start_ps) for line in lines),
            max(max(map(int.__add__, line.start_ps, line.duration_ps)) for line in lines))
