"""Findings, steps and memory on hand-built profiles (handmade.answers_profile): the summary
opens with the findings in rank order (a hostile title stays text), the steps view draws a
bar per step with the outliers marked and picks a step onto the timeline (aligned with the
timeline's events through timeline.origin_us), the memory view labels the peak and lists
what is alive at it; without them, each view says why."""

from __future__ import annotations

import json

import pytest

import handmade
from test_report import VIEWS, wait_ready
from tftrace import payload

pytestmark = pytest.mark.browser
CHART_LEFT, CHART_RIGHT = 62, 14  # the steps chart's plot margins (labextension/src/views/steps/chart.ts)


@pytest.fixture(scope="module")
def answers_report(tmp_path_factory):
    return handmade.answers_profile().to_html(tmp_path_factory.mktemp("answers") / "answers.html")


@pytest.fixture()
def page(offline_page, answers_report):
    dialogs = []
    offline_page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    offline_page.page.goto(f"file://{answers_report}")
    wait_ready(offline_page.page)
    yield offline_page.page
    assert offline_page.errors == [] and offline_page.blocked == [] and dialogs == []


def bar_point(page, index: int, n: int = handmade.N_STEPS, height_from_bottom: float = 40) -> tuple[float, float]:
    box = page.locator('[data-tftrace-view="steps"] canvas').bounding_box()
    slot = (box["width"] - CHART_LEFT - CHART_RIGHT) / n
    return box["x"] + CHART_LEFT + (index + 0.5) * slot, box["y"] + box["height"] - height_from_bottom


def test_summary_opens_with_the_findings_in_rank_order_and_hostile_text_stays_text(page):
    summary = page.locator('[data-tftrace-view="summary"] .tft-sm')
    first = summary.locator(":scope > :first-child")
    assert first.get_attribute("data-tftrace-findings") == "4"
    cards = first.locator(".tft-finding")
    titles = cards.locator(".tft-finding-title").all_inner_texts()
    assert titles == [f["title"] for f in handmade.findings()]
    assert titles[-1] == handmade.HOSTILE_TITLE  # shown as text
    assert page.locator("img[src='x']").count() == 0 and page.locator("b", has_text="bold?").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert [c.get_attribute("data-severity") for c in cards.all()] == ["high", "medium", "low", "low"]
    top = cards.first
    assert top.locator(".tft-sev").inner_text().lower() == "high"
    assert top.locator(".tft-finding-loc").inner_text() == "at In [8], line 4"
    assert top.locator(".tft-loc-link").count() == 0  # the report has no cells to open
    assert "250.0 ms of 660.0 ms" in top.locator(".tft-finding-ev").inner_text()
    assert top.locator(".tft-finding-fix").inner_text().startswith("Fix: map(..., num_parallel_calls")
    assert top.locator(".tft-finding-steps").inner_text() == "steps 5, 6, 23"
    assert cards.nth(3).locator(".tft-finding-loc").inner_text() == "at train.py:41"
    assert "<script>alert(2)</script>" in cards.nth(3).inner_text()
    kv = summary.locator(".tft-kv").inner_text()
    assert "40 (calls of train_step), median 12.00 ms" in kv and "1.20 GiB (GPU_0_bfc)" in kv


def test_a_findings_step_opens_the_steps_view_with_the_step_picked(page):
    page.locator(".tft-finding").first.locator(".tft-finding-steps button", has_text="23").click()
    steps = page.locator('[data-tftrace-view="steps"]')
    assert steps.is_visible()
    assert steps.locator("canvas").get_attribute("data-selected") == "23"
    assert steps.locator("tr.tft-selected td").first.inner_text() == "23"
    assert "step 23" in steps.locator(".tft-st-detail").inner_text()


