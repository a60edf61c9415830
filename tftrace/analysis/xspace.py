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
from dataclasses import dataclass
from functools import cached_property
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


class Line:
    """One timeline (a host thread or a GPU stream) with its events as columns.

    The columns (``name_index``: index into ``Plane.event_names``, ``start_ps``:
    relative to the XSpace origin, ``duration_ps``; each an int64 ``array``) are
    decoded on first use, so that work on different lines can happen in different
    processes (see ``parallel``).
    """

    def __init__(self, source, plane: "Plane", data: bytes | None = None):
        """``source``: the parsed XLine, or with ``data`` the (start, end) of its bytes (a lazy line)."""
        keep = data is None
        message = source if keep else xplane_pb.XLine.FromString(data[source[0]:source[1]])
        self.id = message.id
        self.name = message.name
        self.display_name = message.display_name or message.name
        self.timestamp_ns = message.timestamp_ns
        self.plane = plane
        self._data, self._slice = data, None if keep else source  # lazy: where its bytes are, read again on demand
        self._message = message.events if keep else None
        self._lazy = not keep
        self._count = len(message.events)
        self._base_ps = 0  # set by ``_decode`` once the XSpace's origin is known
        self._columns = None
        self.self_times: dict | None = None  # op self times the analysis keeps for its step-ops pass

    @property
    def _events(self):
        """The line's event messages, parsed on first use after ``drop_message`` (each line is its own
        protobuf message: dropping it frees its memory)."""
        if self._message is None:
            if self._data is None:
                raise RuntimeError(f"{self!r}: its events were dropped (Space.drop_messages)")
            start, end = self._slice
            self._message = xplane_pb.XLine.FromString(self._data[start:end]).events
        return self._message

    def __repr__(self) -> str:
        return f"Line({self.id}, {self.name!r}, {len(self)} events)"

    @property
    def name_index(self) -> array:
        return self.columns[0]

    @property
    def start_ps(self) -> array:
        return self.columns[1]

    @property
    def duration_ps(self) -> array:
        return self.columns[2]

    @property
    def columns(self) -> tuple[array, array, array]:
        if self._columns is None:
            self._columns = _decode_events(self._events, self.plane, self._base_ps)
        return self._columns

    @property
    def derived(self) -> bool:
        return is_derived_line(self.id, self.name)

    def __len__(self) -> int:
        return self._count

    def done(self) -> None:
        """A pass is done with this line's events: free them if the XSpace was parsed ``lazy``."""
        if self._lazy:
            self._message = None

    def drop_message(self) -> None:
        """Keep the columns, let go of the parsed events (read again from the bytes if needed)."""
        self._message = None

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
        stat_id = self.plane.stat_ids.get(stat_name)
        if stat_id is None:
            return [default] * len(indices)
        names, events = self.plane.stat_names, self._events
        out = []
        for i in indices:
            value = default
            for stat in events[i].stats:
                if stat.metadata_id == stat_id:
                    value = _stat_value(stat, names)
                    break
            out.append(value)
        return out


class Plane:
    """One device (``/host:CPU``, ``/device:GPU:0``) or other profiling source.

    Its event names (thousands on a host plane) are read on first use, like the
    lines' columns, by whichever process needs them.
    """

    def __init__(self, message, lines: list, hostname: str, data: bytes | None = None):
        self.id = message.id
        self.name = message.name
        self.hostname = hostname
        self.stat_names = {k: v.name for k, v in message.stat_metadata.items()}
        self.stat_ids = {v: k for k, v in self.stat_names.items()}
        self.stats = {self.stat_names.get(s.metadata_id, ""): _stat_value(s, self.stat_names) for s in message.stats}
        self.lines = [Line(line, self, data) for line in lines]
        self._metadata = message.event_metadata

    def __repr__(self) -> str:
        return f"Plane({self.id}, {self.name!r}, {len(self.lines)} lines)"

    @cached_property
    def event_names(self) -> list[str]:
        """Event names by name index (the columns' ``name_index``); the last one, "", for unknown ids."""
        return [self._metadata[i].name for i in self._metadata_ids] + [""]

    @cached_property
    def index_of(self) -> dict[int, int]:
        """Event metadata id -> name index."""
        return {metadata_id: i for i, metadata_id in enumerate(self._metadata_ids)}

    @cached_property
    def _metadata_ids(self) -> list[int]:
        return sorted(self._metadata.keys())

    @property
    def event_count(self) -> int:
        return sum(len(line) for line in self.lines)

    def drop_messages(self) -> None:
        """Keep names and columns, let go of the parsed protobuf (see ``Space.drop_messages``)."""
        self.event_names, self.index_of  # noqa: B018 - cached now, while the metadata is still there
        for line in self.lines:
            if len(line):
                line.columns  # noqa: B018 - decoded now: the events are not read again after this
            line.drop_message()
            line._data = None
        self._metadata = None


