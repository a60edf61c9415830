"""The memory profile on hand-built allocator events: peaks, what is alive at them, the bounded
timeline, and the note when no allocator recorded anything."""

from __future__ import annotations

import pytest

from tftrace.analysis import analyze, memory as mem, parse, xplane_pb
from tftrace.stats import stats_dict


class Builder:
    """An XSpace with a /host:CPU plane, its lines of (event name, offset ps, {stat: value}) events."""

    def __init__(self, hostname: str = "host"):
        self.space = xplane_pb.XSpace()
        self.space.hostnames.append(hostname)
        self.plane = self.space.planes.add(id=1, name="/host:CPU")
        self.events: dict = {}
        self.stats: dict = {}

    def _event_id(self, name: str) -> int:
        if name not in self.events:
            mid = self.events[name] = len(self.events) + 1
            self.plane.event_metadata[mid].CopyFrom(xplane_pb.XEventMetadata(id=mid, name=name))
        return self.events[name]

    def _stat_id(self, name: str) -> int:
        if name not in self.stats:
            mid = self.stats[name] = len(self.stats) + 1
            self.plane.stat_metadata[mid].CopyFrom(xplane_pb.XStatMetadata(id=mid, name=name))
        return self.stats[name]

    def line(self, events: list, timestamp_ns: int = 1000):
        line = self.plane.lines.add(id=len(self.plane.lines) + 1, name=f"thread {len(self.plane.lines)}",
                                    timestamp_ns=timestamp_ns)
        for name, offset, stats in events:
            event = line.events.add(metadata_id=self._event_id(name), offset_ps=offset)
            for key, value in stats.items():
                stat = event.stats.add(metadata_id=self._stat_id(key))
                if key == "addr":
                    stat.uint64_value = value
                elif isinstance(value, Ref):
                    stat.ref_value = self._stat_id(value.text)
                elif isinstance(value, str):
                    stat.str_value = value
                elif isinstance(value, float):
                    stat.double_value = value
                else:
                    stat.int64_value = value
        return self

    def parse(self):
        return parse(self.space.SerializeToString())


class Ref:
    """A string stat stored as a reference to a stat metadata name (as TensorFlow stores repeated strings)."""

    def __init__(self, text: str):
        self.text = text


def alloc(t, addr, size, heap, *, step=None, op="", allocator="GPU_0_bfc", reserved=0, available=10_000,
          fragmentation=0.0, shape="[1]", dtype=1, region="output", requested=None, kind="MemoryAllocation"):
    stats = {"allocator_name": allocator, "bytes_reserved": reserved, "bytes_allocated": heap,
             "bytes_available": available, "fragmentation": fragmentation, "peak_bytes_in_use": heap + reserved,
             "requested_bytes": size if requested is None else requested, "allocation_bytes": size, "addr": addr}
    if kind == "MemoryAllocation":
        stats.update({"tf_op": op, "region_type": region, "data_type": dtype, "shape": shape})
    if step is not None:
        stats["group_id"] = step
    return (kind, t, stats)


def free(t, addr, size, heap, **kw):
    return alloc(t, addr, size, heap, kind="MemoryDeallocation", **kw)


def profile_of(*builders) -> dict:
    spaces = [b.parse() for b in builders]
    return mem.memory_profile(spaces, [s.hostnames[0] for s in spaces])


