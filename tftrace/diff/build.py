"""Two runs -> ``tftrace.diff/1``: step time, step parts, tf.functions and ops, each with
B/A, its interval and a verdict (see DESIGN.md for the contract, ``verdict`` for the rule)."""

from __future__ import annotations

from . import bootstrap
from .match import pair
from .samples import RunSamples, run_samples
from .verdict import GATE_SHARE, MIN_CHANGE, MIN_SHARE, NOISE, gate, judge, machine_load, noise_floor

SCHEMA = "tftrace.diff/1"
_ORDER = {"slower": 0, "faster": 0, "new": 1, "gone": 1, "same": 2}


def diff(a, b, a_id: str = "", b_id: str = "", noise: float = NOISE) -> dict:
    """Compare Profile ``a`` (before) with Profile ``b`` (after); ``noise``: how much separate runs of
    the same code differ on this machine (0.2: 20%)."""
    sa, sb = run_samples(a, a_id), run_samples(b, b_id)
    load, machine_note = machine_load(a.machine, b.machine, noise)
    judge_rows = _Judge(sa, sb, noise, load)
    step = _step(sa, sb, judge_rows)
    rows = (judge_rows.kind("category", sa.categories, sb.categories)
            + _with_calls(judge_rows.kind("function", sa.calls, sb.calls, per_step=False), a, b)
            + judge_rows.kind("op", _tensorflow_ops(sa), _tensorflow_ops(sb), describe=_describer(sa, sb)))
    for row in rows:
        gate(row, step)
    rows.sort(key=lambda r: (_ORDER[r["verdict"]], -abs(r["delta_us"])))
    return {"schema": SCHEMA, "a": _side(a, sa), "b": _side(b, sb), "method": _method(noise, load), "step": step,
            "rows": rows, "notes": [n for n in (sa.note, sb.note, machine_note) if n]}


def _side(profile, s: RunSamples) -> dict:
    summary = profile.step_summary or {}
    return {"name": profile.name, "run_id": s.run_id, "source": profile.source, "created": profile.created,
            "step_source": summary.get("source", "none"), "step_function": summary.get("function", ""),
            "machine": dict(profile.machine),
            "steps": {"total": len(s.walls_us), "used": len(s.used), "warmup": len(s.warmup),
                      "outliers": len(s.outliers)}}


def _method(noise: float, load: float) -> dict:
    confidence = bootstrap.CONFIDENCE
    floor = noise_floor(0.0, noise, load)
    return {"statistic": "lower quartile per step", "quantile": bootstrap.QUANTILE,
            "resamples": bootstrap.RESAMPLES, "confidence": confidence, "noise_pct": round(100 * noise, 1),
            "machine_load": round(load, 3),
            "min_change": MIN_CHANGE, "floor": round(floor, 3),
            "text": (f"Each row is the lower quartile of its per-step times (tf.functions: per call) over the "
                     f"steps compared: noise only adds time. B/A with its {100 * confidence:.0f}% interval from "
                     f"{bootstrap.RESAMPLES:,} block resamples of the steps. A change excludes 1, passes "
                     f"x{floor:.2f} (separate runs assumed to differ by {100 * noise:.0f}%, more for rows that "
                     f"vary from step to step), is at least {100 * MIN_SHARE:g}% of the step time, and, "
                     f"below the step, at least {100 * GATE_SHARE:g}% of a step change that passed.")}


class _Judge:
    """Judges rows of two runs' samples with one noise prior and A's step time."""

    def __init__(self, sa: RunSamples, sb: RunSamples, noise: float, load: float):
        self.sa, self.sb, self.noise, self.load = sa, sb, noise, load
        self.step_a = bootstrap.statistic(sa.used_values(sa.walls_us)) or 1.0
        self.step_b = bootstrap.statistic(sb.used_values(sb.walls_us)) or 1.0

    def judged(self, a_rows: list, b_rows: list, weigh: bool = True) -> list:
        """[{a_us, b_us, a_mean_us, b_mean_us, ratio, low, high, verdict, note}] for rows sampled in
        both runs (``weigh``: against A's step time; False for the step itself)."""
        out = []
        for xa, xb, (ratio, low, high) in zip(a_rows, b_rows, bootstrap.ratio_intervals(a_rows, b_rows)):
            a_us, b_us = bootstrap.statistic(xa), bootstrap.statistic(xb)
            spread = (bootstrap.dispersion(xa) ** 2 + bootstrap.dispersion(xb) ** 2) ** 0.5
            share = (b_us - a_us) / self.step_a if weigh else 1.0
            verdict, note = judge(ratio, low, high, spread, len(xa), len(xb), share, self.noise, self.load)
            out.append({"a_us": a_us, "b_us": b_us, "a_mean_us": _mean(xa), "b_mean_us": _mean(xb),
                        "ratio": _round(ratio), "low": _round(low), "high": _round(high), "verdict": verdict,
                        "note": note})
        return out

    def kind(self, kind: str, a_samples: dict, b_samples: dict, per_step: bool = True, describe=None) -> list:
        """Rows of one kind: matched names judged on their samples, then what only one run has."""
        sa, sb = self.sa, self.sb
        pairs, gone, new = pair(list(a_samples), list(b_samples))
        pick = (lambda s, x: s.used_values(x)) if per_step else (lambda s, x: x)
        xa = [pick(sa, a_samples[a]) for a, _ in pairs]
        xb = [pick(sb, b_samples[b]) for _, b in pairs]
        if per_step:
            judged = self.judged(xa, xb)
        else:  # per-call samples differ in length: one row at a time
            judged = [self.judged([x], [y])[0] for x, y in zip(xa, xb)]
        out = [_row(kind, a, b, j, self.step_a, describe) for (a, b), j in zip(pairs, judged)
               if j["a_mean_us"] or j["b_mean_us"]]
        for name in gone:
            values = pick(sa, a_samples[name])
            if _mean(values):
                out.append(_row(kind, name, "", _only("gone", values, []), self.step_a, describe))
        for name in new:
            values = pick(sb, b_samples[name])
            if _mean(values):
                out.append(_row(kind, name, "", _only("new", [], values), self.step_b, describe, share_of_b=True))
        return out


