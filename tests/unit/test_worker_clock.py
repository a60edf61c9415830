"""Per-worker analysis on synthetic collectives whose answer is known: offsets, pairing, waiting."""

from __future__ import annotations

import random

from tftrace.analysis.workers import clock_offsets, instances, waits

MS = 10**9  # picoseconds


def job(offsets_ms: dict, late_ms: dict, steps: int = 40, period_ms: float = 50.0, jitter_ps: int = 20_000_000):
    """{host: {op: [(start, end)]}} in each host's own clock: every step's collective ends at the same true
    instant (+-jitter) on every worker; a worker starts it late_ms after the first."""
    rng = random.Random(7)
    out = {}
    for host, offset in offsets_ms.items():
        events = []
        for k in range(steps):
            true_end = int((k + 1) * period_ms * MS)
            start = true_end - int((30 - late_ms.get(host, 0)) * MS)
            end = true_end + rng.randint(-jitter_ps, jitter_ps)
            shift = int(offset * MS)  # this host's clock runs ``offset`` ahead of the true one
            events.append((start + shift, end + shift))
        out[host] = {"sgd/CollectiveReduceV2": events}
    return out


def test_offsets_recovered_within_the_jitter_even_from_a_wrong_first_guess():
    offsets = {"a": 0.0, "b": 5.0, "c": -33.0}  # c's is almost half a step: pairing must not slip
    events = job(offsets, {"c": 20})
    starts = {"a": 1_000_000_000, "b": 1_000_000_000 + 7_000_000, "c": 1_000_000_000 - 31_000_000}  # ns, off by 2 ms
    clock = clock_offsets(events, starts)
    for host, offset in offsets.items():
        assert abs(clock["offsets_ps"][host] + offset * MS) < 0.05 * MS, (host, clock["offsets_ps"])
    assert clock["pairs"]["b"] == 40 and clock["pairs"]["c"] == 40


def test_waiting_is_the_time_until_the_last_worker_started():
    offsets = {"a": 0.0, "b": 5.0, "c": -3.0}
    events = job(offsets, {"c": 20})
    clock = clock_offsets(events, {})
    found = instances(events, clock["offsets_ps"])
    assert len(found) == 40
    w = waits(found, list(events))
    assert w["c"]["last"] == 40 and w["a"]["last"] == 0 and w["b"]["last"] == 0
    assert w["c"]["waiting_ps"] < 40 * 0.1 * MS
    for host in ("a", "b"):  # 20 ms a step, give or take the clock estimate
        assert abs(w[host]["waiting_ps"] - 40 * 20 * MS) < 40 * 0.1 * MS, w[host]
        assert abs(w[host]["collective_ps"] - 40 * 30 * MS) < 40 * 0.1 * MS


def test_a_worker_without_collectives_keeps_its_session_guess():
    events = job({"a": 0.0}, {})
    events["b"] = {}
    clock = clock_offsets(events, {"a": 5_000_000, "b": 2_000_000})
    assert clock["offsets_ps"]["b"] == 3_000_000 * 1000 and clock["spread_ps"]["b"] is None and clock["pairs"]["b"] == 0
