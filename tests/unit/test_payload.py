"""The payload the views read, decoded here the way the browser decodes it."""

from __future__ import annotations

import base64
import gzip
import json

import numpy as np
import pytest

from tftrace import load, payload
from tftrace.analysis import parse
from tftrace.model import FunctionStat, OpStat, Profile
from tftrace.report import report_html


def column(text: str, dtype) -> np.ndarray:
    return np.frombuffer(gzip.decompress(base64.b64decode(text)), dtype=np.dtype(dtype).newbyteorder("<"))


def decode_timeline(tl: dict) -> dict:
    """Mirror of decodeTimeline in labextension/src/payload.ts."""
    lane = column(tl["lane_u16"], np.uint16)
    delta = column(tl["start_delta_u32"], np.uint32).astype(np.int64)
    start = np.empty_like(delta)
    for i in range(len(delta)):
        start[i] = delta[i] if i == 0 or lane[i] != lane[i - 1] else start[i - 1] + delta[i]
    return {"lane": lane, "start": start, "dur": column(tl["dur_u32"], np.uint32),
            "name": column(tl["name_i32"], np.int32)}


def decode_flame(raw: list, strings: list) -> dict:
    """Mirror of decodeFlame in labextension/src/payload.ts (slot 3 is ignored; trailing unknown slots
    from the file on are left out)."""
    return {"name": strings[raw[0]], "kind": strings[raw[1]], "value": raw[2],
            "children": [decode_flame(c, strings) for c in raw[4]], "file": strings[raw[5]] if len(raw) > 5 else "",
            "line": raw[6] if len(raw) > 6 else 0,
            "cell": strings[raw[7]] if len(raw) > 7 else "", "device": strings[raw[8]] if len(raw) > 8 else "",
            "calls": raw[9] if len(raw) > 9 else 0}


def table_rows(table: dict, strings: list) -> list[dict]:
    """Mirror of row() in labextension/src/payload.ts, for every row."""
    return [{k: (strings[v[i]] if k in table["text"] else v[i]) for k, v in table["columns"].items()}
            for i in range(table["count"])]


@pytest.fixture(scope="module")
def profile(gpu_fixture):
    return load(gpu_fixture)


@pytest.fixture(scope="module")
def data(profile):
    return json.loads(json.dumps(payload.build(profile)))


def test_schema_and_tables_resolve_through_the_string_table(data, profile):
    assert data["schema"] == "tftrace.payload/1"
    ops = data["ops"]
    assert ops["count"] == len(profile.ops)
    first = {k: (data["strings"][v[0]] if k in ops["text"] else v[0]) for k, v in ops["columns"].items()}
    assert (first["name"], first["self_us"]) == (profile.ops[0].name, profile.ops[0].self_us)


