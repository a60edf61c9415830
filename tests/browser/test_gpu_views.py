"""The GPU views on the real 8-GPU BERT profile, in Chromium with the network blocked: the kernels
table grouped by kernel and launch shape (XProf's 15 rows) with short names, expandable into its ops,
searchable by full name, toggled to group by op; the timeline opening on the GPUs' kernels with GPU
streams first and idle devices folded; the summary's per-GPU busy table; hostile kernel names as text."""

from __future__ import annotations

import pytest

from tftrace import load, payload
from tftrace.analysis.kernel_groups import by_kernel
from tftrace.model import Device, KernelStat, Profile
from test_report import wait_ready

pytestmark = pytest.mark.browser
AXIS_H = 24  # the timeline's axis band, then the first device header (labextension/src/views/timeline/style.ts)
GROUP_H = 20


@pytest.fixture(scope="module")
def gpu_profile(gpu_fixture):
    return load(gpu_fixture)


@pytest.fixture(scope="module")
def gpu_report(gpu_profile, tmp_path_factory):
    return gpu_profile.to_html(tmp_path_factory.mktemp("gpu-views") / "gpu.html")


@pytest.fixture()
def page(offline_page, gpu_report):
    offline_page.page.goto(f"file://{gpu_report}")
    wait_ready(offline_page.page)
    yield offline_page.page
    assert offline_page.errors == [] and offline_page.blocked == []


KERNELS = '[data-tftrace-view="kernels"]'


def top_rows(page) -> list[dict]:
    return page.evaluate("""(sel) => [...document.querySelectorAll(sel + ' tr.tft-tb-row:not(.tft-tb-child)')].map(tr => {
        const td = tr.querySelector('td');
        const toggle = td.querySelector('.tft-tb-toggle');
        return { text: td.textContent.slice(toggle ? toggle.textContent.length : 0), title: td.getAttribute('title') };
    })""", KERNELS)


def test_kernels_are_grouped_by_kernel_and_launch_shape(page, gpu_profile):
    groups = by_kernel(gpu_profile.kernels)
    page.click('[data-tftrace-tab="kernels"]')
    rows = top_rows(page)
    assert len(rows) == len(groups) == 15
    assert [r["text"] for r in rows] == [g["short_name"] for g in groups]  # most time first, short names
    assert [r["title"] for r in rows] == [g["name"] for g in groups]  # the full name in the tooltip
    text = page.locator(KERNELS).inner_text()
    assert "Eigen::TensorEvaluator" not in text and "15 kernels and launch shapes · 1,330 launches" in text

    # a row expands into the ops that launched it (layer and replica numbers folded), with their share
    page.locator(f"{KERNELS} .tft-tb-toggle").first.click()
    children = page.locator(f"{KERNELS} tr.tft-tb-child")
    assert children.count() == len(groups[0]["op_groups"])
    first = children.first.locator("td")
    assert first.nth(0).get_attribute("title") == groups[0]["op_groups"][0]["pattern"]
    assert first.nth(2).inner_text() == f"{groups[0]['op_groups'][0]['share_pct']:.2f}%"

    # a click shows the full demangled name (as text) and the ops
    page.locator(f"{KERNELS} tr.tft-tb-row:not(.tft-tb-child)").nth(1).click()
    full = page.locator(f"{KERNELS} [data-kernel-full-name]")
    assert full.evaluate("e => e.textContent") == groups[1]["name"]


def test_the_filter_searches_full_names_and_ops(page, gpu_profile):
    groups = by_kernel(gpu_profile.kernels)
    page.click('[data-tftrace-tab="kernels"]')
    search = page.locator(f"{KERNELS} input[type=search]")
    search.fill("TensorAssignOp<Eigen::TensorMap")  # only in the full names, never in a short one
    assert len(top_rows(page)) == sum("TensorAssignOp<Eigen::TensorMap" in g["name"] for g in groups) == 14
    search.fill("random_uniform/RandomUniform")  # an op that launched the Philox kernel
    assert [r["text"] for r in top_rows(page)] == [g["short_name"] for g in groups
                                                    if any("random_uniform/RandomUniform" in o["op"] for o in g["ops"])]


def test_group_by_op_toggle(page, gpu_profile):
    page.click('[data-tftrace-tab="kernels"]')
    page.locator(f'{KERNELS} input[value="op"]').check()
    assert page.locator(KERNELS).get_attribute("data-group") == "op"
    ops = {k.op for k in gpu_profile.kernels}
    assert page.locator(f"{KERNELS} .tft-tb-bar .tft-muted").inner_text() == f"{len(ops):,} rows"
    page.locator(f'{KERNELS} input[value="kernel"]').check()
    assert len(top_rows(page)) == 15


def _kernel_window_ns(profile) -> tuple[float, float]:
    """Where the timeline should open: the GPUs' kernels (XSpace clock -> timeline clock) with a 3% margin."""
    origin = payload.build(profile, charts=False)["timeline"]["origin_us"]
    rows = [r for r in profile.gpu_utilisation if r["kernel_start_us"] is not None]
    start = (min(r["kernel_start_us"] for r in rows) - origin) * 1000
    end = (max(r["kernel_end_us"] for r in rows) - origin) * 1000
    pad = 0.03 * (end - start)
    return start - pad, end + pad


