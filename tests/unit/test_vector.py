"""The numpy passes (``analysis.vector``, where numpy is already imported: a notebook kernel) give
the Python passes' numbers to the picosecond: self times, busy intervals, the step breakdown,
per-step op samples, call-site op times, whole Profiles; and a lazy line read in chunks reads what
a whole parse reads."""

from __future__ import annotations

import random

import numpy as np
import pytest

from tftrace.analysis import analyze, nesting, parse, vector, xplane_pb, xspace
from tftrace.analysis.busy import merge
from tftrace.analysis.steps import PRIORITY, breakdown
from tftrace.stats import stats_dict


@pytest.fixture
def python_passes(monkeypatch):
    monkeypatch.setattr(vector, "ENABLED", False)


# ---- the op stack

def random_spans(rng, n=300, overlap=0.1):
    """Nested spans, some partial overlaps, zero lengths, equal starts and equal spans, shuffled."""
    spans, t = [], 0
    while len(spans) < n:
        t += rng.randint(0, 8)
        depth_end = [t + rng.randint(0, 60)]
        spans.append((t, depth_end[0] - t))
        for _ in range(rng.randint(0, 6)):
            start = rng.randint(t, depth_end[-1])
            end = rng.randint(start, depth_end[-1]) if rng.random() > overlap else start + rng.randint(0, 80)
            spans.append((start, end - start))
            if rng.random() < 0.2:
                spans.append((start, end - start))  # the same span twice
    rng.shuffle(spans)
    return spans


def test_parents_and_self_times_are_the_op_stacks():
    rng = random.Random(3)
    for case in range(200):
        spans = random_spans(rng, n=rng.randint(1, 400), overlap=0.3 if case % 2 else 0.0)
        ordered = nesting.in_stack_order([(s, d, i) for i, (s, d) in enumerate(spans)])
        start = np.array([s for s, _ in spans], np.int64)
        duration = np.array([d for _, d in spans], np.int64)
        s, d, own, index = vector.stack(np, start, duration, np.arange(len(spans)))
        assert index.tolist() == [i for _, _, i in ordered]
        assert vector.parents(np, s, s + d).tolist() == nesting.parents(ordered)
        assert own.tolist() == nesting.self_times(ordered)


def test_spans_already_in_stack_order_are_not_sorted_again():
    start, duration = np.array([0, 0, 5, 5, 9]), np.array([10, 4, 2, 2, 0])
    assert vector.stack_order(np, start, duration) is None
    assert vector.stack_order(np, start[::-1].copy(), duration[::-1].copy()) is not None


def test_a_long_run_of_siblings_resolves():
    # 100k back-to-back children of one span: pointer jumping, not one round per sibling
    n = 100_000
    start = np.concatenate(([0], np.arange(n) * 10))
    duration = np.concatenate(([10 * n], np.full(n, 10)))
    parent = vector.parents(np, start, start + duration)
    assert parent[0] == -1 and (parent[1:] == 0).all()


# ---- intervals and the step breakdown

def random_intervals(rng, n, span=10_000, longest=60):
    out = []
    for _ in range(n):
        s = rng.randint(0, span)
        out.append((s, s + rng.randint(-2, longest)))  # some empty or negative
    return out


def test_merge_and_union_are_busy_merges(monkeypatch):
    rng = random.Random(5)
    monkeypatch.setattr(vector, "_BLOCKS", 7)
    for case in range(200):
        # every other union is made stretch by stretch of time, as big ones are
        monkeypatch.setattr(vector, "_BLOCKED_FROM", 10 if case % 2 else 1 << 18)
        longest = 60 if case % 4 < 2 else 3000  # some across several stretches
        parts = [random_intervals(rng, rng.randint(0, 300), longest=longest) for _ in range(rng.randint(1, 4))]
        merged = [merge(p) for p in parts]
        arrays = [vector.merge(np, np.array([s for s, _ in p], np.int64), np.array([e for _, e in p], np.int64))
                  for p in parts]
        assert [a.tolist() for a in arrays] == [[list(i) for i in m] for m in merged]
        expected = merge([i for m in merged for i in m])
        assert vector.union(np, arrays).tolist() == [list(i) for i in expected]


