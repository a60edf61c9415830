"""Compare two runs: per-op and per-function differences, largest change first."""

from __future__ import annotations

SCHEMA = "tftrace.compare/1"


def _by_key(rows, key, value):
    out: dict = {}
    for row in rows:
        k = key(row)
        out[k] = out.get(k, 0.0) + value(row)
    return out


def _diff(a: dict, b: dict, limit: int) -> list[dict]:
    rows = []
    for key in set(a) | set(b):
        before, after = a.get(key, 0.0), b.get(key, 0.0)
        rows.append({"key": list(key) if isinstance(key, tuple) else key, "a_us": round(before, 3),
                     "b_us": round(after, 3), "delta_us": round(after - before, 3),
                     "ratio": round(after / before, 4) if before else None})
    rows.sort(key=lambda r: -abs(r["delta_us"]))
    return rows[:limit]


def compare(a, b, limit: int = 500) -> dict:
    """{schema, a, b, totals, ops: [...], functions: [...]}; ops keyed by (name, type, device, mode)."""
    op_key = lambda op: (op.name, op.type, op.device, op.mode)  # noqa: E731
    ops_a = _by_key(a.ops, op_key, lambda op: op.self_us)
    ops_b = _by_key(b.ops, op_key, lambda op: op.self_us)
    fn_a = _by_key(a.functions, lambda f: f.name, lambda f: f.total_us)
    fn_b = _by_key(b.functions, lambda f: f.name, lambda f: f.total_us)
    return {
        "schema": SCHEMA,
        "a": {"name": a.name, "source": a.source, "created": a.created, "event_count": a.event_count},
        "b": {"name": b.name, "source": b.source, "created": b.created, "event_count": b.event_count},
        "totals": {"a_self_us": round(sum(ops_a.values()), 3), "b_self_us": round(sum(ops_b.values()), 3)},
        "ops": _diff(ops_a, ops_b, limit),
        "functions": _diff(fn_a, fn_b, limit),
    }
