"""Memory profile: per allocator, bytes in use over time, the peak, and what is alive at it.

Owns ``Profile.memory``. TensorFlow's BFC allocators (every GPU's, the pinned host one,
on CPU the large-allocation half of oneDNN's ``mklcpu`` allocator, or every CPU
allocation with ``TF_CPU_ALLOCATOR_USE_BFC=1``) record a ``MemoryAllocation`` or
``MemoryDeallocation`` instant event on the host plane for each chunk they hand out or
take back, with the allocator's counters after it (``bytes_allocated``,
``bytes_reserved``, ``bytes_available``, ``fragmentation``) and the chunk (``addr``,
``allocation_bytes``, ``requested_bytes``, ``tf_op``, ``region_type``, ``data_type``,
``shape``, ``group_id``). The numbers are those of XProf's ``memory_profile`` tool:

- bytes in use = ``bytes_allocated`` + ``bytes_reserved`` after each event;
- the peak is the largest of them; on ties, the last event reaching it in plane order
  (line by line, each line's events in order), as XProf walks the plane. Capacity is
  in use + ``bytes_available`` and fragmentation is the allocator's, at that event;
- alive at the peak: events sorted by time; the peak's step is that of the last event
  (in time) whose bytes in use equal the peak (an event without ``group_id`` takes the
  step after the last one seen, 0 at first). Allocations of that step up to the peak's
  time, less those freed by then (by address), are the tensors alive; the heap bytes at
  the peak they do not explain (allocated in earlier steps) form one row "unused
  preallocated device memory", and reserved bytes one row "stack". Rows are sorted by
  allocation size, then requested size (both descending), op, region, dtype, shape,
  and identical rows merged with a count.

XProf first runs its own step grouping on an XSpace without ``group_id`` stats (TF 2.21
CPU captures); this module does not, so there every event is step 0 and the tensors
alive at the peak include those of earlier steps of the trace (XProf counts them as
"unused preallocated"); the peak itself is the same.

Result (``Profile.memory``): ``{"allocators": [{name, capacity_bytes, peak_bytes,
peak_time_us, fragmentation_pct, lifetime_peak_bytes, events, timeline: [[t_us,
bytes_in_use], ...], at_peak: [{op, bytes, requested_bytes, count, shape, dtype,
region}], at_peak_omitted}, ...], "note": "..."}``, times in us from the XSpace origin,
``host`` on each allocator when there are several hosts; the timeline has at most
``MAX_POINTS`` points (the largest of each run of events, the peak kept), ``at_peak`` at
most ``MAX_AT_PEAK`` rows (``bytes`` is one allocation's, ``count`` how many alike).

Only the lines that hold such events are read, and only a few stats of each event;
the ops, dtypes and shapes are read for the allocations alive at the peak alone.
"""

from __future__ import annotations

from itertools import compress, repeat
from operator import attrgetter, itemgetter

HOST_PLANE = "/host:CPU"
ALLOCATION, DEALLOCATION = "MemoryAllocation", "MemoryDeallocation"
MAX_POINTS = 2000  # timeline points per allocator
MAX_AT_PEAK = 1000  # rows of tensors alive at the peak per allocator

NO_EVENTS_NOTE = ("no allocator events were recorded: TensorFlow's BFC allocators record them (GPU; on CPU "
                  "oneDNN's mklcpu only for allocations of 256 KiB or more, or every allocation with "
                  "TF_CPU_ALLOCATOR_USE_BFC=1 set before TensorFlow starts)")
NOTE = "bytes in use per allocator from TensorFlow's allocator events, peaks as XProf's memory_profile computes them"
MKL_NOTE = ("mklcpu records only allocations of 256 KiB or more (smaller ones are not counted): set "
            "TF_CPU_ALLOCATOR_USE_BFC=1 before TensorFlow starts to see every CPU allocation")

# TensorFlow DataType enum -> name (as XProf prints it); ref types are these + 100, "_ref"
_DTYPES = ("INVALID", "float", "double", "int32", "uint8", "int16", "int8", "string", "complex64", "int64",
           "bool", "qint8", "quint8", "qint32", "bfloat16", "qint16", "quint16", "uint16", "complex128",
           "half", "resource", "variant", "uint32", "uint64", "float8_e5m2", "float8_e4m3fn",
           "float8_e4m3fnuz", "float8_e4m3b11fnuz", "float8_e5m2fnuz", "int4", "uint4")