def test_intervals_read_as_the_list_they_replace():
    pairs = [(0, 5), (7, 9), (12, 20)]
    held = vector.Intervals(np.array(pairs, np.int64))
    assert held == pairs and list(held) == pairs and held[1] == (7, 9) and held[1:] == pairs[1:]
    assert len(held) == 3 and merge(held + [(4, 8)]) == [(0, 9), (12, 20)]
    assert merge([(4, 8)] + held) == [(0, 9), (12, 20)]


def test_breakdowns_are_the_step_breakdowns(monkeypatch):
    rng = random.Random(11)
    monkeypatch.setattr(vector, "_STEPS_AT_ONCE", 5)
    for _ in range(40):
        busy = {c: merge(random_intervals(rng, rng.randint(0, 200))) for c in rng.sample(PRIORITY, 4)}
        calls = merge(random_intervals(rng, 30))
        steps = sorted((s, s + rng.randint(0, 900)) for s in (rng.randint(0, 10_000) for _ in range(23)))
        tracing = [rng.choice([0, 0, 50, 10_000]) for _ in steps]
        expected = [breakdown(s, e, busy, calls, t) for (s, e), t in zip(steps, tracing)]
        found = vector.breakdowns(np, steps, busy, calls, tracing, PRIORITY)
        assert found == expected
        assert [list(f) for f in found] == [list(e) for e in expected]  # the same order of parts


# ---- lazy lines in chunks

def test_chunks_cut_only_between_events(gpu_fixture, monkeypatch):
    monkeypatch.setattr(xspace, "_CHUNK_BYTES", 2048)
    data = gpu_fixture.read_bytes()
    whole, lazy = parse(data), parse(data, lazy=True)
    some = False
    for plane_w, plane_l in zip(whole.planes, lazy.planes):
        for w, line in zip(plane_w.lines, plane_l.lines):
            some |= len(line._chunks) > 3
            assert [first for _, _, first in line._chunks] == sorted({first for _, _, first in line._chunks})
            assert (w.id, w.name, w.display_name, w.timestamp_ns, len(w)) == \
                   (line.id, line.name, line.display_name, line.timestamp_ns, len(line))
            assert w.columns == line.columns
            backwards = list(range(len(w)))[::-7]
            names = list(plane_w.stat_ids)[:5]
            assert w.select_stats(backwards, names) == line.select_stats(backwards, names)
    assert some


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


@pytest.mark.parametrize("numpy_on", [True, False])
def test_events_not_written_field_by_field_are_read_as_protobuf_reads_them(numpy_on, monkeypatch):
    # GIVEN events with a field repeated (the last one wins), num_occurrences (it clears offset_ps:
    # one oneof), an unknown field, a negative duration, and plain ones, in chunks of a few events
    monkeypatch.setattr(vector, "ENABLED", numpy_on)
    monkeypatch.setattr(xspace, "_CHUNK_BYTES", 64)
    plane = xplane_pb.XPlane(id=1, name="/host:CPU")
    plane.event_metadata[7].CopyFrom(xplane_pb.XEventMetadata(id=7, name="a:MatMul"))
    plane.stat_metadata[1].CopyFrom(xplane_pb.XStatMetadata(id=1, name="s"))
    tails = [b"", bytes([0x18, 42]), bytes([0x28, 2]), bytes([0x08, 7]), bytes([0x48, 1]), b""]
    line = xplane_pb.XLine(id=1, name="t", timestamp_ns=5).SerializeToString()
    for i in range(60):
        event = xplane_pb.XEvent(metadata_id=7 if i % 9 else 3, offset_ps=i * 1000 + 1, duration_ps=-5 if i == 4 else i)
        event.stats.add(metadata_id=1, int64_value=i)
        line += _field(4, event.SerializeToString() + tails[i % len(tails)])
    data = _field(1, plane.SerializeToString() + _field(3, line)) + _field(4, b"h")
    # WHEN read whole by upb and lazily in chunks
    whole, lazy = parse(data), parse(data, lazy=True)
    # THEN the columns and the stats are the same
    assert len(lazy.planes[0].lines[0]._chunks) > 3
    w, c = whole.planes[0].lines[0], lazy.planes[0].lines[0]
    assert w.columns == c.columns and len(w) == len(c) == 60
    assert w.select_stats(range(60), ["s"]) == c.select_stats(range(60), ["s"])