def test_peak_and_allocations_alive_at_it_as_xprof_computes_them():
    # GIVEN 1,000 heap bytes allocated before the trace, two allocations in step 0 (events without a
    # group id: step 0), then in step 1 one of them freed and three allocations, the peak, a free,
    # and one allocation after it (no group id: step 2); 64 bytes reserved throughout
    events = [
        alloc(1_000_000, 0xA1, 100, 1100, reserved=64),
        alloc(2_000_000, 0xA2, 200, 1300, reserved=64),
        free(3_000_000, 0xA1, 100, 1200, reserved=64, step=1),
        alloc(4_000_000, 0xB1, 300, 1500, reserved=64, step=1, op="b1", shape="[75]", dtype=1),
        alloc(5_000_000, 0xB2, 50, 1550, reserved=64, step=1, op="b2", shape="[25]", dtype=19, requested=48),
        alloc(6_000_000, 0xB3, 50, 1600, reserved=64, step=1, op="b2", shape="[25]", dtype=19, requested=48,
              available=2_000, fragmentation=0.25),
        free(7_000_000, 0xB1, 300, 1300, reserved=64, step=1),
        alloc(8_000_000, 0xC1, 10, 1310, reserved=64),
    ]
    memory = profile_of(Builder().line(events))
    # THEN one allocator, peaking at the sixth event
    [gpu] = memory["allocators"]
    assert (gpu["name"], gpu["peak_bytes"], gpu["peak_time_us"]) == ("GPU_0_bfc", 1664, 6.0)
    assert gpu["capacity_bytes"] == 1664 + 2_000 and gpu["fragmentation_pct"] == 25.0
    assert gpu["lifetime_peak_bytes"] == 1310 + 64 and gpu["events"] == 8
    assert gpu["timeline"] == [[1.0, 1164], [2.0, 1364], [3.0, 1264], [4.0, 1564], [5.0, 1614], [6.0, 1664],
                               [7.0, 1364], [8.0, 1374]]
    # the step-1 allocations alive at the peak; the heap they do not explain (1,600 - 400: the
    # free of an earlier step's allocation is not counted against it) and the reserved bytes
    rows = [(r["op"], r["bytes"], r["requested_bytes"], r["count"], r["dtype"], r["shape"]) for r in gpu["at_peak"]]
    assert rows == [
        ("unused preallocated device memory", 1200, 1200, 1, "INVALID", "unknown"),
        ("b1", 300, 300, 1, "float", "[75]"),
        ("stack", 64, 64, 1, "INVALID", "unknown"),
        ("b2", 50, 48, 2, "half", "[25]"),
    ]
    assert sum(r["bytes"] * r["count"] for r in gpu["at_peak"]) == gpu["peak_bytes"]
    assert memory["note"] == mem.NOTE and "host" not in gpu


def test_peak_ties_go_to_the_last_event_in_plane_order():
    # GIVEN two threads reaching the same bytes in use, the later thread earlier in time
    first = [alloc(10_000_000, 1, 500, 500, step=0), free(11_000_000, 1, 500, 0, step=0)]
    second = [alloc(5_000_000, 2, 500, 500, step=0), free(6_000_000, 2, 500, 0, step=0)]
    [gpu] = profile_of(Builder().line(first).line(second))["allocators"]
    # THEN XProf's peak: the last one met walking the plane line by line
    assert (gpu["peak_bytes"], gpu["peak_time_us"]) == (500, 5.0)
    assert [t for t, _ in gpu["timeline"]] == [5.0, 6.0, 10.0, 11.0]


def test_times_are_from_the_profile_start_and_allocators_are_named_as_xprof_names_them():
    # GIVEN lines starting at different times, an allocator name stored by reference, and one
    # allocator named by its device ordinal (XProf's memory id)
    early = [("op:Op", 0, {})]
    late = [alloc(2_000_000, 1, 8, 8, allocator=Ref("gpu_host_bfc")),
            ("MemoryAllocation", 3_000_000, {"device_ordinal": 3, "bytes_allocated": 16, "addr": 2,
                                              "allocation_bytes": 16})]
    memory = profile_of(Builder().line(early, timestamp_ns=1000).line(late, timestamp_ns=1500))
    by_name = {a["name"]: a for a in memory["allocators"]}
    assert set(by_name) == {"gpu_host_bfc", "3"}
    assert by_name["gpu_host_bfc"]["peak_time_us"] == 0.5 + 2.0
    assert by_name["3"]["at_peak"] == [{"op": "", "bytes": 16, "requested_bytes": 0, "count": 1, "shape": "",
                                        "dtype": "", "region": ""}]