# stat name -> how its value is read (XProf's IntValue / StrOrRefValue / DoubleValue)
_INT, _STR, _ORDINAL, _DOUBLE = range(4)
_KINDS = {"allocator_name": _STR, "index_on_host": _ORDINAL, "device_ordinal": _ORDINAL, "bytes_reserved": _INT,
          "bytes_allocated": _INT, "bytes_available": _INT, "fragmentation": _DOUBLE, "peak_bytes_in_use": _INT,
          "requested_bytes": _INT, "allocation_bytes": _INT, "addr": _INT, "tf_op": _STR, "group_id": _INT,
          "region_type": _STR, "data_type": _INT, "shape": _STR}
# read for every event (the allocator is named by the last of its name / ordinal stats, as in XProf)
_EVERY_EVENT = (("allocator_name", "index_on_host", "device_ordinal"), "bytes_reserved", "bytes_allocated",
                "group_id")
# read for the events of the peak's step up to the peak
_CHUNK = ("addr", "allocation_bytes")
# read for the peak event and the last one
_COUNTERS = ("bytes_available", "fragmentation", "peak_bytes_in_use")
# read for the allocations alive at the peak
_TENSOR = ("requested_bytes", "tf_op", "region_type", "data_type", "shape")

# a snapshot: [time ps, kind (2 allocation, 1 deallocation), bytes in use, heap bytes, reserved bytes,
# step (-1: no group id), the event's stats, their layout key, addr, allocation bytes]; the last two
# read only where needed
_TIME, _KIND, _IN_USE, _HEAP, _STACK, _STEP, _STATS, _KEY, _ADDR, _BYTES = range(10)
_ALLOC, _DEALLOC = 2, 1
_METADATA_ID = attrgetter("metadata_id")


class StatReader:
    """Some stats of many events, by slot (None where an event lacks one).

    Each stat read costs a Python object, and an allocator event carries about fifteen.
    TensorFlow writes an allocator event's stats in a fixed order (the profiler's
    ``group_id`` appended last), so the reader learns, from one event read in full, where
    the wanted stats sit in the events of that kind, stat count and last stat, then reads
    only those places, checking each stat's id (a mismatch reads the event in full).
    """

    def __init__(self, plane, slots: tuple):
        self.stat_names = plane.stat_names
        self.wanted = {}  # stat metadata id -> (slot, kind)
        for slot, names in enumerate(slots):
            for name in (names,) if isinstance(names, str) else names:
                if name in plane.stat_ids:
                    self.wanted[plane.stat_ids[name]] = (slot, _KINDS[name])
        self.width = len(slots)
        # (event kind, stat count, last stat id) -> ((position, stat id, slot, kind), ...)
        self.layouts: dict = {}

    @staticmethod
    def key(stats, kind) -> tuple | None:
        """What identifies an event's layout: (its kind, stat count, last stat id); None without stats."""
        return (kind, len(stats), stats[-1].metadata_id) if len(stats) else None

    def read(self, stats, key) -> list:
        """The wanted stats of an event's ``stats`` (its ``key`` from ``StatReader.key``)."""
        layout = self.layouts.get(key)
        if layout is None:
            return self._learn(stats, key) if key is not None else [None] * self.width
        values = [None] * self.width
        names = self.stat_names
        for position, stat_id, slot, kind in layout:
            stat = stats[position]
            if stat.metadata_id != stat_id:
                return self._learn(stats, key)
            if kind == _INT:
                values[slot] = stat.int64_value or stat.uint64_value
            elif kind == _STR:
                values[slot] = stat.str_value or names.get(stat.ref_value, "")
            else:
                values[slot] = self._value(stat, kind)
        return values

    def _learn(self, stats, key) -> list:
        at: dict = {}
        for position, stat in enumerate(stats):
            found = self.wanted.get(stat.metadata_id)
            if found is not None:  # the last one of a slot wins
                at[found[0]] = (position, stat.metadata_id, found[0], found[1])
        layout = self.layouts[key] = tuple(at.values())
        values = [None] * self.width
        for position, _, slot, kind in layout:
            values[slot] = self._value(stats[position], kind)
        return values

    def _value(self, stat, kind):
        if kind == _INT:
            return stat.int64_value or stat.uint64_value
        if kind == _STR:
            return stat.str_value or self.stat_names.get(stat.ref_value, "")
        if kind == _ORDINAL:
            return str(stat.int64_value or stat.uint64_value)
        return stat.double_value or float(stat.int64_value)


