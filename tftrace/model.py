"""The Profile: everything tftrace knows about one traced run, as plain data.

Capture produces raw material, analysis turns it into a Profile, and every view,
report, export and the server read only a Profile (or its dict form). Rows are
small slotted dataclasses (a profile holds thousands); ``to_dict``/``from_dict`` give the versioned JSON form stored in
run files. The raw XSpace bytes ride along (``xspaces``) but never enter the JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter

SCHEMA = "tftrace.profile/1"


@dataclass(slots=True)
class Device:
    name: str  # "/host:CPU", "/device:GPU:0"
    host: str
    kind: str  # "cpu" | "gpu" | "other"
    events: int = 0
    caps: dict = field(default_factory=dict)


@dataclass(slots=True)
class OpStat:
    name: str
    type: str
    device: str
    mode: str  # "graph" | "eager"
    count: int
    total_us: float
    self_us: float
    host: str = ""
    category: str = "tensorflow"  # tensorflow | dataset | memcpy
    source: dict = field(default_factory=dict)  # {file, line, cell}: the user line that created the op
    layer: dict = field(default_factory=dict)  # {name, class}: the Keras layer the op belongs to


@dataclass(slots=True)
class KernelStat:
    name: str
    op: str
    device: str
    count: int
    total_us: float
    min_us: float
    max_us: float
    grid: str
    block: str
    registers: int
    shared_mem_bytes: int
    occupancy_pct: float
    op_source: str = ""  # annotation | tf_ops_line | correlation | ""
    host: str = ""


@dataclass(slots=True)
class MemcpyStat:
    device: str
    direction: str  # HtoD | DtoH | DtoD | HtoH
    op: str
    count: int
    bytes: int
    total_us: float
    host: str = ""


@dataclass(slots=True)
class FunctionStat:
    name: str
    calls: int
    traces: int
    total_us: float
    retraces: list = field(default_factory=list)  # [{signature, reason, fix, call}]
    host: str = ""
    mean_us: float = 0.0
    definition: dict = field(default_factory=dict)  # {file, line} (kept for tftrace.stats/1 readers)
    call_sites: list = field(default_factory=list)  # [{file, line, cell, function, calls}]
    trace_us: float = 0.0  # time spent tracing (building the graph), measured around TensorFlow's tracing
    call_us: dict = field(default_factory=dict)  # execution per call without tracing: {n, min, median, p95, max}
    defined_at: dict = field(default_factory=dict)  # {file, line, cell}; cell like "In [7]" in a notebook


@dataclass(slots=True)
class Step:
    name: str
    function: str
    start_us: float
    duration_us: float
    traced: bool = False
    host: str = ""


def row_tuple(row) -> tuple:
    """A row's field values in field order (``Row(*values)`` makes it again)."""
    return _getter(type(row))(row)


def row_dict(row) -> dict:
    """A row as {field: value} (shallow, unlike ``dataclasses.asdict``)."""
    names = _field_names(type(row))
    return dict(zip(names, _getter(type(row))(row)))


def _field_names(cls) -> tuple:
    return _FIELD_NAMES.get(cls) or _FIELD_NAMES.setdefault(cls, tuple(f.name for f in fields(cls)))


def _getter(cls):
    getter = _GETTERS.get(cls)
    if getter is None:
        names = _field_names(cls)
        getter = _GETTERS[cls] = attrgetter(*names) if len(names) > 1 else (lambda row: (getattr(row, names[0]),))
    return getter


_FIELD_NAMES: dict = {}
_GETTERS: dict = {}

_TRANSIENT = ("xspaces", "call_ops", "busy")
_ROW_TYPES = {"devices": Device, "ops": OpStat, "kernels": KernelStat,
              "memcpy": MemcpyStat, "functions": FunctionStat, "steps": Step}


