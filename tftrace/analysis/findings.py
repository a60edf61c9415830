"""Findings: what to change, from what the profile measured.

Each rule reads the finished Profile (steps and their breakdown, ops, functions,
graph placement, copies) and returns at most one finding: {kind, severity, title,
evidence, location, fix, impact_us}. Rules only fire on evidence past a threshold
that a healthy, compute-bound loop does not reach; findings are ranked by the time
they account for. Locations are the user's lines ({file, line, cell}).
"""

from __future__ import annotations

from statistics import median

INPUT_SHARE = 0.20  # of step time waiting for data
RUNTIME_SHARE = 0.30  # of step time in TensorFlow's runtime between ops
SMALL_OP_US = 20.0  # median graph-op time below which ops are "tiny"
OPS_PER_STEP = 50
EAGER_SHARE = 0.25  # of the traced time in eager ops dispatched from Python
EAGER_OPS = 500
RETRACES = 2
MEMCPY_SHARE = 0.10
_PLUMBING = {"_Arg", "_Retval", "NoOp", "Const", "_Send", "_Recv", "Identity", "_HostSend", "_HostRecv",
             "Placeholder"}


def find(profile, extra: list | None = None) -> list[dict]:
    """The ranked findings of ``profile``, with ``extra`` ones found elsewhere (e.g. a straggler worker)."""
    found = [rule(profile) for rule in RULES] + list(extra or [])
    found = [f for f in found if f]
    found.sort(key=lambda f: (-_SEVERITY[f["severity"]], -f.get("impact_us", 0.0)))
    return found


_SEVERITY = {"high": 3, "medium": 2, "low": 1}


def _severity(share: float) -> str:
    return "high" if share >= 0.5 else "medium" if share >= 0.2 else "low"


def _steps(profile) -> list:
    return profile.step_summary.get("rows", []) if profile.step_summary else []


def _steady(rows: list) -> list:
    """Steps that are not outliers (warm-up and the like are judged apart)."""
    return [r for r in rows if not r.get("outlier")] or rows


def _share(rows: list, *categories) -> tuple[float, float]:
    """(us in ``categories``, share of the steps' wall time)."""
    wall = sum(r["wall_us"] for r in rows)
    part = sum(r["breakdown"].get(c, 0.0) for r in rows for c in categories)
    return part, (part / wall if wall else 0.0)


def _step_site(profile) -> dict:
    """Where the steps were asked for: the call site of the step function, else its definition."""
    name = profile.step_summary.get("function") if profile.step_summary else ""
    for f in profile.functions:
        if f.name == name:
            sites = sorted(f.call_sites, key=lambda s: -s.get("calls", 0))
            if sites:
                return {k: sites[0].get(k) for k in ("file", "line", "cell")}
            return dict(f.defined_at or {})
    return {}


def _ms(us: float) -> str:
    return f"{us / 1e3:,.1f} ms" if us >= 1000 else f"{us:,.0f} us"


def input_bound(profile):
    rows = _steady(_steps(profile))
    waiting, share = _share(rows, "input")
    if not rows or share < INPUT_SHARE:
        return None
    stages = sorted((op for op in profile.ops if op.category == "dataset"), key=lambda op: -op.self_us)[:3]
    slowest = ", ".join(f"{op.name} {_ms(op.self_us)}" for op in stages) or "no tf.data stage events recorded"
    affected = [r["step"] for r in rows if r["breakdown"].get("input", 0) > 0.2 * r["wall_us"]]
    return {"kind": "input-bound", "severity": _severity(share),
            "title": f"input-bound: {100 * share:.0f}% of step time waiting for data",
            "evidence": (f"{_ms(waiting)} of {_ms(sum(r['wall_us'] for r in rows))} in {len(rows)} steps waiting for "
                         f"the next element ({len(affected)} steps over 20%). Slowest tf.data stages (own time): "
                         f"{slowest}."),
            "location": _step_site(profile), "fix": _input_fix(stages), "impact_us": waiting,
            "steps": affected[:50], "stages": [{"name": op.name, "self_us": op.self_us} for op in stages]}


def _input_fix(stages) -> str:
    names = " ".join(op.name for op in stages)
    tips = []
    if "Map" in names and "ParallelMap" not in names:
        tips.append("map(..., num_parallel_calls=tf.data.AUTOTUNE)")
    if "Prefetch" not in names:
        tips.append("end the pipeline with .prefetch(tf.data.AUTOTUNE)")
    tips.append(".cache() after an expensive map whose output does not change between epochs")
    tips.append("vectorise the map (batch first, then map) and keep Python (tf.py_function) out of it")
    return "; ".join(tips)


