"""Self time of nested spans on one timeline, vectorized.

Spans on a thread nest like a call stack. For spans sorted by (start, -end), the
parent of span i is the latest earlier span still open at i's start; self time is
duration minus the durations of direct children. This is XProf's op stack
(begin/end activities) computed with numpy: depth from counts of
ended spans, then, level by level, the nearest earlier span one level up.

One deliberate difference: when a child ends at the very picosecond its parent
ends, XProf's stack pops the parent first and drops the child (its time and its
occurrence vanish). Here the child stays a child.
"""

from __future__ import annotations

import numpy as np


def sort_order(start: np.ndarray, duration: np.ndarray) -> np.ndarray:
    """Indices that sort spans by start, enclosing spans before the spans they enclose."""
    return np.lexsort((-duration, start))


def parents(start: np.ndarray, duration: np.ndarray) -> np.ndarray:
    """Parent index of each span (in the given order, which must be ``sort_order``), -1 for roots.

    Zero-length spans never parent anything; they do get a parent.
    """
    n = len(start)
    parent = np.full(n, -1, np.int64)
    if n == 0:
        return parent
    end = start + duration
    positive = duration > 0
    ends_sorted = np.sort(end[positive])
    pos_index = np.flatnonzero(positive)
    # open spans at i's start = positive spans up to i in sort order, less those already ended
    started = np.cumsum(positive)
    ended = np.searchsorted(ends_sorted, start, side="right")
    depth = started - ended - positive.astype(np.int64)
    for level in range(1, int(depth.max(initial=0)) + 1):
        children = np.flatnonzero(depth == level)
        candidates = pos_index[depth[pos_index] == level - 1]
        if len(candidates) == 0 or len(children) == 0:
            continue
        slot = np.searchsorted(candidates, children, side="left") - 1
        ok = slot >= 0
        parent[children[ok]] = candidates[slot[ok]]
    return parent


def self_times(start: np.ndarray, duration: np.ndarray, parent: np.ndarray | None = None) -> np.ndarray:
    """Duration minus direct children's durations (never below zero); spans in sort order."""
    if parent is None:
        parent = parents(start, duration)
    has_parent = parent >= 0
    children = np.bincount(parent[has_parent], weights=duration[has_parent], minlength=len(start))
    return np.maximum(duration - children.astype(np.int64), 0)