@dataclass
class Profile:
    """One traced run: metadata, per-op/kernel/function tables, warnings, raw XSpaces."""

    name: str = ""
    source: str = ""
    created: str = ""
    duration_us: float = 0.0
    event_count: int = 0
    hosts: list = field(default_factory=list)
    devices: list = field(default_factory=list)
    ops: list = field(default_factory=list)
    kernels: list = field(default_factory=list)
    memcpy: list = field(default_factory=list)
    functions: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    tapes: list = field(default_factory=list)
    graph: dict = field(default_factory=lambda: {"nodes": []})
    python: dict = field(default_factory=lambda: {"samples": 0, "top": []})
    flame: dict = field(default_factory=dict)  # merged Python -> function -> op -> kernel tree
    # steps found in what ran: {source, reason, count, rows: [{step, name, start_us, wall_us, breakdown: {category: us},
    # outlier}]} (analysis/steps.py)
    step_summary: dict = field(default_factory=dict)
    # {op name: [self us in step 1, step 2, ...]}: each op's self time in each step of ``step_summary``
    # (analysis/step_ops.py), the samples a comparison of runs needs; ops with the least time are left
    # out past ``step_ops.MAX_SAMPLES`` numbers
    step_ops: dict = field(default_factory=dict)
    findings: list = field(default_factory=list)  # [{kind, severity, title, evidence, location, fix}], ranked
    # allocator timelines: {allocators: [{name, capacity_bytes, peak_bytes, peak_time_us, timeline, at_peak}], note}
    memory: dict = field(default_factory=dict)
    # how busy the machine was during a live trace: {cpus, others_pct, steal_pct, own_pct} (capture/machine.py)
    machine: dict = field(default_factory=dict)
    # per GPU that ran something: busy time (kernels and copies, overlaps once) over the span and the steps,
    # per stream, and the idle gaps with the host's events meanwhile (analysis/gpu_busy.py)
    gpu_utilisation: list = field(default_factory=list)
    # a multi-worker capture: {requested: [{address, host, status: captured|missing, reason, attempts, window_s}],
    # clock: {reference, offsets_us: {host: us}, method, pairs}, rows: [per worker: steps, step time, collectives
    # split into transfer and waiting], straggler: {...} or absent} (capture/remote.py, analysis/workers.py)
    workers: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    error: str = ""  # the exception the traced code raised, if any
    xspaces: dict = field(default_factory=dict, repr=False)  # host -> XSpace bytes
    # {call site id: {op name: self us}} measured inside the tf.function calls of a live trace
    # (analysis -> flame tree; not stored: the flame tree holds what it says)
    call_ops: dict = field(default_factory=dict, repr=False)
    # {category: [(start ps, end ps)]} when each kind of work ran, on the host the steps were read on
    # (analysis -> step breakdown; not stored: the breakdown holds what it says)
    busy: dict = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        out = {"schema": SCHEMA}
        for f in fields(self):
            if f.name in _TRANSIENT:
                continue
            value = getattr(self, f.name)
            if f.name in _ROW_TYPES:
                value = [asdict(row) for row in value]
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict, xspaces: dict | None = None) -> "Profile":
        kwargs = {}
        for f in fields(cls):
            if f.name in _TRANSIENT or f.name not in data:
                continue
            value = data[f.name]
            row_type = _ROW_TYPES.get(f.name)
            if row_type is not None:
                known = {rf.name for rf in fields(row_type)}
                value = [row_type(**{k: v for k, v in row.items() if k in known}) for row in value]
            kwargs[f.name] = value
        return cls(**kwargs, xspaces=dict(xspaces or {}))

    def top_ops(self, n: int = 10) -> list:
        return sorted(self.ops, key=lambda op: op.self_us, reverse=True)[:n]

    # Conveniences that delegate to the layers above the model (imported lazily).
    def save(self, path) -> str:
        from .runfile import save
        return save(self, path)

    def to_html(self, path) -> str:
        from .report import write_report
        return write_report(self, path)

    def export_tensorboard(self, logdir) -> str:
        from .export.tensorboard import export
        return export(self, logdir)

    def to_pandas(self) -> dict:
        """{table name: pandas DataFrame} (ops, kernels, functions, steps, ...; see ``frames.TABLES``)."""
        from .frames import to_pandas
        return to_pandas(self)

    def show(self):
        from .display import show
        return show(self)

    def widget(self):
        """A live widget (needs the kernel): the views plus on-demand full timeline."""
        try:
            from .widget import ProfileWidget
        except ImportError as exc:
            from .errors import TftraceError

            raise TftraceError(f"Profile.widget() needs anywidget ({exc}): pip install 'tftrace[jupyter]'") from None
        return ProfileWidget(self)
