"""The text/html fallback of a %%tftrace output, in a page as nbconvert writes it, offline in
Chromium: the compressed views unpack and draw every view; without JavaScript the static
summary shows the run and its top ops. A comparison's output the same way."""

from __future__ import annotations

import html

import pytest

import handmade
from test_report import VIEWS
from tftrace import load
from tftrace.display import DiffDisplay, ProfileDisplay, unpack
from tftrace.payload import MIME_TYPE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def output_page(gpu_fixture, tmp_path_factory):
    profile = load(gpu_fixture)
    bundle = ProfileDisplay(profile, run_id="r1")._repr_mimebundle_()
    path = tmp_path_factory.mktemp("fallback") / "notebook.html"
    # what nbconvert does with a display_data output: its text/html, as is, in the page
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>nb</title></head><body>"
                    f"<div class='jp-OutputArea-output'>{bundle['text/html']}</div></body></html>", encoding="utf-8")
    return profile, bundle, path


def test_the_fallback_draws_every_view_offline(offline_page, output_page):
    profile, bundle, path = output_page
    page = offline_page.page
    page.goto(f"file://{path}")
    frame = page.frame_locator("iframe.tftrace-report")
    for view in VIEWS:
        frame.locator(f'[data-tftrace-view="{view}"][data-tftrace-ready="true"]').wait_for(state="attached",
                                                                                            timeout=20_000)
    data = unpack(bundle[MIME_TYPE])
    first_op = data["strings"][data["ops"]["columns"]["name"][0]]
    frame.locator('[data-tftrace-tab="ops"]').click()
    assert first_op in frame.locator('[data-tftrace-view="ops"] tbody tr').first.inner_text()
    assert "replace this summary" not in frame.locator("body").inner_text()  # the views took the summary's place
    assert offline_page.errors == [] and offline_page.blocked == []


def test_without_javascript_the_summary_shows_the_run(browser, output_page):
    profile, bundle, path = output_page
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"file://{path}")
        text = page.frame_locator("iframe.tftrace-report").locator("body").inner_text()
        assert f"{profile.event_count:,} events" in text
        top = max(profile.ops, key=lambda op: op.self_us)
        assert top.name in text and html.unescape(bundle["text/plain"]).splitlines()[1] in text
    finally:
        context.close()


def test_a_comparison_output_draws_the_diff_view_offline(offline_page, tmp_path):
    diff = handmade.diff_dict()
    bundle = DiffDisplay(diff)._repr_mimebundle_()
    assert len(bundle["text/html"]) < 150_000  # the views bundle compressed (the inline report: ~0.3 MB)
    path = tmp_path / "diff.html"
    path.write_text(f"<!DOCTYPE html><html><body>{bundle['text/html']}</body></html>", encoding="utf-8")
    page = offline_page.page
    page.goto(f"file://{path}")
    view = page.frame_locator("iframe.tftrace-report").locator('[data-tftrace-view="diff"][data-tftrace-ready="true"]')
    view.wait_for(state="attached", timeout=20_000)
    assert diff["rows"][0]["key"] in view.inner_text()
    assert offline_page.errors == [] and offline_page.blocked == []
