"""When a difference between two runs is a change: it must stand out from run-to-run noise.

A row (step time, step part, tf.function, op) is **slower** or **faster** only when all hold:

- the resampled interval of B/A excludes 1 (not an accident of which steps were recorded);
- its change is at least ``MIN_SHARE`` of A's step time (a change that small does not move
  the step; small ops swing by large factors between runs);
- B/A passes the noise floor ``exp(SPREADS x hypot(noise, ROW_WEIGHT x spread))``, at least
  ``MIN_CHANGE``: ``noise`` is how much separate runs of the same code differ (a prior,
  ``NOISE``, since one run per side cannot measure it; ``tftrace diff --noise``), ``spread``
  how much the row varies from step to step in both runs;
- and, for everything but the step itself, the step time changed (``gate``): a row can only
  explain a change of the step that stands out, and only if its own change is at least
  ``GATE_SHARE`` of the step's. Without the gate, the ~30 rows above 1% of the step give 30
  chances to misread noise in every comparison; with it, a false row needs a false step.

When the machine itself was busier during one run (other processes, the hypervisor's steal:
``Profile.machine``), a note says so and the floor is multiplied by what that can cost:
a run that lost a share ``g`` more of the CPUs' time to others can be up to 1/(1 - g)
slower for reasons outside the code (x1.7 for 42%).

Measured on this 2-core VM (NOTES.md): separate runs of the same Keras fit had step times
x1.72 apart and ops x2.8 (lower quartiles, 66 pairs), so the prior is 20% and the floor
x1.82. On a quiet machine ``--noise 5`` makes it x1.16.
"""

from __future__ import annotations

import math

NOISE = 0.20
SPREADS = 3.0
ROW_WEIGHT = 0.25
MIN_CHANGE = 1.10
MIN_SAMPLES = 3
MIN_SHARE = 0.005
GATE_SHARE = 0.05


MACHINE_NOTE_PCT = 10  # a difference in the machine's load worth a note


def machine_load(a: dict, b: dict, noise: float) -> tuple[float, str]:
    """(factor on the floor for the difference in CPU share others took, note or "")."""
    if not a or not b:
        return 1.0, ""
    taken_a = a.get("others_pct", 0.0) + a.get("steal_pct", 0.0)
    taken_b = b.get("others_pct", 0.0) + b.get("steal_pct", 0.0)
    gap = abs(taken_a - taken_b)
    if gap < MACHINE_NOTE_PCT:
        return 1.0, ""
    load = 1 / (1 - min(gap, 90.0) / 100)
    busier, calmer = ("B", "A") if taken_b > taken_a else ("A", "B")
    return load, (
        f"While {busier} ran, other processes and the hypervisor took {max(taken_a, taken_b):.0f}% of the CPUs' time "
        f"({calmer}: {min(taken_a, taken_b):.0f}%): that alone can make a run up to x{load:.2f} slower, so a change "
        f"must pass x{noise_floor(0.0, noise, load):.2f} here.")


def noise_floor(spread: float, noise: float = NOISE, load: float = 1.0) -> float:
    return max(MIN_CHANGE, math.exp(SPREADS * math.hypot(noise, ROW_WEIGHT * spread))) * load


def judge(ratio, low, high, spread: float, n_a: int, n_b: int, delta_share: float = 1.0,
          noise: float = NOISE, load: float = 1.0) -> tuple[str, str]:
    """(verdict, note) of a row present in both runs: slower | faster | same. ``delta_share``: the
    change per step over A's step time."""
    if ratio is None:
        return "same", "no time in A's typical step (it ran in under a quarter of the steps)"
    if min(n_a, n_b) < MIN_SAMPLES:
        return "same", f"too few samples to tell a change from noise (A {n_a}, B {n_b}; try --repeat)"
    floor = noise_floor(spread, noise, load)
    off_one = (low is not None and low > 1) or (high is not None and high < 1)
    if abs(delta_share) < MIN_SHARE:
        return "same", f"change under {100 * MIN_SHARE:g}% of the step time" if off_one else ""
    if off_one and (ratio >= floor or ratio <= 1 / floor):
        return ("slower" if ratio > 1 else "faster"), ""
    if off_one:
        return "same", f"within run-to-run noise: a change must pass x{floor:.2f}"
    return "same", ""


def gate(row: dict, step: dict) -> None:
    """Turn a row's slower/faster into same when the step time did not change beyond noise, or
    when the row's change is a small part of the step's (see module doc)."""
    if row["verdict"] not in ("slower", "faster"):
        return
    called = f"x{row['ratio']:.2f}"
    if step["verdict"] not in ("slower", "faster"):
        row["verdict"], row["note"] = "same", f"{called}, but the step time did not change beyond noise"
        return
    step_delta_us = abs(step["b_ms"] - step["a_ms"]) * 1e3
    if abs(row["delta_us"]) < GATE_SHARE * step_delta_us:
        row["verdict"] = "same"
        row["note"] = f"{called}, under {100 * GATE_SHARE:g}% of the step's change"