def _step(sa: RunSamples, sb: RunSamples, judge_rows: _Judge) -> dict:
    walls_a, walls_b = sa.used_values(sa.walls_us), sb.used_values(sb.walls_us)
    row = judge_rows.judged([walls_a], [walls_b], weigh=False)[0]
    ms = lambda values: [round(v / 1e3, 4) for v in values]  # noqa: E731
    return {"a_ms": round(row.pop("a_us") / 1e3, 4), "b_ms": round(row.pop("b_us") / 1e3, 4),
            "a_mean_ms": round(row.pop("a_mean_us") / 1e3, 4), "b_mean_ms": round(row.pop("b_mean_us") / 1e3, 4),
            **row, "a_samples_ms": ms(walls_a), "b_samples_ms": ms(walls_b),
            "a_warmup_ms": ms(sa.walls_us[i] for i in sa.warmup), "b_warmup_ms": ms(sb.walls_us[i] for i in sb.warmup),
            "a_outliers_ms": ms(sa.walls_us[i] for i in sa.outliers),
            "b_outliers_ms": ms(sb.walls_us[i] for i in sb.outliers)}


def _only(verdict: str, a_values: list, b_values: list) -> dict:
    return {"a_us": bootstrap.statistic(a_values) if a_values else 0.0,
            "b_us": bootstrap.statistic(b_values) if b_values else 0.0,
            "a_mean_us": _mean(a_values), "b_mean_us": _mean(b_values), "ratio": None, "low": None, "high": None,
            "verdict": verdict, "note": "only in A" if verdict == "gone" else "only in B"}


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def _round(value):
    return None if value is None else round(value, 4)


def _row(kind, key, b_key, judged, step_us, describe, share_of_b=False) -> dict:
    a_us, b_us = judged["a_us"], judged["b_us"]
    row = {"kind": kind, "key": key, "b_key": b_key if b_key != key else "", "a_us": round(a_us, 3),
           "b_us": round(b_us, 3), "delta_us": round(b_us - a_us, 3),
           **{k: v for k, v in judged.items() if k not in ("a_us", "b_us")},
           "share_pct": round(100 * (b_us if share_of_b else a_us) / step_us, 2), "type": "", "layer": ""}
    row["a_mean_us"], row["b_mean_us"] = round(row["a_mean_us"], 3), round(row["b_mean_us"], 3)
    if describe:
        row.update(describe(key))
    return row


def _with_calls(rows: list, a, b) -> list:
    calls = {f.name: f.calls for f in a.functions}, {f.name: f.calls for f in b.functions}
    for row in rows:
        a_name = row["key"] if row["verdict"] != "new" else ""
        b_name = row["b_key"] or (row["key"] if row["verdict"] != "gone" else "")
        row["a_calls"], row["b_calls"] = calls[0].get(a_name, 0), calls[1].get(b_name, 0)
    return rows


def _tensorflow_ops(s: RunSamples) -> dict:
    """Ops of TensorFlow (tf.data iterators run across steps: their time is the "input" step part)."""
    return {name: v for name, v in s.ops.items() if getattr(s.op_rows.get(name), "category", "") != "dataset"}


def _describer(sa: RunSamples, sb: RunSamples):
    op_rows = {**sb.op_rows, **sa.op_rows}

    def describe(name):
        op = op_rows.get(name)
        return {"type": op.type if op else "", "layer": (op.layer or {}).get("name", "") if op else ""}

    return describe
