"""The payload the views read, decoded here the way the browser decodes it."""

from __future__ import annotations

import base64
import gzip
import json

import numpy as np
import pytest

from tftrace import load, payload
from tftrace.analysis import parse
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
    from tftrace.display import ProfileDisplay

    bundle = ProfileDisplay(profile, run_id="r1")._repr_mimebundle_()
    assert set(bundle) == {payload.MIME_TYPE, "text/html", "text/plain"}
    assert bundle[payload.MIME_TYPE]["timeline"]["count"] <= 40_000
    assert bundle[payload.MIME_TYPE]["ops"]["count"] == min(1_500, len(profile.ops))
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
