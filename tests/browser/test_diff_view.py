"""The comparison of two runs (tftrace.diff/1) in its offline HTML report: step time first
(B/A, interval, verdict, a chart of both runs' steps), then the rows that changed in the
JSON's order with signed times, new and gone as words, the rows with no detectable change
folded until asked for, a filter and kind toggles, and hostile names shown as text."""

from __future__ import annotations

import pytest

import handmade
from tftrace.report import DIFF_MIME_TYPE, page_html, write_diff_report, write_text

pytestmark = pytest.mark.browser
VIEW = '[data-tftrace-view="diff"]'
ROWS = f"{VIEW} tr.tft-df-row"


def signed(us: float) -> str:
    """What the view writes for a delta: + or − (U+2212), ms from a millisecond, else µs."""
    size = abs(us)
    text = f"{size / 1000:.2f} ms" if size >= 999.95 else f"{size:.1f} µs"
    return f"+{text}" if us > 0 else f"\u2212{text}" if us < 0 else text


def ratio_text(ratio: float, low: float, high: float) -> str:
    return f"{ratio:.2f}× [{low:.2f}–{high:.2f}]"


@pytest.fixture(scope="module")
def diff():
    return handmade.diff_dict()


@pytest.fixture(scope="module")
def report(diff, tmp_path_factory):
    return write_diff_report(diff, tmp_path_factory.mktemp("diff") / "diff <report>.html")


@pytest.fixture()
def page(offline_page, report):
    dialogs = []
    offline_page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    offline_page.page.goto(f"file://{report}")
    offline_page.page.wait_for_selector(f'{VIEW}[data-tftrace-ready="true"]', timeout=15_000)
    yield offline_page.page
    assert offline_page.errors == [] and offline_page.blocked == [] and dialogs == []


def section_rows(page, section: str):
    return page.locator(f'{VIEW} tbody[data-section="{section}"] tr.tft-df-row')


def test_step_time_comes_first_with_ratio_interval_and_verdict(page, diff):
    # GIVEN two runs whose mean step time went from 41.23 ms to 48.85 ms
    step = diff["step"]
    view = page.locator(VIEW)
    # THEN the step section comes before the rows, with both times, B/A with its interval and the verdict in words
    sections = view.locator("section").evaluate_all("els => els.map(e => e.dataset.section)")
    assert sections == ["step", "rows"]
    assert view.locator(".tft-df-step-a").inner_text() == f"{step['a_ms']:.2f} ms"
    assert view.locator(".tft-df-step-b").inner_text() == f"{step['b_ms']:.2f} ms"
    assert view.locator(".tft-df-step-ratio").inner_text() == ratio_text(step["ratio"], step["low"], step["high"])
    verdict = view.locator('[data-section="step"] .tft-df-verdict')
    assert verdict.inner_text() == "▲ slower" and verdict.get_attribute("data-verdict") == "slower"
    # AND the header names both runs, their steps compared and set aside, the method and the notes
    head = view.locator(".tft-df-head").inner_text()
    for side in ("a", "b"):
        assert diff[side]["name"] in head and diff[side]["run_id"] in head and diff[side]["created"] in head
    assert "30 of 32 steps compared; set aside: 1 warm-up step" in head
    assert "1 warm-up step, 1 outlier step" in head
    assert diff["method"]["text"] in head and all(note in head for note in diff["notes"])


def test_step_chart_draws_both_runs_and_the_warmup_steps(page, diff):
    canvas = page.locator(f"{VIEW} canvas.tft-df-canvas")
    assert canvas.get_attribute("data-a-points") == str(len(diff["step"]["a_samples_ms"])) == "30"
    assert canvas.get_attribute("data-b-points") == "30"
    assert canvas.get_attribute("data-warmup") == "2" and canvas.get_attribute("data-outliers") == "1"
    # A's warm-up (812.5 ms, 20 times a step) would squash the axis: drawn past a break, not on it
    assert canvas.get_attribute("data-offscale") == "2"
    colours = canvas.evaluate("""c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        let inked = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) { inked++; seen.add(d[i] >> 4 << 8 | d[i + 1] >> 4 << 4 | d[i + 2] >> 4); }
        return [inked, seen.size];
    }""")
    assert colours[0] > 3000 and colours[1] > 10  # dots of two colours, text, grid: not an empty canvas
    assert "warm-up step (set aside)" in page.locator(f"{VIEW} .tft-df-legend").inner_text()


