// Sortable, filterable tables: ops, kernels, functions (with retraces and causes).
// Rows render in pages (200 at a time) so 10^4-row tables open instantly.

import { SelectionBus, sameOp } from "../bus";
import { el, fmtUs, markReady } from "../dom";
import { Data, FunctionRow, row } from "../payload";

export const TABLES_CSS = `
.tft-tb-bar { display: flex; gap: 8px; align-items: center; margin: 4px 0 6px; }
.tft-tb-bar input { flex: 0 0 280px; padding: 3px 6px; font: inherit; }
.tft-tb-wrap { max-height: 560px; overflow: auto; border: 1px solid var(--tft-border); }
.tft-tb { border-collapse: collapse; width: 100%; font-size: 12px; }
.tft-tb th { position: sticky; top: 0; background: var(--tft-head); cursor: pointer; text-align: left;
  padding: 3px 6px; border-bottom: 1px solid var(--tft-border); white-space: nowrap; user-select: none; }
.tft-tb th[data-sort="asc"]::after { content: " ▲"; } .tft-tb th[data-sort="desc"]::after { content: " ▼"; }
.tft-tb td { padding: 2px 6px; border-bottom: 1px solid var(--tft-row); vertical-align: top; }
.tft-tb td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tft-tb td.name { word-break: break-all; max-width: 640px; }
.tft-tb tr:hover td { background: var(--tft-hover); }
.tft-tb tr.tft-selected td { background: var(--tft-select); }
.tft-tb-more { margin: 6px 0; }
.tft-retrace { margin: 2px 0 2px 12px; font-size: 12px; }
.tft-retrace .tft-fix { color: var(--tft-muted); }
`;

export interface Column {
  key: string;
  label: string;
  kind: "text" | "num" | "us" | "pct";
}

type Row = Record<string, string | number>;

function cell(value: string | number | undefined, kind: Column["kind"]): HTMLTableCellElement {
  if (kind === "text") return el("td", { class: "name" }, [String(value ?? "")]);
  const n = Number(value ?? 0);
  const text = kind === "us" ? fmtUs(n) : kind === "pct" ? `${n.toFixed(2)}%` : n.toLocaleString();
  return el("td", { class: "num", title: String(value ?? "") }, [text]);
}

export function renderTable(
  root: HTMLElement,
  rows: Row[],
  columns: Column[],
  opts: { sortKey: string; selectKey?: string; bus?: SelectionBus; origin: string; empty: string },
): void {
  let sortKey = opts.sortKey;
  let descending = true;
  let filter = "";
  let shown = 200;
  const input = el("input", { type: "search", placeholder: "filter (substring of any text column)" });
  const count = el("span", { class: "tft-muted" });
  const table = el("table", { class: "tft-tb" });
  const more = el("button", { class: "tft-tb-more" }, ["show 200 more"]);
  root.append(el("div", { class: "tft-tb-bar" }, [input, count]), el("div", { class: "tft-tb-wrap" }, [table]), more);

  const textKeys = columns.filter((c) => c.kind === "text").map((c) => c.key);
  const draw = () => {
    const needle = filter.toLowerCase();
    const visible = needle
      ? rows.filter((r) => textKeys.some((k) => String(r[k] ?? "").toLowerCase().includes(needle)))
      : rows.slice();
    visible.sort((a, b) => {
      const x = a[sortKey];
      const y = b[sortKey];
      const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return descending ? -order : order;
    });
    table.replaceChildren();
    const head = el("tr");
    for (const c of columns) {
      const th = el("th", {}, [c.label]);
      if (c.key === sortKey) th.setAttribute("data-sort", descending ? "desc" : "asc");
      th.addEventListener("click", () => {
        descending = c.key === sortKey ? !descending : c.kind !== "text";
        sortKey = c.key;
        draw();
      });
      head.append(th);
    }
    table.append(el("thead", {}, [head]));
    const body = el("tbody");
    for (const r of visible.slice(0, shown)) {
      const tr = el("tr");
      for (const c of columns) tr.append(cell(r[c.key], c.kind));
      if (opts.selectKey && opts.bus) {
        const name = String(r[opts.selectKey]);
        if (sameOp(name, opts.bus.selected)) tr.classList.add("tft-selected");
        tr.addEventListener("click", () => opts.bus!.select(name, opts.origin));
      }
      body.append(tr);
    }
    table.append(body);
    count.textContent = rows.length
      ? `${Math.min(shown, visible.length).toLocaleString()} of ${visible.length.toLocaleString()} rows`
      : opts.empty;
    more.style.display = visible.length > shown ? "" : "none";
  };
  input.addEventListener("input", () => {
    filter = input.value;
    shown = 200;
    draw();
  });
  more.addEventListener("click", () => {
    shown += 200;
    draw();
  });
  if (opts.bus) opts.bus.subscribe(() => draw());
  draw();
}

