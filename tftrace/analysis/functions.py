"""tf.function calls and steps as the profiler recorded them.

TensorFlow marks each tf.function call with a TraceMe named after the Python
function and a ``tf_function_call`` stat (``traced-...`` when the call traced,
``notTraced-...`` otherwise). User TraceMes with a ``step_num`` stat
(``tf.profiler.experimental.Trace(name, step_num=...)``) are steps too.
"""

from __future__ import annotations

import numpy as np

from ..model import FunctionStat, Step

_PYTHON_MARKERS = ("TFE_Py_FastPathExecute_C", "TFE_Py_ExecuteCancelable", "EagerExecute")


def _python_lines(plane):
    marker_ids = {i for i, n in enumerate(plane.event_names) if n in _PYTHON_MARKERS}
    for line in plane.lines:
        if line.derived or len(line) == 0:
            continue
        if "python" in line.name.lower() or marker_ids & set(np.unique(line.name_index).tolist()):
            yield line


def _spans(plane, stat_name: str):
    if stat_name not in plane.stat_ids:
        return
    for line in _python_lines(plane):
        indices = np.arange(len(line))
        for i, value in zip(indices.tolist(), line.stat_column(indices, stat_name)):
            if value is not None:
                yield line, i, value


def function_calls(plane, origin_ps: int = 0) -> tuple[list[FunctionStat], list[Step]]:
    by_name: dict = {}
    steps = []
    for line, i, value in _spans(plane, "tf_function_call"):
        name = plane.event_names[line.name_index[i]]
        traced = str(value).startswith("traced")
        us = int(line.duration_ps[i]) / 1e6
        row = by_name.setdefault(name, FunctionStat(name=name, calls=0, traces=0, total_us=0.0, host=plane.hostname))
        row.calls += 1
        row.traces += int(traced)
        row.total_us += us
        steps.append(Step(name=name, function=name, start_us=(int(line.start_ps[i]) - origin_ps) / 1e6,
                          duration_us=us, traced=traced, host=plane.hostname))
    for line, i, value in _spans(plane, "step_num"):
        name = plane.event_names[line.name_index[i]]
        steps.append(Step(name=f"{name} {value}", function="", start_us=(int(line.start_ps[i]) - origin_ps) / 1e6,
                          duration_us=int(line.duration_ps[i]) / 1e6, host=plane.hostname))
    steps.sort(key=lambda s: s.start_us)
    return list(by_name.values()), steps
