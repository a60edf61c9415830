"""``tftrace.diff/1`` as text for a terminal: step time first, then the changes, largest first."""

from __future__ import annotations

_VERDICT_WORDS = {"slower": "SLOWER", "faster": "FASTER", "same": "no detectable change", "new": "new", "gone": "gone"}
_KIND = {"op": "op", "function": "tf.function", "category": "step part"}


def duration(us: float, signed: bool = False) -> str:
    """``1.23 ms`` / ``45.6 us``; with ``signed`` a ``+`` or ``-`` in front (``-`` is a minus sign)."""
    sign = ("+" if us > 0 else "\u2212" if us < 0 else "\u00b1") if signed else ("-" if us < 0 else "")
    size = abs(us)
    return f"{sign}{size / 1e3:,.2f} ms" if size >= 1000 else f"{sign}{size:,.1f} us"


def ratio_text(row: dict) -> str:
    if row.get("ratio") is None:
        return row["verdict"] if row["verdict"] in ("new", "gone") else "-"
    text = f"x{row['ratio']:.2f}"
    if row.get("low") is not None:
        text += f" [{row['low']:.2f}-{row['high']:.2f}]"
    return text


def _side(label: str, side: dict) -> str:
    steps = side["steps"]
    aside = [f"{steps[k]} {word}" for k, word in (("warmup", "warm-up"), ("outliers", "outlier")) if steps[k]]
    where = side.get("run_id") or side.get("source") or ""
    return (f"{label} = {side.get('name') or where}{f' ({where})' if where and where != side.get('name') else ''}: "
            f"{steps['used']} of {steps['total']} steps compared" + (f" ({', '.join(aside)} set aside)" if aside else ""))


def _line(row: dict, width: int) -> str:
    name = row["key"] + (f"  -> B: {row['b_key']}" if row.get("b_key") else "")
    if len(name) > width:
        name = "\u2026" + name[-(width - 1):]
    calls = f"  ({row['a_calls']} -> {row['b_calls']} calls)" if row["kind"] == "function" else ""
    return (f"  {_VERDICT_WORDS[row['verdict']][:7]:<7} {_KIND[row['kind']]:<11} {duration(row['a_us']):>11} "
            f"{duration(row['b_us']):>11} {duration(row['delta_us'], signed=True):>12} {ratio_text(row):>22}  "
            f"{name}{calls}" + (f"\n{'':>12}{row['note']}" if row.get("note") else ""))


def to_table(diff: dict, show_all: bool = False, width: int = 90) -> str:
    step = diff["step"]
    lines = ["tftrace diff", "  " + _side("A", diff["a"]), "  " + _side("B", diff["b"]),
             f"step time: A {step['a_ms']:,.3f} ms -> B {step['b_ms']:,.3f} ms  {ratio_text(step)}  "
             f"{_VERDICT_WORDS[step['verdict']]}" + (f" ({step['note']})" if step.get("note") else "")]
    rows = diff["rows"]
    changed = [r for r in rows if r["verdict"] in ("slower", "faster")]
    only = [r for r in rows if r["verdict"] in ("new", "gone")]
    same = [r for r in rows if r["verdict"] == "same"]
    header = (f"  {'verdict':<7} {'what':<11} {'A':>11} {'B':>11} {'change':>12} "
              f"{'B/A [interval]':>22}  name")
    for title, group in (("changes, largest first", changed), ("only in one run", only),
                         ("no detectable change", same if show_all else [])):
        if group:
            lines += ["", f"{title}:", header] + [_line(r, width) for r in group]
    if not changed:
        lines += ["", "no change stands out from run-to-run noise"]
    if same and not show_all:
        lines.append(f"\n{len(same)} rows with no detectable change (--all lists them)")
    lines += [""] + [f"note: {n}" for n in diff.get("notes", [])] + [f"method: {diff['method']['text']}"]
    return "\n".join(lines)