def test_steps_view_draws_a_bar_per_step_marks_outliers_and_picks_a_step_on_the_timeline(page):
    page.click('[data-tftrace-tab="steps"]')
    view = page.locator('[data-tftrace-view="steps"]')
    canvas = view.locator("canvas")
    assert canvas.get_attribute("data-bars") == "40"
    assert canvas.get_attribute("data-outliers") == "2"
    assert canvas.get_attribute("data-clipped") == "1"  # step 1 (250 ms) is cut; step 23 (48 ms) fits
    head = view.locator(".tft-st-head").inner_text()
    assert head.startswith("40 steps from calls of train_step") and "median 12.00 ms" in head
    assert "each call of train_step is a step" in view.locator(".tft-st-reason").inner_text()
    legend = view.locator(".tft-st-key").all_inner_texts()
    assert [k.get_attribute("data-category") for k in view.locator(".tft-st-key").all()] == handmade.CATEGORIES
    assert legend[-1].startswith("Python (remainder)") and legend[-2].startswith("TF runtime (remainder)")

    x, y = bar_point(page, 22)
    page.mouse.move(x, y)
    tip = view.locator(".tft-tip")
    assert tip.is_visible()
    text = tip.inner_text()
    assert text.startswith("step 23 \u00b7 train_step 23") and "wall 48.00 ms" in text
    assert "input 36.00 ms (75%)" in text and "outlier: 4.0x the median step" in text
    page.mouse.click(x, y)
    assert canvas.get_attribute("data-selected") == "23"
    row = view.locator("tr.tft-selected")
    assert row.count() == 1 and row.locator("td").first.inner_text() == "23"
    cells = row.locator("td").all_inner_texts()
    assert cells[:4] == ["23", "train_step 23", "502.00 ms", "48.00 ms"] and cells[4] == "36.00 ms"
    assert cells[-1].startswith("4.0x the median step")

    # the timeline zoomed to the step: its window holds it (with a margin) and nothing far beside it
    view.get_by_role("button", name="show on the timeline \u2192").click()
    assert page.locator('[data-tftrace-view="timeline"]').is_visible()
    t0, t1 = page.evaluate("""() => document.querySelector('[data-tftrace-view="timeline"]').tftraceTimeline.range()""")
    assert t0 < 502e6 and t1 > 550e6 and t1 - t0 < 60e6
    strip = page.locator('[data-tftrace-view="timeline"] canvas.tft-tl-steps')
    assert strip.get_attribute("data-steps") == "40"

    page.keyboard.press("Escape")  # clears the step everywhere
    assert canvas.get_attribute("data-selected") == ""


def test_steps_line_up_with_the_timelines_events(page, answers_report):
    """Steps are on the XSpace clock, the timeline starts at its first event (500 us later here):
    each step starts exactly where its train_step event does."""
    data = payload.build(handmade.answers_profile(), charts=False)
    origin_us = data["timeline"]["origin_us"]
    assert origin_us == handmade.FIRST_EVENT_US - handmade.LINE_START_US == 500.0
    spans = page.evaluate("""() => document.querySelector('[data-tftrace-view="timeline"]').tftraceTimeline.steps()""")
    starts = page.evaluate("""() => {
        const root = document.querySelector('[data-tftrace-view="timeline"]');
        return root.tftraceTimeline.eventStarts('train_step');
    }""")
    assert len(spans) == len(starts) == handmade.N_STEPS
    assert [round(s) for s, _ in spans] == [round(s) for s in starts]
    assert spans[0][0] == 0 and spans[1][0] == 250_000_000  # ns on the timeline's clock


def test_timeline_strip_click_selects_the_step_everywhere(page):
    page.click('[data-tftrace-tab="timeline"]')
    strip = page.locator('[data-tftrace-view="timeline"] canvas.tft-tl-steps')
    box = strip.bounding_box()
    # the whole trace is in view: step 1 spans the first third of the plot (250 of 754 ms)
    page.mouse.move(box["x"] + 200 + 40, box["y"] + box["height"] / 2)
    tip = page.locator('[data-tftrace-view="timeline"] .tft-tip')
    assert tip.is_visible() and tip.inner_text().startswith("step 1 \u00b7 train_step 1")
    assert "outlier: 20.8x the median step" in tip.inner_text()
    page.mouse.click(box["x"] + 200 + 40, box["y"] + box["height"] / 2)
    page.click('[data-tftrace-tab="steps"]')
    assert page.locator('[data-tftrace-view="steps"] canvas').get_attribute("data-selected") == "1"


