"""When a difference between two runs is a change: it must stand out from run-to-run noise.

Two conditions, both needed (the asv benchmark tool's rule, with a noise floor per row):
- the resampled interval of B/A excludes 1 (the difference is not an accident of which
  steps happened to be recorded);
- the change per step is at least ``MIN_SHARE`` of A's step time (smaller ops swing by
  large factors between runs: a ReadVariableOp of 0.4 us took 23 us per step in one A/A
  run, and a change that size does not move the step);
- B/A passes the row's noise floor: ``exp(NOISE_SPREADS x spread)``, at least
  ``MIN_CHANGE``, where ``spread`` combines how much the row varies from step to step in
  each run. Runs of the same code in separate processes differ by more than their steps'
  sampling error (machine load, thread placement); on the test workload A/A differences
  reached 2.3 spreads (NOTES.md), so a change must pass 2.5.
"""

from __future__ import annotations

import math

NOISE_SPREADS = 2.5
MIN_CHANGE = 1.10
MIN_SAMPLES = 3
MIN_SHARE = 0.005


def noise_floor(spread: float) -> float:
    return max(MIN_CHANGE, math.exp(NOISE_SPREADS * spread))


def judge(ratio, low, high, spread: float, n_a: int, n_b: int, delta_share: float = 1.0) -> tuple[str, str]:
    """(verdict, note) of a row present in both runs: slower | faster | same. ``delta_share``: the
    change per step over A's step time."""
    if ratio is None:
        return "same", "no time in A's steps"
    if min(n_a, n_b) < MIN_SAMPLES:
        return "same", f"too few samples to tell a change from noise (A {n_a}, B {n_b}; try --repeat)"
    floor = noise_floor(spread)
    if abs(delta_share) < MIN_SHARE:
        return "same", "" if low is None or low <= 1 <= high else f"change under {100 * MIN_SHARE:g}% of the step time"
    if low is not None and low > 1 and ratio >= floor:
        return "slower", ""
    if high is not None and high < 1 and ratio <= 1 / floor:
        return "faster", ""
    if low is not None and (low > 1 or high < 1):
        return "same", (f"within run-to-run noise: varies ±{100 * spread:.0f}% from step to step, "
                        f"a change must pass ×{floor:.2f}")
    return "same", ""
