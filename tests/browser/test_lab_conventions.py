"""tftrace looks native in JupyterLab (issue 12): its commands in the palette and the sidebar's
context menu, run tabs restored after a reload and never opened twice, .tftrace files opening
from the file browser, deleting a run, exporting a run's HTML report, and the settings
(schema/plugin.json) taking effect.

A real JupyterLab on loopback in Debian's Chromium (browserkit), with its own TFTRACE_HOME,
config and workspaces directories; each test uses its own workspace so restored layouts do
not leak between tests. The runs are hand-built XSpaces analysed without TensorFlow
(tests/faults/bigrun.py). References: the store (what the server holds), the files on disk,
the report `tftrace report` writes, and the requests the page makes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "faults"))
from bigrun import big_profile  # noqa: E402
from browserkit import TOKEN, Lab, Page  # noqa: E402
from test_report import VIEWS, wait_ready  # noqa: E402

from tftrace import payload as payload_mod  # noqa: E402
from tftrace.store import Store  # noqa: E402

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "labextension" / "schema" / "plugin.json"
PLUGIN = "tftrace-labextension:plugin"
PALETTE = {  # command id -> its label in the palette (category "tftrace")
    "tftrace:show-runs": "Show Runs",
    "tftrace:refresh-runs": "Refresh Runs",
    "tftrace:open-run": "Open Run…",
    "tftrace:compare-runs": "Compare Two Runs…",
    "tftrace:export-report": "Export Run as HTML Report…",
    "tftrace:delete-run": "Delete Run from the Store…",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(lab, store, contents root): one JupyterLab for the module, runs added by each test."""
    home = tmp_path_factory.mktemp("home")
    root = tmp_path_factory.mktemp("lab")
    lab = Lab(root, home)
    yield lab, Store(str(home)), root
    lab.stop()


@pytest.fixture()
def page(browser, served):
    page = Page(browser, allow_hosts=(served[0].port,))
    yield page
    page.close()


def add_run(store: Store, name: str, events: int = 2_000) -> str:
    profile = big_profile(events)
    profile.name = name
    return store.add(profile)


def open_lab(p, lab: Lab, workspace: str) -> None:
    p.goto(f"http://127.0.0.1:{lab.port}/lab/workspaces/{workspace}?token={TOKEN}")
    p.wait_for_selector('li[data-id="tftrace-runs"]', timeout=120_000)  # a busy 2-core machine: ~25 s


def show_runs(p) -> None:
    runs = p.locator('[data-tftrace-view="runs"]')
    if not runs.is_visible():
        p.locator('li[data-id="tftrace-runs"]').click()
    p.wait_for_selector('[data-tftrace-view="runs"][data-tftrace-ready="true"]', timeout=30_000)


def run_row(p, run_id: str):
    return p.locator(f'.tft-run[data-run="{run_id}"]')


def context_menu(p, run_id: str, command: str) -> None:
    run_row(p, run_id).locator(".tft-run-meta").click(button="right")
    p.locator(f'.lm-Menu-item[data-command="{command}"]').click()


def run_tab_ready(run_id: str, view: str = "summary") -> str:
    return f'[data-tftrace-run="{run_id}"] [data-tftrace-view="{view}"][data-tftrace-ready="true"]'


def open_palette(p) -> None:
    """The command palette, from the View menu; again if the lab, still starting, took the
    focus from it (a modal palette closes when it loses the focus)."""
    palette = p.locator("#modal-command-palette .lm-CommandPalette-input")
    p.locator(".jp-Launcher").first.wait_for(timeout=60_000)  # a new workspace opens a launcher
    for _ in range(5):
        p.get_by_role("menuitem", name="View", exact=True).click()
        p.locator('.lm-Menu-item[data-command="apputils:activate-command-palette"]').click()
        p.wait_for_timeout(1_000)
        if palette.is_visible():
            return
    raise AssertionError("the command palette did not stay open")


