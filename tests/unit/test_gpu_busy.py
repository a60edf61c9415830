"""GPU busy time on hand-built launches whose answer is known: overlaps count once, per stream, over the
span, the active window and the steps; idle gaps and the host events that overlapped them."""

from __future__ import annotations

from array import array
from types import SimpleNamespace

import pytest

from tftrace.analysis import gpu_busy

MS = 10**9  # picoseconds


def launch(stream: str, start_ms: float, end_ms: float):
    return SimpleNamespace(stream=stream, start_ps=int(start_ms * MS), duration_ps=int((end_ms - start_ms) * MS))


class Line(SimpleNamespace):
    def __len__(self):
        return len(self.start_ps)


@pytest.fixture()
def part():
    # GIVEN two kernels overlapping on stream A, a copy overlapping the second on stream B, a kernel 80 ms later
    kernels = [launch("A", 0, 10), launch("A", 5, 20), launch("A", 100, 110)]
    copies = [launch("B", 15, 30)]
    return gpu_busy.plane_busy(SimpleNamespace(name="/device:GPU:0", hostname="h"), kernels, copies)


def host_plane():
    names = ["outer", "IteratorGetNext", "tiny", "void k<float>(float*)", ""]
    lines = [Line(derived=False, display_name="python3", start_ps=array("q", [0, 40 * MS]),
                  duration_ps=array("q", [200 * MS, 50 * MS]), name_index=array("q", [0, 1])),
             Line(derived=False, display_name="t2", start_ps=array("q", [96 * MS, 95 * MS]),  # not in start order
                  duration_ps=array("q", [2 * MS, 1 * MS]), name_index=array("q", [3, 2])),
             Line(derived=True, display_name="derived", start_ps=array("q", [0]), duration_ps=array("q", [500 * MS]),
                  name_index=array("q", [0]))]
    return SimpleNamespace(event_names=names, lines=lines)


def test_union_per_device_and_stream(part):
    steps = {"rows": [{"start_us": 0.0, "wall_us": 50_000.0}]}  # one step over [0, 50 ms)
    (row,) = gpu_busy.finish([part], 200 * MS, steps, "h", {"h": host_plane()})
    # THEN busy = [0, 30) + [100, 110) ms: 40 ms; kernels [0, 20) + [100, 110): 30 ms; the copy 15 ms
    assert (row["busy_us"], row["kernel_us"], row["memcpy_us"]) == (40_000.0, 30_000.0, 15_000.0)
    assert row["busy_pct"] == 20.0 and row["active_busy_pct"] == pytest.approx(100 * 40 / 110, abs=0.01)
    assert (row["kernel_start_us"], row["kernel_end_us"]) == (0.0, 110_000.0)
    assert row["steps"] == {"busy_us": 30_000.0, "wall_us": 50_000.0, "busy_pct": 60.0}
    streams = {s["name"]: s for s in row["streams"]}
    assert streams["A"]["busy_us"] == 30_000.0 and streams["A"]["kind"] == "compute" and streams["A"]["kernels"] == 3
    assert streams["B"]["busy_us"] == 15_000.0 and streams["B"]["kind"] == "memcpy"


def test_gaps_name_the_host_events_meanwhile(part):
    (row,) = gpu_busy.finish([part], 200 * MS, {}, "h", {"h": host_plane()})
    assert row["steps"] is None
    (gap,) = row["gaps"]  # [30, 100) ms: the only hole of at least 1 ms
    assert (gap["start_us"], gap["end_us"], gap["duration_us"]) == (30_000.0, 100_000.0, 70_000.0)
    assert gap["host_busy_pct"] == 100.0
    # the outer event covers all of it, then the iterator (50 ms), then a 2 ms kernel launch (read by its
    # short name); the 1 ms event is fourth, and derived lines are not the host's work
    assert [(h["name"], h["thread"], h["overlap_us"]) for h in gap["host"]] == [
        ("outer", "python3", 70_000.0), ("IteratorGetNext", "python3", 50_000.0), ("k<float>", "t2", 2_000.0)]


def test_devices_that_ran_nothing_are_left_out():
    empty = gpu_busy.plane_busy(SimpleNamespace(name="/device:GPU:1", hostname="h"), [], [])
    assert gpu_busy.finish([empty], 10, {}, "", {}) == []
