"""Decode an XSpace protobuf into planes of columnar lines.

The wire format is parsed by protobuf's C backend (upb) with the message classes of
``xplane_pb``; each line's events become three int64 ``array`` columns (name index,
start, duration). Stats are read lazily, per event subset, because most analyses
need stats on a small fraction of events. Event names are interned per plane.

The analysis never imports numpy: it costs ~45 ms, a third of a whole ``tftrace stats``
run on a small profile. Where numpy is imported already (a notebook kernel), a lazily
parsed line's columns are read at C speed from its events' bytes (``_event_fields``),
and the passes over them are array operations (``vector``). The views convert the
columns to numpy without a copy (``numpy.frombuffer``).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from functools import cached_property
from bisect import bisect_right
from itertools import chain, islice, repeat
from operator import attrgetter, gt

from google.protobuf.message import DecodeError

from ..errors import EmptyProfileError, SourceError
from . import vector, xplane_pb

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
        if keep:
            message, count, self._chunks = source, len(source.events), None
        else:  # read in chunks of about _CHUNK_BYTES: never the whole line's events at once
            message, count, self._chunks = _chunks(data, *source)
        self.id = message.id
        self.name = message.name
        self.display_name = message.display_name or message.name
        self.timestamp_ns = message.timestamp_ns
        self.plane = plane
        self._data, self._slice = data, None if keep else source  # lazy: where its bytes are, read again on demand
        self._message = message.events if keep else None
        self._lazy = not keep
        self._count = count
        self._chunk = None  # a lazy line's chunk parsed last: (chunk number, its events)
        self._base_ps = 0  # set by ``_decode`` once the XSpace's origin is known
        self._columns = None
        self.self_times: dict | None = None  # op self times the analysis keeps for its step-ops pass
        self.present: frozenset | None = None  # the name indices on the line, once a pass has counted them

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
            if self._lazy and self._message is None:
                self._columns = _decode_chunks(self)
            else:
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
            self._message = self._chunk = None

    def drop_message(self) -> None:
        """Keep the columns, let go of the parsed events (read again from the bytes if needed)."""
        self._message = self._chunk = None

    def release(self) -> None:
        """Free the events and the columns of a lazily parsed line (read again from the bytes if a later
        pass needs them: 24 bytes an event otherwise); a line parsed with its XSpace keeps both."""
        if self._lazy:
            self._message = self._chunk = self._columns = None

    def select_stats(self, indices, stat_names) -> list[dict]:
        """For each event in ``indices``: {stat name: value} of the named stats it carries."""
        wanted = {self.plane.stat_ids[n]: n for n in stat_names if n in self.plane.stat_ids}.get
        names = self.plane.stat_names

        def read(event):
            found = {}
            for stat in event.stats:
                name = wanted(stat.metadata_id)
                if name is not None:
                    found[name] = _stat_value(stat, names)
            return found
        return self._map_events(indices, read)

    def stat_column(self, indices, stat_name: str, default=None) -> list:
        """The value of one stat for each event in ``indices`` (``default`` where absent)."""
        stat_id = self.plane.stat_ids.get(stat_name)
        if stat_id is None:
            return [default] * len(indices)
        names = self.plane.stat_names

        def read(event):
            for stat in event.stats:
                if stat.metadata_id == stat_id:
                    return _stat_value(stat, names)
            return default
        return self._map_events(indices, read)

    def _map_events(self, indices, fn) -> list:
        """``[fn(event) for each of indices]``; a lazy line reads them in ascending order, one chunk at a time."""
        if not self._lazy or self._message is not None:
            events = self._events
            return [fn(events[i]) for i in indices]
        indices = list(indices)
        if not any(map(gt, indices, islice(indices, 1, None))):
            return [fn(event) for _, event in self.events_at(indices)]
        order = sorted(range(len(indices)), key=indices.__getitem__)
        out = [None] * len(indices)
        for k, (_, event) in zip(order, self.events_at([indices[k] for k in order])):
            out[k] = fn(event)
        return out

    def column_chunks(self, np):
        """The columns (name index, start, duration) as int64 numpy arrays a chunk at a time, none of them
        kept: a lazy line read in chunks, numpy imported (``np``); otherwise the whole columns at once."""
        if self._lazy and self._message is None and self._columns is None and vector.available() is not None:
            yield from _chunk_columns(np, self)
        else:
            yield tuple(vector.int64(np, column) for column in self.columns)

    def event_values(self, indices) -> list[tuple]:
        """(name index, start ps, duration ps) of the events at ascending ``indices``: from the columns when
        decoded, else from the events themselves (as ``_decode_events`` reads them)."""
        if self._columns is not None or not self._lazy or self._message is not None:
            name_index, start, duration = self.columns
            return [(name_index[i], start[i], duration[i]) for i in indices]
        index_of, unknown, base = self.plane.index_of, len(self.plane.event_names) - 1, self._base_ps
        return [(index_of.get(event.metadata_id, unknown), base + event.offset_ps, event.duration_ps)
                for _, event in self.events_at(indices)]

    def events_with_stats(self, stat_names) -> list[int] | None:
        """The events carrying any of the named stats, found without reading each event's stats (a lazy
        line, with numpy: ``_event_fields``); None where that does not apply (read every event then)."""
        np = vector.available()
        if np is None or not self._lazy or self._message is not None:
            return None
        ids = [self.plane.stat_ids[n] for n in stat_names if n in self.plane.stat_ids]
        if not ids:
            return []
        out: list = []
        for start, end, first in self._chunks:
            found = _event_fields(np, xplane_pb.XLineChunk.FromString(self._data[start:end]).events, ids)
            if found is None:
                return None
            out += (np.flatnonzero(found[3]) + first).tolist()
        return out

    def events_at(self, indices):
        """(index, event message) for each of ``indices`` (ascending for a lazy line: it parses the chunks
        holding them one at a time, keeping the last)."""
        if not self._lazy or self._message is not None:
            events = self._events
            yield from ((i, events[i]) for i in indices)
            return
        firsts = [first for _, _, first in self._chunks]
        for i in indices:
            k = bisect_right(firsts, i) - 1
            if self._chunk is None or self._chunk[0] != k:
                self._chunk = None  # the previous chunk's events go first
                start, end, _ = self._chunks[k]
                self._chunk = (k, xplane_pb.XLine.FromString(self._data[start:end]).events)
            yield i, self._chunk[1][i - firsts[k]]


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
            if line._lazy and line._columns is None:  # released by its pass: read again from the bytes if needed
                line.drop_message()
                continue
            if len(line):
                line.columns  # noqa: B018 - decoded now: the events are not read again after this
            line.drop_message()
            line._data = None
        self._metadata = None


_SESSION_RELATIVE_NS = 10**17  # times below this (1973) count from a profiling session's start, not the epoch


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
    def epoch_ns(self) -> int:
        """The origin as wall-clock ns since the epoch (to put several hosts on one clock). A
        profiler server (remote capture) writes times relative to its session's start, which it
        records as ``profile_start_time`` on the ``Task Environment`` plane."""
        env = self.plane("Task Environment")
        start = env.stats.get("profile_start_time") if env is not None else None
        if isinstance(start, int) and start > 0 and self.origin_ns < _SESSION_RELATIVE_NS:
            return start + self.origin_ns
        return self.origin_ns

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

    ``lazy``: each line is read in chunks of about ``_CHUNK_BYTES`` of its events (the XSpace,
    plane and line fields around them are walked here) and kept by none: a chunk's events are
    parsed when a pass reads them and freed after (``Line.done``, ``Line.release``), so the peak
    is the bytes, the columns in use and one chunk, not the whole parse (~5x the file, one upb
    arena) nor a whole line's (~5x its bytes: 100 MB for a 20 MB thread). Not lazy: one parse of
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


# ---- a lazy line in chunks

_CHUNK_BYTES = 1 << 20  # a chunk's events take ~6x this parsed (upb), ~3 bytes an event byte as columns


def _chunks(data: bytes, start: int, end: int):
    """(the line's other fields, its event count, [(byte start, byte end, first event index)]) of the XLine
    in ``data[start:end]``, cut at events about every ``_CHUNK_BYTES``. Each chunk is parsed once here
    (in full: a corrupt event is found now, as by a whole parse) and let go.

    A cut at byte q is tried where an event seems to start (tag of field 4, a length, then the event's
    ``metadata_id`` and ``offset_ps`` tags: a stat has a double, not ``offset_ps``, after its id) and
    kept if the bytes from the last cut to q parse: they do exactly when q is between two fields of the
    line (a cut inside one leaves a field whose length runs past q)."""
    head = xplane_pb.XLine()
    chunks, count, pos = [], 0, start
    while pos < end:
        cut, events = end, None
        if end - pos > 2 * _CHUNK_BYTES:
            q = pos + _CHUNK_BYTES
            for _ in range(256):
                q = data.find(b"\x22", q, end - 1)
                if q < 0:
                    break
                if _event_starts(data, q, end):
                    try:
                        events = xplane_pb.XLine.FromString(data[pos:q])
                        cut = q
                        break
                    except DecodeError:
                        pass
                q += 1
        message = events if events is not None else xplane_pb.XLine.FromString(data[pos:cut])
        for field, value in message.ListFields():  # a field in several chunks: the last one wins, as when merged
            if field.name != "events":
                setattr(head, field.name, value)
        chunks.append((pos, cut, count))
        count += len(message.events)
        pos = cut
    return head, count, chunks


def _event_starts(data: bytes, q: int, end: int) -> bool:
    try:
        _, at = _varint(data, q + 1, end)
        if at >= end or data[at] != 0x08:
            return False
        _, at = _varint(data, at + 1, end)
        return at < end and data[at] == 0x10
    except _WireError:
        return False


def _decode_chunks(line: Line) -> tuple[array, array, array]:
    """A lazy line's columns, read chunk by chunk (with numpy when it is imported: ``_event_fields``)."""
    np = vector.available()
    if np is None:
        columns = (array("q"), array("q"), array("q"))
        for start, end, _ in line._chunks:
            events = xplane_pb.XLine.FromString(line._data[start:end]).events
            for column, part in zip(columns, _decode_events(events, line.plane, line._base_ps)):
                column.extend(part)
        return columns
    columns = tuple(array("q", bytes(8 * len(line))) for _ in range(3))
    name_index, start_ps, duration_ps = (vector.int64(np, c) for c in columns)
    at = 0
    for index, start, duration in _chunk_columns(np, line):
        name_index[at:at + len(index)], start_ps[at:at + len(index)], duration_ps[at:at + len(index)] = \
            index, start, duration
        at += len(index)
    return columns


def _chunk_columns(np, line: Line):
    """(name index, start ps, duration ps) int64 arrays of each chunk of a lazy line, in order."""
    ids = np.array(line.plane._metadata_ids, np.int64)
    for start, end, _ in line._chunks:
        fields = _event_fields(np, xplane_pb.XLineChunk.FromString(line._data[start:end]).events)
        if fields is None:  # not written field by field in order: upb reads them
            events = xplane_pb.XLine.FromString(line._data[start:end]).events
            fields = [np.array(column, np.int64) for column in zip(*map(_EVENT_COLUMNS, events))] or \
                [np.zeros(0, np.int64)] * 3
        metadata_id, offset, duration = fields
        at = np.minimum(np.searchsorted(ids, metadata_id), max(len(ids) - 1, 0))
        known = ids[at] == metadata_id if len(ids) else np.zeros(len(metadata_id), bool)
        yield np.where(known, at, len(ids)), offset + line._base_ps, duration  # unknown ids: the trailing "" name


def _event_fields(np, events, stat_ids: list | None = None):
    """(metadata_id, offset_ps, duration_ps) int64 arrays of serialized XEvents written as protobuf
    writes them (fields 1, 2, 3 when not zero, then the stats), read at C speed; None when one is not
    exactly that (a field repeated or out of order, ``num_occurrences``, an unknown field): upb reads
    those chunks. With ``stat_ids``, a fourth array says which events carry a stat with one of these
    ids (each stat read as protobuf writes it: its id, then at most one value; None otherwise)."""
    n = len(events)
    if not n:
        return [np.zeros(0, np.int64)] * 3 + ([np.zeros(0, bool)] if stat_ids is not None else [])
    lengths = np.fromiter(map(len, events), np.int64, count=n)
    buf = np.frombuffer(b"".join(events), np.uint8)
    ends = np.cumsum(lengths)
    pos = ends - lengths
    fields = []
    for tag in (0x08, 0x10, 0x18):
        value = np.zeros(n, np.int64)
        at = np.flatnonzero(pos < ends)
        at = at[buf[pos[at]] == tag]
        if len(at):
            found = _varints(np, buf, pos[at] + 1)
            if found is None:
                return None
            value[at], pos[at] = found
        fields.append(value)
    carries = np.zeros(n, bool) if stat_ids is not None else None
    at = np.flatnonzero(pos < ends)
    while len(at):  # the rest: stats only (tag of field 4, a length, the stat)
        if (buf[pos[at]] != 0x22).any():
            return None
        found = _varints(np, buf, pos[at] + 1)
        if found is None:
            return None
        stat_start, pos[at] = found[1], found[1] + found[0]
        if carries is not None:
            ids = _stat_ids(np, buf, stat_start, pos[at])
            if ids is None:
                return None
            carries[at[np.isin(ids, stat_ids)]] = True
        at = at[pos[at] < ends[at]]
    if (pos != ends).any():
        return None
    return fields + ([carries] if carries is not None else [])


def _stat_ids(np, buf, starts, ends):
    """The metadata_id of each XStat in ``buf[starts:ends]`` written as protobuf writes it (field 1 when not
    zero, then at most one value field); None if one is not."""
    ids = np.zeros(len(starts), np.int64)
    pos = starts.copy()
    at = np.flatnonzero((pos < ends) & (buf[np.minimum(pos, len(buf) - 1)] == 0x08))
    if len(at):
        found = _varints(np, buf, pos[at] + 1)
        if found is None:
            return None
        ids[at], pos[at] = found
    at = np.flatnonzero(pos < ends)  # the value: one field of XStat's oneof (2 double, 3-4 and 7 varints, 5-6 bytes)
    if len(at):
        tag = buf[pos[at]]
        fixed = tag == 0x11
        pos[at[fixed]] += 9
        varint = np.isin(tag, (0x18, 0x20, 0x38))
        if varint.any():
            found = _varints(np, buf, pos[at[varint]] + 1)
            if found is None:
                return None
            pos[at[varint]] = found[1]
        sized = np.isin(tag, (0x2A, 0x32))
        if sized.any():
            found = _varints(np, buf, pos[at[sized]] + 1)
            if found is None:
                return None
            pos[at[sized]] = found[1] + found[0]
        if not (fixed | varint | sized).all():
            return None
    return ids if (pos == ends).all() else None


def _varints(np, buf, pos):
    """(values as int64, position after each) of the varints at ``pos``; None for one past the buffer or
    longer than 10 bytes."""
    value = np.zeros(len(pos), np.uint64)
    after = np.empty(len(pos), np.int64)
    todo = np.arange(len(pos))
    for k in range(10):
        at = pos[todo] + k
        if len(at) and at.max() >= len(buf):
            return None
        byte = buf[at]
        value[todo] |= (byte & 0x7F).astype(np.uint64) << np.uint64(7 * k)
        done = byte < 0x80
        after[todo[done]] = at[done] + 1
        todo = todo[~done]
        if not len(todo):
            return value.view(np.int64), after
    return None
