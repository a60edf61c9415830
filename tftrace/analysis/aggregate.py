"""Group per-event columns by a key and sum them: the one reduction every table uses."""

from __future__ import annotations

import numpy as np


def group_sum(keys: np.ndarray, *columns: np.ndarray):
    """Unique keys, their counts, and each column summed per key (float64)."""
    if len(keys) == 0:
        return keys, np.zeros(0, np.int64), *[np.zeros(0) for _ in columns]
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    sums = [np.bincount(inverse, weights=c, minlength=len(unique)) for c in columns]
    return unique, counts, *sums


def group_min_max(keys: np.ndarray, values: np.ndarray):
    """Per unique key (sorted as np.unique sorts them): min and max of ``values``."""
    unique, inverse = np.unique(keys, return_inverse=True)
    lo = np.full(len(unique), np.inf)
    hi = np.full(len(unique), -np.inf)
    np.minimum.at(lo, inverse, values)
    np.maximum.at(hi, inverse, values)
    return lo, hi


def accumulate(rows: dict, key, make, **add) -> None:
    """Add ``add``'s fields into ``rows[key]``, creating it with ``make()`` the first time."""
    row = rows.get(key)
    if row is None:
        rows[key] = make()
        return
    for name, value in add.items():
        setattr(row, name, getattr(row, name) + value)


def ps_to_us(value):
    return np.asarray(value, dtype=np.float64) / 1e6