def timeline_api(page, call: str):
    return page.evaluate(f"() => document.querySelector('[data-tftrace-view=\"timeline\"]').tftraceTimeline.{call}")


def test_timeline_opens_on_the_gpu_work_with_gpu_streams_first(page, gpu_profile):
    page.click('[data-tftrace-tab="timeline"]')
    start, end = _kernel_window_ns(gpu_profile)
    home = timeline_api(page, "home()")
    assert home == pytest.approx([start, end], abs=2e3)
    assert timeline_api(page, "range()") == pytest.approx(home, abs=1.0)
    total_ns = gpu_profile.duration_us * 1e3
    assert end - start < 0.3 * total_ns  # a real zoom: the bursts, not the 2.65 s of host lanes

    groups = timeline_api(page, "groups()")
    labels = [g["label"] for g in groups]
    assert labels == ["/device:GPU:1", "/device:GPU:4", "/device:GPU:6", "/host:CPU"]
    by_label = {g["label"]: g for g in groups}
    assert by_label["/device:GPU:1"]["collapsed"]  # its 19 copies are all outside the window
    for gpu in ("/device:GPU:4", "/device:GPU:6"):
        lanes = by_label[gpu]["lanes"]
        assert not by_label[gpu]["collapsed"]
        streams = [lane["name"] for lane in lanes if lane["name"].startswith("Stream")]
        assert [lane["name"] for lane in lanes[:len(streams)]] == streams  # streams first
        assert {lane["name"]: lane["compact"] for lane in lanes}["TensorFlow Name Scope"]
    assert not by_label["/host:CPU"]["collapsed"]

    # a click on the folded device's header opens it; Reset shows the whole trace
    canvas = page.locator('[data-tftrace-view="timeline"] canvas.tft-tl-canvas')
    canvas.click(position={"x": 40, "y": AXIS_H + GROUP_H / 2})
    assert not timeline_api(page, "groups()")[0]["collapsed"]
    page.locator('[data-tftrace-view="timeline"] button', has_text="Reset").click()
    page.wait_for_function("() => { const r = document.querySelector('[data-tftrace-view=\"timeline\"]')"
                           ".tftraceTimeline.range(); return r[1] - r[0] > 2.6e9; }", timeout=5_000)


def test_summary_shows_how_busy_each_gpu_was(page, gpu_profile):
    rows = page.locator("[data-gpu-utilisation] tr[data-device]")
    assert rows.count() == len(gpu_profile.gpu_utilisation) == 3
    gpu4 = page.locator('[data-gpu-utilisation] tr[data-device="/device:GPU:4"]').inner_text()
    assert "14.98 ms" in gpu4 and "0.57%" in gpu4  # busy 14,983.6 us of the 2.65 s span
    assert "idle" in page.locator("[data-gpu-utilisation]").inner_text()


HOSTILE = "void k<<img src=x onerror=window.__pwned=1>>(<script>window.__pwned=2</script>)"


def test_hostile_kernel_names_stay_text(offline_page, tmp_path):
    kernel = KernelStat(name=HOSTILE, op="<b>op</b>", device="/device:GPU:0", count=3, total_us=30.0, min_us=9.0,
                        max_us=11.0, grid="1,1,1", block="32,1,1", registers=8, shared_mem_bytes=0, occupancy_pct=50.0)
    profile = Profile(name="hostile", source="hostile", duration_us=100.0, hosts=["localhost"],
                      devices=[Device("/device:GPU:0", "localhost", "gpu", 3)], kernels=[kernel])
    report = profile.to_html(tmp_path / "hostile.html")
    page = offline_page.page
    page.goto(f"file://{report}")
    wait_ready(page)
    page.click('[data-tftrace-tab="kernels"]')
    page.locator(f"{KERNELS} tr.tft-tb-row").first.click()
    assert page.locator(f"{KERNELS} [data-kernel-full-name]").evaluate("e => e.textContent") == HOSTILE
    assert page.locator(f"{KERNELS} img, {KERNELS} script, {KERNELS} td b").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert offline_page.errors == [] and offline_page.blocked == []


def test_an_op_picked_by_op_is_selected_everywhere_and_marks_its_kernels(page, gpu_profile):
    groups = by_kernel(gpu_profile.kernels)
    op = groups[1]["ops"][0]["op"]  # the op with the longest launch of the second kernel
    page.click('[data-tftrace-tab="kernels"]')
    page.locator(f'{KERNELS} input[value="op"]').check()
    page.locator(f"{KERNELS} input[type=search]").fill(op)
    page.locator(f"{KERNELS} tr.tft-tb-row").first.click()
    page.click('[data-tftrace-tab="ops"]')
    selected = page.locator('[data-tftrace-view="ops"] tr.tft-selected')
    assert selected.count() >= 1 and selected.first.locator("td").first.get_attribute("title") == op
    page.click('[data-tftrace-tab="kernels"]')
    page.locator(f'{KERNELS} input[value="kernel"]').check()
    page.locator(f"{KERNELS} input[type=search]").fill("")
    marked = page.evaluate("(sel) => [...document.querySelectorAll(sel + ' tr.tft-selected td:first-child')]"
                           ".map(td => td.getAttribute('title'))", KERNELS)
    assert marked == [g["name"] for g in groups if any(o["op"] == op for o in g["ops"])]
