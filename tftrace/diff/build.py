"""Two runs -> ``tftrace.diff/1``: step time, step parts, tf.functions and ops, each with
B/A, its interval and a verdict (see DESIGN.md for the contract)."""

from __future__ import annotations

from . import bootstrap
from .match import pair
from .samples import RunSamples, run_samples
from .verdict import MIN_CHANGE, NOISE_SPREADS, judge

SCHEMA = "tftrace.diff/1"
_ORDER = {"slower": 0, "faster": 0, "new": 1, "gone": 1, "same": 2}


def diff(a, b, a_id: str = "", b_id: str = "") -> dict:
    """Compare Profile ``a`` (before) with Profile ``b`` (after)."""
    sa, sb = run_samples(a, a_id), run_samples(b, b_id)
    step_a = sa.step_us or 1.0
    rows = _category_rows(sa, sb, step_a) + _function_rows(sa, sb, a, b, step_a) + _op_rows(sa, sb, step_a)
    rows.sort(key=lambda r: (_ORDER[r["verdict"]], -abs(r["delta_us"])))
    return {"schema": SCHEMA, "a": _side(a, sa), "b": _side(b, sb), "method": _method(),
            "step": _step(sa, sb), "rows": rows, "notes": [n for n in (sa.note, sb.note) if n]}


def _side(profile, s: RunSamples) -> dict:
    summary = profile.step_summary or {}
    return {"name": profile.name, "run_id": s.run_id, "source": profile.source, "created": profile.created,
            "step_source": summary.get("source", "none"), "step_function": summary.get("function", ""),
            "steps": {"total": len(s.walls_us), "used": len(s.used), "warmup": len(s.warmup),
                      "outliers": len(s.outliers)}}


def _method() -> dict:
    confidence = bootstrap.CONFIDENCE
    return {"statistic": "mean per step", "resamples": bootstrap.RESAMPLES, "confidence": confidence,
            "noise_spreads": NOISE_SPREADS, "min_change": MIN_CHANGE,
            "text": (f"Mean per step (tf.functions: per call) over the steps compared; B/A with its "
                     f"{100 * confidence:.0f}% interval from {bootstrap.RESAMPLES:,} resamples of the steps. "
                     f"A change must exclude 1 and pass {NOISE_SPREADS}x the row's step-to-step spread "
                     f"(at least x{MIN_CHANGE:.2f}), the noise seen between runs of the same code.")}


def _step(sa: RunSamples, sb: RunSamples) -> dict:
    walls_a, walls_b = sa.used_values(sa.walls_us), sb.used_values(sb.walls_us)
    row = _judged([walls_a], [walls_b])[0]
    ms = lambda values: [round(v / 1e3, 4) for v in values]  # noqa: E731
    return {"a_ms": round(sa.step_us / 1e3, 4), "b_ms": round(sb.step_us / 1e3, 4), **row,
            "a_samples_ms": ms(walls_a), "b_samples_ms": ms(walls_b),
            "a_warmup_ms": ms(sa.walls_us[i] for i in sa.warmup), "b_warmup_ms": ms(sb.walls_us[i] for i in sb.warmup),
            "a_outliers_ms": ms(sa.walls_us[i] for i in sa.outliers),
            "b_outliers_ms": ms(sb.walls_us[i] for i in sb.outliers)}


def _judged(a_rows: list, b_rows: list, step_us: float = 0.0) -> list:
    """[{ratio, low, high, verdict, note}] for rows sampled in both runs (lists of samples);
    ``step_us``: A's step time, to weigh each change by (0: the rows are the step itself)."""
    out = []
    for xa, xb, (ratio, low, high) in zip(a_rows, b_rows, bootstrap.ratio_intervals(a_rows, b_rows) if a_rows else []):
        spread = (bootstrap.dispersion(xa) ** 2 + bootstrap.dispersion(xb) ** 2) ** 0.5
        share = (_mean(xb) - _mean(xa)) / step_us if step_us else 1.0
        verdict, note = judge(ratio, low, high, spread, len(xa), len(xb), share)
        out.append({"ratio": _round(ratio), "low": _round(low), "high": _round(high), "verdict": verdict,
                    "note": note})
    return out


