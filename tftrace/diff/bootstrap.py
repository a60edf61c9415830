"""The statistic a comparison reads off each row, and intervals for B/A by resampling steps
(numpy; only ``tftrace diff`` pays for importing it).

The statistic is the lower quartile of a row's per-step times. On a shared machine
noise only adds time (another process, a busy core, an op running beside it), so the
quick steps say what the work costs and the slow ones mostly say what the machine was
doing: across 66 pairs of runs of the same Keras fit, per-op B/A reached x71 on the
mean and x2.8 on the lower quartile (NOTES.md). The mean is kept beside it.

Steps are resampled in blocks of consecutive steps (a moving-block bootstrap, blocks of
about n^(1/3) steps: a slow spell of the machine lasts several steps), the same resample
for every row of a run (rows measured in one step vary together), so each row gets
``RESAMPLES`` ratios and its interval is their ``CONFIDENCE`` percentile range. The seed
is fixed: the same two runs always give the same intervals.
"""

from __future__ import annotations

import numpy as np

QUANTILE = 25
RESAMPLES = 1000
CONFIDENCE = 0.99
_SEED = 20261130
_CHUNK = 4_000_000  # numbers resampled at once


def block_length(n: int) -> int:
    return max(1, round(n ** (1 / 3)))


def statistic(values) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), QUANTILE)) if len(values) else 0.0


def _resample_indices(n: int, rng) -> np.ndarray:
    """RESAMPLES x n step indices: ceil(n / b) blocks of b consecutive steps (wrapping), cut to n."""
    b = block_length(n)
    starts = rng.integers(0, n, size=(RESAMPLES, -(-n // b)))
    return ((starts[:, :, None] + np.arange(b)) % n).reshape(RESAMPLES, -1)[:, :n]


def _resampled(x: np.ndarray, rng) -> np.ndarray:
    """rows x RESAMPLES: each row's statistic over the resamples of its steps (columns)."""
    index = _resample_indices(x.shape[1], rng)
    rows = max(1, _CHUNK // index.size)
    return np.concatenate([np.percentile(x[i:i + rows][:, index], QUANTILE, axis=2)
                           for i in range(0, len(x), rows)])


def ratio_intervals(a: list, b: list) -> list:
    """[(ratio, low, high)] per row of ``a`` and ``b`` (rows x steps of each run; same rows).
    A row whose A statistic is zero has ratio None; one-step runs get no interval (None, None)."""
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if xa.ndim != 2 or not len(xa):
        return []
    stat_a, stat_b = np.percentile(xa, QUANTILE, axis=1), np.percentile(xb, QUANTILE, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(stat_a > 0, stat_b / stat_a, np.nan)
        if xa.shape[1] < 2 or xb.shape[1] < 2:
            low = high = np.full(len(xa), np.nan)
        else:
            rng = np.random.default_rng(_SEED)
            resampled = _resampled(xb, rng) / _resampled(xa, rng)
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
