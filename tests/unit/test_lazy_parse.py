"""Lines parsed one by one and freed after use (``parse(..., lazy=True)``, the in-kernel path) read
exactly what the whole-XSpace parse reads, and give the same Profile."""

from __future__ import annotations

import pytest

from tftrace.analysis import analyze, analyze_bytes, parse
from tftrace.analysis.xspace import _split
from tftrace.errors import SourceError
from tftrace.stats import stats_dict


def _lines(space):
    return [(plane, line) for plane in space.planes for line in plane.lines]


def test_lazy_lines_read_the_same_columns_and_stats(gpu_fixture):
    # GIVEN the recorded GPU profile parsed both ways
    data = gpu_fixture.read_bytes()
    eager, lazy = parse(data), parse(data, lazy=True)
    assert (eager.origin_ns, eager.hostnames, eager.event_count) == (lazy.origin_ns, lazy.hostnames, lazy.event_count)
    for (pe, le), (pl, ll) in zip(_lines(eager), _lines(lazy), strict=True):
        assert (pe.name, pe.stats, pe.event_names) == (pl.name, pl.stats, pl.event_names)
        assert (le.id, le.name, le.display_name, le.timestamp_ns, len(le)) == \
               (ll.id, ll.name, ll.display_name, ll.timestamp_ns, len(ll))
        assert le.columns == ll.columns
        some = range(0, len(le), 97)
        names = list(pe.stat_ids)[:6]
        # WHEN a lazy line's events are freed and read again
        ll.done()
        assert ll._message is None
        # THEN its stats are the same as the eager line's
        assert le.select_stats(some, names) == ll.select_stats(some, names)


def test_in_kernel_analysis_gives_the_same_profile(gpu_fixture):
    data = gpu_fixture.read_bytes()
    lazy = analyze_bytes({"h": data}, processes=1)
    eager = analyze({"h": parse(data)})
    assert stats_dict(lazy) == stats_dict(eager)
    assert lazy.step_ops == eager.step_ops and lazy.busy == eager.busy
    assert lazy.xspaces == {"h": data}


def test_split_keeps_other_fields_in_order():
    from tftrace.analysis import xplane_pb

    plane = xplane_pb.XPlane(id=7, name="/host:CPU", lines=[xplane_pb.XLine(id=1), xplane_pb.XLine(id=2, name="b")])
    data = plane.SerializeToString()
    rest, spans = _split(data, 0, len(data), 3)
    assert xplane_pb.XPlane.FromString(rest) == xplane_pb.XPlane(id=7, name="/host:CPU")
    assert [xplane_pb.XLine.FromString(data[a:b]).id for a, b in spans] == [1, 2]


def test_truncated_bytes_are_a_source_error(gpu_fixture):
    data = gpu_fixture.read_bytes()
    with pytest.raises(SourceError, match="truncated or corrupt"):
        parse(data[: len(data) // 2], lazy=True)
