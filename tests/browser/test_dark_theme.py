"""Every view reads in every theme: WCAG contrast >= 4.5:1 for all the text it shows.

In a real JupyterLab (Dark, Dark High Contrast, Light) every tab of two saved profile
outputs (the 8-GPU fixture, and a hand-made profile with findings, steps, memory and the
matplotlib chart) is measured, and in Dark the runs sidebar, a run's tab and a comparison
of two runs; the standalone reports (two profiles and a comparison) are measured under
``prefers-color-scheme: dark`` and ``light``, and after a live switch.

What is measured, in the page (CHECK_JS):
- every visible text node: its computed colour against its effective background (the
  ancestors' backgrounds composited from the first opaque one, text alpha and opacity
  applied);
- SVG labels (op graph): their fill against the box behind, blended over the canvas;
- canvases: every fillText of the last frame is recorded (an init script wraps the 2D
  context); its box is read back with getImageData (at 2x device pixels), the background
  is the commonest colour of the box, the text is the read pixel nearest
  the colour it was drawn with; and each canvas' commonest colour must be the view's
  background (a canvas left white on a dark theme fails even if its insides read);
- the matplotlib chart (an <img>, filtered on dark themes): a screenshot of it, whose
  commonest colour must match the view's background and whose ink must reach 4.5:1.
Disabled controls are left out (WCAG exempts inactive components).
Set TFTRACE_SHOTS=<dir> to keep a screenshot of every view.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from pathlib import Path

import nbformat
import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import handmade
from browserkit import TOKEN, Lab
from tftrace import load, payload
from tftrace.display import NOTEBOOK_LIMITS
from tftrace.report import report_html, diff_report_html, write_text
from tftrace.store import Store
from test_report import VIEWS, wait_ready

pytestmark = pytest.mark.browser
MIN_CONTRAST = 4.5
SHOTS = os.environ.get("TFTRACE_SHOTS", "")
# fewest canvas labels each view must have measured (a check that reads nothing proves nothing)
CANVAS_LABELS = {"flame": 5, "timeline": 10, "steps": 3, "memory": 3, "diff": 3}

RECORD_JS = r"""
(() => {
  const P = CanvasRenderingContext2D.prototype;
  const texts = new WeakMap();
  window.__tftTexts = (canvas) => texts.get(canvas) || [];
  const covers = (ctx, x, y, w, h) => {
    const m = ctx.getTransform();
    const c = ctx.canvas;
    const xs = [m.a * x + m.c * y + m.e, m.a * (x + w) + m.c * (y + h) + m.e];
    const ys = [m.b * x + m.d * y + m.f, m.b * (x + w) + m.d * (y + h) + m.f];
    return Math.min(...xs) <= 0.5 && Math.min(...ys) <= 0.5 && Math.max(...xs) >= c.width - 0.5 && Math.max(...ys) >= c.height - 0.5;
  };
  for (const name of ["clearRect", "fillRect"]) {
    const original = P[name];
    P[name] = function (x, y, w, h) {
      if (covers(this, x, y, w, h)) texts.set(this.canvas, []);
      return original.call(this, x, y, w, h);
    };
  }
  const fillText = P.fillText;
  P.fillText = function (text, x, y, maxWidth) {
    const out = fillText.apply(this, arguments);
    if (typeof this.fillStyle !== "string" || !String(text).trim()) return out;
    const m = this.measureText(text);
    const t = this.getTransform();
    const x0 = x - m.actualBoundingBoxLeft, x1 = x + m.actualBoundingBoxRight;
    const y0 = y - m.actualBoundingBoxAscent, y1 = y + m.actualBoundingBoxDescent;
    const px = [t.a * x0 + t.e, t.a * x1 + t.e], py = [t.d * y0 + t.f, t.d * y1 + t.f];
    if (!texts.has(this.canvas)) texts.set(this.canvas, []);
    texts.get(this.canvas).push({ text: String(text), color: this.fillStyle,
      box: [Math.min(...px), Math.min(...py), Math.max(...px), Math.max(...py)] });
    return out;
  };
})();
"""

CHECK_JS = r"""
(root) => {
  const MIN = %(min)s;
  const parse = (s) => {
    s = String(s).trim();
    let m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(s);
    if (m) { const n = parseInt(m[1], 16); return [n >> 16 & 255, n >> 8 & 255, n & 255, m[2] ? parseInt(m[2], 16) / 255 : 1]; }
    m = /^rgba?\(([^)]*)\)$/.exec(s);
    if (m) { const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; }
    m = /^color\(srgb ([^)]*)\)$/.exec(s);
    if (m) { const p = m[1].split(/[\s\/]+/).filter(Boolean).map(Number); return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1]; }
    return null;
  };
  const over = (top, under) => {
    const a = top[3];
    return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
  };
  const lum = (c) => {
    const ch = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]);
  };
  const contrast = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const hex = (c) => "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  // the colour behind `el`: its and its ancestors' backgrounds, composited from the first opaque one
  const backgroundOf = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = pageCanvas;
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  // under every background: the page's canvas, light or dark by the root's color-scheme
  const probe = document.createElement("div");
  probe.style.background = "Canvas";
  document.documentElement.append(probe);
  const pageCanvas = parse(getComputedStyle(probe).backgroundColor) || [255, 255, 255, 1];
  probe.remove();
  const opacityOf = (el) => { let o = 1; for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity); return o; };
  const out = { dom: 0, svg: 0, canvas: {}, canvases: 0, failures: [], canvasBackgrounds: [], background: hex(backgroundOf(root)), lowest: 21 };
  const fail = (kind, text, fg, bg, ratio) => ratio < MIN && out.failures.push(`${kind} "${text.slice(0, 40)}" ${hex(fg)} on ${hex(bg)}: ${ratio.toFixed(2)}`);

  // text nodes
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    const el = n.parentElement;
    if (!text || !el || el.closest("svg, script, style, option")) continue;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    if (el.closest(":disabled")) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width < 1 || rect.height < 1) continue;
    const bg = backgroundOf(el);
    const c = parse(getComputedStyle(el).color);
    if (!c) { out.failures.push(`unreadable colour ${getComputedStyle(el).color}`); continue; }
    c[3] *= opacityOf(el);
    const fg = over(c, bg);
    out.dom++;
    const ratio = contrast(fg, bg);
    out.lowest = Math.min(out.lowest, ratio);
    fail(el.className ? `.${String(el.className).split(" ")[0]}` : el.tagName.toLowerCase(), text, fg, bg, ratio);
  }

  // SVG labels on boxes
  for (const t of root.querySelectorAll("svg text")) {
    if (!t.textContent.trim() || !t.checkVisibility()) continue;
    const box = t.parentElement.querySelector("rect");
    const svg = t.closest("svg");
    let bg = backgroundOf(svg.parentElement);
    if (box) {
      const s = getComputedStyle(box);
      const f = parse(s.fill);
      if (f) { f[3] *= Number(s.fillOpacity); bg = over(f, bg); }
    }
    const c = parse(getComputedStyle(t).fill);
    if (!c) continue;
    const fg = over(c, bg);
    out.svg++;
    const ratio = contrast(fg, bg);
    out.lowest = Math.min(out.lowest, ratio);
    fail("svg text", t.textContent, fg, bg, ratio);
  }

  // canvases: the labels of the last frame, read back
  for (const canvas of root.querySelectorAll("canvas")) {
    if (!canvas.checkVisibility() || !canvas.width || !canvas.height) continue;
    out.canvases++;
    const ctx = canvas.getContext("2d");
    const under = backgroundOf(canvas);
    const all = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const px = (i) => over([all[i], all[i + 1], all[i + 2], all[i + 3] / 255], under);
    const key = (c) => c.slice(0, 3).map(Math.round).join(",");
    const counts = new Map();
    for (let i = 0; i < all.length; i += 4 * 7) { const k = key(px(i)); counts.set(k, (counts.get(k) || 0) + 1); }
    const commonest = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0].split(",").map(Number).concat(1);
    out.canvasBackgrounds.push({ cls: canvas.className, canvas: hex(commonest), page: hex(under), ratio: contrast(commonest, under) });
    const view = canvas.closest("[data-tftrace-view]");
    const name = view ? view.getAttribute("data-tftrace-view") : "?";
    for (const r of window.__tftTexts(canvas)) {
      const x0 = Math.max(0, Math.floor(r.box[0]) - 2), y0 = Math.max(0, Math.floor(r.box[1]) - 2);
      const x1 = Math.min(canvas.width, Math.ceil(r.box[2]) + 2), y1 = Math.min(canvas.height, Math.ceil(r.box[3]) + 2);
      if (x1 - x0 < 3 || y1 - y0 < 3) continue;
      const at = (x, y) => px((y * canvas.width + x) * 4);
      const seen = new Map(); // the background: the commonest colour of the box (antialiased glyph pixels all differ)
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) { const k = key(at(x, y)); seen.set(k, (seen.get(k) || 0) + 1); }
      const bg = [...seen.entries()].sort((a, b) => b[1] - a[1])[0][0].split(",").map(Number).concat(1);
      const drawn = parse(r.color);
      if (!drawn) continue;
      const want = over(drawn, bg);
      let best = null, dist = Infinity;
      for (let y = y0 + 2; y < y1 - 2; y++) for (let x = x0 + 2; x < x1 - 2; x++) {
        const c = at(x, y);
        const d = Math.hypot(c[0] - want[0], c[1] - want[1], c[2] - want[2]);
        if (d < dist) { dist = d; best = c; }
      }
      if (!best || dist > 48) continue; // not on screen (clipped, or drawn over): nothing to read
      out.canvas[name] = (out.canvas[name] || 0) + 1;
      const ratio = contrast(best, bg);
      out.lowest = Math.min(out.lowest, ratio);
      fail(`canvas ${name}`, r.text, best, bg, ratio);
    }
  }
  return out;
}
""" % {"min": MIN_CONTRAST}


def context(browser, scheme: str, allow_port: int | None = None):
    """A 2x-pixel page in `scheme` whose requests other than file:/data:/blob: (and the lab's port) are aborted."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=2, color_scheme=scheme)
    ctx.add_init_script(RECORD_JS)
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        url = r.request.url
        if url.split(":", 1)[0] in ("file", "data", "blob") or (allow_port and f"127.0.0.1:{allow_port}/" in url):
            return r.continue_()
        blocked.append(url)
        return r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    return ctx, page, blocked, errors


def settle(page) -> None:
    """Two animation frames: every scheduled redraw has run."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def chart_problems(page, view, background: str) -> list[str]:
    """The matplotlib chart as shown (filter included): its commonest colour is the view's
    background, and its darkest/lightest ink reaches the contrast."""
    img = view.locator("img.tft-chart")
    if not img.count():
        return []
    pixels = Image.open(io.BytesIO(img.screenshot())).convert("RGB")
    colours = Counter(map(tuple, np.asarray(pixels).reshape(-1, 3).tolist()))
    commonest = colours.most_common(1)[0][0]
    bg = tuple(int(background[i:i + 2], 16) for i in (1, 3, 5))
    problems = []
    if ratio(commonest, bg) > 1.25:
        problems.append(f"chart background #{bytes(commonest).hex()} is not the view's {background}")
    ink = max(colours, key=lambda c: ratio(c, commonest))
    if ratio(ink, commonest) < MIN_CONTRAST:
        problems.append(f"chart ink #{bytes(ink).hex()} on #{bytes(commonest).hex()}: {ratio(ink, commonest):.2f}")
    return problems


def ratio(a, b) -> float:
    def lum(c):
        ch = [v / 255 for v in c[:3]]
        ch = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in ch]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]
    x, y = lum(a), lum(b)
    return (max(x, y) + 0.05) / (min(x, y) + 0.05)


def measure(page, app, views, label: str, dark: bool) -> dict:
    """Click every tab of `app` and measure it; returns {view: result}; asserts nothing."""
    results = {}
    for view in views:
        app.locator(f'[data-tftrace-tab="{view}"]').click()
        panel = app.locator(f'[data-tftrace-view="{view}"]')
        panel.scroll_into_view_if_needed()
        settle(page)
        result = panel.evaluate(CHECK_JS)
        result["failures"] += chart_problems(page, panel, result["background"])
        for c in result["canvasBackgrounds"]:
            # (the timeline's step strip is all step bands: only its labels are measured)
            if c["ratio"] > 1.25 and c["cls"] != "tft-tl-steps":
                result["failures"].append(f"canvas .{c['cls']} is {c['canvas']} on a {c['page']} view")
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{label}-{view}.png")
        results[view] = result
    return results


def assert_readable(results: dict, dark: bool, where: str) -> None:
    failures = [f"{where} {view}: {f}" for view, r in results.items() for f in r["failures"]]
    assert failures == [], "\n".join(failures[:40])
    for view, r in results.items():
        # the theme reached the view: its background is dark on a dark theme, light on a light one
        rgb = [int(r["background"][i:i + 2], 16) for i in (1, 3, 5)]
        assert (ratio(rgb, (0, 0, 0)) < 3) == dark, f"{where} {view}: background {r['background']}"
        assert r["dom"] > 0, f"{where} {view}: no text measured"
        for name, least in CANVAS_LABELS.items():
            if name == view and r["canvases"]:
                assert r["canvas"].get(name, 0) >= least, f"{where} {view}: {r['canvas']} canvas labels measured"
    graph = results.get("graph")
    if graph:
        assert graph["svg"] > 0, f"{where}: no graph labels measured"


# ---- JupyterLab

@pytest.fixture(scope="module")
def lab_notebook(tmp_path_factory, gpu_fixture):
    """A notebook with two saved tftrace outputs, served by a JupyterLab that cannot start kernels."""
    root = tmp_path_factory.mktemp("themes") / "lab"  # its own parent: Lab's config (workspaces) goes there
    root.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    outputs = [payload.build(load(gpu_fixture), **NOTEBOOK_LIMITS), payload.build(handmade.answers_profile())]
    for i, data in enumerate(outputs, start=1):
        cell = nbformat.v4.new_code_cell(f"%%tftrace\nrun_{i}()", execution_count=i)
        cell.outputs = [nbformat.v4.new_output("display_data", data={payload.MIME_TYPE: data, "text/plain": "tftrace run"})]
        nb.cells.append(cell)
    nbformat.write(nb, root / "themes.ipynb")
    lab = Lab(root, tmp_path_factory.mktemp("home"), "--KernelSpecManager.allowed_kernelspecs=no-such-kernel",
              "--LabApp.expose_app_in_browser=True")
    yield lab
    lab.stop()


def open_notebook(browser, lab, scheme: str):
    ctx, page, blocked, errors = context(browser, scheme, allow_port=lab.port)
    page.goto(lab.url("themes.ipynb"))
    wait_ready(page, timeout=90_000)
    no_kernel = page.locator(".jp-Dialog").get_by_role("button", name="No Kernel", exact=True)
    try:  # JupyterLab asks for a kernel (there is none); the dialog would cover the outputs
        no_kernel.wait_for(timeout=10_000)
        no_kernel.click()
    except PlaywrightTimeout:
        pass
    return ctx, page, blocked, errors


def change_theme(page, theme: str, light: bool) -> None:
    page.evaluate("(theme) => window.jupyterapp.commands.execute('apputils:change-theme', { theme })", theme)
    page.wait_for_function("(light) => document.body.dataset.jpThemeLight === String(light)", arg=light, timeout=30_000)
    page.wait_for_timeout(300)  # the theme's stylesheet is in; let JupyterLab relayout
    settle(page)


@pytest.mark.parametrize("theme, light", [("JupyterLab Dark", False), ("JupyterLab Dark High Contrast", False),
                                          ("JupyterLab Light", True)])
def test_jupyterlab_theme_every_view_reads(browser, lab_notebook, theme, light):
    ctx, page, blocked, errors = open_notebook(browser, lab_notebook, "light" if light else "dark")
    try:
        if theme != "JupyterLab Light":
            change_theme(page, "JupyterLab Light", True)  # start from light: the views must follow the switch
        change_theme(page, theme, light)
        apps = page.locator(".jp-OutputArea-output .tft-app")
        assert apps.count() == 2
        label = theme.lower().replace(" ", "-")
        for i in range(2):
            results = measure(page, apps.nth(i), VIEWS, f"lab-{label}-{i}", dark=not light)
            assert_readable(results, dark=not light, where=f"{theme}, output {i + 1}")
        assert [e for e in errors if "kernel" not in e.lower()] == [] and blocked == []
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def lab_runs(tmp_path_factory):
    """A JupyterLab whose store holds two runs (hand-made profiles with steps)."""
    home = tmp_path_factory.mktemp("runs-home")
    store = Store(str(home))
    ids = []
    for name in ("baseline", "candidate"):
        profile = handmade.answers_profile()
        profile.name = name
        ids.append(store.add(profile))
    root = tmp_path_factory.mktemp("runs") / "lab"  # its own parent: no workspace of another Lab is restored
    root.mkdir()
    lab = Lab(root, home, "--LabApp.expose_app_in_browser=True")
    yield lab, ids
    lab.stop()


def test_jupyterlab_dark_sidebar_run_tab_and_comparison_read(browser, lab_runs):
    """The runs sidebar, a run opened in the main area and a comparison of two runs, in JupyterLab Dark."""
    lab, (first, second) = lab_runs
    ctx, page, blocked, errors = context(browser, "dark", allow_port=lab.port)
    try:
        page.goto(f"http://127.0.0.1:{lab.port}/lab?token={TOKEN}")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands", timeout=90_000)
        page.locator('li[data-id="tftrace-runs"]').click(timeout=60_000)
        change_theme(page, "JupyterLab Dark", False)
        page.wait_for_selector('[data-tftrace-view="runs"][data-tftrace-ready="true"]', timeout=30_000)
        sidebar = page.locator('[data-tftrace-view="runs"]').evaluate(CHECK_JS)
        assert sidebar["failures"] == [] and sidebar["dom"] >= 4, sidebar

        page.locator(f'.tft-run-open[data-run="{first}"]').click()
        run = page.locator(f'[data-tftrace-run="{first}"]')
        run.locator('[data-tftrace-view="timeline"][data-tftrace-ready="true"]').wait_for(state="attached", timeout=60_000)
        results = measure(page, run.locator(".tft-app"), ("summary", "steps", "timeline", "flame"), "lab-run-dark", True)
        assert_readable(results, True, "run tab (JupyterLab Dark)")

        for run_id in (first, second):
            page.locator(f'input[data-run="{run_id}"]').check()
        page.get_by_role("button", name="compare 2 checked").click()
        view = page.locator('[data-tftrace-view="diff"][data-tftrace-ready="true"]')
        view.wait_for(timeout=60_000)
        view.scroll_into_view_if_needed()
        settle(page)
        diff = view.evaluate(CHECK_JS)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/lab-compare-dark.png")
        assert_readable({"diff": diff}, True, "comparison (JupyterLab Dark)")
        assert errors == [], errors
        assert blocked == [], blocked
    finally:
        ctx.close()


# ---- the standalone report

@pytest.fixture(scope="module")
def reports(tmp_path_factory, gpu_fixture):
    out = tmp_path_factory.mktemp("reports")
    return {
        "gpu": write_text(report_html(load(gpu_fixture)), out / "gpu.html"),
        "answers": write_text(report_html(handmade.answers_profile()), out / "answers.html"),
        "diff": write_text(diff_report_html(handmade.diff_dict()), out / "diff.html"),
    }


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_report_follows_prefers_color_scheme(browser, reports, scheme):
    dark = scheme == "dark"
    ctx, page, blocked, errors = context(browser, scheme)
    try:
        for name in ("gpu", "answers"):
            page.goto(f"file://{reports[name]}")
            wait_ready(page)
            results = measure(page, page.locator(".tft-app"), VIEWS, f"report-{scheme}-{name}", dark)
            assert_readable(results, dark, f"{name} report ({scheme})")
        # a selected op: its row highlighted, the other boxes dimmed in the flame graph and the timeline
        page.click('[data-tftrace-tab="ops"]')
        page.locator('[data-tftrace-view="ops"] tbody tr').nth(1).click()  # an op the flame graph has
        results = measure(page, page.locator(".tft-app"), ("ops", "graph", "flame", "timeline"), f"report-{scheme}-selected", dark)
        assert page.locator('[data-tftrace-view="ops"] tr.tft-selected').count() == 1
        assert_readable(results, dark, f"answers report with a selection ({scheme})")
        page.goto(f"file://{reports['diff']}")
        page.wait_for_selector('[data-tftrace-view="diff"][data-tftrace-ready="true"]')
        settle(page)
        view = page.locator('[data-tftrace-view="diff"]')
        result = view.evaluate(CHECK_JS)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/report-{scheme}-diff.png", full_page=True)
        assert_readable({"diff": result}, dark, f"diff report ({scheme})")
        assert errors == [] and blocked == []
    finally:
        ctx.close()


def test_report_repaints_when_the_system_scheme_changes(browser, reports):
    """The report follows prefers-color-scheme live: canvases repaint, no reload."""
    ctx, page, blocked, errors = context(browser, "light")
    try:
        page.goto(f"file://{reports['answers']}")
        wait_ready(page)
        page.click('[data-tftrace-tab="timeline"]')
        page.emulate_media(color_scheme="dark")
        settle(page)
        results = measure(page, page.locator(".tft-app"), ("timeline", "flame", "steps"), "report-switched", True)
        assert_readable(results, True, "report switched to dark")
        assert errors == [] and blocked == []
    finally:
        ctx.close()
