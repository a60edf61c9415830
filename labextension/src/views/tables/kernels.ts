// Tables, GPU kernels: grouped by kernel and launch shape (XProf's kernel_stats rows over every
// device; `kernels_by_name` in the payload), each row expandable into the TensorFlow ops that
// launched it (layer and replica numbers folded, with their share); or grouped by TensorFlow
// op, each op expandable into its kernels. Kernels read by their short name
// (`EigenMetaKernel<TensorConversionOp<half <- float>>`); the full demangled name is in the
// tooltip and in the details under the table, and the filter searches both. Every name is set
// as text (kernel names are full of `<...>`).

import { SelectionBus, sameOp } from "../../bus";
import { el, fmtUs, markReady } from "../../dom";
import type { Locations } from "../../location";
import { Data, KernelGroup, row } from "../../payload";
import { Column, Row, renderTable, VirtualTable } from "./table";

const shortDevice = (d: string) => d.replace(/^\/device:/, "");

interface Grouped {
  rows: Row[];
  total: number;
}

// The payload's kernel groups as table rows; children are the op groups.
function kernelRows(data: Data, groups: KernelGroup[]): Grouped {
  const s = data.strings;
  const total = groups.reduce((a, g) => a + g.total_us, 0) || 1;
  const rows = groups.map((g): Row => {
    const top = g.op_groups[0];
    return {
      kernel: s[g.short_name] ?? "",
      name: s[g.name] ?? "",
      family: s[g.family] ?? "",
      count: g.count,
      total_us: g.total_us,
      pct: (100 * g.total_us) / total,
      avg_us: g.avg_us,
      min_us: g.min_us,
      max_us: g.max_us,
      grid: g.grid,
      block: g.block,
      registers: g.registers,
      shared_mem_bytes: g.shared_mem_bytes,
      occupancy_pct: g.occupancy_pct,
      devices: g.devices.map((d) => shortDevice(s[d[0]] ?? "")).join(", "),
      top_op: top ? s[top[0]] ?? "" : "",
      ops_text: g.ops.map((o) => s[o[0]] ?? "").join("\n"),
      group: g,
      children: g.op_groups.map((o): Row => ({
        kernel: s[o[0]] || "(no TensorFlow op)",
        name: s[o[0]] ?? "",
        tail_text: true, // op names read from their end
        family: `${o[1].toLocaleString()} ${o[1] === 1 ? "op" : "ops"}`,
        count: o[2],
        total_us: o[3],
        pct: o[4],
        avg_us: o[2] ? o[3] / o[2] : undefined,
      })),
    };
  });
  return { rows, total };
}

// The raw kernel rows grouped by TensorFlow op; children are the op's kernels.
function opRows(data: Data): Grouped {
  const table = data.payload.kernels;
  const byOp = new Map<string, Row>();
  let total = 0;
  for (let i = 0; i < table.count; i++) {
    const k = row(table, data.strings, i);
    const op = String(k.op || "");
    let r = byOp.get(op);
    if (!r) {
      r = { op, kernel: op || "(no TensorFlow op)", count: 0, total_us: 0, devices: new Set<string>(), kernels: new Map<string, Row>() };
      byOp.set(op, r);
    }
    const us = Number(k.total_us) || 0;
    total += us;
    r.count = Number(r.count) + Number(k.count);
    r.total_us = Number(r.total_us) + us;
    (r.devices as Set<string>).add(shortDevice(String(k.device)));
    const kernels = r.kernels as Map<string, Row>;
    const name = String(k.name);
    // a kernel row under its op selects that op (linked selection) like the op's own row
    const part = kernels.get(name) || { kernel: String(k.short_name || name), name, op, count: 0, total_us: 0 };
    part.count = Number(part.count) + Number(k.count);
    part.total_us = Number(part.total_us) + us;
    kernels.set(name, part);
  }
  const rows = [...byOp.values()].map((r) => {
    const kernels = [...(r.kernels as Map<string, Row>).values()].sort((a, b) => Number(b.total_us) - Number(a.total_us));
    for (const k of kernels) k.pct = (100 * Number(k.total_us)) / (Number(r.total_us) || 1);
    return {
      ...r, devices: [...(r.devices as Set<string>)].join(", "), pct: (100 * Number(r.total_us)) / (total || 1),
      avg_us: Number(r.count) ? Number(r.total_us) / Number(r.count) : 0, family: `${kernels.length} ${kernels.length === 1 ? "kernel" : "kernels"}`,
      top_op: kernels[0] ? kernels[0].kernel : "", name: r.op, children: kernels,
      search: kernels.map((k) => `${k.kernel}\n${k.name}`).join("\n"),
    } as Row;
  });
  return { rows, total };
}

