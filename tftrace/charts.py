"""Static pictures where a picture serves: a matplotlib bar chart of the top ops (PNG, base64)."""

from __future__ import annotations

import base64
import io


def top_ops_png(profile, n: int = 12) -> str | None:
    ops = profile.top_ops(n)
    if not ops:
        return None
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 0.32 * len(ops) + 0.9), dpi=96)
    ax = fig.add_subplot()
    labels = [(op.name if len(op.name) <= 48 else "…" + op.name[-47:]) for op in reversed(ops)]
    colors = ["#d9822b" if op.device.startswith("/device:GPU") else "#4a7fb5" for op in reversed(ops)]
    ax.barh(range(len(ops)), [op.self_us / 1e3 for op in reversed(ops)], color=colors)
    ax.set_yticks(range(len(ops)), labels, fontsize=7)
    ax.set_xlabel("self time (ms)")
    ax.set_title("Top ops by self time", fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
