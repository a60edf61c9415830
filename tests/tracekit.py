"""Run a function under a tftrace trace (not stored) and return its Profile."""

from __future__ import annotations


def traced(fn, python: bool = False):
    import tftrace

    with tftrace.trace(store=False, python=python) as t:
        fn()
    return t.profile
