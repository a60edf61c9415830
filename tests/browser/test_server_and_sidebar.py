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


VERDICTS = {"faster", "slower", "same", "new", "gone"}


def assert_diff(diff: dict, a_id: str, b_id: str) -> None:
    """``tftrace.diff/1`` (DESIGN.md): both runs, the step comparison, rows ordered changes, new and gone, same."""
    assert diff["schema"] == "tftrace.diff/1"
    assert {"a", "b", "method", "step", "rows", "notes"} <= set(diff)
    assert (diff["a"]["run_id"], diff["b"]["run_id"]) == (a_id, b_id)
    assert diff["a"]["name"] == "<i>keras_fit</i>" and diff["b"]["name"] == "<i>gradient_tape</i>"
    assert {"a_ms", "b_ms", "ratio", "low", "high", "verdict", "a_samples_ms", "b_samples_ms"} <= set(diff["step"])
    assert diff["rows"] and {r["verdict"] for r in diff["rows"]} <= VERDICTS
    assert {r["kind"] for r in diff["rows"]} <= {"category", "function", "op"}
    order = {"slower": 0, "faster": 0, "new": 1, "gone": 1, "same": 2}
    ranks = [order[r["verdict"]] for r in diff["rows"]]
    assert ranks == sorted(ranks)
    changes = [abs(r["delta_us"]) for r in diff["rows"] if order[r["verdict"]] == 0]
    assert changes == sorted(changes, reverse=True)
    assert all(r["ratio"] is None for r in diff["rows"] if r["verdict"] in ("new", "gone"))


def test_rest_lists_serves_and_compares_runs(lab_with_runs):
    lab, (first, second) = lab_with_runs
    runs = lab.api("runs", prefix="tftrace")["runs"]
    assert [r["id"] for r in runs] == [second, first]
    payload = lab.api(f"runs/{first}", prefix="tftrace")
    assert payload["schema"] == "tftrace.payload/1" and payload["ops"]["count"] > 10
    compared = lab.api(f"compare?a={first}&b={second}", prefix="tftrace")
    assert_diff(compared, first, second)
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
        diff = '[data-tftrace-view="diff"]'
        p.wait_for_selector(f'{diff}[data-tftrace-ready="true"]', timeout=60_000)
        assert p.locator(f"{diff} .tft-df-error").count() == 0
        # step time first: both runs' times, B/A and a verdict in words, and the chart
        step = p.locator(f'{diff} [data-section="step"]')
        assert step.locator(".tft-df-step-a").inner_text().endswith("ms")
        assert step.locator(".tft-df-verdict").get_attribute("data-verdict") in VERDICTS
        assert step.locator("canvas").get_attribute("data-a-points") not in (None, "0")
        # then the rows (those with no detectable change once unfolded)
        fold = p.locator(f"{diff} .tft-df-fold")
        if fold.count():
            fold.click()
        assert p.locator(f"{diff} tr.tft-df-row").count() > 10
        assert p.locator(f"{diff} .tft-df-head").inner_text().count("<i>") == 2  # A's and B's names, as text
        assert p.locator("i", has_text="keras_fit").count() == 0
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()