def test_events_carrying_stats_are_found_without_reading_each(gpu_fixture, monkeypatch):
    monkeypatch.setattr(xspace, "_CHUNK_BYTES", 4096)
    data = gpu_fixture.read_bytes()
    whole, lazy = parse(data), parse(data, lazy=True)
    checked = 0
    for plane_w, plane_l in zip(whole.planes, lazy.planes):
        for stat in list(plane_w.stat_ids)[:12]:
            for w, line in zip(plane_w.lines, plane_l.lines):
                expected = [i for i, found in enumerate(w.select_stats(range(len(w)), [stat])) if found]
                found = line.events_with_stats([stat])
                assert found is None or found == expected
                checked += found is not None and len(expected) > 0
    assert checked > 10


def test_a_stat_not_written_as_protobuf_writes_it_is_read_event_by_event(monkeypatch):
    plane = xplane_pb.XPlane(id=1, name="/host:CPU")
    plane.event_metadata[7].CopyFrom(xplane_pb.XEventMetadata(id=7, name="f"))
    plane.stat_metadata[1].CopyFrom(xplane_pb.XStatMetadata(id=1, name="step_num"))
    plane.stat_metadata[2].CopyFrom(xplane_pb.XStatMetadata(id=2, name="other"))
    line = xplane_pb.XLine(id=1, name="python", timestamp_ns=5).SerializeToString()
    stats = [b"", xplane_pb.XStat(metadata_id=1, int64_value=3).SerializeToString(),
             bytes([0x08, 2, 0x20, 1, 0x08, 1])]  # id 2, a value, then id 1: the last id (1) is the one
    for i, stat in enumerate(stats):
        event = xplane_pb.XEvent(metadata_id=7, offset_ps=i + 1, duration_ps=1).SerializeToString()
        line += _field(4, event + (_field(4, stat) if stat else b""))
    data = _field(1, plane.SerializeToString() + _field(3, line)) + _field(4, b"h")
    lazy = parse(data, lazy=True).planes[0].lines[0]
    assert lazy.events_with_stats(["step_num"]) is None  # not sure: every event is read
    assert [bool(f) for f in lazy.select_stats(range(3), ["step_num"])] == [False, True, True]


# ---- whole profiles

