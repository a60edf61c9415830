"""Exports: a Chrome trace that follows the Trace Event Format and adds up to the ops and kernels
tables; a speedscope file whose samples add back up to the flame tree; one CSV file per table;
DataFrames. Checked on the recorded GPU profile and on CPU workloads recorded here."""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections import Counter, defaultdict

import pytest

from tftrace import load
from tftrace.errors import TftraceError
from tftrace.export import chrome, csv_tables, speedscope
from tftrace.frames import TABLES
from tftrace.model import OpStat, Profile
from tftrace.stats import stats_dict


def chrome_trace(profile) -> dict:
    out = io.BytesIO()
    chrome.write(profile, out)
    return json.loads(out.getvalue())


def check_trace_event_format(doc: dict) -> None:
    """The rules of the Trace Event Format (JSON object form) that the export uses: every event
    has a phase; "X" events have a name, integer pid and tid, numeric ts and dur >= 0; "M"
    events name a process or thread (or its sort index) in ``args``."""
    assert set(doc) >= {"traceEvents"} and doc.get("displayTimeUnit") in (None, "ms", "ns")
    metadata_names = {"process_name": "name", "thread_name": "name", "process_sort_index": "sort_index",
                      "thread_sort_index": "sort_index"}
    for event in doc["traceEvents"]:
        assert event["ph"] in ("X", "M"), event
        assert isinstance(event["pid"], int) and isinstance(event["tid"], int), event
        assert isinstance(event["name"], str), event
        if event["ph"] == "X":
            assert isinstance(event["ts"], (int, float)) and math.isfinite(event["ts"]) and event["ts"] >= 0
            assert isinstance(event["dur"], (int, float)) and event["dur"] >= 0
            assert isinstance(event.get("args", {}), dict)
        else:
            key = metadata_names[event["name"]]
            assert isinstance(event["args"][key], str if key == "name" else int), event


def named(doc: dict, kind: str) -> dict:
    return {(e["pid"], e["tid"]) if kind == "thread_name" else e["pid"]: e["args"]["name"]
            for e in doc["traceEvents"] if e["ph"] == "M" and e["name"] == kind}


def op_of(event_name: str, op_names: set) -> str:
    """The op an event belongs to: its whole name (tf.data iterators: "Iterator::Prefetch"),
    else the part before ":" ("dense/MatMul:MatMul"), as DESIGN.md's stats contract says."""
    return event_name if event_name in op_names else event_name.split(":", 1)[0]


@pytest.fixture(scope="module")
def gpu(gpu_fixture):
    profile = load(gpu_fixture)
    return profile, chrome_trace(profile), stats_dict(profile)


def test_chrome_trace_follows_the_trace_event_format(gpu):
    profile, doc, _ = gpu
    check_trace_event_format(doc)
    assert doc["displayTimeUnit"] == "ns"
    assert sum(e["ph"] == "X" for e in doc["traceEvents"]) == profile.event_count
    processes = named(doc, "process_name")
    # GIVEN the fixture's planes THEN the host and the two busy GPUs are processes, streams their threads
    assert {"/host:CPU", "/device:GPU:4", "/device:GPU:6"} <= set(processes.values())
    gpu4 = next(pid for pid, name in processes.items() if name == "/device:GPU:4")
    threads = {name for (pid, _), name in named(doc, "thread_name").items() if pid == gpu4}
    assert any(t.startswith("Stream #") and "Compute" in t for t in threads) and "TensorFlow Ops" in threads
    # every X event sits on a named thread of a named process
    thread_names = named(doc, "thread_name")
    assert all((e["pid"], e["tid"]) in thread_names for e in doc["traceEvents"] if e["ph"] == "X")


def test_chrome_trace_durations_add_up_to_the_host_ops_table(gpu):
    profile, doc, stats = gpu
    processes = named(doc, "process_name")
    host_ops = [op for op in stats["ops"] if op["device"] == "/host:CPU"]
    names = {op["name"] for op in host_ops}
    summed, counted = defaultdict(float), Counter()
    for e in doc["traceEvents"]:
        if e["ph"] == "X" and e["cat"] == "event" and processes[e["pid"]] == "/host:CPU":
            op = op_of(e["name"], names)
            if op in names:
                summed[op] += e["dur"]  # total time: nested ops included, as the table's total_us
                counted[op] += 1
    table, table_count = defaultdict(float), Counter()
    for op in host_ops:  # a name can have rows of several types or modes
        table[op["name"]] += op["total_us"]
        table_count[op["name"]] += op["count"]
    assert len(table) > 4000
    for name, total in table.items():
        assert summed[name] == pytest.approx(total, abs=1e-3), name
        assert counted[name] == table_count[name], name