def saved_workspace(lab: Lab, workspace: str, wanted: str, timeout: float = 20) -> dict:
    """The workspace as the server holds it, once it names WANTED (the page saves it a moment later)."""
    deadline = time.time() + timeout
    while True:
        data = lab.api(f"workspaces/{workspace}", prefix="lab/api")
        if wanted in json.dumps(data) or time.time() > deadline:
            return data
        time.sleep(0.3)


def put_settings(lab: Lab, values: dict) -> None:
    body = json.dumps({"raw": json.dumps(values)}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{lab.port}/lab/api/settings/{PLUGIN}?token={TOKEN}",
                                     data=body, method="PUT", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204


def test_palette_lists_the_tftrace_commands_and_opens_a_run(page, served):
    # GIVEN a lab with a run in the store
    lab, store, _ = served
    run_id = add_run(store, "<b>palette</b>")
    p = page.page
    open_lab(p, lab, "palette")
    # WHEN the command palette is searched for tftrace
    open_palette(p)
    p.locator("#modal-command-palette .lm-CommandPalette-input").fill("tftrace")
    # THEN it lists every tftrace command under the tftrace category, by its label
    items = p.locator('#modal-command-palette .lm-CommandPalette-item[data-command^="tftrace:"]')
    items.first.wait_for(timeout=10_000)
    found = dict(items.evaluate_all(
        "els => els.map(e => [e.dataset.command, e.querySelector('.lm-CommandPalette-itemLabel').textContent])"))
    assert found == PALETTE
    assert p.locator("#modal-command-palette .lm-CommandPalette-header").all_inner_texts() == ["tftrace"]
    # AND "Open Run…" asks which run (names as text) and opens it
    p.locator('#modal-command-palette .lm-CommandPalette-item[data-command="tftrace:open-run"]').click()
    dialog = p.locator(".jp-Dialog")
    dialog.locator("select").wait_for(timeout=10_000)
    options = dialog.locator("option").evaluate_all("els => els.map(e => e.textContent)")
    [choice] = [o for o in options if run_id in o]
    assert choice.startswith("<b>palette</b>")
    dialog.locator("select").select_option(label=choice)
    dialog.get_by_role("button", name="Ok").click()
    p.wait_for_selector(run_tab_ready(run_id), state="attached", timeout=30_000)
    assert p.locator("b", has_text="palette").count() == 0
    assert page.errors == [] and page.blocked == []


def test_run_and_compare_tabs_open_once_and_come_back_after_reload(page, served):
    # GIVEN two runs, opened from the sidebar (the first one twice) and compared
    lab, store, _ = served
    first, second = add_run(store, "restore-a"), add_run(store, "restore-b", 3_000)
    p = page.page
    open_lab(p, lab, "restore")
    show_runs(p)
    for _ in range(2):
        run_row(p, first).locator(".tft-run-open").click()
        p.wait_for_selector(run_tab_ready(first), state="attached", timeout=30_000)
    run_row(p, second).locator(".tft-run-open").click()
    run_row(p, first).locator(".tft-run-open").click()  # back to the first: its tab comes forward
    # THEN the first run has one tab, and it is the current one
    assert p.locator(f'[data-tftrace-run="{first}"]').count() == 1
    assert p.locator(f'[data-tftrace-run="{first}"]').is_visible()
    assert not p.locator(f'[data-tftrace-run="{second}"]').is_visible()
    for run in (first, second):
        run_row(p, run).locator('input[type="checkbox"]').check()
    p.get_by_role("button", name="compare 2 checked").click()
    compare = f'[data-tftrace-compare="{first} {second}"] [data-tftrace-view="diff"][data-tftrace-ready="true"]'
    p.wait_for_selector(compare, timeout=60_000)
    p.get_by_role("button", name="compare 2 checked").click()  # the same pair again: no second tab
    assert p.locator(f'[data-tftrace-compare="{first} {second}"]').count() == 1
    saved = json.dumps(saved_workspace(lab, "restore", f"tftrace-compare:{first}:{second}"))
    assert f"tftrace-run:{first}" in saved and f"tftrace-run:{second}" in saved
    # WHEN the page is reloaded
    p.reload()
    # THEN both run tabs and the comparison are back, each once, and the sidebar is still open
    p.wait_for_selector(compare, state="attached", timeout=60_000)
    for run in (first, second):
        p.wait_for_selector(run_tab_ready(run), state="attached", timeout=30_000)
        assert p.locator(f'[data-tftrace-run="{run}"]').count() == 1
    p.wait_for_selector('[data-tftrace-view="runs"][data-tftrace-ready="true"]', timeout=30_000)
    assert p.locator('[data-tftrace-view="runs"]').is_visible()
    # AND the tabs carry tftrace's icon and the run's name
    tabs = p.locator(".lm-DockPanel-tabBar .lm-TabBar-tab").evaluate_all(
        "els => els.map(e => [e.querySelector('.lm-TabBar-tabLabel').textContent,"
        " !!e.querySelector('[data-icon=\"tftrace-labextension:tftrace\"]')])")
    assert sorted(tabs) == [["restore-a", True], ["restore-a vs restore-b", True], ["restore-b", True]], tabs
    assert page.errors == [] and page.blocked == []


def test_a_tftrace_file_opens_from_the_file_browser(page, served):
    # GIVEN a run file in the server's root
    lab, store, root = served
    run_id = add_run(store, "file-run")
    target = root / "saved run.tftrace"
    shutil.copy(store.find(run_id), target)
    before = target.read_bytes()
    p = page.page
    contents = []  # (method, url) of the contents API requests about the file
    p.on("request", lambda r: "/api/contents/saved%20run.tftrace" in r.url and contents.append((r.method, r.url)))
    open_lab(p, lab, "files")
    # THEN the file browser shows it with tftrace's icon
    item = p.locator('.jp-DirListing-item[title*="saved run.tftrace"]')
    item.wait_for(timeout=30_000)
    assert item.locator('[data-icon="tftrace-labextension:tftrace"]').count() == 1
    # WHEN it is double-clicked
    item.dblclick()
    # THEN every view opens in a tab, from the server's payload of that file
    views = '[data-tftrace-file="saved run.tftrace"]'
    for view in VIEWS:
        p.wait_for_selector(f'{views} [data-tftrace-view="{view}"][data-tftrace-ready="true"]', state="attached",
                            timeout=60_000)
    # AND the document never read the file's bytes through the contents API, nor wrote them
    reads = [u for m, u in contents if m == "GET" and "checkpoints" not in u]
    assert reads and not [u for u in reads if "content=1" in u], reads
    checkpoints = lambda: len([u for m, u in contents if m == "POST" and "checkpoints" in u])  # noqa: E731
    p.wait_for_timeout(1_000)
    before_save = checkpoints()
    p.locator(f"{views} .tft-title").click()
    p.keyboard.press("Control+s")  # Save ran (it ends with a checkpoint) but wrote nothing
    deadline = time.time() + 10
    while checkpoints() == before_save and time.time() < deadline:
        p.wait_for_timeout(200)
    assert checkpoints() == before_save + 1
    assert [u for m, u in contents if m in ("PUT", "PATCH", "DELETE")] == []
    assert p.locator(".jp-Dialog").count() == 0 and target.read_bytes() == before
    # AND after a reload the document is open again
    saved_workspace(lab, "files", "saved run.tftrace")
    p.reload()
    p.wait_for_selector(f'{views} [data-tftrace-view="summary"][data-tftrace-ready="true"]', state="attached",
                        timeout=60_000)
    assert page.errors == [] and page.blocked == []


def test_delete_run_asks_then_removes_it_from_sidebar_store_and_tabs(page, served):
    # GIVEN a run open in a tab
    lab, store, _ = served
    keep, doomed = add_run(store, "keep"), add_run(store, "doomed")
    path = Path(store.find(doomed))
    p = page.page
    open_lab(p, lab, "delete")
    show_runs(p)
    run_row(p, doomed).locator(".tft-run-open").click()
    p.wait_for_selector(run_tab_ready(doomed), state="attached", timeout=30_000)
    # (its tab's toolbar offers the run's export and delete)
    toolbar = p.locator(f'.jp-MainAreaWidget:has([data-tftrace-run="{doomed}"]) .jp-Toolbar')
    assert toolbar.locator("[data-command]").evaluate_all("els => els.map(e => e.dataset.command)") == [
        "tftrace:export-report", "tftrace:delete-run"]
    # WHEN "Delete Run…" is chosen from its row's context menu and the dialog is cancelled
    context_menu(p, doomed, "tftrace:delete-run")
    dialog = p.locator(".jp-Dialog")
    assert doomed in dialog.inner_text() and "cannot be undone" in dialog.inner_text()
    dialog.get_by_role("button", name="Cancel").click()
    # THEN nothing is deleted
    assert path.exists() and store.find(doomed) == str(path)
    # WHEN it is chosen again and confirmed
    context_menu(p, doomed, "tftrace:delete-run")
    p.locator(".jp-Dialog").get_by_role("button", name="Delete").click()
    # THEN the row and the tab go, the store forgot the run and its file is gone; the other stays
    run_row(p, doomed).wait_for(state="detached", timeout=10_000)
    p.locator(f'[data-tftrace-run="{doomed}"]').wait_for(state="detached", timeout=10_000)
    assert store.find(doomed) is None and not path.exists()
    assert run_row(p, keep).count() == 1 and store.find(keep)
    assert page.errors == [] and page.blocked == []


def test_export_report_downloads_the_self_contained_report(page, served, tmp_path):
    # GIVEN a run, and the report `tftrace report` writes for it
    lab, store, _ = served
    run_id = add_run(store, "export-me")
    written = tmp_path / "cli.html"
    subprocess.run([sys.executable, "-m", "tftrace", "report", store.find(run_id), "-o", str(written)],
                   check=True, capture_output=True, env=dict(os.environ, TFTRACE_HOME=store.home))
    p = page.page
    open_lab(p, lab, "export")
    show_runs(p)
    # WHEN "Export HTML Report" is chosen from the run's context menu
    with p.expect_download(timeout=60_000) as started:
        context_menu(p, run_id, "tftrace:export-report")
    download = started.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    # THEN the download is that report, named after the run
    assert download.suggested_filename == f"tftrace-{run_id}.html"
    assert saved.read_bytes() == written.read_bytes()
    assert page.errors == [] and page.blocked == []
    # AND it shows every view with the network blocked
    offline = Page(page.context.browser)
    try:
        offline.page.goto(f"file://{saved}")
        wait_ready(offline.page, timeout=30_000)
        assert offline.blocked == [] and offline.errors == []
    finally:
        offline.close()


def run_list_fetches(p, since: float = 0) -> list[tuple[float, float]]:
    """(start, end) in the page's clock (ms) of its requests for the run list started after SINCE,
    from the browser's resource timing (exact whatever the machine's load)."""
    return [tuple(f) for f in p.evaluate(
        """since => performance.getEntriesByType('resource')
             .filter(e => /\\/tftrace\\/runs(\\?|$)/.test(e.name) && e.startTime > since)
             .map(e => [e.startTime, e.responseEnd])""", since)]


def page_now(p) -> float:
    return p.evaluate("performance.now()")


def test_settings_take_effect(page, served, tmp_path):
    lab, store, root = served
    schema = json.loads(SCHEMA.read_text())
    try:
        # GIVEN a 1 s sidebar refresh, the timeline as first view and 150 px notebook outputs
        put_settings(lab, {"pollInterval": 1, "defaultView": "timeline", "notebookOutputMaxHeight": 150})
        first = add_run(store, "settings")
        p = page.page
        p.add_init_script("performance.setResourceTimingBufferSize(100000)")
        open_lab(p, lab, "settings")
        show_runs(p)
        # THEN a run added meanwhile shows up in the sidebar without asking
        added = add_run(store, "appears by itself")
        run_row(p, added).wait_for(timeout=5_000)
        # AND the sidebar asks again a second after each answer while shown
        start = page_now(p)
        p.wait_for_timeout(5_000)
        fetches = run_list_fetches(p, start)
        waits = [b[0] - a[1] for a, b in zip(fetches, fetches[1:])]
        assert len(waits) >= 2 and all(900 <= w <= 2_500 for w in waits), fetches
        # AND never while hidden behind another sidebar
        p.locator('li[data-id="filebrowser"]').click()
        assert not p.locator('[data-tftrace-view="runs"]').is_visible()
        hidden = page_now(p) + 1_200  # a request already under way may still start
        p.wait_for_timeout(4_200)
        assert run_list_fetches(p, hidden) == []
        # AND a run opens on the timeline, and the views are the ones the schema offers
        p.locator('li[data-id="tftrace-runs"]').click()
        run_row(p, first).locator(".tft-run-open").click()
        p.wait_for_selector(run_tab_ready(first, "timeline"), state="attached", timeout=30_000)
        tab = p.locator(f'[data-tftrace-run="{first}"] [data-tftrace-tab="timeline"]')
        assert "tft-active" in tab.get_attribute("class")
        assert p.locator(f'[data-tftrace-run="{first}"] [data-tftrace-view="timeline"]').is_visible()
        tabs = p.locator(f'[data-tftrace-run="{first}"] [data-tftrace-tab]').evaluate_all(
            "els => els.map(e => e.dataset.tftraceTab)")
        assert tabs == schema["properties"]["defaultView"]["enum"]
        # AND a notebook's saved tftrace output is drawn at most 150 px tall, on the timeline
        notebook(root / "saved.ipynb", store.find(first))
        p.goto(f"http://127.0.0.1:{lab.port}/lab/workspaces/settings-nb/tree/saved.ipynb?token={TOKEN}")
        output = p.locator(".jp-OutputArea-output.tftrace-output")
        p.wait_for_selector('.tftrace-output [data-tftrace-view="timeline"][data-tftrace-ready="true"]',
                            state="attached", timeout=60_000)
        assert output.evaluate("e => getComputedStyle(e).maxHeight") == "150px"
        assert output.evaluate("e => e.getBoundingClientRect().height") <= 150
        assert output.evaluate("e => e.scrollHeight") > 150
        assert p.locator('.tftrace-output [data-tftrace-view="timeline"]').is_visible()
        # WHEN the refresh is set to 0 (off) and the page loaded again
        put_settings(lab, {"pollInterval": 0})
        open_lab(p, lab, "settings-off")
        show_runs(p)
        p.wait_for_timeout(500)
        start = page_now(p)
        late = add_run(store, "not polled")
        # THEN the sidebar no longer asks by itself (waiting longer than the default 5 s)
        p.wait_for_timeout(6_500)
        assert run_list_fetches(p, start) == [] and run_row(p, late).count() == 0
        p.locator(".tft-runs-refresh").click()  # only when asked
        run_row(p, late).wait_for(timeout=5_000)
        # AND with the defaults back, the output is as tall as its views, on the summary
        p.goto(f"http://127.0.0.1:{lab.port}/lab/workspaces/settings-nb2/tree/saved.ipynb?token={TOKEN}")
        p.wait_for_selector('.tftrace-output [data-tftrace-view="summary"][data-tftrace-ready="true"]',
                            state="attached", timeout=60_000)
        assert output.evaluate("e => getComputedStyle(e).maxHeight") == "none"
        height = output.evaluate("e => e.getBoundingClientRect().height")
        assert height > 150 and height >= output.evaluate("e => e.scrollHeight") - 1
        assert p.locator('.tftrace-output [data-tftrace-view="summary"]').is_visible()
        assert page.errors == [] and page.blocked == []
    finally:
        put_settings(lab, {})


def notebook(path: Path, run_file: str) -> None:
    """A notebook holding a %%tftrace output as a kernel would have saved it (no kernel needed)."""
    from tftrace import runfile

    data = payload_mod.build(runfile.load(run_file, with_xspaces=True))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("%%tftrace\npass", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("display_data", data={payload_mod.MIME_TYPE: data, "text/plain": "tftrace"})]
    nb.cells = [cell]
    nbformat.write(nb, path)