def retrace_bound(profile):
    worst = None
    for f in profile.functions:
        if len(f.retraces) < RETRACES:
            continue
        share = f.trace_us / f.total_us if f.total_us else 0.0
        if worst is None or f.trace_us > worst[0].trace_us:
            worst = (f, share)
    if worst is None:
        return None
    f, share = worst
    last = f.retraces[-1]
    return {"kind": "retrace-bound", "severity": _severity(max(share, 0.2 if len(f.retraces) >= 5 else 0.0)),
            "title": f"retrace-bound: {f.name} traced {f.traces} times in {f.calls} calls",
            "evidence": (f"{len(f.retraces)} retraces took {_ms(f.trace_us)} ({100 * share:.0f}% of the function's "
                         f"{_ms(f.total_us)}); last cause: {last.get('reason', '?')}."),
            "location": dict(f.defined_at or {}), "fix": last.get("fix") or "give the function an input_signature",
            "impact_us": f.trace_us}


def eager_bound(profile):
    eager = [op for op in profile.ops if op.mode == "eager"]
    count = sum(op.count for op in eager)
    total = sum(op.total_us for op in eager)
    share = total / profile.duration_us if profile.duration_us else 0.0
    sampled, sampled_share = _sampled_eager(profile)
    if count < EAGER_OPS or max(share, sampled_share) < EAGER_SHARE:
        return None
    top = ", ".join(f"{op.type} x{op.count}" for op in sorted(eager, key=lambda o: -o.total_us)[:4])
    python = (f"; py-spy saw the Python thread inside TensorFlow outside any tf.function for {_ms(sampled)} "
              f"({100 * sampled_share:.0f}% of its samples)") if sampled else ""
    return {"kind": "eager-bound", "severity": _severity(max(share, sampled_share)),
            "title": f"eager-bound: {count:,} ops dispatched one by one from Python",
            "evidence": (f"{count:,} eager ops ran for {_ms(total)} ({100 * share:.0f}% of the traced time){python}: "
                         f"{top}. Each pays Python and dispatch overhead that a tf.function would pay once."),
            "location": _eager_site(profile),
            "fix": "put the loop body in a function decorated with @tf.function (one graph per step), "
                   "or use Keras fit / a tf.data pipeline instead of a Python loop over tensors",
            "impact_us": total}


def _sampled_eager(profile) -> tuple[float, float]:
    """(us, share of the sampled time) the Python thread spent inside TensorFlow outside tf.functions:
    the eager ops with their Python-side dispatch, which the ops' own events do not cover."""
    if not profile.flame or not profile.flame.get("value_us"):
        return 0.0, 0.0
    inside = 0.0

    def visit(node):
        nonlocal inside
        if node.get("kind") == "tensorflow":
            inside += node["value_us"]
            return
        for child in node.get("children", []):
            visit(child)

    visit(profile.flame)
    return inside, inside / profile.flame["value_us"]


def _eager_site(profile) -> dict:
    """The user line with the most sampled time inside TensorFlow outside any tf.function (py-spy)."""
    best = None

    def visit(node):
        nonlocal best
        if node.get("kind") == "tensorflow" and node.get("file"):
            if best is None or node["value_us"] > best["value_us"]:
                best = node
        for child in node.get("children", []):
            visit(child)

    if profile.flame:
        visit(profile.flame)
    return {"file": best["file"], "line": best["line"], "cell": best.get("cell")} if best else {}


def launch_bound(profile):
    rows = _steady(_steps(profile))
    if not rows:
        return None
    graph_ops = [op for op in profile.ops if op.mode == "graph" and op.category == "tensorflow"]
    per_step = sum(op.count for op in graph_ops) / len(_steps(profile))
    times = [op.self_us / op.count for op in graph_ops if op.count]
    runtime, share = _share(rows, "other", "kernel_launch")
    if per_step < OPS_PER_STEP or not times or median(times) >= SMALL_OP_US or share < RUNTIME_SHARE:
        return None
    return {"kind": "launch-bound", "severity": _severity(share),
            "title": f"small-op bound: {per_step:.0f} tiny ops per step, {100 * share:.0f}% of step time between them",
            "evidence": (f"median op time {median(times):.1f} us; TensorFlow's runtime between ops took {_ms(runtime)} "
                         f"of the steps' time ({100 * share:.0f}%): scheduling each op costs about as much as running it."),
            "location": _step_site(profile),
            "fix": ("give each op more work: a larger batch, steps_per_execution in Keras compile(), "
                    "or XLA (tf.function(jit_compile=True) / compile(jit_compile=True)) to fuse small ops"),
            "impact_us": runtime}


