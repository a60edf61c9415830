"""Static pictures where a picture serves: a matplotlib bar chart of the top ops (PNG, base64).

The picture has to read on every theme the views follow, and a PNG cannot ask which one
is on. So it is drawn for inversion: a transparent background, all text and axes in one
near-black ink, bars in the device hues (CPU blue, GPU orange). On light themes it shows
as drawn; on dark themes the views' stylesheet turns it over (``filter: invert(1)
hue-rotate(180deg)``: ink becomes near-white on the dark background, the bars keep their
hues), so the text holds the contrast of ink on background in both.
"""

from __future__ import annotations

import base64
import io

INK = "#1b1f24"
CPU = "#4a7fb5"
GPU = "#d9822b"


def top_ops_png(profile, n: int = 12) -> str | None:
    ops = profile.top_ops(n)
    if not ops:
        return None
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 0.32 * len(ops) + 0.9), dpi=96)
    fig.patch.set_alpha(0)
    ax = fig.add_subplot()
    ax.set_facecolor("none")
    labels = [(op.name if len(op.name) <= 48 else "…" + op.name[-47:]) for op in reversed(ops)]
    colors = [GPU if op.device.startswith("/device:GPU") else CPU for op in reversed(ops)]
    ax.barh(range(len(ops)), [op.self_us / 1e3 for op in reversed(ops)], color=colors)
    ax.set_yticks(range(len(ops)), labels, fontsize=7, color=INK)
    ax.tick_params(colors=INK, labelcolor=INK)
    for spine in ax.spines.values():
        spine.set_color(INK)
    ax.set_xlabel("self time (ms)", color=INK)
    ax.set_title("Top ops by self time", fontsize=9, color=INK)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", transparent=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