@dataclass
class Space:
    """A decoded XSpace: its planes plus the messages the profiler left in it."""

    planes: list[Plane]
    hostnames: list[str]
    errors: list[str]
    warnings: list[str]
    origin_ns: int
    lazy: bool = False  # lines' events are parsed when read and freed after (``parse``)

    def plane(self, name: str) -> Plane | None:
        return next((p for p in self.planes if p.name == name), None)

    @property
    def event_count(self) -> int:
        return sum(p.event_count for p in self.planes)

    def drop_messages(self) -> None:
        """Free the parsed protobuf (upb keeps one arena for the whole message, ~5x the file, alive
        while any part of it is referenced) once no pass reads stats any more: columns, names
        and counts stay."""
        for plane in self.planes:
            plane.drop_messages()

    def release(self) -> None:
        """Drop the planes: lines and planes refer to each other, and the command line runs
        without the cyclic collector, so this is what frees the parsed protobuf (4x the file)."""
        for plane in self.planes:
            plane.lines = []
        self.planes = []


def parse(data: bytes, source: str = "<bytes>", lazy: bool = False) -> Space:
    """Decode serialized XSpace bytes; raise SourceError for anything that is not one.

    ``lazy``: each line is parsed as a message of its own (the XSpace and plane fields around
    the lines are walked here) and kept by none: a line's events are parsed when a pass reads
    them and freed when it is done (``Line.done``), so the peak is the bytes, the columns and
    the lines in use, not the whole parse (~5x the file, one upb arena). Not lazy: one parse of
    the whole XSpace (about twice as fast on many small lines: the command line)."""
    if not data:
        raise EmptyProfileError(f"{source}: the file is empty (0 bytes): no profile was written")
    if not lazy:
        try:
            message = xplane_pb.XSpace.FromString(data)
        except DecodeError as exc:
            raise SourceError(f"{source}: not a readable XSpace profile (truncated or corrupt: {exc})") from None
        if not any(p.name for p in message.planes):
            raise SourceError(f"{source}: not an XSpace profile (no named planes found)")
        return _decode(message, [(p, p.lines) for p in message.planes], None)
    try:
        space_rest, planes = _split(data, 0, len(data), 1)
        head = xplane_pb.XSpace.FromString(space_rest)
        parts = []
        for start, end in planes:
            plane_rest, lines = _split(data, start, end, 3)
            parts.append((xplane_pb.XPlane.FromString(plane_rest), lines))
        if not any(p.name for p, _ in parts):
            raise SourceError(f"{source}: not an XSpace profile (no named planes found)")
        return _decode(head, parts, data)
    except (DecodeError, _WireError) as exc:
        raise SourceError(f"{source}: not a readable XSpace profile (truncated or corrupt: {exc})") from None


class _WireError(ValueError):
    pass


def _varint(data, pos: int, end: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= end:
            raise _WireError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise _WireError("varint too long")


def _split(data, start: int, end: int, field: int) -> tuple[bytes, list[tuple[int, int]]]:
    """The message in ``data[start:end]`` as (its other fields' bytes, [(start, end) of each
    value of length-delimited ``field``]). Fields stay in order, so parsing the bytes gives
    the same message less that field."""
    rest, spans, pos, kept = [], [], start, start
    while pos < end:
        tag_at = pos
        tag, pos = _varint(data, pos, end)
        wire = tag & 7
        if wire == 0:
            _, pos = _varint(data, pos, end)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            size, pos = _varint(data, pos, end)
            if tag >> 3 == field:
                if pos + size > end:
                    raise _WireError("truncated message")
                rest.append(data[kept:tag_at])
                spans.append((pos, pos + size))
                kept = pos + size
            pos += size
        else:
            raise _WireError(f"unexpected wire type {wire}")
        if pos > end:
            raise _WireError("truncated message")
    rest.append(data[kept:end])
    return b"".join(rest), spans


def _decode(head, parts, data: bytes | None) -> Space:
    hostname = head.hostnames[0] if len(head.hostnames) else ""
    planes = [Plane(message, lines, hostname, data) for message, lines in parts]
    stamps = [line.timestamp_ns for plane in planes for line in plane.lines if len(line)]
    origin = min(stamps) if stamps else 0
    for plane in planes:
        for line in plane.lines:
            line._base_ps = (line.timestamp_ns - origin) * 1000
    return Space(planes, list(head.hostnames), list(head.errors), list(head.warnings), origin, data is not None)


_EVENT_COLUMNS = attrgetter("metadata_id", "offset_ps", "duration_ps")


def _decode_events(events, plane: Plane, base_ps: int) -> tuple[array, array, array]:
    """(name index, start, duration) columns of a line's events."""
    unknown = len(plane.event_names) - 1  # the trailing "" name
    # one interleaved column of (metadata id, offset, duration), read at C speed, then split
    flat = array("q", chain.from_iterable(map(_EVENT_COLUMNS, events)))
    name_index = array("q", map(plane.index_of.get, flat[0::3], repeat(unknown)))
    start = array("q", map(base_ps.__add__, flat[1::3])) if base_ps else flat[1::3]
    return name_index, start, flat[2::3]
