// The summary page: first the findings (findings.ts: what to change, with evidence,
// location and fix), then what was profiled (with the steps and the memory peak), warnings,
// devices, top ops (matplotlib chart), tf.functions and GradientTape passes, memory copies
// and the top Python frames.

import type { SelectionBus } from "../bus";
import { el, fmtBytes, fmtUs, markReady } from "../dom";
import type { Locations } from "../location";
import { Data, GpuUtilisation, row } from "../payload";
import { findingsBlock } from "./findings";
import { workersBlock } from "./workers";
import { median, sourceLabel } from "./steps/model";
import { retraceCount } from "./tables/functions";

function kv(pairs: [string, string][]): HTMLElement {
  const box = el("div", { class: "tft-kv" });
  for (const [k, v] of pairs) box.append(el("span", { class: "tft-muted" }, [k]), el("span", {}, [v]));
  return box;
}

// "40 (calls of train_step), median 12.1 ms" and "1.20 GiB (GPU_0_bfc)", when known.
function answers(data: Data): [string, string][] {
  const out: [string, string][] = [];
  const steps = data.steps;
  if (steps.rows.length) {
    out.push(["steps", `${steps.count.toLocaleString()} (${sourceLabel(steps)}), median ${fmtUs(median(steps.rows.map((r) => r.wallUs)))}`]);
  }
  const allocators = (data.payload.memory && data.payload.memory.allocators) || [];
  if (allocators.length) {
    const top = allocators.reduce((a, b) => (b.peak_bytes > a.peak_bytes ? b : a));
    out.push(["memory peak", `${fmtBytes(top.peak_bytes)} (${top.name}${top.host ? ` on ${top.host}` : ""})`]);
  }
  return out;
}

const pctText = (v: number | null | undefined) => (v === null || v === undefined ? "-" : v < 0.01 && v > 0 ? "<0.01%" : `${v.toFixed(2)}%`);
const share = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : null);

// A bar of `whole` us: kernels from the left, then the rest of the busy time (copies not under a kernel).
function busyBar(g: GpuUtilisation, whole: number, busy: number): HTMLElement {
  const bar = el("span", { class: "tft-gpu-bar", title: `busy ${fmtUs(busy)} of ${fmtUs(whole)} (kernels, then copies)` });
  if (whole > 0) {
    const k = Math.min(100, (100 * g.kernel_us) / whole);
    const m = Math.min(100 - k, (100 * Math.max(busy - g.kernel_us, 0)) / whole);
    const kernels = el("span", { class: "tft-gpu-k" });
    kernels.style.width = `${k}%`;
    const copies = el("span", { class: "tft-gpu-m" });
    copies.style.left = `${k}%`;
    copies.style.width = `${m}%`;
    bar.append(kernels, copies);
  }
  return bar;
}

const cell = (children: (Node | string)[]) => el("td", {}, children);

// Per GPU: busy over the span, over its active window and over the steps, what ran, the idle gaps (times
// from the timeline's 0, `originUs` on the XSpace clock).
function gpuBlock(rows: GpuUtilisation[], originUs: number): HTMLElement {
  const box = el("div", { "data-gpu-utilisation": "" });
  const head = ["device", "busy", "of the profiled span", "of its active window", "of the steps", "kernels", "copies", "streams", "idle gaps"];
  const table = el("table", { class: "tft-gpu" }, [el("tr", {}, head.map((h) => el("th", {}, [h])))]);
  for (const g of rows) {
    const longest = g.gaps.reduce((a, x) => Math.max(a, x.duration_us), 0);
    table.append(el("tr", { "data-device": g.device }, [
      cell([g.device]),
      cell([fmtUs(g.busy_us)]),
      cell([busyBar(g, g.span_us, g.busy_us), pctText(share(g.busy_us, g.span_us))]),
      cell([busyBar(g, g.active_end_us - g.active_start_us, g.busy_us), pctText(share(g.busy_us, g.active_end_us - g.active_start_us))]),
      cell([g.steps ? pctText(g.steps.busy_pct) : "-"]),
      cell([fmtUs(g.kernel_us)]),
      cell([fmtUs(g.memcpy_us)]),
      cell([String(g.streams.length)]),
      cell([g.gaps.length ? `${(g.gaps_total ?? g.gaps.length).toLocaleString()} (longest ${fmtUs(longest)})` : "-"]),
    ]));
  }
  box.append(table);
  const streams = el("details", {}, [el("summary", { class: "tft-muted" }, ["streams"])]);
  for (const g of rows) {
    streams.append(el("div", {}, [g.device]), el("ul", {}, g.streams.map((st) => {
      const work = [st.kernels ? `${st.kernels.toLocaleString()} kernels` : "", st.copies ? `${st.copies.toLocaleString()} copies` : ""];
      return el("li", { "data-stream": st.name }, [`${st.name}: busy ${fmtUs(st.busy_us)} (${pctText(share(st.busy_us, g.span_us))} of the span), ` +
        `${st.kind}, ${work.filter(Boolean).join(", ")}`]);
    })));
  }
  box.append(streams);
  const notes: HTMLElement[] = [];
  for (const g of rows) {
    const gaps = g.gaps.slice().sort((a, b) => b.duration_us - a.duration_us).slice(0, 3);
    for (const gap of gaps) {
      const host = gap.host.length
        ? `the host's traced work covered ${pctText(gap.host_busy_pct)} of it: ` +
          gap.host.map((h) => `${h.name} (${h.thread}, ${fmtUs(h.overlap_us)})`).join(", ")
        : "nothing traced on the host meanwhile";
      notes.push(el("li", {}, [`${g.device} idle ${fmtUs(gap.duration_us)} from ${fmtUs(gap.start_us - originUs)}: ${host}`]));
    }
  }
  if (notes.length) {
    box.append(el("div", { class: "tft-muted" }, [`longest idle gaps (at least ${fmtUs(rows[0].gap_threshold_us)} between two ` +
      "bursts of work; times as on the timeline):"]));
    box.append(el("ul", {}, notes));
  }
  return box;
}

