"""Decode an XSpace protobuf into planes of columnar lines.

The wire format is parsed by protobuf's C backend (upb) with the message classes of
``xplane_pb``; each line's events become three int64 ``array`` columns (name index,
start, duration). Stats are read lazily, per event subset, because most analyses
need stats on a small fraction of events. Event names are interned per plane.

No numpy here or anywhere in the analysis: importing it costs ~45 ms, a third of a
whole ``tftrace stats`` run on a small profile, and every pass over the events is a
Python loop anyway (reading upb messages), so vector code saved nothing measurable.
The views convert the columns to numpy without a copy (``numpy.frombuffer``).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter

from google.protobuf.message import DecodeError

from ..errors import EmptyProfileError, SourceError
from . import xplane_pb

# Derived (synthetic) lines such as "TensorFlow Ops" carry ids from 0xdeadbeef up.
_DERIVED_MIN = 0xDEADBEEF
_DERIVED_SPAN = 1024
DERIVED_LINE_NAMES = frozenset(
    {"TensorFlow Ops", "TensorFlow Name Scope", "Steps", "XLA Ops", "XLA Modules",
     "Launch Stats", "Source code", "Framework Name Scope", "Framework Ops"}
)


def is_derived_line(line_id: int, name: str) -> bool:
    """True for lines that XProf derives from other lines (not a thread or stream)."""
    low = line_id & 0xFFFFFFFF
    return _DERIVED_MIN <= low < _DERIVED_MIN + _DERIVED_SPAN or name in DERIVED_LINE_NAMES


def _stat_value(stat, stat_names):
    kind = stat.WhichOneof("value")
    if kind is None:
        return None
    if kind == "ref_value":
        return stat_names.get(stat.ref_value, "")
    return getattr(stat, kind)


@dataclass
class Line:
    """One timeline (a host thread or a GPU stream) with its events as columns."""

    id: int
    name: str
    display_name: str
    timestamp_ns: int
    name_index: array  # int64: index into Plane.event_names
    start_ps: array  # int64: relative to the XSpace origin
    duration_ps: array  # int64
    plane: "Plane" = field(repr=False)
    _events: object = field(repr=False)

    @property
    def derived(self) -> bool:
        return is_derived_line(self.id, self.name)

    def __len__(self) -> int:
        return len(self.start_ps)

    def select_stats(self, indices, stat_names) -> list[dict]:
        """For each event in ``indices``: {stat name: value} of the named stats it carries."""
        wanted = {self.plane.stat_ids[n]: n for n in stat_names if n in self.plane.stat_ids}.get
        names = self.plane.stat_names
        events = self._events
        out = []
        for i in indices:
            found = {}
            for stat in events[i].stats:
                name = wanted(stat.metadata_id)
                if name is not None:
                    found[name] = _stat_value(stat, names)
            out.append(found)
        return out

    def stat_column(self, indices, stat_name: str, default=None) -> list:
        """The value of one stat for each event in ``indices`` (``default`` where absent)."""
        if stat_name not in self.plane.stat_ids:
            return [default] * len(indices)
        return [found.get(stat_name, default) for found in self.select_stats(indices, (stat_name,))]


@dataclass
class Plane:
    """One device (``/host:CPU``, ``/device:GPU:0``) or other profiling source."""

    id: int
    name: str
    hostname: str
    event_names: list[str]
    stat_names: dict[int, str]
    stat_ids: dict[str, int]
    stats: dict[str, object]
    lines: list[Line]

    @property
    def event_count(self) -> int:
        return sum(len(line) for line in self.lines)


@dataclass
class Space:
    """A decoded XSpace: its planes plus the messages the profiler left in it."""

    planes: list[Plane]
    hostnames: list[str]
    errors: list[str]
    warnings: list[str]
    origin_ns: int

    def plane(self, name: str) -> Plane | None:
        return next((p for p in self.planes if p.name == name), None)

    @property
    def event_count(self) -> int:
        return sum(p.event_count for p in self.planes)


def parse(data: bytes, source: str = "<bytes>") -> Space:
    """Decode serialized XSpace bytes; raise SourceError for anything that is not one."""
    if not data:
        raise EmptyProfileError(f"{source}: the file is empty (0 bytes): no profile was written")
    try:
        message = xplane_pb.XSpace.FromString(data)
    except DecodeError as exc:
        raise SourceError(f"{source}: not a readable XSpace profile (truncated or corrupt: {exc})") from None
    if not any(p.name for p in message.planes):
        raise SourceError(f"{source}: not an XSpace profile (no named planes found)")
    return _decode(message)


def _origin_ns(message) -> int:
    stamps = [line.timestamp_ns for plane in message.planes for line in plane.lines if len(line.events)]
    return min(stamps) if stamps else 0


def _decode(message) -> Space:
    origin = _origin_ns(message)
    hostname = message.hostnames[0] if len(message.hostnames) else ""
    planes = [_decode_plane(p, origin, hostname) for p in message.planes]
    return Space(planes, list(message.hostnames), list(message.errors), list(message.warnings), origin)


def _decode_plane(message, origin_ns: int, hostname: str) -> Plane:
    stat_names = {k: v.name for k, v in message.stat_metadata.items()}
    metadata = message.event_metadata
    ids = sorted(metadata.keys())
    event_names = [metadata[i].name for i in ids] + [""]
    index_of = {metadata_id: i for i, metadata_id in enumerate(ids)}
    plane = Plane(
        id=message.id, name=message.name, hostname=hostname, event_names=event_names,
        stat_names=stat_names, stat_ids={v: k for k, v in stat_names.items()},
        stats={}, lines=[],
    )
    plane.stats = {stat_names.get(s.metadata_id, ""): _stat_value(s, stat_names) for s in message.stats}
    plane.lines = [_decode_line(line, plane, index_of, origin_ns) for line in message.lines]
    return plane


_EVENT_COLUMNS = attrgetter("metadata_id", "offset_ps", "duration_ps")


def _decode_line(message, plane: Plane, index_of: dict, origin_ns: int) -> Line:
    events = message.events
    unknown = len(plane.event_names) - 1  # the trailing "" name
    base = (message.timestamp_ns - origin_ns) * 1000
    # one interleaved column of (metadata id, offset, duration), read at C speed, then split
    flat = array("q", chain.from_iterable(map(_EVENT_COLUMNS, events)))
    name_index = array("q", map(index_of.get, flat[0::3], repeat(unknown)))
    start = array("q", map(base.__add__, flat[1::3])) if base else flat[1::3]
    return Line(
        id=message.id, name=message.name, display_name=message.display_name or message.name,
        timestamp_ns=message.timestamp_ns, name_index=name_index, start_ps=start,
        duration_ps=flat[2::3], plane=plane, _events=events,
    )