const KERNEL_COLUMNS: Column[] = [
  { key: "kernel", label: "kernel", kind: "text", titleKey: "name" },
  { key: "total_us", label: "total", kind: "us", width: 80 },
  { key: "pct", label: "% GPU", kind: "pct", width: 66, title: "share of all kernel time (expanded: of this kernel's)" },
  { key: "count", label: "launches", kind: "num", width: 72 },
  { key: "avg_us", label: "avg", kind: "us", width: 70 },
  { key: "min_us", label: "min", kind: "us", width: 66 },
  { key: "max_us", label: "max", kind: "us", width: 66 },
  { key: "family", label: "family", kind: "text", width: 84, title: "the library the kernel comes from (expanded: ops folded into the row)" },
  { key: "grid", label: "grid", kind: "text", width: 74, group: "launch shape" },
  { key: "block", label: "block", kind: "text", width: 74, group: "launch shape" },
  { key: "registers", label: "regs", kind: "num", width: 50, group: "launch shape" },
  { key: "shared_mem_bytes", label: "shared mem", kind: "bytes", width: 80, group: "launch shape" },
  { key: "occupancy_pct", label: "occupancy", kind: "pct", width: 80, title: "theoretical occupancy (NVIDIA's calculator)" },
  { key: "devices", label: "devices", kind: "text", width: 96 },
  { key: "top_op", label: "top op (layer numbers folded)", kind: "text", width: 220, tail: true },
];

const OP_COLUMNS: Column[] = [
  { key: "kernel", label: "TensorFlow op", kind: "text", tail: true, titleKey: "name" },
  { key: "total_us", label: "kernel time", kind: "us", width: 86 },
  { key: "pct", label: "% GPU", kind: "pct", width: 66, title: "share of all kernel time (expanded: of this op's)" },
  { key: "count", label: "launches", kind: "num", width: 72 },
  { key: "avg_us", label: "avg", kind: "us", width: 70 },
  { key: "family", label: "kernels", kind: "text", width: 84 },
  { key: "devices", label: "devices", kind: "text", width: 96 },
  { key: "top_op", label: "main kernel", kind: "text", width: 300 },
];

// Whether the op `op` (as the bus names it) launched the kernel group of row r.
function launchedBy(r: Row, op: string): boolean {
  return String(r.ops_text || "").split("\n").some((name) => sameOp(name, op));
}

function details(box: HTMLElement, data: Data, r: Row | null): void {
  box.replaceChildren();
  const g = r ? (r.group as KernelGroup | undefined) : undefined;
  if (!r || !g) return;
  const s = data.strings;
  box.append(
    el("div", {}, [el("b", {}, [String(r.kernel)]), ` · ${r.family} · ${g.count.toLocaleString()} launches · ${fmtUs(g.total_us)}`]),
    el("div", { class: "tft-kn-full", "data-kernel-full-name": "" }, [String(r.name)]),
    el("div", { class: "tft-muted" }, [`grid ${g.grid} · block ${g.block} · ${g.registers} registers · ` +
      `${g.shared_mem_bytes} B shared memory · occupancy ${g.occupancy_pct.toFixed(0)}%`]),
    el("div", {}, ["devices: " + g.devices.map((d) => `${shortDevice(s[d[0]] ?? "")} ${fmtUs(d[2])} (${d[1]})`).join(", ")]),
  );
  const ops = el("ul", {}, g.ops.slice(0, 20).map((o) => el("li", {}, [`${o[3].toFixed(1)}%  ${fmtUs(o[2])}  `, s[o[0]] || "(no TensorFlow op)"])));
  const more = g.ops_total - Math.min(20, g.ops.length);
  box.append(el("div", {}, [`launched by ${g.ops_total.toLocaleString()} TensorFlow ${g.ops_total === 1 ? "op" : "ops"}` +
    (more > 0 ? ` (the 20 with the most time):` : ":")]), ops);
}

