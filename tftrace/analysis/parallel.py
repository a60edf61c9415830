"""Run independent pieces of work in forked worker processes, results in input order.

The command line analyses a profile and exits, so it can fork: each worker inherits
the parsed XSpace (no copy, no serialization on the way in) and sends back only its
partial results, which must be plain data (``marshal``: numbers, strings, tuples,
lists, dicts; faster than pickle and nothing to import).

A notebook kernel never forks (TensorFlow's threads make ``fork`` unsafe there):
``processes=1`` runs everything in-process. A worker that fails or dies costs
nothing but time: its share is redone in the calling process, where any error is
raised the ordinary way.
"""

from __future__ import annotations

import marshal
import os

# Below this much work (weights are estimated microseconds) a fork, a few ms, costs
# more than it saves.
MIN_PARALLEL_WEIGHT = 15_000


def map_balanced(fn, items: list, weights: list[int], processes: int = 1) -> list:
    """``[fn(x) for x in items]``, shared among ``processes`` processes by weight."""
    if processes <= 1 or len(items) < 2 or sum(weights) < MIN_PARALLEL_WEIGHT or not hasattr(os, "fork"):
        return [fn(x) for x in items]
    shares = balance(weights, processes)
    children = [_spawn(fn, items, share) for share in shares[1:] if share]
    results: list = [None] * len(items)
    try:
        for i in shares[0]:
            results[i] = fn(items[i])
    finally:
        gathered = [_gather(child) for child in children]
    for (pid, _, share), values in zip(children, gathered):
        for i, value in zip(share, values if values is not None else [fn(items[i]) for i in share]):
            results[i] = value
    return results


def balance(weights: list[int], count: int) -> list[list[int]]:
    """Indices split into ``count`` shares of about equal weight (heaviest first to the lightest share)."""
    shares: list[list[int]] = [[] for _ in range(count)]
    loads = [0] * count
    for i in sorted(range(len(weights)), key=lambda i: -weights[i]):
        lightest = loads.index(min(loads))
        shares[lightest].append(i)
        loads[lightest] += weights[i]
    return [sorted(share) for share in shares]


def _spawn(fn, items, share):
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: compute, send, leave without running any exit handler
        os.close(read_end)
        status = 1
        try:
            data = marshal.dumps([fn(items[i]) for i in share])
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end, share


def _gather(child):
    """The worker's results, or None if it failed (nothing, or cut-off data, arrived).

    The worker is not waited for: unmapping its copy of the parent's memory takes a
    few ms after its results are sent. It is reaped later (``_reap``).
    """
    pid, read_end, _ = child
    with os.fdopen(read_end, "rb") as f:
        data = f.read()
    _EXITING.append(pid)
    _reap()
    try:
        return marshal.loads(data) if data else None
    except (EOFError, ValueError, TypeError):
        return None


_EXITING: list[int] = []


def _reap() -> None:
    """Collect the workers that have exited (never blocks)."""
    for pid in list(_EXITING):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _EXITING.remove(pid)