def _round(value):
    return None if value is None else round(value, 4)


def _rows(kind: str, sa: RunSamples, sb: RunSamples, a_samples: dict, b_samples: dict, step_a: float,
          per_step: bool = True, describe=None) -> list:
    """Rows of one kind: matched names judged on their samples, then what only one run has."""
    pairs, gone, new = pair(list(a_samples), list(b_samples))
    pick = (lambda s, x: s.used_values(x)) if per_step else (lambda s, x: x)
    xa = [pick(sa, a_samples[a]) for a, _ in pairs]
    xb = [pick(sb, b_samples[b]) for _, b in pairs]
    if not per_step:  # per-call samples differ in length: judge one row at a time
        judged = [_judged([x], [y], step_a)[0] for x, y in zip(xa, xb)]
    else:
        judged = _judged(xa, xb, step_a)
    out = []
    for (a, b), x, y, j in zip(pairs, xa, xb, judged):
        a_us, b_us = _mean(x), _mean(y)
        if a_us or b_us:
            out.append(_row(kind, a, b, a_us, b_us, j, step_a, describe))
    for a in gone:
        a_us = _mean(pick(sa, a_samples[a]))
        if a_us:
            out.append(_row(kind, a, "", a_us, 0.0, _only("gone", "only in A"), step_a, describe))
    step_b = sb.step_us or 1.0
    for b in new:
        b_us = _mean(pick(sb, b_samples[b]))
        if b_us:
            out.append(_row(kind, b, "", 0.0, b_us, _only("new", "only in B"), step_b, describe, share_of_b=True))
    return out


def _only(verdict: str, note: str) -> dict:
    return {"ratio": None, "low": None, "high": None, "verdict": verdict, "note": note}


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def _row(kind, key, b_key, a_us, b_us, judged, step_us, describe, share_of_b=False) -> dict:
    row = {"kind": kind, "key": key, "b_key": b_key if b_key != key else "", "a_us": round(a_us, 3),
           "b_us": round(b_us, 3), "delta_us": round(b_us - a_us, 3), **judged,
           "share_pct": round(100 * (b_us if share_of_b else a_us) / step_us, 2), "type": "", "layer": ""}
    if describe:
        row.update(describe(key))
    return row


def _category_rows(sa, sb, step_a) -> list:
    return _rows("category", sa, sb, sa.categories, sb.categories, step_a)


def _function_rows(sa, sb, a, b, step_a) -> list:
    calls = {f.name: f.calls for f in a.functions}, {f.name: f.calls for f in b.functions}
    rows = _rows("function", sa, sb, sa.calls, sb.calls, step_a, per_step=False)
    for row in rows:
        a_name = row["key"] if row["verdict"] != "new" else ""
        b_name = row["b_key"] or (row["key"] if row["verdict"] != "gone" else "")
        row["a_calls"], row["b_calls"] = calls[0].get(a_name, 0), calls[1].get(b_name, 0)
    return rows


def _op_rows(sa, sb, step_a) -> list:
    """Ops of TensorFlow (tf.data iterators run across steps: their time is the "input" step part)."""
    def tensorflow_ops(s):
        return {name: v for name, v in s.ops.items() if getattr(s.op_rows.get(name), "category", "") != "dataset"}

    op_rows = {**sb.op_rows, **sa.op_rows}

    def describe(name):
        op = op_rows.get(name)
        layer = (op.layer or {}).get("name", "") if op else ""
        return {"type": op.type if op else "", "layer": layer}

    return _rows("op", sa, sb, tensorflow_ops(sa), tensorflow_ops(sb), step_a, describe=describe)
