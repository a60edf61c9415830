"""The GPU path against the real 8-GPU BERT profile and XProf's kernel_stats on it."""

from __future__ import annotations

from collections import defaultdict

import pytest

from tftrace.analysis import xplane_pb


def test_kernel_totals_per_name_match_xprof(gpu_profile, xprof_kernel_stats):
    reference = defaultdict(float)
    for row in xprof_kernel_stats:
        reference[row["Kernel Name"]] += row["Total Duration (μs)"]
    ours = defaultdict(float)
    for k in gpu_profile.kernels:
        ours[k.name] += k.total_us
    assert set(ours) == set(reference)
    for name, us in reference.items():
        assert ours[name] == pytest.approx(us, rel=0.01), name
    assert sum(ours.values()) == pytest.approx(29690.748, rel=1e-6)
    assert sum(r["Occurrences"] for r in xprof_kernel_stats) == sum(k.count for k in gpu_profile.kernels) == 1330


def test_xprof_attributes_no_kernel_and_we_attribute_them_all(gpu_profile, xprof_kernel_stats):
    assert all(not row["Op Name"] for row in xprof_kernel_stats)
    total = sum(k.total_us for k in gpu_profile.kernels)
    attributed = sum(k.total_us for k in gpu_profile.kernels if k.op)
    assert attributed >= 0.99 * total


def test_occupancy_where_xprof_reports_none(gpu_profile, xprof_kernel_stats):
    # XProf leaves theoretical occupancy at 0 for this capture; the values below are
    # NVIDIA's occupancy calculator for a V100 (cc 7.0: 64 warps, 32 blocks, 64K
    # registers per SM, 256-register warp granularity) at 1024 threads per block.
    assert {row["Theoretical Occupancy %"] for row in xprof_kernel_stats} == {0.0}
    by_registers = {16: 100.0, 18: 100.0, 21: 100.0, 22: 100.0, 32: 100.0, 38: 50.0}
    for k in gpu_profile.kernels:
        assert k.block == "1024,1,1"
        assert k.occupancy_pct == by_registers[k.registers], (k.name, k.registers)


def _tf_ops_line_totals(path) -> dict:
    """{(device, op name): us} read straight from each GPU plane's TensorFlow Ops line."""
    space = xplane_pb.XSpace.FromString(path.read_bytes())
    out = defaultdict(float)
    for plane in space.planes:
        for line in plane.lines:
            if line.name == "TensorFlow Ops":
                for event in line.events:
                    full = plane.event_metadata[event.metadata_id].name
                    out[(plane.name, full.rsplit(":", 1)[0])] += event.duration_ps / 1e6
    return out


def test_device_op_time_equals_tensorflow_ops_line(gpu_profile, gpu_fixture):
    reference = _tf_ops_line_totals(gpu_fixture)
    assert {device for device, _ in reference} == {"/device:GPU:4", "/device:GPU:6"}
    ours = defaultdict(float)
    for op in gpu_profile.ops:
        if op.device.startswith("/device:GPU"):
            ours[(op.device, op.name)] += op.self_us
    for device in ("/device:GPU:4", "/device:GPU:6"):
        ref_total = sum(us for (d, _), us in reference.items() if d == device)
        our_total = sum(us for (d, _), us in ours.items() if d == device)
        assert our_total == pytest.approx(ref_total, rel=0.01)
    for key, us in reference.items():
        assert ours[key] == pytest.approx(us, rel=0.01), key


def test_memcpy_sizes_and_directions(gpu_profile):
    directions = {m.direction for m in gpu_profile.memcpy}
    assert {"HtoD", "DtoH"} <= directions
    assert all(m.bytes >= 0 and m.count > 0 for m in gpu_profile.memcpy)
    assert sum(m.bytes for m in gpu_profile.memcpy if m.direction == "DtoH") > 0


def test_devices_and_capabilities(gpu_profile):
    gpus = [d for d in gpu_profile.devices if d.kind == "gpu"]
    assert len(gpus) == 8
    assert all(d.caps.get("compute_cap_major") == 7 for d in gpus)


# ---- per-GPU busy time, against a reference computed here from the raw protobuf

def _union(intervals) -> list:
    """A plain sweep: sort, then extend or start a run (the reference the analysis must match)."""
    out = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out


def _length(runs) -> int:
    return sum(end - start for start, end in runs)