def test_chrome_trace_kernel_durations_add_up_to_the_kernels_table(gpu):
    profile, doc, stats = gpu
    processes, threads = named(doc, "process_name"), named(doc, "thread_name")
    summed = defaultdict(float)
    for e in doc["traceEvents"]:
        if e["ph"] == "X" and processes[e["pid"]].startswith("/device:GPU") and e["cat"] == "event" \
                and "Memcpy" not in threads[(e["pid"], e["tid"])]:
            summed[(processes[e["pid"]], e["name"])] += e["dur"]
    table = defaultdict(float)
    for k in stats["kernels"]:
        table[(k["device"], k["name"])] += k["total_us"]
    assert sum(table.values()) == pytest.approx(29_690.748, abs=1e-2)  # tests/fixtures/README.md (XProf)
    assert set(summed) == set(table)
    for key, total in table.items():
        assert summed[key] == pytest.approx(total, abs=1e-3), key


def test_micros_are_exact_decimals_of_picoseconds():
    assert [chrome.micros(v) for v in (0, 1, 999_999, 1_000_000, 12_500_000, 3_000_001)] == \
        ["0", "0.000001", "0.999999", "1", "12.5", "3.000001"]


@pytest.fixture(scope="module")
def cpu(recorded):
    return {name: load(path) for name, path in recorded.items() if name in ("eager", "keras_fit")}


def test_chrome_trace_of_eager_ops_adds_up_to_their_rows(cpu):
    profile = cpu["eager"]
    doc = chrome_trace(profile)
    check_trace_event_format(doc)
    eager = {op.name: op for op in profile.ops if op.mode == "eager"}
    assert eager
    summed = defaultdict(float)
    for e in doc["traceEvents"]:  # an eager op's total is its "EagerLocalExecute: <type>" spans (eager_ops.py)
        if e["ph"] == "X" and e["name"].startswith(("EagerLocalExecute: ", "EagerExecute: ")):
            summed[e["name"].split(": ", 1)[1]] += e["dur"]
    for name, op in eager.items():
        assert summed[name] == pytest.approx(op.total_us, abs=1e-3), name


def test_chrome_trace_marks_the_steps(cpu):
    profile = cpu["keras_fit"]
    rows = profile.step_summary["rows"]
    assert rows
    doc = chrome_trace(profile)
    check_trace_event_format(doc)
    [pid] = [pid for pid, name in named(doc, "process_name").items() if name == chrome.STEPS_PROCESS]
    steps = [e for e in doc["traceEvents"] if e["ph"] == "X" and e["pid"] == pid]
    assert all(e["pid"] > 0 for e in doc["traceEvents"])  # Perfetto keeps pid 0 for the idle process
    assert [s["args"]["step"] for s in steps] == [r["step"] for r in rows]
    assert [s["dur"] for s in steps] == pytest.approx([r["wall_us"] for r in rows], abs=1e-3)
    # GIVEN steps found from the calls of one tf.function THEN each starts where a call's event starts,
    # on the same clock as the events
    function = profile.step_summary["function"]
    calls = sorted(e["ts"] for e in doc["traceEvents"] if e["ph"] == "X" and e["pid"] != pid and e["name"] == function)
    assert function and len(calls) >= len(steps)
    assert all(min(abs(c - s["ts"]) for c in calls) < 1e-6 for s in steps)


def rebuilt_totals(doc: dict) -> dict:
    """{path of frame names: total weight} from speedscope's samples, as speedscope adds them up."""
    frames = doc["shared"]["frames"]
    [prof] = doc["profiles"]
    totals = defaultdict(float)
    for stack, weight in zip(prof["samples"], prof["weights"]):
        names = tuple(frames[i]["name"] for i in stack)
        for depth in range(1, len(names) + 1):
            totals[names[:depth]] += weight
    return totals


def tree_totals(node: dict, prefix=()) -> dict:
    out = {}
    for child in node["children"]:
        path = (*prefix, child["name"])
        out[path] = out.get(path, 0.0) + child["value_us"]
        for key, value in tree_totals(child, path).items():
            out[key] = out.get(key, 0.0) + value
    return out


def check_speedscope_file(doc: dict) -> None:
    """speedscope's file format (src/lib/file-format-spec.ts) for a sampled profile."""
    assert doc["$schema"] == "https://www.speedscope.app/file-format-schema.json"
    frames = doc["shared"]["frames"]
    assert all(isinstance(f["name"], str) and isinstance(f.get("line", 0), int) for f in frames)
    for prof in doc["profiles"]:
        assert prof["type"] == "sampled" and prof["unit"] == "microseconds" and isinstance(prof["name"], str)
        assert prof["endValue"] >= prof["startValue"] == 0
        assert len(prof["samples"]) == len(prof["weights"])
        assert all(isinstance(i, int) and 0 <= i < len(frames) for s in prof["samples"] for i in s)
        assert all(w > 0 for w in prof["weights"])