function tableRows(data: Data, key: "ops" | "kernels"): Row[] {
  const table = data.payload[key];
  const out: Row[] = [];
  for (let i = 0; i < table.count; i++) out.push(row(table, data.strings, i));
  return out;
}

export function renderOps(root: HTMLElement, data: Data, bus: SelectionBus): void {
  const rows = tableRows(data, "ops");
  const total = rows.reduce((s, r) => s + Number(r.self_us), 0) || 1;
  for (const r of rows) r.pct = (100 * Number(r.self_us)) / total;
  renderTable(
    root,
    rows,
    [
      { key: "name", label: "op", kind: "text" },
      { key: "type", label: "type", kind: "text" },
      { key: "device", label: "device", kind: "text" },
      { key: "mode", label: "mode", kind: "text" },
      { key: "count", label: "count", kind: "num" },
      { key: "self_us", label: "self", kind: "us" },
      { key: "pct", label: "% self", kind: "pct" },
      { key: "total_us", label: "total", kind: "us" },
    ],
    { sortKey: "self_us", selectKey: "name", bus, origin: "ops", empty: "no TensorFlow ops were recorded" },
  );
  markReady(root);
}

export function renderKernels(root: HTMLElement, data: Data, bus: SelectionBus): void {
  renderTable(
    root,
    tableRows(data, "kernels"),
    [
      { key: "name", label: "kernel", kind: "text" },
      { key: "op", label: "TensorFlow op", kind: "text" },
      { key: "device", label: "device", kind: "text" },
      { key: "count", label: "count", kind: "num" },
      { key: "total_us", label: "total", kind: "us" },
      { key: "min_us", label: "min", kind: "us" },
      { key: "max_us", label: "max", kind: "us" },
      { key: "grid", label: "grid", kind: "text" },
      { key: "block", label: "block", kind: "text" },
      { key: "registers", label: "regs", kind: "num" },
      { key: "shared_mem_bytes", label: "shared mem", kind: "num" },
      { key: "occupancy_pct", label: "occupancy", kind: "pct" },
    ],
    { sortKey: "total_us", selectKey: "op", bus, origin: "kernels", empty: "no GPU kernels were recorded" },
  );
  markReady(root);
}

function retraceList(f: FunctionRow): HTMLElement {
  const list = el("div");
  f.retraces.forEach((r, i) => {
    list.append(
      el("div", { class: "tft-retrace" }, [
        el("b", {}, [`retrace ${i + 1}${r.call ? ` (call ${r.call})` : ""}: `]),
        r.reason,
        el("div", { class: "tft-fix" }, [`signature: ${r.signature}`]),
        ...(r.fix ? [el("div", { class: "tft-fix" }, [`fix: ${r.fix}`])] : []),
      ]),
    );
  });
  return list;
}

export function renderFunctions(root: HTMLElement, data: Data, bus: SelectionBus): void {
  const functions = data.payload.functions;
  const rows: Row[] = functions.map((f) => ({
    name: f.name,
    calls: f.calls,
    traces: f.traces,
    retraces: f.retraces.length,
    total_us: f.total_us,
    mean_us: f.mean_us ?? (f.calls ? f.total_us / f.calls : 0),
    defined: f.definition && f.definition.file ? `${f.definition.file}:${f.definition.line}` : "",
  }));
  renderTable(
    root,
    rows,
    [
      { key: "name", label: "tf.function", kind: "text" },
      { key: "calls", label: "calls", kind: "num" },
      { key: "traces", label: "traces", kind: "num" },
      { key: "retraces", label: "retraces", kind: "num" },
      { key: "total_us", label: "total", kind: "us" },
      { key: "mean_us", label: "per call", kind: "us" },
      { key: "defined", label: "defined at", kind: "text" },
    ],
    { sortKey: "total_us", bus, origin: "functions", empty: "no tf.function calls were recorded" },
  );
  const retraced = functions.filter((f) => f.retraces.length);
  if (retraced.length) {
    root.append(el("h4", {}, ["Why functions retraced"]));
    for (const f of retraced) root.append(el("div", {}, [el("b", {}, [f.name]), retraceList(f)]));
  }
  markReady(root);
}
