"""Self time of nested spans: the vectorized computation against a plain stack walk."""

import random

import numpy as np

from tftrace.analysis import nesting


def stack_self_times(spans):
    """Reference: walk spans in start order with an explicit stack of open spans."""
    stack, children = [], [0] * len(spans)
    for i, (start, duration) in enumerate(spans):
        while stack and sum(spans[stack[-1]]) <= start:
            stack.pop()
        if stack:
            children[stack[-1]] += duration
        if duration > 0:
            stack.append(i)
    return [d - c for (_, d), c in zip(spans, children)]


def random_nested_spans(rng):
    spans = []

    def fill(lo, hi, depth):
        t = lo
        while t < hi and rng.random() < 0.8:
            start = t + rng.randint(0, 5)
            duration = rng.randint(0, max(0, min(20, hi - start)))
            if start + duration > hi:
                break
            spans.append((start, duration))
            if depth < 4 and duration > 2:
                fill(start, start + duration, depth + 1)
            t = start + duration

    fill(0, 300, 0)
    return spans


def test_matches_stack_walk_on_random_trees():
    rng = random.Random(7)
    for _ in range(500):
        spans = random_nested_spans(rng)
        start = np.array([s for s, _ in spans], np.int64)
        duration = np.array([d for _, d in spans], np.int64)
        order = nesting.sort_order(start, duration)
        start, duration = start[order], duration[order]
        expected = stack_self_times(list(zip(start.tolist(), duration.tolist())))
        assert nesting.self_times(start, duration).tolist() == expected


def test_child_ending_with_parent_stays_a_child():
    # XProf's stack drops such a child; we subtract it from the parent.
    start = np.array([0, 5], np.int64)
    duration = np.array([10, 5], np.int64)
    assert nesting.self_times(start, duration).tolist() == [5, 5]


def test_same_start_longer_span_is_the_parent():
    start = np.array([3, 3, 3], np.int64)
    duration = np.array([2, 9, 0], np.int64)
    order = nesting.sort_order(start, duration)
    assert duration[order].tolist() == [9, 2, 0]
    assert nesting.parents(start[order], duration[order]).tolist() == [-1, 0, 1]


def test_back_to_back_spans_are_siblings():
    start = np.array([0, 10, 20], np.int64)
    duration = np.array([10, 10, 0], np.int64)
    assert nesting.parents(start, duration).tolist() == [-1, -1, -1]