def _raw_gpu_work(path) -> dict:
    """{device: {"kernel": [...], "memcpy": [...], "streams": {line name: [...]}}}: (start ps, end ps) of every
    kernel (events with ``kernel_details``) and copy (``memcpy_details``) on each GPU's stream lines, on the
    clock whose 0 is the earliest line timestamp with events."""
    space = xplane_pb.XSpace.FromString(path.read_bytes())
    origin = min(line.timestamp_ns for plane in space.planes for line in plane.lines if len(line.events))
    out = {}
    for plane in space.planes:
        if not plane.name.startswith("/device:GPU:"):
            continue
        ids = {v.name: k for k, v in plane.stat_metadata.items()}
        for line in plane.lines:
            if line.name in ("TensorFlow Ops", "TensorFlow Name Scope", "Steps"):
                continue
            assert line.name.startswith("Stream #"), line.name
            base = (line.timestamp_ns - origin) * 1000
            for event in line.events:
                stats = {s.metadata_id for s in event.stats}
                span = (base + event.offset_ps, base + event.offset_ps + event.duration_ps)
                kind = "kernel" if ids.get("kernel_details") in stats else \
                    "memcpy" if ids.get("memcpy_details") in stats else None
                if kind is None or (kind == "kernel" and event.duration_ps == 0):
                    continue
                device = out.setdefault(plane.name, {"kernel": [], "memcpy": [], "streams": {}})
                device[kind].append(span)
                device["streams"].setdefault(line.name, []).append(span)
    return out


@pytest.fixture(scope="module")
def raw_work(gpu_fixture):
    return _raw_gpu_work(gpu_fixture)


def test_gpu_busy_is_the_union_of_kernels_and_copies(gpu_profile, raw_work):
    rows = {r["device"]: r for r in gpu_profile.gpu_utilisation}
    assert set(rows) == set(raw_work) == {"/device:GPU:1", "/device:GPU:4", "/device:GPU:6"}
    for device, work in raw_work.items():
        row = rows[device]
        busy = _length(_union(work["kernel"] + work["memcpy"]))
        assert row["busy_us"] == pytest.approx(busy / 1e6, abs=0.002), device
        assert row["kernel_us"] == pytest.approx(_length(_union(work["kernel"])) / 1e6, abs=0.002)
        assert row["memcpy_us"] == pytest.approx(_length(_union(work["memcpy"])) / 1e6, abs=0.002)
        assert row["busy_us"] <= row["kernel_us"] + row["memcpy_us"] + 0.002  # overlaps count once
        assert row["span_us"] == pytest.approx(gpu_profile.duration_us, abs=0.002)
        assert row["busy_pct"] == pytest.approx(100 * busy / 1e6 / gpu_profile.duration_us, abs=0.01)
        active = _union(work["kernel"] + work["memcpy"])
        assert row["active_start_us"] == pytest.approx(active[0][0] / 1e6, abs=0.002)
        assert row["active_end_us"] == pytest.approx(active[-1][1] / 1e6, abs=0.002)
        streams = {s["name"]: s for s in row["streams"]}
        assert set(streams) == set(work["streams"])
        for name, spans in work["streams"].items():
            assert streams[name]["busy_us"] == pytest.approx(_length(_union(spans)) / 1e6, abs=0.002), name
    # the README's kernel time per GPU (XProf 2.24)
    assert rows["/device:GPU:4"]["kernel_us"] == pytest.approx(14825.4, abs=0.05)
    assert rows["/device:GPU:6"]["kernel_us"] == pytest.approx(14865.4, abs=0.05)
    assert rows["/device:GPU:1"]["kernel_us"] == 0 and rows["/device:GPU:1"]["kernel_start_us"] is None


def test_gpu_idle_gaps_are_the_longest_holes_between_work(gpu_profile, raw_work):
    from tftrace.analysis.gpu_busy import GAP_THRESHOLD_US, MAX_GAPS

    for row in gpu_profile.gpu_utilisation:
        runs = _union(raw_work[row["device"]]["kernel"] + raw_work[row["device"]]["memcpy"])
        holes = [(a[1], b[0]) for a, b in zip(runs, runs[1:]) if b[0] - a[1] >= GAP_THRESHOLD_US * 1e6]
        longest = sorted(holes, key=lambda h: h[0] - h[1])[:MAX_GAPS]
        assert len(row["gaps"]) == len(longest) > 0 and row["gaps_total"] == len(holes)
        expected = sorted(longest)
        for gap, (start, end) in zip(row["gaps"], expected):
            assert gap["start_us"] == pytest.approx(start / 1e6, abs=0.002)
            assert gap["end_us"] == pytest.approx(end / 1e6, abs=0.002)
            assert 0 <= gap["host_busy_pct"] <= 100
            assert all(0 < h["overlap_us"] <= gap["duration_us"] + 0.002 for h in gap["host"])
