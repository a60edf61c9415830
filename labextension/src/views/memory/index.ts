// Memory view: per allocator, bytes in use over time (chart.ts) with the peak, the
// capacity and the fragmentation at the peak, and below the tensors alive at the peak
// (op, size, shape, dtype, region; largest first; a row selects its op in the other
// views). Several allocators: a selector (each one's section is built on first view and
// kept). No allocator events: the profile's note says why.

import type { SelectionBus } from "../../bus";
import { el, fmtBytes, fmtUs, markReady } from "../../dom";
import type { Data, RawAllocator } from "../../payload";
import { row } from "../../payload";
import { Column, Row, VirtualTable } from "../tables/table";
import { MemoryChart, peakLabel } from "./chart";


function allocatorName(a: RawAllocator): string {
  return `${a.name || "(unnamed allocator)"}${a.host ? ` on ${a.host}` : ""}`;
}

function section(a: RawAllocator, data: Data, bus: SelectionBus, originUs: number): { el: HTMLElement; chart: MemoryChart } {
  const box = el("div", { class: "tft-mem-section" });
  const facts: string[] = [];
  if (a.capacity_bytes > 0) {
    const share = (100 * a.peak_bytes) / a.capacity_bytes;
    facts.push(`capacity ${fmtBytes(a.capacity_bytes)} (${share > 0 && share < 0.1 ? "<0.1" : share.toFixed(1)}% in use at the peak)`);
  }
  facts.push(`fragmentation at the peak ${a.fragmentation_pct.toFixed(1)}%`);
  if (a.events) facts.push(`${a.events.toLocaleString()} allocator events`);
  if (a.lifetime_peak_bytes) facts.push(`TensorFlow's own peak since the process started ${fmtBytes(a.lifetime_peak_bytes)}`);
  box.append(
    el("div", { class: "tft-mem-head" }, [
      el("b", { class: "tft-mem-peak" }, [`${peakLabel(a, originUs)} on the timeline`]),
      el("span", { class: "tft-muted" }, [` \u00b7 ${facts.join(" \u00b7 ")}`]),
    ]),
  );
  const chart = new MemoryChart(a, originUs);
  box.append(chart.el);

  const rows: Row[] = [];
  for (let i = 0; i < a.at_peak.count; i++) {
    const r: Row = row(a.at_peak, data.strings, i);
    if (!r.op) r.op = "(op not recorded)";
    rows.push(r);
  }
  const omitted = a.at_peak_omitted ? ` (the ${rows.length.toLocaleString()} largest; ${a.at_peak_omitted.toLocaleString()} more not included)` : "";
  box.append(el("h3", { class: "tft-mem-h" }, [`Alive at the peak (${fmtUs(a.peak_time_us - originUs)})${omitted}`]));
  const columns: Column[] = [
    { key: "op", label: "op", kind: "text", tail: true, title: "the op that allocated the tensor" },
    { key: "bytes", label: "size", kind: "bytes", width: 90, title: "bytes allocated" },
    { key: "requested_bytes", label: "requested", kind: "bytes", width: 96, title: "bytes the op asked for" },
    { key: "count", label: "count", kind: "num", width: 60, title: "identical allocations merged into this row" },
    { key: "shape", label: "shape", kind: "text", width: 150 },
    { key: "dtype", label: "dtype", kind: "text", width: 80 },
    { key: "region", label: "region", kind: "text", width: 110, title: "what the memory holds (output, temp, persist, ...)" },
  ];
  const tableBox = el("div", { class: "tft-mem-table" });
  box.append(tableBox);
  new VirtualTable(tableBox, rows, columns, {
    sortKey: "bytes", selectKey: "op", bus, origin: "memory", empty: "no allocation was alive at the peak", minFlex: 260,
  });
  return { el: box, chart };
}

export function renderMemory(root: HTMLElement, data: Data, bus: SelectionBus): void {
  const memory = data.payload.memory || { allocators: [], note: "" };
  const box = el("div", { class: "tft-mem" });
  root.replaceChildren(box);
  const allocators = memory.allocators || [];
  if (!allocators.length) {
    const why = memory.note || "this profile has no memory information (recorded before tftrace read allocator events)";
    box.append(el("div", { class: "tft-empty tft-mem-none" }, [`No memory timeline: ${why}`]));
    markReady(root);
    return;
  }
  const originUs = Number(data.payload.timeline.origin_us) || 0;
  const sections = new Map<number, { el: HTMLElement; chart: MemoryChart }>();
  const holder = el("div");
  let current = -1;
  const show = (i: number) => {
    current = i;
    let s = sections.get(i);
    if (!s) {
      s = section(allocators[i], data, bus, originUs);
      sections.set(i, s);
      holder.append(s.el);
    }
    sections.forEach((v, k) => (v.el.hidden = k !== i));
    s.chart.draw();
  };
  const bar = el("div", { class: "tft-mem-bar" });
  if (allocators.length > 1) {
    const select = el("select", { "aria-label": "allocator", class: "tft-mem-select" });
    allocators.forEach((a, i) => select.append(el("option", { value: String(i) }, [`${allocatorName(a)} \u2014 peak ${fmtBytes(a.peak_bytes)}`])));
    select.addEventListener("change", () => show(Number(select.value)));
    bar.append(el("label", {}, ["allocator "]), select);
  } else {
    bar.append(el("span", {}, ["allocator "]), el("b", {}, [allocatorName(allocators[0])]));
  }
  box.append(bar);
  if (memory.note) box.append(el("div", { class: "tft-mem-note" }, [memory.note]));
  box.append(holder);
  // the largest peak first
  let first = 0;
  allocators.forEach((a, i) => {
    if (a.peak_bytes > allocators[first].peak_bytes) first = i;
  });
  const select = bar.querySelector("select");
  if (select) select.value = String(first);
  show(first);

  const redraw = () => {
    if (root.isConnected && !root.hidden && current >= 0) sections.get(current)?.chart.draw();
  };
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(redraw).observe(box);
  window.addEventListener("resize", redraw);
  markReady(root);
}
