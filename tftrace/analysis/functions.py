"""tf.function calls and steps as the profiler recorded them.

TensorFlow marks each tf.function call with a TraceMe named after the Python
function and a ``tf_function_call`` stat (``traced-...`` when the call traced,
``notTraced-...`` otherwise). User TraceMes with a ``step_num`` stat
(``tf.profiler.experimental.Trace(name, step_num=...)``) are steps too.
"""

from __future__ import annotations

from ..model import FunctionStat, Step

_PYTHON_MARKERS = ("TFE_Py_FastPathExecute_C", "TFE_Py_ExecuteCancelable", "EagerExecute")


def _python_lines(plane):
    marker_ids = {i for i, n in enumerate(plane.event_names) if n in _PYTHON_MARKERS}
    for line in plane.lines:
        if line.derived or len(line) == 0:
            continue
        if "python" in line.name.lower() or not marker_ids.isdisjoint(line.name_index):
            yield line


def _spans(plane, stat_names=("tf_function_call", "step_num")):
    """(line, event index, stat name, value) of python-thread events carrying one of the stats."""
    if not any(n in plane.stat_ids for n in stat_names):
        return
    for line in _python_lines(plane):
        for i, found in enumerate(line.select_stats(range(len(line)), stat_names)):
            for name, value in found.items():
                yield line, i, name, value


def function_calls(plane, origin_ps: int = 0) -> tuple[list[FunctionStat], list[Step]]:
    by_name: dict = {}
    steps = []
    for line, i, stat, value in _spans(plane):
        name = plane.event_names[line.name_index[i]]
        start_us = (line.start_ps[i] - origin_ps) / 1e6
        if stat == "step_num":
            steps.append(Step(name=f"{name} {value}", function="", start_us=start_us,
                              duration_us=line.duration_ps[i] / 1e6, host=plane.hostname))
            continue
        traced = str(value).startswith("traced")
        us = line.duration_ps[i] / 1e6
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