export function renderSummary(root: HTMLElement, data: Data, bus: SelectionBus, links: Locations): void {
  const p = data.payload;
  const box = el("div", { class: "tft-sm" });
  const findings = findingsBlock(data, bus, links);
  if (findings) box.append(findings);
  box.append(
    kv([
      ["run", p.meta.name || "-"],
      ["source", p.meta.source || "-"],
      ["recorded", p.meta.created || "-"],
      ["span", fmtUs(p.meta.duration_us)],
      ["events", p.meta.event_count.toLocaleString()],
      ["hosts", p.meta.hosts.join(", ") || "-"],
      ...answers(data),
    ]),
  );
  if (p.meta.error) box.append(el("div", { class: "tft-error" }, [`the traced code raised ${p.meta.error}`]));
  if (p.warnings.length) {
    box.append(el("h3", {}, ["Warnings"]));
    for (const w of p.warnings) box.append(el("div", { class: "tft-warn" }, [w]));
  }
  box.append(el("h3", {}, ["Devices"]));
  box.append(el("ul", {}, p.devices.map((d) => el("li", {}, [`${d.name} (${d.kind}) on ${d.host}: ${d.events.toLocaleString()} events`]))));
  const workers = workersBlock(p.workers);
  if (workers) box.append(workers);
  const gpus = p.gpu_utilisation || [];
  if (gpus.length) {
    box.append(el("h3", {}, ["GPU busy (kernels and copies; overlapping work counted once)"]), gpuBlock(gpus, Number(p.timeline.origin_us) || 0));
  }
  if (p.charts.top_ops && p.charts.top_ops.startsWith("data:image/png;base64,")) {
    box.append(el("h3", {}, ["Top ops by self time"]), el("img", { class: "tft-chart", src: p.charts.top_ops, alt: "top ops chart" }));
  } else if (p.ops.count) {
    box.append(el("h3", {}, ["Top ops by self time"]));
    const items = [];
    for (let i = 0; i < Math.min(10, p.ops.count); i++) {
      const r = row(p.ops, data.strings, i);
      items.push(el("li", {}, [`${fmtUs(Number(r.self_us))}  ${r.name} (${r.type}, ${r.device}, ${r.mode})`]));
    }
    box.append(el("ul", {}, items));
  }
  if (p.functions.length) {
    box.append(el("h3", {}, ["tf.functions"]));
    box.append(el("ul", {}, p.functions.map((f) => el("li", {}, [
      `${f.name}: ${f.calls} calls, ${f.traces} traces, ${retraceCount(f)} retraces` +
        `${Number(f.trace_us) > 0 ? ` (tracing ${fmtUs(Number(f.trace_us))})` : ""}, ${fmtUs(f.total_us)}`]))));
  }
  if (p.tapes.length) {
    box.append(el("h3", {}, ["GradientTape"]));
    box.append(el("ul", {}, p.tapes.map((t) => el("li", {}, [
      t.kind === "graph"
        ? `${t.function}: forward ${fmtUs(Number(t.forward_us))}, backward ${fmtUs(Number(t.backward_us))}, optimizer ${fmtUs(Number(t.optimizer_us))}`
        : `eager tape ${t.id}: forward ${fmtUs(Number(t.forward_us))}, backward ${fmtUs(Number(t.backward_us))}`]))));
  }
  if (p.memcpy.length) {
    box.append(el("h3", {}, ["Memory copies"]));
    box.append(el("ul", {}, p.memcpy.slice(0, 20).map((m) => el("li", {}, [
      `${m.device} ${m.direction}: ${m.count} copies, ${fmtBytes(m.bytes)}, ${fmtUs(m.total_us)}${m.op ? ` (${m.op})` : ""}`]))));
  }
  if (p.python.samples) {
    box.append(el("h3", {}, [`Python (${p.python.samples} samples)`]));
    box.append(el("ul", {}, p.python.top.slice(0, 12).map((f) => el("li", {}, [
      `${f.total_pct.toFixed(1)}% total, ${f.self_pct.toFixed(1)}% self  ${f.function}  ${f.file}:${f.line}`]))));
  }
  root.append(box);
  markReady(root);
}
