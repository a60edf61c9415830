"""What one run contributes to a comparison: per-step samples, warm-up set aside.

The unit is the step (``Profile.step_summary``): its wall time, its breakdown by
category, each op's self time in it (``Profile.step_ops``). A tf.function is sampled per
call (``Profile.steps``), leaving out the calls that traced. The first step and every
step in which a call traced are warm-up; outlier steps (``steps.mark_outliers``) are set
aside too. A run without steps is one sample: the whole run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis.steps import LABELS


@dataclass
class RunSamples:
    name: str
    run_id: str
    used: list  # indices of the steps compared
    warmup: list  # indices of warm-up steps
    outliers: list  # indices of outlier steps
    walls_us: list  # every step's wall time
    categories: dict = field(default_factory=dict)  # {category: [us per step]}
    ops: dict = field(default_factory=dict)  # {op name: [us per step]}
    op_rows: dict = field(default_factory=dict)  # {op name: OpStat} (type, layer, category)
    calls: dict = field(default_factory=dict)  # {function: [us per call, tracing calls left out]}
    note: str = ""

    def used_values(self, values: list) -> list:
        return [values[i] for i in self.used]


def run_samples(profile, run_id: str = "") -> RunSamples:
    summary = profile.step_summary or {}
    rows = summary.get("rows", [])
    op_rows = {}
    for op in profile.ops:
        op_rows.setdefault(op.name, op)
    name = profile.name or profile.source or run_id
    if not rows:
        return _whole_run(profile, name, run_id, op_rows, summary.get("reason", ""))
    warmup = _warmup(rows, profile.steps)
    outliers = [i for i, r in enumerate(rows) if r.get("outlier") and i not in warmup]
    used = [i for i in range(len(rows)) if i not in warmup and i not in outliers]
    if not used:  # every step set aside: compare what there is rather than nothing
        used, warmup, outliers = list(range(len(rows))), [], []
    categories = {LABELS.get(c, c): [r["breakdown"].get(c, 0.0) for r in rows] for c in summary.get("categories", [])}
    return RunSamples(name=name, run_id=run_id, used=used, warmup=warmup, outliers=outliers,
                      walls_us=[r["wall_us"] for r in rows], categories=categories, ops=_op_samples(profile),
                      op_rows=op_rows, calls=_calls(profile.steps))


def _warmup(rows: list, step_rows: list) -> list:
    """The first step (when there are others) and every step a traced call started in."""
    traced = sorted(s.start_us for s in step_rows if s.function and s.traced)
    out = [0] if len(rows) > 1 else []
    for i, r in enumerate(rows):
        start, end = r["start_us"], r["start_us"] + r["wall_us"]
        if i not in out and any(start <= t < end for t in traced):
            out.append(i)
    return out


def _op_samples(profile) -> dict:
    """``Profile.step_ops``; for a run stored before tftrace kept them, computed from its raw XSpace."""
    if profile.step_ops or not profile.xspaces:
        return profile.step_ops
    from ..analysis import parse
    from ..analysis.step_ops import step_op_samples

    host = next(iter(profile.xspaces))
    return step_op_samples(parse(profile.xspaces[host], source=host), profile.step_summary)


def _calls(step_rows: list) -> dict:
    out: dict = {}
    for s in step_rows:
        if s.function and not s.traced:
            out.setdefault(s.function, []).append(s.duration_us)
    return out


def _whole_run(profile, name: str, run_id: str, op_rows: dict, reason: str) -> RunSamples:
    ops: dict = {}
    for op in profile.ops:
        ops[op.name] = [ops.get(op.name, [0.0])[0] + op.self_us]
    note = f"{name}: no steps ({reason}); the whole run is one sample" if reason else ""
    return RunSamples(name=name, run_id=run_id, used=[0], warmup=[], outliers=[], walls_us=[profile.duration_us],
                      ops=ops, op_rows=op_rows, calls=_calls(profile.steps), note=note)