export function renderKernels(root: HTMLElement, data: Data, bus: SelectionBus, links?: Locations): void {
  const groups = data.payload.kernels_by_name;
  if (!groups) {
    renderKernelRows(root, data, bus, links);
    return;
  }
  const launches = groups.reduce((a, g) => a + g.count, 0);
  const total = groups.reduce((a, g) => a + g.total_us, 0);
  const byKernel = el("input", { type: "radio", name: `tft-kn-group-${Math.random().toString(36).slice(2)}`, value: "kernel" });
  const byOp = el("input", { type: "radio", name: byKernel.name, value: "op" });
  byKernel.checked = true;
  const note = el("span", { class: "tft-muted" });
  root.append(el("div", { class: "tft-kn-bar", "data-kernel-group": "" }, [
    "group by",
    el("label", {}, [byKernel, "kernel and launch shape"]),
    el("label", {}, [byOp, "TensorFlow op"]),
    note,
  ]));
  const holder = el("div");
  const box = el("div", { class: "tft-kn-details" });
  root.append(holder, box);
  let selected: Row | null = null;
  let table: VirtualTable | null = null;
  const show = (mode: "kernel" | "op") => {
    holder.replaceChildren();
    details(box, data, null);
    selected = null;
    root.setAttribute("data-group", mode);
    if (mode === "kernel") {
      const { rows } = kernelRows(data, groups);
      note.textContent = `${groups.length.toLocaleString()} kernels and launch shapes · ${launches.toLocaleString()} launches · ${fmtUs(total)} of kernel time`;
      table = renderTable(holder, rows, KERNEL_COLUMNS, {
        sortKey: "total_us", origin: "kernels", empty: "no GPU kernels were recorded", minFlex: 260,
        children: (r) => (r.children as Row[]) || [], searchKeys: ["name", "ops_text"],
        bus, // an op selected elsewhere marks the kernels it launched
        pick: {
          selected: (r) => r === selected || (bus.selected !== null && !!r.group && launchedBy(r, bus.selected)),
          click: (r) => {
            if (!r.group) return;
            selected = selected === r ? null : r;
            details(box, data, selected);
            if (table) table.showSelection(false);
          },
        },
      });
    } else {
      const { rows } = opRows(data);
      const shown = data.payload.kernels.count;
      const all = data.payload.totals ? data.payload.totals.kernels : shown;
      note.textContent = `${rows.length.toLocaleString()} TensorFlow ops launched kernels` +
        (all > shown ? ` (from the ${shown.toLocaleString()} largest of ${all.toLocaleString()} kernel rows)` : "");
      table = renderTable(holder, rows, OP_COLUMNS, {
        sortKey: "total_us", selectKey: "op", bus, links, origin: "kernels", empty: "no GPU kernels were recorded", minFlex: 260,
        children: (r) => (r.children as Row[]) || [], searchKeys: ["search"],
      });
    }
  };
  byKernel.addEventListener("change", () => show("kernel"));
  byOp.addEventListener("change", () => show("op"));
  show("kernel");
  markReady(root);
}

// Payloads without kernel groups (older ones): one row per (device, kernel, op, launch shape).
function renderKernelRows(root: HTMLElement, data: Data, bus: SelectionBus, links?: Locations): void {
  const table = data.payload.kernels;
  const rows: Row[] = [];
  for (let i = 0; i < table.count; i++) rows.push(row(table, data.strings, i));
  renderTable(
    root,
    rows,
    [
      { key: "name", label: "kernel", kind: "text" },
      { key: "op", label: "TensorFlow op", kind: "text", width: 220, tail: true },
      { key: "device", label: "device", kind: "text", width: 150, tail: true },
      { key: "count", label: "count", kind: "num", width: 64 },
      { key: "total_us", label: "total", kind: "us", width: 80 },
      { key: "min_us", label: "min", kind: "us", width: 74 },
      { key: "max_us", label: "max", kind: "us", width: 74 },
      { key: "grid", label: "grid", kind: "text", width: 84 },
      { key: "block", label: "block", kind: "text", width: 84 },
      { key: "registers", label: "regs", kind: "num", width: 60 },
      { key: "shared_mem_bytes", label: "shared mem", kind: "num", width: 100 },
      { key: "occupancy_pct", label: "occupancy", kind: "pct", width: 96 },
    ],
    { sortKey: "total_us", selectKey: "op", bus, links, origin: "kernels", empty: "no GPU kernels were recorded" },
  );
  markReady(root);
}
