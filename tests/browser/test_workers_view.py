"""The workers section of the summary: every requested worker, captured or missing with its reason."""

from __future__ import annotations

import pytest

from tftrace.analysis import analyze_bytes
from tftrace.capture.remote import Worker, record_workers

pytestmark = pytest.mark.browser


def test_summary_lists_every_requested_worker(offline_page, recorded, tmp_path):
    blobs = {"w_1": recorded["keras_fit"].read_bytes(), "w_2": recorded["gradient_tape"].read_bytes()}
    profile = analyze_bytes(dict(blobs), name="two workers")
    captured = [Worker("w:1", blob=blobs["w_1"]), Worker("w:2", blob=blobs["w_2"])]
    hostile = Worker("evil<b>x</b>:3", reason="refused <script>alert(1)</script>")
    record_workers(profile, [captured[0], hostile, captured[1]])
    page = offline_page.page
    page.goto(f"file://{profile.to_html(tmp_path / 'workers.html')}")
    page.wait_for_selector('[data-tftrace-view="summary"][data-tftrace-ready="true"]', state="attached")
    block = page.locator("[data-tftrace-workers]")
    assert "Workers: 2 of 3 captured" in block.locator("h3").inner_text()
    assert block.locator('tr[data-status="captured"]').count() == 2
    missing = block.locator('tr[data-status="missing"]')
    assert missing.count() == 1
    assert "missing: refused <script>alert(1)</script>" in missing.inner_text()  # shown as text, not markup
    assert page.locator("[data-tftrace-workers] script, [data-tftrace-workers] b").count() == 0
    hosts = block.locator('tr[data-status="captured"] td:first-child').all_inner_texts()
    assert sorted(hosts) == sorted(profile.hosts)
    assert offline_page.errors == [] and offline_page.blocked == []