def test_timeline_downsampled_keeps_the_peak_and_each_buckets_largest():
    # GIVEN 5,000 events (a saw-tooth), the peak reached twice in a row, XProf's peak the second
    n, top = 5000, 10**9
    heap = [(i * 7919) % 100_003 for i in range(n)]
    heap[2344] = heap[2345] = top
    events = [alloc(1_000_000 + i * 1000, i + 1, 1, h, step=0) for i, h in enumerate(heap)]
    [gpu] = profile_of(Builder().line(events))["allocators"]
    timeline = gpu["timeline"]
    # THEN at most 2,000 points, in time order, XProf's peak among them
    assert len(timeline) == mem.MAX_POINTS and gpu["events"] == n
    assert (gpu["peak_bytes"], gpu["peak_time_us"]) == (top, 1.0 + 2345 * 0.001)
    assert [gpu["peak_time_us"], top] in timeline
    times = [t for t, _ in timeline]
    assert times == sorted(times) and len(set(times)) == len(times)
    # every event is at most the kept point of its run, which lies just before or just after it
    kept = dict(map(tuple, timeline))
    assert all(kept.get(round(1.0 + i * 0.001, 3), h) == h for i, h in enumerate(heap))
    at = 0
    for i, h in enumerate(heap):
        t = round(1.0 + i * 0.001, 3)
        while at + 1 < len(times) and times[at + 1] <= t:
            at += 1
        around = [kept[times[at]]] + ([kept[times[at + 1]]] if at + 1 < len(times) else [])
        assert h <= max(around), i


def test_no_allocator_events_says_why_and_how_to_get_them():
    # GIVEN a profile with op events only
    builder = Builder().line([("MatMul:MatMul", 1_000_000, {}), ("Relu:Relu", 3_000_000, {})])
    # THEN no allocators and a one-line note naming the switch
    memory = profile_of(builder)
    assert memory == {"allocators": [], "note": mem.NO_EVENTS_NOTE}
    assert "\n" not in memory["note"] and "TF_CPU_ALLOCATOR_USE_BFC=1" in memory["note"]
    # and so says the Profile and the stats JSON
    profile = analyze({"host": builder.parse()})
    assert profile.memory == memory
    assert stats_dict(profile)["memory"] == memory
    # a space without a host plane says the same
    empty = xplane_pb.XSpace(planes=[xplane_pb.XPlane(id=2, name="/device:GPU:0")])
    assert mem.memory_profile([parse(empty.SerializeToString())], ["h"])["allocators"] == []


def test_several_hosts_name_theirs_and_mklcpu_explains_what_it_leaves_out():
    one = Builder("worker-0").line([alloc(1_000_000, 1, 300_000, 300_000, allocator="mklcpu")])
    two = Builder("worker-1").line([alloc(1_000_000, 1, 8, 8)])
    memory = profile_of(one, two)
    assert [(a["host"], a["name"]) for a in memory["allocators"]] == [("worker-0", "mklcpu"), ("worker-1", "GPU_0_bfc")]
    assert memory["note"] == mem.MKL_NOTE and "256 KiB" in memory["note"]


def test_stat_reader_is_not_fooled_by_events_laid_out_alike():
    # GIVEN events of one name and stat count whose stats differ (with / without a group id)
    with_group = ("MemoryAllocation", 1, {"allocator_name": "a", "bytes_allocated": 5, "addr": 7, "group_id": 3})
    without = ("MemoryAllocation", 2, {"allocator_name": "a", "bytes_allocated": 6, "addr": 8, "tf_op": "x"})
    moved = ("MemoryAllocation", 3, {"group_id": 4, "allocator_name": "b", "bytes_allocated": 9, "addr": 9})
    space = Builder().line([without, with_group, without, with_group, moved, with_group]).parse()
    plane = space.plane("/host:CPU")
    line = plane.lines[0]
    reader = mem.StatReader(plane, ("allocator_name", "bytes_allocated", "addr", "group_id"))
    values = [reader.read(e.stats, mem.StatReader.key(e.stats, e.metadata_id)) for e in line._events]
    assert values == [["a", 6, 8, None], ["a", 5, 7, 3], ["a", 6, 8, None], ["a", 5, 7, 3], ["b", 9, 9, 4],
                      ["a", 5, 7, 3]]


@pytest.mark.parametrize("value, name", [(0, "INVALID"), (1, "float"), (19, "half"), (14, "bfloat16"),
                                         (101, "float_ref"), (30, "uint4"), (77, "unknown dtype enum (77)")])
def test_dtype_names_are_xprofs(value, name):
    assert mem._dtype(value) == name
