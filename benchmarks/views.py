"""The views in headless Chromium: first render, report size, payload size, panning.

- time to first render of the GPU-fixture report (all seven views ready), median of
  5 loads, against a same-size plain HTML page loaded in the same run (goal <= 1 s);
- report size (goal <= 2 MB);
- payload size of a ~800k-event CPU profile against XProf's trace-viewer JSON for
  the same XSpace (goal <= 1/10);
- redraw time of the timeline while panning that profile (goal <= 33 ms per frame).

    python benchmarks/views.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from stats_vs_xprof import GPU_FIXTURE, record_cpu_profile  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-dev-shm-usage"]
ALL_READY = "document.querySelectorAll('[data-tftrace-ready=\"true\"]').length >= 7"


def first_render_ms(page, url: str) -> float:
    page.goto(url)
    page.wait_for_function(ALL_READY, polling="raf", timeout=60_000)
    return page.evaluate("performance.now()")


def plain_page_ms(page, url: str) -> float:
    page.goto(url)
    return page.evaluate("performance.now()")


def pan_frames(page, url: str, frames: int = 60) -> list[float]:
    page.goto(url)
    page.wait_for_function(ALL_READY, polling="raf", timeout=120_000)
    page.click('[data-tftrace-tab="timeline"]')
    return page.evaluate(
        """(frames) => {
          const api = document.querySelector('[data-tftrace-view="timeline"]').tftraceTimeline;
          const out = [];
          for (let i = 0; i < frames; i++) out.push(api.pan(i % 20 < 10 ? 40 : -40));
          return out;
        }""", frames)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    import tftrace
    from tftrace import payload

    out = REPO / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    gpu_report = Path(tftrace.load(GPU_FIXTURE).to_html(out / "gpu_report.html"))
    size = gpu_report.stat().st_size
    plain = out / "plain.html"
    plain.write_text("<!DOCTYPE html><html><body><pre>" + "x" * size + "</pre></body></html>")

    cpu = record_cpu_profile(out)
    cpu_profile = tftrace.load(cpu)
    full = json.dumps(payload.build(cpu_profile), separators=(",", ":"))
    cpu_report = Path(cpu_profile.to_html(out / "cpu_report.html"))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "cpu.xplane.pb"
        shutil.copy(cpu, copy)
        from xprof.convert import raw_to_tool_data

        trace, _ = raw_to_tool_data.xspace_to_tool_data([str(copy)], "trace_viewer", {})
    xprof_bytes = len(trace)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        render = [first_render_ms(page, f"file://{gpu_report}") for _ in range(args.rounds)]
        baseline = [plain_page_ms(page, f"file://{plain}") for _ in range(args.rounds)]
        frames = pan_frames(page, f"file://{cpu_report}")
        browser.close()

    render_ms, base_ms = statistics.median(render), statistics.median(baseline)
    frames.sort()
    p95 = frames[int(0.95 * (len(frames) - 1))]
    print(f"first render, GPU fixture report: {render_ms:.0f} ms (same-size plain page {base_ms:.0f} ms, "
          f"ratio {render_ms / base_ms:.1f}); goal <= 1000 ms: ratio to goal {render_ms / 1000:.2f}")
    print(f"report size: {size / 1e6:.2f} MB; goal <= 2 MB: ratio {size / 2e6:.2f}")
    print(f"payload of {cpu_profile.event_count:,} events: {len(full) / 1e6:.2f} MB vs XProf trace viewer "
          f"{xprof_bytes / 1e6:.1f} MB: ratio {len(full) / xprof_bytes:.3f} (goal <= 0.1)")
    print(f"timeline pan redraw over {len(frames)} frames: median {statistics.median(frames):.1f} ms, "
          f"p95 {p95:.1f} ms (goal <= 33 ms)")


if __name__ == "__main__":
    main()