def memory_profile(spaces: list, labels: list) -> dict:
    """``Profile.memory`` of decoded XSpaces (one per host, ``labels`` their host names)."""
    allocators = []
    for host, space in zip(labels, spaces):
        plane = space.plane(HOST_PLANE)
        if plane is None:
            continue
        found = _snapshots(plane, space.origin_ns)
        for name, snapshots in sorted(found.items()):
            row = _allocator(name, snapshots, plane)
            if len(labels) > 1:
                row["host"] = host
            allocators.append(row)
    if not allocators:
        return {"allocators": [], "note": NO_EVENTS_NOTE}
    mkl = any(a["name"] == "mklcpu" for a in allocators)
    return {"allocators": allocators, "note": MKL_NOTE if mkl else NOTE}


def _snapshots(plane, origin_ns: int) -> dict:
    """{allocator: [snapshot, ...] in plane order, then the peak's snapshot} of one host plane."""
    names = plane.event_names
    by_index = {i: _ALLOC if name == ALLOCATION else _DEALLOC for i, name in enumerate(names)
                if name in (ALLOCATION, DEALLOCATION)}
    if not by_index:
        return {}
    by_id = None
    reader = StatReader(plane, _EVERY_EVENT)
    read = reader.read
    out: dict = {}
    peaks: dict = {}
    for line in plane.lines:
        if line.present is not None and line.present.isdisjoint(by_index):  # its names are known: none of these
            continue
        decoded = line._columns is not None
        if decoded or line._lazy:  # decoded already, or cheaply (a lazy line, in chunks): the names say where
            kinds = list(map(by_index.get, line.name_index, repeat(0)))
        else:  # reading the ids alone costs a third of decoding the line
            if by_id is None:
                by_id = {mid: by_index[i] for mid, i in plane.index_of.items() if i in by_index}
            kinds = list(map(by_id.get, map(_METADATA_ID, line._events), repeat(0)))
        if not decoded:
            line.release()  # as it was (a lazy line's columns were freed by the pass that read them)
        if kinds.count(0) == len(kinds):
            line.done()  # a lazily parsed line with no memory events is not kept parsed
            continue
        base = (line.timestamp_ns - origin_ns) * 1000
        for i, event in line.events_at(list(compress(range(len(kinds)), kinds))):
            kind = kinds[i]
            stats = event.stats
            key = (kind, len(stats), stats[-1].metadata_id) if len(stats) else None  # StatReader.key, inlined
            name, reserved, allocated, group = read(stats, key)
            reserved, allocated = reserved or 0, allocated or 0
            snapshot = [base + event.offset_ps, kind, allocated + reserved, allocated, reserved,
                        -1 if group is None else group, stats, key, 0, 0]
            name = name or ""
            mine = out.get(name)
            if mine is None:
                mine = out[name] = []
                peaks[name] = snapshot
            mine.append(snapshot)
            if snapshot[_IN_USE] >= peaks[name][_IN_USE]:
                peaks[name] = snapshot
    for name, mine in out.items():
        mine.append(peaks[name])
    return out


def _allocator(name: str, snapshots: list, plane) -> dict:
    peak = snapshots.pop()
    snapshots.sort(key=itemgetter(_TIME))  # stable: ties keep plane order
    steps = _steps(snapshots)
    peak_step = next(step for snap, step in zip(reversed(snapshots), reversed(steps)) if snap[_IN_USE] == peak[_IN_USE])
    counters = StatReader(plane, _COUNTERS)
    available, fragmentation, _ = counters.read(peak[_STATS], peak[_KEY])
    lifetime_peak = counters.read(snapshots[-1][_STATS], snapshots[-1][_KEY])[2]
    rows = _alive_at_peak(snapshots, steps, peak, peak_step, plane)
    return {
        "name": name,
        "capacity_bytes": peak[_IN_USE] + (available or 0),
        "peak_bytes": peak[_IN_USE],
        "peak_time_us": _us(peak[_TIME]),
        "fragmentation_pct": round((fragmentation or 0.0) * 100, 4),
        "lifetime_peak_bytes": lifetime_peak or 0,  # the allocator's own, since the process started
        "events": len(snapshots),
        "timeline": _timeline(snapshots, next(i for i, snap in enumerate(snapshots) if snap is peak)),
        "at_peak": rows[:MAX_AT_PEAK],
        "at_peak_omitted": max(0, len(rows) - MAX_AT_PEAK),
    }