def _space(rng, events_per_line=3000):
    """A host plane: a Python thread (tf.function calls, call windows, eager ops over graph ops, GC,
    iterator waits) and executor threads (nested ops, partial overlaps, zero lengths)."""
    names = ["train_function", "tftrace.call", "EagerLocalExecute: MatMul", "EagerLocalExecute: IteratorGetNext",
             "tftrace.gc", "TFE_Py_FastPathExecute_C", "Iterator::Root::Prefetch", "Iterator::Root::Prefetch::Map",
             "IteratorGetNext:IteratorGetNext"] + [f"dense_{i}/MatMul:MatMul" for i in range(12)] + ["Foo", ""]
    plane = xplane_pb.XPlane(id=1, name="/host:CPU")
    for i, name in enumerate(names):
        plane.event_metadata[i + 1].CopyFrom(xplane_pb.XEventMetadata(id=i + 1, name=name))
    for i, stat in enumerate(["tf_function_call", "function", "call", "step_num"]):
        plane.stat_metadata[i + 1].CopyFrom(xplane_pb.XStatMetadata(id=i + 1, name=stat))
    python = plane.lines.add(id=1, name="python", timestamp_ns=1_000)
    t = 0
    for call in range(1, 40):
        t += rng.randint(1000, 5000)
        length = rng.randint(20_000, 60_000)
        ev = python.events.add(metadata_id=1, offset_ps=t, duration_ps=length)
        ev.stats.add(metadata_id=1, str_value="traced-nonXla" if call == 1 else "notTraced-nonXla")
        window = python.events.add(metadata_id=2, offset_ps=t + 10, duration_ps=length - 20)
        window.stats.add(metadata_id=2, str_value="train_function")
        window.stats.add(metadata_id=3, int64_value=call)
        inner = t + 100
        while inner < t + length - 3000:
            kind = rng.choice([3, 4, 5, 6, 7, 9])
            d = rng.randint(0, 2500)
            python.events.add(metadata_id=kind, offset_ps=inner, duration_ps=d)
            if kind == 3 and d > 10:
                python.events.add(metadata_id=10 + rng.randint(0, 11), offset_ps=inner + 2, duration_ps=d // 2)
            inner += d + rng.randint(0, 400)
        t += length
    for n in range(3):
        line = plane.lines.add(id=10 + n, name=f"tf_Compute/{n}", timestamp_ns=1_000 + n)
        spans = random_spans(rng, events_per_line, overlap=0.05)
        spans.sort(key=lambda sd: (sd[0], -sd[1]))
        scale = t // max(s + d for s, d in spans)
        for s, d in spans:
            line.events.add(metadata_id=rng.choice([8, 9, 10, 11, 12, 13, 14, 15, 20, 22, 23]),
                            offset_ps=s * scale, duration_ps=d * scale)
    return xplane_pb.XSpace(planes=[plane], hostnames=["h"]).SerializeToString()


def _compare(a, b):
    assert stats_dict(a) == stats_dict(b)
    assert a.busy == b.busy and a.call_ops == b.call_ops and a.memory == b.memory
    assert a.step_summary == b.step_summary
    assert a.step_ops == b.step_ops and list(a.step_ops) == list(b.step_ops)
    assert a.to_dict() == b.to_dict()


def _both(data, lazy, **kw):
    out = []
    for on in (False, True):
        vector.ENABLED = on
        try:
            out.append(analyze({"h": parse(data, lazy=lazy)}, **kw))
        finally:
            vector.ENABLED = None
    return out


@pytest.mark.parametrize("lazy", [True, False])
def test_synthetic_profiles_are_the_same_both_ways(lazy, monkeypatch):
    monkeypatch.setattr(vector, "_EVENTS_AT_ONCE", 1000)
    monkeypatch.setattr(xspace, "_CHUNK_BYTES", 4096)
    for seed in range(3):
        data = _space(random.Random(seed))
        sites = {("train_function", n): n % 3 for n in range(1, 40)}
        tracing = {"train_function": {0: 5_000}}
        python, numpy_passes = _both(data, lazy, site_of_call=sites, tracing_ps=tracing)
        assert python.call_ops and python.step_ops and python.busy
        _compare(python, numpy_passes)


def test_the_gpu_fixture_is_the_same_both_ways(gpu_fixture):
    data = gpu_fixture.read_bytes()
    for lazy in (True, False):
        _compare(*_both(data, lazy))


def test_recorded_workloads_are_the_same_both_ways(recorded):
    for path in recorded.values():
        _compare(*_both(path.read_bytes(), True))


def test_the_notebook_timeline_reads_lanes_a_chunk_at_a_time(gpu_fixture, monkeypatch):
    # GIVEN lanes read in chunks of a few events, the longest of each kept chunk by chunk
    from tftrace import payload
    from tests.unit.test_payload import decode_timeline

    monkeypatch.setattr(xspace, "_CHUNK_BYTES", 2048)
    profile = analyze({"h": parse(gpu_fixture.read_bytes())})
    profile.xspaces = {"h": gpu_fixture.read_bytes()}
    found = {}
    for on in (True, False):
        monkeypatch.setattr(vector, "ENABLED", on)
        tl = payload.timeline(profile, payload.Strings(), max_events=500)
        found[on] = (tl["count"], tl["dropped"], tl["min_kept_ns"], sorted(decode_timeline(tl)["dur"].tolist()))
    # THEN the timeline keeps the same longest events as from whole lanes
    assert found[True] == found[False] and found[True][0] == 500
