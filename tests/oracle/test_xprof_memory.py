"""The memory profile against XProf's memory_profile tool on the 8-GPU BERT profile."""

from __future__ import annotations

import pytest

from xprofkit import xprof_tool
from tftrace import load
from tftrace.stats import stats_dict

# XProf 2.24's peakStats.peakBytesInUse on the fixture (also in tests/fixtures/README.md)
KNOWN_PEAKS = {"GPU_4_bfc": 6_208_853_760, "GPU_6_bfc": 6_210_111_488, "GPU_1_bfc": 4_013_344_768,
               "gpu_host_bfc": 605_952}


@pytest.fixture(scope="module")
def memory(gpu_fixture):
    return load(gpu_fixture).memory


@pytest.fixture(scope="module")
def xprof(gpu_fixture, tmp_path_factory):
    return xprof_tool(gpu_fixture, "memory_profile", tmp_path_factory.mktemp("xprof"))["memoryProfilePerAllocator"]


def _ours(memory) -> dict:
    return {a["name"]: a for a in memory["allocators"]}


def _xprof_rows(allocator: dict) -> list[tuple]:
    """XProf's memory breakdown table at the peak: (op, bytes, requested bytes, occurrences, region,
    dtype, shape) in its order; a row points at a snapshot or at a special allocation."""
    snapshots, special = allocator["memoryProfileSnapshots"], allocator.get("specialAllocations", [])
    rows = []
    for row in allocator["activeAllocations"]:
        index = int(row["snapshotIndex"])
        meta = special[int(row["specialIndex"])] if index < 0 else snapshots[index]["activityMetadata"]
        rows.append((meta.get("tfOpName", ""), int(meta.get("allocationBytes", 0)), int(meta.get("requestedBytes", 0)),
                     int(row["numOccurrences"]), meta.get("regionType", ""), meta.get("dataType", ""),
                     meta.get("tensorShape", "")))
    return rows


def test_allocators_and_peaks_match_xprof(memory, xprof):
    # GIVEN XProf's memory profile of the same XSpace
    ours = _ours(memory)
    # THEN the same allocators, each with XProf's peak bytes in use, peak time and capacity
    assert set(ours) == set(xprof) == set(KNOWN_PEAKS)
    for name, reference in xprof.items():
        summary = reference["profileSummary"]
        mine = ours[name]
        assert mine["peak_bytes"] == int(summary["peakStats"]["peakBytesInUse"]) == KNOWN_PEAKS[name], name
        assert mine["peak_time_us"] == round(int(summary["peakStatsTimePs"]) / 1e6, 3), name
        assert mine["capacity_bytes"] == int(summary["memoryCapacity"]), name
        assert mine["fragmentation_pct"] == pytest.approx(summary["peakStats"]["fragmentation"] * 100, abs=1e-3)
        assert "host" not in mine  # one host


def test_allocations_alive_at_peak_match_xprof(memory, xprof):
    ours = _ours(memory)
    for name, reference in xprof.items():
        rows = [(r["op"], r["bytes"], r["requested_bytes"], r["count"], r["region"], r["dtype"], r["shape"])
                for r in ours[name]["at_peak"]]
        # THEN row for row what XProf lists (op, sizes, occurrences, region, dtype, shape, in its order)
        assert rows == _xprof_rows(reference), name
        assert ours[name]["at_peak_omitted"] == 0


def test_gpu4_peak_is_explained_by_its_allocations(memory):
    gpu4 = _ours(memory)["GPU_4_bfc"]
    # the rows add up to the peak exactly, largest first
    assert sum(r["bytes"] * r["count"] for r in gpu4["at_peak"]) == gpu4["peak_bytes"]
    assert sum(r["count"] for r in gpu4["at_peak"]) == 555
    sizes = [r["bytes"] for r in gpu4["at_peak"]]
    assert sizes == sorted(sizes, reverse=True)
    first, second = gpu4["at_peak"][:2]
    assert (first["op"], first["bytes"]) == ("unused preallocated device memory", 4_013_337_088)
    assert second["op"].endswith("word_embeddings/GatherV2/Cast") and second["bytes"] == 62_509_056
    assert (second["dtype"], second["shape"], second["region"]) == ("half", "[30522,1024]", "output")


def test_timeline_is_bounded_and_holds_the_peak(memory, xprof):
    for allocator in memory["allocators"]:
        timeline = allocator["timeline"]
        assert 0 < len(timeline) <= 2000
        assert len(timeline) == min(allocator["events"], 2000)
        assert [allocator["peak_time_us"], allocator["peak_bytes"]] in timeline
        assert max(b for _, b in timeline) == allocator["peak_bytes"]
        assert [t for t, _ in timeline] == sorted(t for t, _ in timeline)
        # as many events as XProf counts (it samples its timeline only above 1,000; none has that many)
        assert allocator["events"] == len(xprof[allocator["name"]]["sampledTimelineSnapshots"]) < 1000


def test_stats_json_carries_the_memory_profile(gpu_fixture):
    memory = stats_dict(load(gpu_fixture))["memory"]
    assert {a["name"] for a in memory["allocators"]} == set(KNOWN_PEAKS)
    assert memory["note"]
