"""A real JupyterLab on loopback: %%tftrace renders, survives save + reload without a
kernel, and `jupyter nbconvert --to html` of the notebook shows the views offline."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from browserkit import Lab, Page
from test_report import VIEWS, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.tf]
MIME = "application/vnd.tftrace.payload+json"


CELLS = ["%load_ext tftrace",
         "import tensorflow as tf\na = tf.random.normal((128, 128), seed=0)\n"
         "step = tf.function(lambda x: tf.reduce_sum(tf.matmul(x, x)))",
         "%%tftrace --name lab --no-python\nfor _ in range(5):\n    step(a)"]


def save(p, notebook: Path) -> None:
    """Save from the frontend (toolbar button), retrying while the file lacks the output."""
    for _ in range(4):
        p.locator('.jp-NotebookPanel-toolbar [data-command="docmanager:save"]').first.click()
        deadline = time.time() + 8
        while time.time() < deadline:
            if MIME in notebook.read_text():
                return
            time.sleep(0.3)
    raise AssertionError("the notebook was not saved with the tftrace output")


def output_views(page):
    return page.locator(".jp-OutputArea-output [data-tftrace-view]")


def test_lab_renders_saves_and_rerenders_without_kernel_then_nbconvert(browser, tmp_path):
    root = tmp_path / "lab"
    root.mkdir()
    notebook = root / "profile.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebook)

    lab = Lab(root, tmp_path / "home")
    page = Page(browser, allow_hosts=(lab.port,))
    try:
        p = page.page
        p.goto(lab.url("profile.ipynb"))
        p.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        select = p.locator(".jp-Dialog").get_by_role("button", name="Select", exact=True)
        try:  # JupyterLab may ask which kernel to start
            select.wait_for(timeout=5_000)
            select.click()
        except Exception:
            pass
        p.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        p.get_by_role("menuitem", name="Run", exact=True).click()
        p.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        wait_ready(p, timeout=120_000)
        assert output_views(p).count() == len(VIEWS)
        save(p, notebook)
        saved = nbformat.read(notebook, as_version=4)
        [bundle] = [o for o in saved.cells[2].outputs if o.get("output_type") == "display_data"]
        assert {MIME, "text/html", "text/plain"} <= set(bundle["data"])
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()
        lab.stop()

    # a second server that cannot start any kernel: the saved output renders by itself
    lab = Lab(root, tmp_path / "home", "--KernelSpecManager.allowed_kernelspecs=no-such-kernel")
    page = Page(browser, allow_hosts=(lab.port,))
    try:
        p = page.page
        p.goto(lab.url("profile.ipynb"))
        wait_ready(p, timeout=60_000)
        assert lab.api("kernels") == []
        assert output_views(p).count() == len(VIEWS)
        assert [e for e in page.errors if "kernel" not in e.lower()] == []
    finally:
        page.close()
        lab.stop()

    html_path = tmp_path / "profile.html"
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(notebook), "--output",
                    str(html_path)], check=True, capture_output=True)
    page = Page(browser)
    try:
        page.page.goto(f"file://{html_path}")
        frame = page.page.frame_locator("iframe.tftrace-report").first
        for view in VIEWS:
            frame.locator(f'[data-tftrace-view="{view}"][data-tftrace-ready="true"]').wait_for(
                state="attached", timeout=20_000)
        # nbconvert's own template asks CDNs for require.js and MathJax (blocked here);
        # the report inside the iframe asks for nothing
        assert page.blocked_from_srcdoc == []
        assert all("cdnjs" in url or "mathjax" in url.lower() for url in page.blocked), page.blocked
        assert page.errors == [] or all("cdnjs" in e or "require" in e.lower() or "ERR_FAILED" in e
                                        for e in page.errors), page.errors
    finally:
        page.close()
