"""Self time of nested spans on one timeline.

Spans on a thread nest like a call stack. Walked in (start, -duration) order, the
parent of a span is the innermost span still open at its start; self time is
duration minus the durations of direct children. This is XProf's op stack
(begin/end activities).

One deliberate difference: when a child ends at the very picosecond its parent
ends, XProf's stack pops the parent first and drops the child (its time and its
occurrence vanish). Here the child stays a child.
"""

from __future__ import annotations


def in_stack_order(spans: list) -> list:
    """``spans`` as (start, duration, ...) tuples sorted so enclosing spans come first."""
    return sorted(spans, key=_stack_key)


def _stack_key(span):
    return span[0], -span[1]


def parents(spans: list) -> list[int]:
    """Parent position of each span of ``in_stack_order`` spans, -1 for roots.

    A span is open from its start up to, not including, its end; zero-length spans
    never parent anything, they do get a parent.
    """
    out = []
    open_ends: list[int] = []
    open_index: list[int] = []
    for i, span in enumerate(spans):
        start, duration = span[0], span[1]
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
            open_index.pop()
        out.append(open_index[-1] if open_index else -1)
        if duration > 0:
            open_ends.append(start + duration)
            open_index.append(i)
    return out


def self_times(spans: list) -> list[int]:
    """Duration minus direct children's durations (never below zero), per span."""
    own = [span[1] for span in spans]
    for duration, parent in zip(own[:], parents(spans)):
        if parent >= 0:
            own[parent] -= duration
    return [max(t, 0) for t in own]
