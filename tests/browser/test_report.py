"""HTML reports in a real Chromium with the network blocked."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tftrace import load

pytestmark = pytest.mark.browser
VIEWS = ("summary", "steps", "ops", "kernels", "functions", "graph", "flame", "timeline", "memory")


def wait_ready(page, views=VIEWS, timeout=15_000):
    for view in views:
        page.wait_for_selector(f'[data-tftrace-view="{view}"][data-tftrace-ready="true"]', state="attached",
                               timeout=timeout)


def test_gpu_fixture_report_renders_every_view_offline(offline_page, gpu_fixture, tmp_path):
    report = load(gpu_fixture).to_html(tmp_path / "gpu report.html")
    page = offline_page.page
    page.goto(f"file://{report}")
    wait_ready(page)
    assert offline_page.errors == [] and offline_page.blocked == []
    for view in VIEWS:  # every tab shows its view
        page.click(f'[data-tftrace-tab="{view}"]')
        assert page.locator(f'[data-tftrace-view="{view}"]').is_visible()
    page.click('[data-tftrace-tab="kernels"]')
    assert page.locator('[data-tftrace-view="kernels"] tbody tr').count() >= 15
    assert "EigenMetaKernel<" in page.locator('[data-tftrace-view="kernels"]').inner_text()
    assert offline_page.errors == []


def test_selecting_an_op_highlights_it_in_the_other_views(offline_page, gpu_fixture, tmp_path):
    report = load(gpu_fixture).to_html(tmp_path / "report.html")
    page = offline_page.page
    page.goto(f"file://{report}")
    wait_ready(page)
    page.click('[data-tftrace-tab="ops"]')
    row = page.locator('[data-tftrace-view="ops"] tbody tr').nth(2)
    name = row.locator("td").first.inner_text()
    row.click()
    assert "tft-selected" in page.locator('[data-tftrace-view="ops"] tbody tr').nth(2).get_attribute("class")
    page.click('[data-tftrace-tab="graph"]')
    selected = page.locator('[data-tftrace-view="graph"] .tft-gr-selected')
    assert selected.count() == 1 and selected.get_attribute("data-name") == name
    assert offline_page.errors == []


HOSTILE = textwrap.dedent('''
    import tensorflow as tf

    def step(x):
        return tf.reduce_sum(tf.matmul(x, x))

    step.__name__ = "<img src=x onerror=window.__pwned=1>"
    step.__qualname__ = step.__name__
    f = tf.function(step)
    for n in (4, 8):
        f(tf.ones((n, n)))
''')


@pytest.mark.tf
def test_hostile_names_render_as_text_and_run_nothing(offline_page, tmp_path):
    script = tmp_path / "<b onmouseover=alert(1)>'quoted\".py"
    script.write_text(HOSTILE)
    run = tmp_path / "hostile.tftrace"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TFTRACE_HOME=str(tmp_path / "home"))
    subprocess.run([sys.executable, "-m", "tftrace", "run", "-o", str(run), str(script)], check=True, env=env,
                   capture_output=True)
    report = load(run).to_html(tmp_path / "hostile.html")
    page = offline_page.page
    page.goto(f"file://{report}")
    wait_ready(page)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src='x']").count() == 0
    page.click('[data-tftrace-tab="functions"]')
    text = page.locator('[data-tftrace-view="functions"]').inner_text()
    assert "<img src=x onerror=window.__pwned=1>" in text
    page.click('[data-tftrace-tab="summary"]')
    assert "<b onmouseover=alert(1)>'quoted\".py" in page.locator('[data-tftrace-view="summary"]').inner_text()
    assert offline_page.errors == [] and offline_page.blocked == []
