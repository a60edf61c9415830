"""The views on a hand-built profile (900 ops, source lines in notebook cells, trace and
call times, a flame tree with named remainders): linked selection reaches any row of the
ops table, Escape and empty space clear it everywhere, the functions table and the flame
say what they measure, and in JupyterLab a location opens its notebook cell."""

from __future__ import annotations

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browserkit import Lab, Page
from handmade import TARGET, big_profile, op_self_us
from tftrace import payload
from test_report import wait_ready

pytestmark = pytest.mark.browser
ROW_H = 18  # the flame's row height (labextension/src/views/flame/style.ts)


@pytest.fixture(scope="module")
def big_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("views") / "big.html"
    return big_profile().to_html(path)


@pytest.fixture()
def page(offline_page, big_report):
    offline_page.page.goto(f"file://{big_report}")
    wait_ready(offline_page.page)
    yield offline_page.page
    assert offline_page.errors == [] and offline_page.blocked == []


def hover_flame(page, depth: int, wanted) -> tuple[float, float]:
    """Move along a flame row until the tooltip satisfies `wanted`; returns that point."""
    box = page.locator('[data-tftrace-view="flame"] canvas').bounding_box()
    y = box["y"] + depth * ROW_H + ROW_H / 2
    tip = page.locator('[data-tftrace-view="flame"] .tft-tip')
    for x in range(int(box["x"]) + 3, int(box["x"] + box["width"]), 6):
        page.mouse.move(x, y)
        if tip.is_visible() and wanted(tip.inner_text()):
            return x, y
    raise AssertionError(f"nothing at flame depth {depth} matched")


def selected_everywhere(page) -> dict:
    return page.evaluate("""() => ({
        rows: document.querySelectorAll('.tft-selected').length,
        graph: document.querySelectorAll('.tft-gr-selected').length,
        flame: Number(document.querySelector('[data-tftrace-view="flame"] canvas').getAttribute('data-selected')),
    })""")


def cleared_everywhere(page) -> dict:
    """The selection once every view has redrawn (the flame and timeline redraw on the next animation frame)."""
    page.wait_for_function("""() => document.querySelectorAll('.tft-selected, .tft-gr-selected').length === 0 &&
        document.querySelector('[data-tftrace-view="flame"] canvas').getAttribute('data-selected') === '0'""",
                           timeout=5_000)
    return selected_everywhere(page)


def test_a_deep_row_selected_in_the_flame_is_scrolled_into_view_and_escape_clears_it(page):
    target = big_profile().ops[TARGET].name
    page.click('[data-tftrace-tab="flame"]')
    x, y = hover_flame(page, 3, lambda text: text.startswith(target))
    page.mouse.click(x, y)
    assert selected_everywhere(page)["flame"] >= 1

    page.click('[data-tftrace-tab="ops"]')
    ops = page.locator('[data-tftrace-view="ops"]')
    row = ops.locator("tr.tft-selected")
    row.wait_for()
    assert row.count() == 1 and row.locator("td").first.inner_text() == target
    assert int(row.get_attribute("data-row")) == TARGET > 500  # sorted by self time, descending
    wrap = ops.locator(".tft-tb-wrap").bounding_box()
    head = ops.locator("thead").bounding_box()
    box = row.bounding_box()
    assert box["y"] >= head["y"] + head["height"] - 1 and box["y"] + box["height"] <= wrap["y"] + wrap["height"] + 1
    assert ops.locator("tbody tr").count() < 120  # rows are virtual: only those near the view exist

    page.click('[data-tftrace-tab="graph"]')
    selected = page.locator('[data-tftrace-view="graph"] .tft-gr-selected')
    assert selected.count() == 1 and selected.get_attribute("data-name") == target

    page.keyboard.press("Escape")
    assert cleared_everywhere(page) == {"rows": 0, "graph": 0, "flame": 0}

    # a click on empty space clears too: select a row, then click beside the graph's boxes
    page.click('[data-tftrace-tab="ops"]')
    ops.locator("tbody tr.tft-tb-row").nth(2).click()
    assert selected_everywhere(page)["rows"] == 1
    page.click('[data-tftrace-tab="graph"]')
    assert selected_everywhere(page)["graph"] == 1
    svg = page.locator('[data-tftrace-view="graph"] svg.tft-gr-svg').bounding_box()
    page.mouse.click(svg["x"] + 4, svg["y"] + svg["height"] - 4)
    assert cleared_everywhere(page) == {"rows": 0, "graph": 0, "flame": 0}