def test_speedscope_samples_add_back_up_to_the_flame_tree(gpu):
    profile = gpu[0]
    doc = speedscope.document(profile)
    check_speedscope_file(doc)
    tree = speedscope.flame_tree(profile)
    expected, got = tree_totals(tree), rebuilt_totals(doc)
    assert len(expected) > 1000
    for path, value in expected.items():
        if value > 0:
            assert got[path] == pytest.approx(value, abs=1e-3 * (1 + len(path))), path
    # a device's total is its ops' self time (payload.ops_tree): the GPU fixture's GPU:4 ops
    gpu4 = sum(op.self_us for op in profile.ops if op.device == "/device:GPU:4")
    assert got[("/device:GPU:4",)] == pytest.approx(gpu4, rel=1e-6)


def test_speedscope_keeps_a_live_trace_flame_tree_with_locations():
    leaf = lambda name, kind, us, **at: {"name": name, "kind": kind, "value_us": us, "children": [], **at}  # noqa: E731
    fn = {"name": "tf.function step", "kind": "function", "value_us": 10.0, "file": "/w/a.py", "line": 4,
          "children": [leaf("MatMul", "op", 6.0), leaf("runtime and dispatch", "remainder", 3.5)]}
    cell = {"name": "In [3]", "kind": "python", "value_us": 12.0, "file": "/tmp/ipykernel_1/9.py", "line": 1,
            "children": [fn]}
    profile = Profile(name="live", flame={"name": "all", "kind": "root", "value_us": 12.0, "children": [cell]})
    doc = speedscope.document(profile)
    check_speedscope_file(doc)
    assert rebuilt_totals(doc) == pytest.approx({("In [3]",): 12.0, ("In [3]", "tf.function step"): 10.0,
                                                 ("In [3]", "tf.function step", "MatMul"): 6.0,
                                                 ("In [3]", "tf.function step", "runtime and dispatch"): 3.5})
    frame = next(f for f in doc["shared"]["frames"] if f["name"] == "tf.function step")
    assert frame == {"name": "tf.function step", "file": "/w/a.py", "line": 4}


HOSTILE = 'op, with "quotes",\nnew line and ünïcode'


def test_csv_export_writes_every_table_with_header_and_escaping(tmp_path):
    ops = [OpStat(HOSTILE, "MatMul", "/host:CPU", "graph", 2, 5.5, 4.25, source={"file": "a.py", "line": 3}),
           OpStat("b", "Add", "/host:CPU", "eager", 1, 1.0, 1.0, layer={"name": "dense", "class": "Dense"})]
    profile = Profile(name="t", ops=ops)
    written = csv_tables.export(profile, tmp_path / "tables")
    assert sorted(p.rsplit("/", 1)[1] for p in written) == sorted(f"{name}.csv" for name in TABLES)
    with open(tmp_path / "tables" / "ops.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == [HOSTILE, "b"]
    assert (rows[0]["self_us"], rows[0]["source_file"], rows[0]["source_line"]) == ("4.25", "a.py", "3")
    assert (rows[1]["layer_name"], rows[1]["layer_class"], rows[1]["mode"]) == ("dense", "Dense", "eager")
    with open(tmp_path / "tables" / "kernels.csv", encoding="utf-8") as f:
        assert f.read().startswith("name,op,device,host,count,total_us")  # an empty table still has its header


def test_csv_export_refuses_a_file_as_its_directory(tmp_path):
    target = tmp_path / "file.csv"
    target.write_text("x")
    with pytest.raises(TftraceError) as info:
        csv_tables.export(Profile(), target)
    assert info.value.exit_code == 6 and "\n" not in str(info.value)


def test_csv_tables_of_the_gpu_profile_match_its_stats(gpu, tmp_path):
    profile, _, stats = gpu
    csv_tables.export(profile, tmp_path)
    with open(tmp_path / "kernels.csv", newline="") as f:
        kernels = list(csv.DictReader(f))
    assert len(kernels) == len(stats["kernels"])
    assert sum(float(k["total_us"]) for k in kernels) == pytest.approx(29_690.748, abs=1e-2)
    with open(tmp_path / "ops.csv", newline="") as f:
        assert sum(1 for _ in csv.DictReader(f)) == len(stats["ops"])


def test_to_pandas_gives_one_dataframe_per_table(gpu):
    import pandas

    profile, _, stats = gpu
    frames = profile.to_pandas()
    assert set(frames) == set(TABLES) and all(isinstance(f, pandas.DataFrame) for f in frames.values())
    assert len(frames["ops"]) == len(stats["ops"])
    assert frames["kernels"]["total_us"].sum() == pytest.approx(29_690.748, abs=1e-2)
    by_device = frames["kernels"].groupby("device")["total_us"].sum()
    assert by_device["/device:GPU:4"] == pytest.approx(14_825.4, abs=0.1)  # README facts (XProf)
    assert by_device["/device:GPU:6"] == pytest.approx(14_865.4, abs=0.1)


def test_to_pandas_without_pandas_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(TftraceError) as info:
        Profile().to_pandas()
    assert "pip install pandas" in str(info.value) and "\n" not in str(info.value)
