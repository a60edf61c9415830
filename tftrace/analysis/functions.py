"""tf.function calls and steps as the profiler recorded them.

TensorFlow marks each tf.function call with a TraceMe named after the Python
function and a ``tf_function_call`` stat (``traced-...`` when the call traced,
``notTraced-...`` otherwise). User TraceMes with a ``step_num`` stat
(``tf.profiler.experimental.Trace(name, step_num=...)``) are steps too.
"""

from __future__ import annotations

from ..model import FunctionStat, Step

_PYTHON_MARKERS = ("TFE_Py_FastPathExecute_C", "TFE_Py_ExecuteCancelable", "EagerExecute")


def python_markers(plane) -> set[int]:
    """Name indices of events that only happen on a thread running Python."""
    return {i for i, n in enumerate(plane.event_names) if n in _PYTHON_MARKERS}


def line_calls(line, markers: set[int], stat_names=("tf_function_call", "step_num"), present=None) -> list[tuple]:
    """(name, start ps, duration ps, stat, value) of a Python thread's tf.function calls and steps
    (``present``: the line's name indices, when known)."""
    plane = line.plane
    if not any(n in plane.stat_ids for n in stat_names):
        return []
    if "python" not in line.name.lower() and markers.isdisjoint(line.name_index if present is None else present):
        return []
    events = line.events_with_stats(stat_names)  # at C speed where it can (a Python thread has ~10^5 events)
    if events is None:
        events = range(len(line))
    found = line.select_stats(events, stat_names)
    carriers = [k for k, stats in enumerate(found) if stats]
    out = []
    for k, (name, start, duration) in zip(carriers, line.event_values([events[k] for k in carriers])):
        for stat, value in found[k].items():
            out.append((plane.event_names[name], start, duration, stat, value))
    return out


def function_rows(plane, calls: list[tuple]) -> tuple[list[FunctionStat], list[Step]]:
    """Per-function call counts and the steps, from the threads' ``line_calls`` in line order."""
    by_name: dict = {}
    steps = []
    for name, start_ps, duration_ps, stat, value in calls:
        start_us = start_ps / 1e6
        if stat == "step_num":
            steps.append(Step(name=f"{name} {value}", function="", start_us=start_us,
                              duration_us=duration_ps / 1e6, host=plane.hostname))
            continue
        traced = str(value).startswith("traced")
        us = duration_ps / 1e6
        row = by_name.setdefault(name, FunctionStat(name=name, calls=0, traces=0, total_us=0.0, host=plane.hostname))
        row.calls += 1
        row.traces += int(traced)
        row.total_us += us
        steps.append(Step(name=name, function=name, start_us=start_us, duration_us=us, traced=traced,
                          host=plane.hostname))
    for row in by_name.values():
        row.total_us = round(row.total_us, 3)
    steps.sort(key=lambda s: s.start_us)
    return list(by_name.values()), steps