def test_every_row_is_reachable_by_scrolling(page):
    page.click('[data-tftrace-tab="ops"]')
    ops = page.locator('[data-tftrace-view="ops"]')
    assert ops.locator(".tft-tb-bar").inner_text().strip().endswith("900 rows")
    ops.locator(".tft-tb-wrap").evaluate("w => { w.scrollTop = w.scrollHeight; }")
    last = ops.locator('tr.tft-tb-row[data-row="899"]')
    last.wait_for()
    assert last.locator("td").first.inner_text() == big_profile().ops[899].name
    assert last.is_visible()
    # sources read as cells or files; the standalone report has no links to cells
    text = ops.locator("tbody").inner_text()
    assert "In [7], line" in text and "train.py:4" in text
    assert page.locator(".tft-loc-link").count() == 0


def test_functions_table_shows_trace_time_and_per_call_times(page):
    page.click('[data-tftrace-tab="functions"]')
    view = page.locator('[data-tftrace-view="functions"]')
    assert "A trace builds the graph for a new input signature" in view.locator(".tft-fn-note").inner_text()
    heads = [t.strip(" ▲▼") for t in view.locator("thead tr").last.locator("th").all_inner_texts()]
    assert heads == ["tf.function", "calls", "traces", "retraces", "trace time", "min", "median", "p95", "max",
                     "total", "defined at"]
    assert "execution per call" in view.locator("thead").inner_text()
    step = view.locator("tr.tft-tb-row", has_text="train_step").locator("td").all_inner_texts()
    assert step == ["train_step", "50", "3", "2", "2.35 s", "812.0 µs", "1.02 ms", "1.73 ms", "2.40 ms", "2.40 s",
                    "In [5], line 2"]
    predict = view.locator("tr.tft-tb-row", has_text="predict").locator("td").all_inner_texts()
    assert predict[4:9] == ["-"] * 5 and predict[-1] == "train.py:12"  # not measured: no made-up zeros
    retraces = view.locator(".tft-retrace").all_inner_texts()
    assert len(retraces) == 2 and "fix: pass input_signature" in retraces[0]


def test_flame_draws_named_remainders_apart_from_ops(page):
    page.click('[data-tftrace-tab="flame"]')
    canvas = page.locator('[data-tftrace-view="flame"] canvas')
    kinds = dict(k.split(":") for k in canvas.get_attribute("data-kinds").split())
    assert int(kinds["remainder"]) == 4 and int(kinds["op"]) == 3
    hover_flame(page, 3, lambda text: "tracing / graph building" in text)
    tip = page.locator('[data-tftrace-view="flame"] .tft-tip').inner_text()
    assert "remainder: tracing / graph building" in tip
    assert "remainder \u2014 time the function's samples hold beyond its measured ops" in tip
    assert "3.00 ms" in tip and "of the call" in tip
    assert not any(line.startswith("measured") for line in tip.splitlines())  # one time, no second "measured"
    x, y = hover_flame(page, 3, lambda text: text.startswith("model/block_0/dense_0/MatMul_0"))
    tip = page.locator('[data-tftrace-view="flame"] .tft-tip').inner_text()
    assert "at In [7], line 3" in tip and "device /job:localhost/replica:0/task:0/device:CPU:0" in tip
    hover_flame(page, 2, lambda text: text.startswith("tf.function train_step"))
    assert "calls 50 (" in page.locator('[data-tftrace-view="flame"] .tft-tip').inner_text()
    page.mouse.click(x, y)  # the details line names the clicked node and where it comes from
    detail = page.locator('[data-tftrace-view="flame"] .tft-fl-detail').inner_text()
    assert "model/block_0/dense_0/MatMul_0" in detail and "In [7], line 3" in detail
    assert f"{op_self_us(0) / 1000:.2f} ms" in detail


def test_graph_details_say_where_an_op_comes_from(offline_page, tmp_path):
    report = big_profile(with_graph=True).to_html(tmp_path / "graph.html")
    page = offline_page.page
    page.goto(f"file://{report}")
    wait_ready(page)
    page.click('[data-tftrace-tab="ops"]')
    target = big_profile().ops[TARGET].name
    page.fill('[data-tftrace-view="ops"] input[type="search"]', target)
    page.locator('[data-tftrace-view="ops"] tr.tft-tb-row').first.click()
    page.click('[data-tftrace-tab="graph"]')
    details = page.locator('[data-tftrace-view="graph"] .tft-gr-details').inner_text()
    assert "Placement\nrequested (what the graph asked for; not confirmed)" in details
    assert "Source\ntrain.py:47" in details
    assert offline_page.errors == [] and offline_page.blocked == []