def test_memory_view_labels_the_peak_and_lists_what_is_alive_at_it(page):
    page.click('[data-tftrace-tab="memory"]')
    view = page.locator('[data-tftrace-view="memory"]')
    peak_us = handmade.memory()["allocators"][0]["peak_time_us"] - 500.0  # on the timeline's clock
    assert view.locator(".tft-mem-peak:visible").inner_text() == f"peak 1.20 GiB at {peak_us / 1000:.2f} ms on the timeline"
    head = view.locator(".tft-mem-head:visible").inner_text()
    assert "capacity 1.50 GiB (80.0% in use at the peak)" in head and "fragmentation at the peak 3.3%" in head
    canvas = view.locator("canvas:visible")
    assert int(canvas.get_attribute("data-points")) == 401 and canvas.get_attribute("data-peak") == str(int(1.2 * (1 << 30)))
    rows = view.locator(".tft-mem-section:visible tr.tft-tb-row")
    assert rows.first.locator("td").all_inner_texts()[:3] == ["unused preallocated device memory", "180.00 MiB", "180.00 MiB"]
    assert rows.nth(1).locator("td").first.inner_text() == "model/dense_29/MatMul"
    # hover: the time and the bytes in use then
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 100)
    tip = view.locator(".tft-tip:visible")
    assert "on the timeline" in tip.inner_text() and "in use" in tip.inner_text()
    # the other allocator
    select = view.locator("select.tft-mem-select")
    assert select.locator("option").all_inner_texts() == ["GPU_0_bfc \u2014 peak 1.20 GiB", "gpu_host_bfc \u2014 peak 64.00 MiB"]
    select.select_option("1")
    assert view.locator(".tft-mem-peak:visible").inner_text().startswith("peak 64.00 MiB at 1.50 ms")
    assert view.locator(".tft-mem-section:visible tr.tft-tb-row").first.locator("td").first.inner_text() == "IteratorGetNext"


@pytest.mark.parametrize("with_steps", [True, False])
def test_without_findings_or_memory_each_view_says_why(offline_page, tmp_path, with_steps):
    report = handmade.quiet_profile(with_steps).to_html(tmp_path / "quiet.html")
    page = offline_page.page
    page.goto(f"file://{report}")
    wait_ready(page)
    summary = page.locator('[data-tftrace-view="summary"] .tft-sm')
    if with_steps:
        first = summary.locator(":scope > :first-child")
        assert first.inner_text().startswith("No problems found: 40 steps (calls of train_step) checked, median step 12.00 ms")
        assert page.locator('[data-tftrace-view="steps"] canvas').get_attribute("data-outliers") == "0"
    else:
        assert summary.locator(".tft-findings").count() == 0
        assert "No problems found" not in summary.inner_text()
        page.click('[data-tftrace-tab="steps"]')
        steps = page.locator('[data-tftrace-view="steps"]')
        assert steps.locator("canvas").count() == 0
        assert steps.inner_text().strip() == ("No steps found: no step markers and no tf.function calls: "
                                              "the work ran as eager ops")
    page.click('[data-tftrace-tab="memory"]')
    memory = page.locator('[data-tftrace-view="memory"]')
    assert memory.inner_text().strip().startswith("No memory timeline: no allocator events were recorded")
    assert offline_page.errors == [] and offline_page.blocked == []


def test_an_older_payload_without_the_answers_still_renders(offline_page, tmp_path):
    data = payload.build(handmade.big_profile(n_ops=20), charts=False)
    for key in ("findings", "steps", "memory"):
        del data[key]
    del data["timeline"]["origin_us"]
    from tftrace.report import report_html

    path = tmp_path / "old.html"
    path.write_text(report_html(handmade.big_profile(n_ops=20), payload=data))
    page = offline_page.page
    page.goto(f"file://{path}")
    wait_ready(page, VIEWS)
    assert "No steps found" in page.locator('[data-tftrace-view="steps"]').inner_text()
    assert "No memory timeline" in page.locator('[data-tftrace-view="memory"]').inner_text()
    assert offline_page.errors == []
    json.dumps(data)
