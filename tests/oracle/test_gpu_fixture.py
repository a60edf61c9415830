"""The GPU path against the real 8-GPU BERT profile and XProf's kernel_stats on it."""

from __future__ import annotations

from collections import defaultdict

import pytest

from xprofkit import datatable_rows, xprof_tool
from tftrace import load
from tftrace.analysis import xplane_pb


@pytest.fixture(scope="module")
def profile(gpu_fixture):
    return load(gpu_fixture)


@pytest.fixture(scope="module")
def xprof_kernels(gpu_fixture, tmp_path_factory):
    return datatable_rows(xprof_tool(gpu_fixture, "kernel_stats", tmp_path_factory.mktemp("xprof")))


def test_kernel_totals_per_name_match_xprof(profile, xprof_kernels):
    reference = defaultdict(float)
    for row in xprof_kernels:
        reference[row["Kernel Name"]] += row["Total Duration (μs)"]
    ours = defaultdict(float)
    for k in profile.kernels:
        ours[k.name] += k.total_us
    assert set(ours) == set(reference)
    for name, us in reference.items():
        assert ours[name] == pytest.approx(us, rel=0.01), name
    assert sum(ours.values()) == pytest.approx(29690.748, rel=1e-6)
    assert sum(r["Occurrences"] for r in xprof_kernels) == sum(k.count for k in profile.kernels) == 1330


def test_xprof_attributes_no_kernel_and_we_attribute_them_all(profile, xprof_kernels):
    assert all(not row["Op Name"] for row in xprof_kernels)
    total = sum(k.total_us for k in profile.kernels)
    attributed = sum(k.total_us for k in profile.kernels if k.op)
    assert attributed >= 0.99 * total


def test_occupancy_where_xprof_reports_none(profile, xprof_kernels):
    # XProf leaves theoretical occupancy at 0 for this capture; the values below are
    # NVIDIA's occupancy calculator for a V100 (cc 7.0: 64 warps, 32 blocks, 64K
    # registers per SM, 256-register warp granularity) at 1024 threads per block.
    assert {row["Theoretical Occupancy %"] for row in xprof_kernels} == {0.0}
    by_registers = {16: 100.0, 18: 100.0, 21: 100.0, 22: 100.0, 32: 100.0, 38: 50.0}
    for k in profile.kernels:
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


def test_device_op_time_equals_tensorflow_ops_line(profile, gpu_fixture):
    reference = _tf_ops_line_totals(gpu_fixture)
    assert {device for device, _ in reference} == {"/device:GPU:4", "/device:GPU:6"}
    ours = defaultdict(float)
    for op in profile.ops:
        if op.device.startswith("/device:GPU"):
            ours[(op.device, op.name)] += op.self_us
    for device in ("/device:GPU:4", "/device:GPU:6"):
        ref_total = sum(us for (d, _), us in reference.items() if d == device)
        our_total = sum(us for (d, _), us in ours.items() if d == device)
        assert our_total == pytest.approx(ref_total, rel=0.01)
    for key, us in reference.items():
        assert ours[key] == pytest.approx(us, rel=0.01), key


def test_memcpy_sizes_and_directions(profile):
    directions = {m.direction for m in profile.memcpy}
    assert {"HtoD", "DtoH"} <= directions
    assert all(m.bytes >= 0 and m.count > 0 for m in profile.memcpy)
    assert sum(m.bytes for m in profile.memcpy if m.direction == "DtoH") > 0


def test_devices_and_capabilities(profile):
    gpus = [d for d in profile.devices if d.kind == "gpu"]
    assert len(gpus) == 8
    assert all(d.caps.get("compute_cap_major") == 7 for d in gpus)
