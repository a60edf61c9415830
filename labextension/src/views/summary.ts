// The summary page: first the findings (findings.ts: what to change, with evidence,
// location and fix), then what was profiled (with the steps and the memory peak), warnings,
// devices, top ops (matplotlib chart), tf.functions and GradientTape passes, memory copies
// and the top Python frames.

import type { SelectionBus } from "../bus";
import { el, fmtBytes, fmtUs, markReady } from "../dom";
import type { Locations } from "../location";
import { Data, row } from "../payload";
import { findingsBlock } from "./findings";
import { median, sourceLabel } from "./steps/model";
import { retraceCount } from "./tables/functions";

export const SUMMARY_CSS = `
.tft-sm h3 { margin: 10px 0 4px; font-size: 14px; }
.tft-sm .tft-kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 12px; }
.tft-sm .tft-warn { background: var(--tft-warn-bg); border-left: 3px solid #d9822b; padding: 4px 8px; margin: 3px 0; }
.tft-sm .tft-error { background: #fde8e8; border-left: 3px solid #c0392b; padding: 4px 8px; margin: 3px 0; }
.tft-sm ul { margin: 2px 0; padding-left: 18px; font-size: 12px; }
.tft-sm img { max-width: 100%; }
`;

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
  if (p.charts.top_ops && p.charts.top_ops.startsWith("data:image/png;base64,")) {
    box.append(el("h3", {}, ["Top ops by self time"]), el("img", { src: p.charts.top_ops, alt: "top ops chart" }));
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