def test_fit_keeps_the_name_scope_tree_readable(page):
    page.click('[data-tftrace-tab="graph"]')
    view = page.locator('[data-tftrace-view="graph"]')
    view.get_by_role("button", name="Fit", exact=True).click()
    scale = page.evaluate("""() => {
        const t = document.querySelector('[data-tftrace-view="graph"] .tft-gr-viewport').getAttribute('transform');
        return Number(/scale\\(([\\d.]+)\\)/.exec(t)[1]);
    }""")
    assert scale >= 0.8  # 11px labels stay at 9px or more
    label = view.locator(".tft-gr-node text").first.bounding_box()
    assert label["height"] >= 8


NOTEBOOK_CELLS = [(5, "import tensorflow as tf\n@tf.function\ndef train_step(x):\n    return x"),
                  (7, "x = tf.ones((4, 4))\ny = x @ x\nz = tf.nn.relu(y)\nw = z + 1\nv = w * 2"),
                  (8, "%%tftrace\ntrain_step(x)")]


def test_locations_open_their_cells_in_jupyterlab(browser, tmp_path):
    root = tmp_path / "lab"
    root.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for count, source in NOTEBOOK_CELLS:
        cell = nbformat.v4.new_code_cell(source, execution_count=count)
        nb.cells.append(cell)
    profile = big_profile(n_ops=60)
    profile.findings = [{"kind": "retrace-bound", "severity": "medium", "title": "retrace-bound: train_step traced 3 times",
                         "evidence": "2 retraces took 2.35 s.", "fix": "pass input_signature",
                         "location": {"file": "/tmp/ipykernel_4242/5.py", "line": 2,
                                      "cell": "In [5]"}}]
    bundle = payload.build(profile, charts=False)
    nb.cells[-1].outputs = [nbformat.v4.new_output("display_data", data={payload.MIME_TYPE: bundle,
                                                                         "text/plain": "tftrace run"})]
    nbformat.write(nb, root / "cells.ipynb")
    lab = Lab(root, tmp_path / "home", "--KernelSpecManager.allowed_kernelspecs=no-such-kernel")
    page = Page(browser, allow_hosts=(lab.port,))
    try:
        p = page.page
        p.goto(lab.url("cells.ipynb"))
        wait_ready(p, timeout=60_000)
        no_kernel = p.locator(".jp-Dialog").get_by_role("button", name="No Kernel", exact=True)
        try:  # JupyterLab asks for a kernel (there is none); the dialog would cover the output
            no_kernel.wait_for(timeout=15_000)
            no_kernel.click()
        except PlaywrightTimeout:
            pass
        output = p.locator(".jp-OutputArea-output")
        # the summary's finding names its line as a link to the cell
        finding = output.locator('[data-tftrace-view="summary"] .tft-finding .tft-loc-link', has_text="In [5], line 2")
        finding.click()
        p.wait_for_function("""() => {
            const c = document.querySelector('.jp-Notebook .jp-Cell.jp-mod-active .jp-InputPrompt');
            return c && c.textContent.includes('[5]');
        }""", timeout=10_000)
        output.locator('[data-tftrace-tab="ops"]').click()
        link = output.locator('[data-tftrace-view="ops"] .tft-loc-link', has_text="In [7], line 3").first
        link.click()
        active = p.locator(".jp-Notebook .jp-Cell.jp-mod-active")
        p.wait_for_function("""() => {
            const c = document.querySelector('.jp-Notebook .jp-Cell.jp-mod-active .jp-InputPrompt');
            return c && c.textContent.includes('[7]');
        }""", timeout=10_000)
        assert active.locator(".jp-InputPrompt").inner_text().strip() == "[7]:"
        p.wait_for_function("""() => {  // the cursor is on line 3 of the cell
            const s = window.getSelection();
            let n = s && s.anchorNode;
            if (!n) return false;
            if (n.nodeType === 1 && n.classList.contains('cm-content')) n = n.childNodes[s.anchorOffset];
            const line = n && (n.nodeType === 3 ? n.parentElement : n).closest('.cm-line');
            return !!line && line.textContent === 'z = tf.nn.relu(y)';
        }""", timeout=10_000)
        assert active.is_visible()
        assert [e for e in page.errors if "kernel" not in e.lower()] == []
    finally:
        page.close()
        lab.stop()