def _steps(snapshots: list) -> list[int]:
    """Each snapshot's step: its group id, else the one after the last group id seen (0 at first)."""
    out, last = [], -1
    for snap in snapshots:
        step = snap[_STEP]
        if step == -1:
            step = last + 1
        else:
            last = step
        out.append(step)
    return out


def _alive_at_peak(snapshots: list, steps: list, peak: list, peak_step: int, plane) -> list[dict]:
    """The allocations alive at the peak (largest first), as XProf's memory breakdown lists them."""
    unexplained = peak[_HEAP]  # heap bytes at the peak not tied to an allocation of the peak's step
    freed_unmatched = 0
    alive: dict = {}
    end = peak[_TIME]
    chunk = StatReader(plane, _CHUNK).read
    for snap, step in zip(snapshots, steps):
        if snap[_TIME] > end:
            break
        if step != peak_step:
            continue
        addr, size = chunk(snap[_STATS], snap[_KEY])
        addr, size = snap[_ADDR], snap[_BYTES] = addr or 0, size or 0
        if snap[_KIND] == _ALLOC:
            alive[addr] = snap
            unexplained -= size
        else:
            if alive.pop(addr, None) is None:
                freed_unmatched += size
            unexplained += size
    unexplained -= freed_unmatched
    keys = []
    tensor = StatReader(plane, _TENSOR).read
    for snap in alive.values():
        requested, op, region, dtype, shape = tensor(snap[_STATS], snap[_KEY])
        keys.append((-snap[_BYTES], -(requested or 0), op or "", region or "",
                     "" if dtype is None else _dtype(dtype), shape or ""))
    if unexplained > 0:
        keys.append((-unexplained, -unexplained, "unused preallocated device memory", "persist/dynamic",
                     "INVALID", "unknown"))
    if peak[_STACK] > 0:
        keys.append((-peak[_STACK], -peak[_STACK], "stack", "stack", "INVALID", "unknown"))
    keys.sort()
    rows: list[dict] = []
    previous = None
    for key in keys:
        if key == previous:
            rows[-1]["count"] += 1
            continue
        previous = key
        rows.append({"op": key[2], "bytes": -key[0], "requested_bytes": -key[1], "count": 1, "shape": key[5],
                     "dtype": key[4], "region": key[3]})
    return rows


def _timeline(snapshots: list, peak_index: int) -> list[list]:
    """[[t us, bytes in use]], at most MAX_POINTS: the largest of each run of consecutive
    snapshots (runs of equal length, give or take one), the peak's run keeping the peak."""
    n = len(snapshots)
    if n <= MAX_POINTS:
        chosen = range(n)
    else:
        in_use = [s[_IN_USE] for s in snapshots]
        chosen = []
        for b in range(MAX_POINTS):
            lo, hi = b * n // MAX_POINTS, (b + 1) * n // MAX_POINTS
            if lo <= peak_index < hi:
                chosen.append(peak_index)
            else:
                run = in_use[lo:hi]
                chosen.append(lo + run.index(max(run)))
    return [[_us(snapshots[i][_TIME]), snapshots[i][_IN_USE]] for i in chosen]


def _us(ps: int) -> float:
    """Picoseconds as microseconds to the nanosecond."""
    return (ps + 500) // 1000 / 1000


def _dtype(value: int) -> str:
    if 100 < value < 100 + len(_DTYPES):
        return _DTYPES[value - 100] + "_ref"
    if 0 <= value < len(_DTYPES):
        return _DTYPES[value]
    return f"unknown dtype enum ({value})"
