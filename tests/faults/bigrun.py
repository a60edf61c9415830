"""A large hand-built XSpace (no TensorFlow): host threads full of executor op events, for
tests and benchmarks that need a run whose payload takes seconds to build."""

from __future__ import annotations

from tftrace.analysis import xplane_pb

OP_TYPES = ("MatMul", "BiasAdd", "Relu", "AddV2", "Mul", "Sum", "Cast", "ReadVariableOp")


def big_xspace(events: int, threads: int = 8, names: int = 2_000) -> bytes:
    """An XSpace of ``events`` op events (``model/layer_i/Op_i:Type``, 1 us each, 0.5 us apart)
    spread over ``threads`` host threads."""
    space = xplane_pb.XSpace()
    space.hostnames.append("bighost")
    plane = space.planes.add(id=1, name="/host:CPU")
    for mid in range(1, names + 1):
        op_type = OP_TYPES[mid % len(OP_TYPES)]
        plane.event_metadata[mid].CopyFrom(
            xplane_pb.XEventMetadata(id=mid, name=f"model/layer_{mid % 97}/{op_type}_{mid}:{op_type}"))
    per_thread = events // threads
    for t in range(threads):
        line = plane.lines.add(id=t + 1, name=f"tf_executor_thread_{t}", timestamp_ns=1_000_000)
        add = line.events.add
        for i in range(per_thread):
            add(metadata_id=1 + (i * 7 + t) % names, offset_ps=i * 1_500_000, duration_ps=1_000_000)
    return space.SerializeToString()


def big_profile(events: int):
    """The analysed Profile of ``big_xspace(events)``, raw XSpace kept (as a stored run keeps it)."""
    from tftrace.analysis import analyze_bytes

    return analyze_bytes({"bighost": big_xspace(events)}, name=f"big-{events}", source="bigrun")
