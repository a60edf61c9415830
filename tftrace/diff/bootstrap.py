"""Intervals for B/A by resampling steps (numpy; only ``tftrace diff`` pays for importing it).

Each row is a ratio of means (B's mean per step over A's). Steps are resampled in
blocks of consecutive steps (a moving-block bootstrap, blocks of about n^(1/3) steps:
a slow spell of the machine lasts several steps, and resampling single steps would
take it for independent luck), the same resample for every row of a run (rows
measured in one step vary together), so each row gets ``RESAMPLES`` ratios and its
interval is their ``CONFIDENCE`` percentile range. The seed is fixed: the same two
runs always give the same intervals.
"""

from __future__ import annotations

import numpy as np

RESAMPLES = 2000
CONFIDENCE = 0.99
_SEED = 20261130


def block_length(n: int) -> int:
    return max(1, round(n ** (1 / 3)))


def _resampled_means(x: np.ndarray, rng) -> np.ndarray:
    """rows x RESAMPLES: each row's mean over RESAMPLES block resamples of its steps (columns).
    Blocks wrap around the end; a resample draws ceil(n / b) block starts."""
    n = x.shape[1]
    b = block_length(n)
    blocks = sum(np.roll(x, -k, axis=1) for k in range(b))  # blocks[:, s] = sum of steps s .. s+b-1
    draws = -(-n // b)
    counts = rng.multinomial(draws, np.full(n, 1.0 / n), size=RESAMPLES)  # RESAMPLES x n block starts
    return (blocks @ counts.T) / (draws * b)


def ratio_intervals(a: list, b: list) -> list:
    """[(ratio, low, high)] per row of ``a`` and ``b`` (rows x steps of each run; same rows).
    A row whose A mean is zero has ratio None; one-step runs get no interval (None, None)."""
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if xa.ndim != 2 or not len(xa):
        return []
    mean_a, mean_b = xa.mean(axis=1), xb.mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(mean_a > 0, mean_b / mean_a, np.nan)
        if xa.shape[1] < 2 or xb.shape[1] < 2:
            low = high = np.full(len(xa), np.nan)
        else:
            rng = np.random.default_rng(_SEED)
            resampled = _resampled_means(xb, rng) / _resampled_means(xa, rng)
            tail = 50 * (1 - CONFIDENCE)
            low, high = np.nanpercentile(np.where(np.isfinite(resampled), resampled, np.inf), [tail, 100 - tail],
                                         axis=1)
    return [tuple(None if not np.isfinite(v) else float(v) for v in row) for row in zip(ratio, low, high)]


def dispersion(values: list) -> float:
    """How much a row varies from step to step, relative to its size: the median absolute
    deviation over the median (scaled to a standard deviation), or std/mean when the median is 0."""
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        return 0.0
    mid = float(np.median(x))
    if mid > 0:
        return 1.4826 * float(np.median(np.abs(x - mid))) / mid
    mean = float(x.mean())
    return float(x.std()) / mean if mean > 0 else 0.0