def test_changed_rows_keep_the_json_order_with_signed_deltas(page, diff):
    changed = [r for r in diff["rows"] if r["verdict"] in ("slower", "faster")]
    rows = section_rows(page, "changed")
    assert rows.locator(".tft-df-key").all_inner_texts() == [r["key"] for r in changed]
    deltas = rows.locator(".tft-df-delta").all_inner_texts()
    assert deltas == [signed(r["delta_us"]) for r in changed]
    assert deltas[0] == "+10.89 ms" and deltas[-1] == "\u2212266.7 µs"
    assert [v.split(" ", 1)[1] for v in rows.locator(".tft-df-verdict").all_inner_texts()] == [r["verdict"] for r in changed]
    # a renamed op shows B's name under A's, a function its calls, a ratio its interval
    renamed = rows.filter(has_text="sequential/dense_1/MatMul").first
    assert renamed.locator(".tft-df-bkey").inner_text().replace("\u00a0", " ") == "→ B: sequential_1/dense_7/MatMul"
    assert "2.73× [2.61–2.86]" in renamed.inner_text()
    function = rows.filter(has_text="train_step")
    assert function.locator("td").first.inner_text() == "tf.function"
    assert function.inner_text().replace("\u00a0", " ").count("per call · 32 calls") == 2


def test_new_and_gone_rows_show_words_not_ratios(page, diff):
    appeared = [r for r in diff["rows"] if r["verdict"] in ("new", "gone")]
    rows = section_rows(page, "appeared")
    assert rows.locator(".tft-df-key").all_inner_texts() == [r["key"] for r in appeared]
    for i, r in enumerate(appeared):
        cells = rows.nth(i).locator("td").all_inner_texts()
        assert cells[5] == r["verdict"] and r["verdict"] in cells[6] and "×" not in "".join(cells)
        assert cells[2 if r["verdict"] == "new" else 3] == "—"  # no time on the side it is missing from


def test_rows_with_no_detectable_change_are_folded_until_asked(page, diff):
    same = [r for r in diff["rows"] if r["verdict"] == "same"]
    fold = page.locator(f"{VIEW} .tft-df-fold")
    assert fold.inner_text() == f"▸ {len(same)} rows with no detectable change" and len(same) == 27
    assert section_rows(page, "same").count() == 0 and page.locator(ROWS).count() == 13
    fold.click()
    assert fold.get_attribute("aria-expanded") == "true"
    assert section_rows(page, "same").locator(".tft-df-key").all_inner_texts() == [r["key"] for r in same]
    assert section_rows(page, "same").first.locator(".tft-df-verdict").inner_text() == "= no detectable change"
    fold.click()
    assert section_rows(page, "same").count() == 0


def matching(diff, query: str, verdicts=("slower", "faster", "new", "gone", "same")) -> list:
    """The rows a filter keeps: the query in A's or B's name, the op type or the layer."""
    def text(r):
        return "\n".join(str(r.get(k) or "") for k in ("key", "b_key", "type", "layer")).lower()
    return [r for r in diff["rows"] if query.lower() in text(r) and r["verdict"] in verdicts]


def test_filter_and_kind_toggles_narrow_the_rows(page, diff):
    # WHEN filtering on a layer name
    page.fill(f"{VIEW} .tft-df-filter", "dense_1")
    # THEN only rows naming it (A's or B's name, or the layer) stay, the same ones still folded
    shown = page.locator(ROWS).all_inner_texts()
    assert len(shown) == len(matching(diff, "dense_1", ("slower", "faster", "new", "gone"))) == 3
    assert all("dense_1" in text for text in shown)
    folded = len(matching(diff, "dense_1", ("same",)))
    assert page.locator(f"{VIEW} .tft-df-fold").inner_text() == f"▸ {folded} rows with no detectable change"
    page.fill(f"{VIEW} .tft-df-filter", "MatMul")  # an op type, in upper and lower case
    assert page.locator(f"{VIEW} .tft-df-count").inner_text() == f"{len(matching(diff, 'matmul'))} of 40 rows match"
    page.fill(f"{VIEW} .tft-df-filter", "no such op")
    assert page.locator(ROWS).count() == 0 and "no row matches the filter" in page.locator(VIEW).inner_text()
    # WHEN the filter is cleared and ops are toggled off
    page.fill(f"{VIEW} .tft-df-filter", "")
    page.locator(f'{VIEW} input[data-kind="op"]').uncheck()
    kinds = set(page.locator(ROWS).evaluate_all("rows => rows.map(r => r.dataset.kind)"))
    assert kinds == {"category", "function"}
    not_ops = sum(r["kind"] != "op" for r in diff["rows"])
    assert page.locator(f"{VIEW} .tft-df-count").inner_text() == f"{not_ops} of 40 rows match"


def test_hostile_name_is_text(page):
    assert page.locator("img").count() == 0 and page.locator(f"{VIEW} td b").count() == 0
    assert page.get_by_text(handmade.DIFF_HOSTILE, exact=True).count() == 1
    assert page.get_by_text("<b>not bold</b> & not a tag", exact=True).count() == 1


def test_a_payload_that_is_not_a_comparison_says_so_in_one_line(offline_page, tmp_path):
    path = write_text(page_html("bad", DIFF_MIME_TYPE, {"schema": "tftrace.compare/1"}), tmp_path / "bad.html")
    page = offline_page.page
    page.goto(f"file://{path}")
    page.wait_for_selector(f'{VIEW}[data-tftrace-ready="true"]', timeout=15_000)
    assert page.locator(VIEW).inner_text() == (
        "tftrace: cannot show this comparison: Error: not a tftrace.diff/1 comparison (schema tftrace.compare/1)")
