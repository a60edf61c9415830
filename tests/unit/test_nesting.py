"""Self time of nested spans: the stack walk against a brute-force definition."""

import random

from tftrace.analysis import nesting


def brute_force_self_times(spans):
    """Reference, O(n^2): a span's parent is the latest earlier span (in stack order)
    with positive duration whose [start, end) holds the span's start."""
    own = [d for _, d in spans]
    for i, (start, duration) in enumerate(spans):
        enclosing = [j for j in range(i) if spans[j][1] > 0 and spans[j][0] <= start < sum(spans[j])]
        if enclosing:
            own[enclosing[-1]] -= duration
    return [max(t, 0) for t in own]


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


def test_matches_brute_force_on_random_trees():
    rng = random.Random(7)
    for _ in range(300):
        spans = random_nested_spans(rng)
        rng.shuffle(spans)
        ordered = nesting.in_stack_order(spans)
        assert nesting.self_times(ordered) == brute_force_self_times(ordered)


def test_child_ending_with_parent_stays_a_child():
    # XProf's stack drops such a child; we subtract it from the parent.
    assert nesting.self_times([(0, 10), (5, 5)]) == [5, 5]


def test_same_start_longer_span_is_the_parent():
    ordered = nesting.in_stack_order([(3, 2), (3, 9), (3, 0)])
    assert [d for _, d in ordered] == [9, 2, 0]
    assert nesting.parents(ordered) == [-1, 0, 1]


def test_back_to_back_spans_are_siblings():
    assert nesting.parents([(0, 10), (10, 10), (20, 0)]) == [-1, -1, -1]


def test_extra_fields_ride_along():
    ordered = nesting.in_stack_order([(5, 1, "inner"), (0, 10, "outer")])
    assert [s[2] for s in ordered] == ["outer", "inner"]
    assert nesting.self_times(ordered) == [9, 1]
