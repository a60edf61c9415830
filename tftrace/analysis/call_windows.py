"""Which tf.function call each host op ran in, from the calls' time windows.

The hooks mark every eager tf.function call with a ``tftrace.call`` TraceMe and know
the line that made it. An op event on any executor thread that starts inside a call's window ran for
that call; summing its self time per (call site, op) gives the measured op time
under each call site of the flame graph. Windows come from one Python thread in the
common case and do not overlap; when they do, an op goes to the latest-started call.
"""

from __future__ import annotations

from bisect import bisect_right

from .aggregate import sum_by_key


CALL_EVENT = "tftrace.call"  # the hooks' TraceMe around each eager call, stats function= and call=


class Windows:
    """Call windows on one host plane, in picoseconds from its XSpace's origin: (start, end, site id).

    They are the hooks' own ``tftrace.call`` events (the XSpace's clock), each mapped to
    its call site by (function, call number)."""

    def __init__(self, plane=None, site_of_call: dict | None = None, spans: list | None = None):
        """``spans``: the (start, end, site id) of the calls, when read already (``line_call_spans``)."""
        if spans is None:
            spans = _call_spans(plane, site_of_call) if plane is not None and site_of_call else []
        spans = sorted(spans)
        self.starts = [s for s, _, _ in spans]
        self.ends = [e for _, e, _ in spans]
        self.sites = [site for _, _, site in spans]

    def __bool__(self) -> bool:
        return bool(self.starts)

    def site_at(self, start_ps: int) -> int:
        """The site id of the call running at ``start_ps``, -1 outside every call."""
        j = bisect_right(self.starts, start_ps) - 1
        return self.sites[j] if j >= 0 and start_ps < self.ends[j] else -1


def _call_spans(plane, site_of_call: dict) -> list[tuple]:
    if CALL_EVENT not in plane.event_names:
        return []
    return [span for line in plane.lines for span in line_call_spans(line, site_of_call)]


def line_call_spans(line, site_of_call: dict, events: list | None = None) -> list[tuple]:
    """(start, end, site id) of one thread's calls (``events``: their positions, when known)."""
    names = line.plane.event_names
    if CALL_EVENT not in names:
        return []
    if events is None:
        call_index = names.index(CALL_EVENT)
        events = [i for i, n in enumerate(line.name_index) if n == call_index]
    out = []
    for i, stats in zip(events, line.select_stats(events, ("function", "call"))):
        site = site_of_call.get((str(stats.get("function")), _int(stats.get("call"))))
        if site is not None:
            start = line.start_ps[i]
            out.append((start, start + line.duration_ps[i], site))
    return out


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def window_sums(windows: Windows, spans: list, keys: list, self_ps: list) -> dict:
    """{(site id, key): [count, total ps, self ps]} of the op events that started inside a call."""
    sites = [windows.site_at(span[0]) for span in spans]
    inside = [i for i, site in enumerate(sites) if site >= 0]
    return sum_by_key([(sites[i], keys[i]) for i in inside], [spans[i][1] for i in inside],
                      [self_ps[i] for i in inside])


def site_table(function_records: list[dict]) -> tuple[list[tuple], dict]:
    """(sites [(function name, file, line)], {(function name, call number): site id}) from the hook records."""
    sites: dict = {}
    calls = {}
    for record in function_records:
        for n, (_start, _end, _trace_ns, _traced, (file, line, _fn)) in enumerate(record.get("calls_log", []), 1):
            calls[record["name"], n] = sites.setdefault((record["name"], file, line), len(sites))
    return list(sites), calls