def test_timeline_holds_every_event_of_every_line(data, gpu_fixture):
    space = parse(gpu_fixture.read_bytes())
    lines = [(plane, line) for plane in space.planes for line in plane.lines if len(line)]
    tl = data["timeline"]
    assert tl["count"] == space.event_count and tl["dropped"] == 0
    assert [l["name"] for l in tl["lanes"]] == [line.display_name for _, line in lines]
    events = decode_timeline(tl)
    for lane_index, (plane, line) in enumerate(lines):
        mine = events["lane"] == lane_index
        assert mine.sum() == len(line)
        got = sorted(zip(events["start"][mine].tolist(), events["dur"][mine].tolist(),
                         [data["strings"][i] for i in events["name"][mine]]))
        origin_ns = min(min(l.start_ps) for _, l in lines) // 1000
        assert round(tl["origin_us"] * 1000) == origin_ns  # steps and memory move by it onto the timeline
        want = sorted(zip([s // 1000 - origin_ns for s in line.start_ps], [d // 1000 for d in line.duration_ps],
                          [plane.event_names[i] for i in line.name_index]))
        assert got == want


def test_max_events_keeps_the_longest(profile):
    bounded = payload.build(profile, max_events=1000, charts=False)["timeline"]
    assert bounded["count"] == 1000 and bounded["dropped"] == profile.event_count - 1000
    durations = decode_timeline(bounded)["dur"]
    assert durations.min() == bounded["min_kept_ns"]


def test_flame_tree_children_never_exceed_parent(data):
    def check(node):
        name, kind, value, measured, children = node[:5]
        assert isinstance(data["strings"][name], str) and data["strings"][kind]
        assert sum(c[2] for c in children) <= value + 1e-6
        for child in children:
            check(child)

    check(data["flame"])
    assert data["flame_source"] == "ops"


def test_report_embeds_payload_without_raw_markup(profile):
    profile.ops[0].name = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
    text = report_html(profile)
    assert "<img src=x" not in text and "</script><script>alert(2)" not in text
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in text
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert "http://" not in text.split("<script>", 1)[0] and "https://" not in text.split("<script>", 1)[0]


def test_notebook_bundle_has_mime_html_and_text(profile):
    from tftrace.display import NOTEBOOK_LIMITS, ProfileDisplay, unpack

    bundle = ProfileDisplay(profile, run_id="r1")._repr_mimebundle_()
    assert set(bundle) == {payload.MIME_TYPE, "text/html", "text/plain"}
    data = unpack(bundle[payload.MIME_TYPE])  # stored packed (gzip), see display.pack
    assert data["timeline"]["count"] <= NOTEBOOK_LIMITS["max_events"]
    assert data["ops"]["count"] == min(1_500, len(profile.ops))
    html_text = bundle["text/html"]
    assert html_text.startswith('<iframe class="tftrace-report"') and 'sandbox="allow-scripts"' in html_text
    assert "<script" not in html_text.split("srcdoc=", 1)[1]  # the report is attribute-escaped
    assert bundle["text/plain"].startswith("run r1\n")


def test_widget_loads_the_full_timeline_on_request(profile, monkeypatch):
    from tftrace import display, widget

    monkeypatch.setitem(display.NOTEBOOK_LIMITS, "max_events", 1000)
    w = widget.ProfileWidget(profile)
    assert w.payload["timeline"]["dropped"] == profile.event_count - 1000
    assert "tftraceViews" in w._esm and "export default" in w._esm
    w._on_message(w, {"type": "full-timeline"}, [])
    assert w.payload["timeline"]["dropped"] == 0 and w.payload["timeline"]["count"] == profile.event_count


NOTEBOOK = "/tmp/ipykernel_7/31415.py"


def located_profile() -> Profile:
    """Ops with Keras layers and source lines, a function with trace and call times, a flame tree
    with remainders in notebook cells, and a graph whose nodes say where they come from."""
    ops = [OpStat("model/dense_1/MatMul", "MatMul", "/device:GPU:0", "graph", 10, 120.0, 100.0,
                  source={"file": NOTEBOOK, "line": 3, "cell": "In [7]"}, layer={"name": "dense_1", "class": "Dense"}),
           OpStat("model/dense_1/BiasAdd", "BiasAdd", "/device:GPU:0", "graph", 10, 30.0, 20.0,
                  source={"file": "/home/u/project/train.py", "line": 12, "cell": None}, layer={"name": "dense_1"}),
           OpStat("Cast", "Cast", "/host:CPU", "eager", 1, 5.0, 5.0)]
    function = FunctionStat("train_step", 12, 3, 9_000.0, trace_us=6_500.0,
                            call_us={"n": 10, "min": 150.0, "median": 180.0, "p95": 300.0, "max": 320.0},
                            defined_at={"file": NOTEBOOK, "line": 1, "cell": "In [5]"},
                            call_sites=[{"file": NOTEBOOK, "line": 2, "cell": "In [8]", "function": "<module>", "calls": 12}])
    leaf = lambda name, kind, us, **at: {"name": name, "kind": kind, "value_us": us, "children": [], **at}  # noqa: E731
    step = {"name": "tf.function train_step", "kind": "function", "value_us": 9_000.0, "file": NOTEBOOK, "line": 2,
            "cell": "In [8]", "calls": 12,
            "children": [leaf("model/dense_1/MatMul", "op", 1_000.0, file=NOTEBOOK, line=3, cell="In [7]",
                              type="MatMul", device="/device:GPU:0"),
                                           leaf("tracing / graph building", "remainder", 6_500.0),
                                           leaf("runtime and dispatch", "remainder", 1_500.0)]}
    flame = {"name": "all", "kind": "root", "value_us": 9_000.0, "children": [step]}
    nodes = [{"name": "model/dense_1/MatMul", "op": "MatMul", "device": "/device:GPU:0", "inputs": [],
              "source": {"file": NOTEBOOK, "line": 3, "cell": "In [7]"}, "placement": "runtime"},
             {"name": "model/dense_1/BiasAdd", "op": "BiasAdd", "device": "/device:GPU:0",
              "inputs": ["model/dense_1/MatMul:0"]}]
    graph = {"nodes": [{"function": "train_step", "name": "model/dense_1/BiasAdd", "total_us": 20.0, "kernels": [],
                        "layer": {"name": "dense_1", "class": "Dense"}, "placement": "measured"}],
             "functions": [{"function": "train_step", "partitions": [nodes]}]}
    return Profile(name="located", ops=ops, functions=[function], flame=flame, graph=graph)


@pytest.fixture(scope="module")
def located():
    return json.loads(json.dumps(payload.build(located_profile(), charts=False)))


def test_ops_carry_their_source_line_and_keras_layer(located):
    rows = {r["name"]: r for r in table_rows(located["ops"], located["strings"])}
    matmul, bias, cast = rows["model/dense_1/MatMul"], rows["model/dense_1/BiasAdd"], rows["Cast"]
    assert (matmul["source"], matmul["source_file"], matmul["source_line"], matmul["source_cell"]) == (
        "In [7], line 3", NOTEBOOK, 3, "In [7]")
    assert (bias["source"], bias["source_file"], bias["source_cell"]) == ("train.py:12", "/home/u/project/train.py", "")
    assert (matmul["layer"], bias["layer"], cast["layer"], cast["source"]) == ("dense_1 (Dense)", "dense_1", "", "")


def test_functions_carry_trace_time_call_times_and_cells(located):
    [f] = located["functions"]
    assert f["trace_us"] == 6_500.0 and f["traces"] == 3
    assert f["call_us"] == {"n": 10, "min": 150.0, "median": 180.0, "p95": 300.0, "max": 320.0}
    assert f["defined_at"]["cell"] == "In [5]" and f["call_sites"][0]["cell"] == "In [8]"


def test_compact_flame_decodes_remainders_and_cells(located):
    raw = located["flame"]
    assert all(5 <= len(n) <= 10 and n[3] == 0 for n in [raw, raw[4][0], *raw[4][0][4]])
    tree = decode_flame(raw, located["strings"])
    [step] = tree["children"]
    assert (step["kind"], step["value"], step["cell"], step["line"], step["calls"]) == ("function", 9_000.0, "In [8]", 2, 12)
    assert (step["children"][0]["device"], step["children"][1]["device"], step["children"][1]["calls"]) == (
        "/device:GPU:0", "", 0)
    assert [(c["kind"], c["name"], c["value"]) for c in step["children"]] == [
        ("op", "model/dense_1/MatMul", 1_000.0), ("remainder", "tracing / graph building", 6_500.0),
        ("remainder", "runtime and dispatch", 1_500.0)]
    assert sum(c["value"] for c in step["children"]) == step["value"]  # every value a measurement, no gap
    assert (step["children"][0]["file"], step["children"][0]["cell"], step["children"][1]["cell"]) == (NOTEBOOK, "In [7]", "")
    # an older payload (7 slots, a separate measured time) still decodes
    assert decode_flame([0, 0, 5.0, 4.0, [], 0, 3], ["x"])["cell"] == ""


def test_ops_only_flame_tree_carries_op_locations():
    profile = located_profile()
    profile.flame = {}
    data = payload.build(profile, charts=False)
    assert data["flame_source"] == "ops"
    ops = [n for device in decode_flame(data["flame"], data["strings"])["children"]
           for group in device["children"] for n in group["children"]]
    matmul = next(n for n in ops if n["name"] == "model/dense_1/MatMul")
    assert (matmul["kind"], matmul["value"], matmul["cell"], matmul["line"]) == ("op", 100.0, "In [7]", 3)


def test_graph_nodes_carry_source_layer_and_placement(located):
    [g] = located["graphs"]
    matmul, bias = g["nodes"]
    assert matmul["source"] == {"file": NOTEBOOK, "line": 3, "cell": "In [7]"} and matmul["placement"] == "runtime"
    assert "layer" not in matmul  # absent when unknown
    assert bias["layer"] == {"name": "dense_1", "class": "Dense"} and bias["placement"] == "measured"
    assert bias["us"] == 20.0 and g["edges"] == [[0, 1]]


def test_location_labels():
    assert payload.location_label({"file": NOTEBOOK, "line": 3, "cell": "In [7]"}) == "In [7], line 3"
    assert payload.location_label({"file": "C:\\work\\train.py", "line": 12}) == "train.py:12"
    assert payload.location_label({}) == "" and payload.layer_label({"name": "d", "class": "Dense"}) == "d (Dense)"


# ---- findings, steps and memory (the answers): passed through bounded, steps as columns

def decode_steps(steps: dict, strings: list, origin_us: float) -> list[dict]:
    """Mirror of decodeSteps in labextension/src/payload.ts: rows, start on the timeline's clock."""
    c = steps["columns"]
    name = (lambda i: strings[c["name"][i]]) if "name" in c else (lambda i: f"{steps['name_prefix']}{c['step'][i]}")
    return [{"step": c["step"][i], "name": name(i), "start_us": c["start_us"][i] - origin_us,
             "wall_us": c["wall_us"][i], "outlier": strings[c["outlier"][i]],
             "parts": {k: steps["breakdown"][k][i] for k in steps["categories"]}} for i in range(len(c["step"]))]


def answered_profile(points: int = 5_000) -> Profile:
    rows = []
    for n in range(1, 6):
        parts = {"input": 100.0 * n, "device_compute": 900.0, "python": 20.0}
        if n == 1:
            parts["tracing"] = 5_000.0
        rows.append({"step": n, "name": f"train_step {n}", "start_us": 1_000.0 * n + 0.1234567,
                     "wall_us": sum(parts.values()), "breakdown": parts, "outlier": "first step: tracing" if n == 1 else ""})
    peak_at = 3_217
    timeline = [[10.0 + i, (i % 97) * 1024 + (10 << 20 if i == peak_at else 0)] for i in range(points)]
    memory = {"allocators": [{"name": "GPU_0_bfc", "capacity_bytes": 16 << 30, "peak_bytes": timeline[peak_at][1],
                              "peak_time_us": timeline[peak_at][0], "fragmentation_pct": 1.23456, "events": points,
                              "timeline": timeline,
                              "at_peak": [{"op": f"op{i}", "bytes": i * 1024, "requested_bytes": i * 1000, "count": 1,
                                           "shape": f"[{i}]", "dtype": "float", "region": "output"}
                                          for i in range(1_500)]}],
              "note": "from TensorFlow's allocator events"}
    findings = [{"kind": "input-bound", "severity": "high", "title": "input-bound: 30% waiting", "evidence": "e",
                 "location": {"file": NOTEBOOK, "line": 4, "cell": "In [8]"}, "fix": "prefetch",
                 "steps": list(range(1, 301)), "impact_us": 1500.0, "stages": [{"name": "Map", "self_us": 1.0}]},
                {"kind": "step-outlier", "severity": "low", "title": "<img src=x onerror=alert(1)>", "evidence": "",
                 "location": {}, "fix": ""}]
    return Profile(name="answers", findings=findings, memory=memory,
                   step_summary={"source": "function", "function": "train_step", "reason": "each call is a step",
                                 "count": 5, "rows": rows, "categories": ["input", "device_compute", "python"]})


@pytest.fixture(scope="module")
def answered():
    return json.loads(json.dumps(payload.build(answered_profile(), charts=False)))


def test_findings_keep_their_rank_text_location_and_steps(answered):
    first, second = answered["findings"]
    assert (first["kind"], first["severity"], first["title"], first["fix"]) == (
        "input-bound", "high", "input-bound: 30% waiting", "prefetch")
    assert first["location"] == {"file": NOTEBOOK, "line": 4, "cell": "In [8]"} and first["impact_us"] == 1500.0
    assert first["steps"] == list(range(1, payload.MAX_FINDING_STEPS + 1))
    assert first["steps_omitted"] == 300 - payload.MAX_FINDING_STEPS
    assert "stages" not in first  # only scalars pass through
    assert second["title"] == "<img src=x onerror=alert(1)>" and second["location"] == {} and "steps" not in second


def test_steps_are_columns_whose_parts_add_up_to_the_wall(answered):
    steps = answered["steps"]
    assert (steps["source"], steps["function"], steps["count"], steps["shown"]) == ("function", "train_step", 5, 5)
    # a category the rows use but `categories` left out is appended, so no part is lost
    assert steps["categories"] == ["input", "device_compute", "python", "tracing"]
    rows = decode_steps(steps, answered["strings"], answered["timeline"]["origin_us"])
    assert answered["timeline"]["origin_us"] == 0.0  # no events: the clocks agree
    assert [r["step"] for r in rows] == [1, 2, 3, 4, 5] and rows[2]["name"] == "train_step 3"
    assert steps["name_prefix"] == "train_step " and "name" not in steps["columns"]  # names are prefix + step
    assert rows[0]["outlier"] == "first step: tracing" and rows[1]["outlier"] == ""
    assert rows[0]["start_us"] == 1000.123  # us rounded to the ns
    for r in rows:
        assert sum(r["parts"].values()) == pytest.approx(r["wall_us"])
    assert rows[0]["parts"]["tracing"] == 5_000.0 and rows[1]["parts"]["tracing"] == 0.0


def test_step_names_without_a_common_pattern_are_a_column():
    profile = answered_profile()
    profile.step_summary["rows"][2]["name"] = "warm-up"
    data = payload.build(profile, charts=False)
    rows = decode_steps(data["steps"], data["strings"], 0.0)
    assert "name_prefix" not in data["steps"] and [r["name"] for r in rows][1:4] == ["train_step 2", "warm-up",
                                                                                        "train_step 4"]


def test_many_steps_are_bounded_and_counted(monkeypatch):
    monkeypatch.setattr(payload, "MAX_STEPS", 3)
    steps = payload.build(answered_profile(), charts=False)["steps"]
    assert (steps["count"], steps["shown"], len(steps["columns"]["wall_us"])) == (5, 3, 3)
    assert all(len(v) == 3 for v in steps["breakdown"].values())


def test_memory_timeline_is_bounded_and_keeps_the_peak(answered):
    [a] = answered["memory"]["allocators"]
    assert answered["memory"]["note"] == "from TensorFlow's allocator events"
    assert (a["name"], a["capacity_bytes"], a["fragmentation_pct"], a["events"]) == ("GPU_0_bfc", 16 << 30, 1.23, 5_000)
    t, b = a["timeline"]["t_us"], a["timeline"]["bytes"]
    assert len(t) == len(b) == payload.MAX_MEMORY_POINTS and t == sorted(t)
    assert max(b) == a["peak_bytes"] and t[b.index(max(b))] == a["peak_time_us"]
    table = a["at_peak"]
    rows = table_rows(table, answered["strings"])
    assert table["count"] == payload.MAX_AT_PEAK and a["at_peak_omitted"] == 1_500 - payload.MAX_AT_PEAK
    assert rows[0] == {"op": "op1499", "shape": "[1499]", "dtype": "float", "region": "output", "bytes": 1499 * 1024,
                       "requested_bytes": 1_499_000, "count": 1}  # largest first
    assert [r["bytes"] for r in rows] == sorted((r["bytes"] for r in rows), reverse=True)


def test_a_profile_without_answers_says_none():
    data = json.loads(json.dumps(payload.build(Profile(name="empty"), charts=False)))
    assert data["findings"] == [] and data["memory"] == {"allocators": [], "note": ""}
    steps = data["steps"]
    assert (steps["source"], steps["count"], steps["categories"], steps["columns"]["step"]) == ("none", 0, [], [])
    assert data["timeline"]["origin_us"] == 0.0


def test_timeline_origin_is_the_first_event_on_the_xspace_clock():
    """A line stamped 1 ms before its first event: the timeline's 0 is that event, 1,000 us on the XSpace
    clock, where the analysis puts steps and allocator events."""
    from tftrace.analysis import xplane_pb

    space = xplane_pb.XSpace(hostnames=["h"])
    plane = space.planes.add(id=1, name="/host:CPU")
    plane.event_metadata[1].id = 1
    plane.event_metadata[1].name = "train_step"
    line = plane.lines.add(id=1, name="python", timestamp_ns=5_000_000_000)
    for k in range(3):
        line.events.add(metadata_id=1, offset_ps=1_000_000_000 + k * 10_000_000_000, duration_ps=9_000_000_000)
    profile = Profile(name="origin", xspaces={"h": space.SerializeToString()})
    tl = payload.build(profile, charts=False)["timeline"]
    assert tl["origin_us"] == 1_000.0
    assert decode_timeline(tl)["start"].tolist() == [0, 10_000_000, 20_000_000]  # ns: step k at k * 10 ms - origin