def cpu_fallback(profile):
    if not any(d.kind == "gpu" for d in profile.devices):
        return None
    nodes = [n for n in profile.graph.get("nodes", []) if "CPU" in n.get("device", "").upper()
             and n.get("op") not in _PLUMBING and n.get("total_us", 0) > 0]
    if not nodes:
        return None
    spent = sum(n["total_us"] for n in nodes)
    types = sorted({n["op"] for n in nodes})
    top = max(nodes, key=lambda n: n["total_us"])
    return {"kind": "cpu-fallback", "severity": "medium" if spent > 1000 else "low",
            "title": f"CPU fallback: {len(nodes)} ops ran on the CPU while a GPU is visible",
            "evidence": f"{_ms(spent)} on the CPU in ops of type {', '.join(types[:8])}; the largest: {top['name']}.",
            "location": dict(top.get("source") or {}),
            "fix": ("check why they are not placed on the GPU (tf.debugging.set_log_device_placement(True)): an op "
                    "without a GPU kernel for its dtype (e.g. int64, string), or inputs kept on the host"),
            "impact_us": spent}


def memcpy(profile):
    copies = [m for m in profile.memcpy if m.direction in ("HtoD", "DtoH")]
    if not copies:
        return None
    spent = sum(m.total_us for m in copies)
    steps = len(_steps(profile)) or 1
    rows = _steps(profile)
    _, share = _share(rows, "memcpy_h2d", "memcpy_d2h") if rows else (0, spent / profile.duration_us
                                                                    if profile.duration_us else 0)
    if share < MEMCPY_SHARE:
        return None
    count = sum(m.count for m in copies)
    size = sum(m.bytes for m in copies)
    return {"kind": "memcpy", "severity": _severity(share),
            "title": f"host<->device copies: {count / steps:.0f} per step, {100 * share:.0f}% of step time",
            "evidence": f"{count:,} copies, {size:,} bytes, {_ms(spent)} in all.",
            "location": _step_site(profile),
            "fix": ("keep tensors on the device between steps; prefetch to the GPU "
                    "(tf.data.experimental.prefetch_to_device); avoid .numpy() / Python values inside the loop"),
            "impact_us": spent}


def step_outlier(profile):
    rows = _steps(profile)
    odd = [r for r in rows if r.get("outlier")]
    if not odd:
        return None
    total = sum(r["wall_us"] for r in rows)
    extra = sum(r["wall_us"] for r in odd) - len(odd) * median(r["wall_us"] for r in rows)
    worst = max(odd, key=lambda r: r["wall_us"])
    tracing = any("tracing" in r["outlier"] for r in odd)
    collected = any("garbage collection" in r["outlier"] for r in odd)
    fix = ("expected once per new input signature: warm the function up before the profiled part, or give it an "
           "input_signature" if tracing else
           "create fewer short-lived Python objects per step, or call gc.freeze() once the model and data are "
           "built so collections stop re-scanning them" if collected else
           "look at the step on the timeline; a first step is warm-up (exclude it), a periodic one is often "
           "an epoch boundary (new iterator), a checkpoint or a garbage-collection pause")
    return {"kind": "step-outlier", "severity": "medium" if extra > 0.2 * total else "low",
            "title": f"{len(odd)} outlier step{'s' if len(odd) > 1 else ''}: step {worst['step']} took "
                     f"{_ms(worst['wall_us'])}",
            "evidence": "; ".join(f"step {r['step']}: {r['outlier']}" for r in odd[:5])
                        + (f"; {len(odd) - 5} more" if len(odd) > 5 else "") + ".",
            "location": _step_site(profile), "fix": fix, "impact_us": max(extra, 0.0),
            "steps": [r["step"] for r in odd][:50]}


RULES = (input_bound, retrace_bound, eager_bound, launch_bound, cpu_fallback, memcpy, step_outlier)


def one_line(findings: list) -> str:
    """The line under a cell: the top finding and where to read more ("" without findings)."""
    if not findings:
        return ""
    more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"tftrace: {findings[0]['title']}; see findings{more}"
