"""The jupyter-server extension (REST over the run store) and the JupyterLab sidebar."""

from __future__ import annotations

import json
import urllib.error

import pytest

from browserkit import Lab, Page
from tftrace import load
from tftrace.store import Store


@pytest.fixture()
def lab_with_runs(tmp_path, recorded):
    home = tmp_path / "home"
    store = Store(str(home))
    ids = []
    for name in ("keras_fit", "gradient_tape"):
        profile = load(recorded[name])
        profile.name = f"<i>{name}</i>"  # names are shown as text everywhere
        ids.append(store.add(profile))
    root = tmp_path / "lab"
    root.mkdir()
    lab = Lab(root, home)
    yield lab, ids
    lab.stop()


def test_rest_lists_serves_and_compares_runs(lab_with_runs):
    lab, (first, second) = lab_with_runs
    runs = lab.api("runs", prefix="tftrace")["runs"]
    assert [r["id"] for r in runs] == [second, first]
    payload = lab.api(f"runs/{first}", prefix="tftrace")
    assert payload["schema"] == "tftrace.payload/1" and payload["ops"]["count"] > 10
    compared = lab.api(f"compare?a={first}&b={second}", prefix="tftrace")
    assert compared["schema"] == "tftrace.compare/1" and compared["ops"]
    deltas = [abs(r["delta_us"]) for r in compared["ops"]]
    assert deltas == sorted(deltas, reverse=True)
    with pytest.raises(urllib.error.HTTPError) as missing:
        lab.api("runs/19990101-000000-dead", prefix="tftrace")
    assert missing.value.code == 404 and "no run" in json.loads(missing.value.read())["error"]
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        lab.api("runs", prefix="tftrace", token=False)
    assert anonymous.value.code == 403


@pytest.mark.browser
def test_sidebar_lists_opens_and_compares_runs(browser, lab_with_runs):
    lab, (first, second) = lab_with_runs
    page = Page(browser, allow_hosts=(lab.port,))
    try:
        p = page.page
        p.goto(f"http://127.0.0.1:{lab.port}/lab?token=tftrace-test-token")
        p.locator('li[data-id="tftrace-runs"]').click(timeout=60_000)
        p.wait_for_selector('[data-tftrace-view="runs"][data-tftrace-ready="true"]', timeout=30_000)
        names = p.locator(".tft-run-open").all_inner_texts()
        assert names == ["<i>gradient_tape</i>", "<i>keras_fit</i>"]
        p.locator(f'.tft-run-open[data-run="{first}"]').click()
        view = f'[data-tftrace-run="{first}"] [data-tftrace-view="timeline"][data-tftrace-ready="true"]'
        p.wait_for_selector(view, state="attached", timeout=30_000)
        for run in (first, second):
            p.locator(f'input[data-run="{run}"]').check()
        p.get_by_role("button", name="compare 2 checked").click()
        p.wait_for_selector('[data-tftrace-view="compare"][data-tftrace-ready="true"]', timeout=30_000)
        assert p.locator('[data-tftrace-view="compare"] tbody tr').count() > 10
        assert p.locator("i", has_text="keras_fit").count() == 0
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()
