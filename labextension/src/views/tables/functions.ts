// Tables, tf.functions: what each function cost, split into tracing (building a graph
// for a new input signature) and execution per call (min / median / p95 / max, calls
// that traced excluded), where it is defined, and below the table every retrace with
// its cause and fix.

import type { SelectionBus } from "../../bus";
import { el, fmtUs, markReady } from "../../dom";
import type { Locations } from "../../location";
import { Locations as PlainLocations, locationLabel } from "../../location";
import type { Data, FunctionRow, SourceLocation } from "../../payload";
import { Column, Row, renderTable } from "./table";

export const FUNCTIONS_NOTE =
  "A trace builds the graph for a new input signature; the first trace is expected, every later one is a " +
  "retrace (listed with its cause and fix). Execution times exclude tracing.";

// Where the function is defined: defined_at (with its cell), else the older definition field.
function definedAt(f: FunctionRow): SourceLocation | null {
  if (f.defined_at && (f.defined_at.file || f.defined_at.cell)) return f.defined_at;
  if (f.definition && f.definition.file) return { file: f.definition.file, line: f.definition.line };
  return null;
}

// A retrace is a call that traced again after the first call that traced: the hooks
// record one cause per such call. The trace count can be higher (a function that creates
// variables is traced twice on its first call), so it is not traces - 1. Functions only
// traced inside another (no calls of their own) have no causes: traces - 1 there.
export function retraceCount(f: FunctionRow): number {
  const traces = Number(f.traces) || 0;
  if ((Number(f.calls) || 0) > 0) return (f.retraces || []).length;
  return Math.max(traces - 1, 0);
}

function functionRows(functions: FunctionRow[]): Row[] {
  return functions.map((f) => {
    const calls = f.call_us || {};
    const loc = definedAt(f);
    return {
      name: f.name,
      calls: f.calls,
      traces: f.traces,
      retraces: retraceCount(f),
      // 0 with traces recorded means not measured (older captures): shown as "-"
      trace_us: Number(f.trace_us) > 0 ? f.trace_us : Number(f.traces) > 0 ? undefined : 0,
      min_us: calls.min,
      median_us: calls.median,
      p95_us: calls.p95,
      max_us: calls.max,
      total_us: f.total_us,
      defined: locationLabel(loc),
      loc,
    };
  });
}

function retraceList(f: FunctionRow): HTMLElement {
  const list = el("div");
  (f.retraces || []).forEach((r, i) => {
    const parts: (Node | string)[] = [el("b", {}, [`retrace ${i + 1}${r.call ? ` (call ${r.call})` : ""}: `]), String(r.reason || "")];
    parts.push(el("div", { class: "tft-fix" }, [`signature: ${r.signature}`]));
    if (r.fix) parts.push(el("div", { class: "tft-fix" }, [el("b", {}, ["fix: "]), String(r.fix)]));
    list.append(el("div", { class: "tft-retrace" }, parts));
  });
  return list;
}

function details(f: FunctionRow, links: Locations): HTMLElement {
  const box = el("div", { class: "tft-fn-item" }, [el("div", { class: "tft-fn-name" }, [f.name])]);
  const loc = definedAt(f);
  if (loc) box.append(el("div", { class: "tft-fn-meta" }, ["defined at ", links.node(loc)]));
  const sites = (f.call_sites || []).filter((s) => s && (s.file || s.cell));
  if (sites.length) {
    const meta = el("div", { class: "tft-fn-meta" }, ["called from "]);
    sites.slice(0, 8).forEach((s, i) => {
      if (i) meta.append(", ");
      meta.append(links.node({ file: s.file, line: s.line, cell: s.cell }), ` (${s.calls} ${s.calls === 1 ? "call" : "calls"})`);
    });
    if (sites.length > 8) meta.append(`, … ${sites.length - 8} more`);
    box.append(meta);
  }
  const traced = Number(f.trace_us) || 0;
  const retraces = retraceCount(f);
  const unexplained = retraces - (f.retraces || []).length;
  const extra = (Number(f.traces) || 0) - retraces - 1;
  box.append(el("div", { class: "tft-fn-meta" }, [
    `${f.traces} ${f.traces === 1 ? "trace" : "traces"}${traced ? ` took ${fmtUs(traced)}` : ""}; ` +
      `${retraces} ${retraces === 1 ? "retrace" : "retraces"}` +
      (unexplained > 0 ? ` (${unexplained} without a recorded cause)` : "") +
      (extra > 0 && Number(f.calls) > 0
        ? `; ${extra} more ${extra === 1 ? "trace" : "traces"} within calls that traced anyway ` +
          "(a function that creates variables is traced twice on its first call)"
        : ""),
  ]));
  box.append(retraceList(f));
  return box;
}

export function renderFunctions(root: HTMLElement, data: Data, bus: SelectionBus, links?: Locations): void {
  const functions = data.payload.functions || [];
  const places = links || new PlainLocations();
  root.append(el("p", { class: "tft-fn-note" }, [FUNCTIONS_NOTE]));
  const exec = "execution per call";
  const columns: Column[] = [
    { key: "name", label: "tf.function", kind: "text", tail: true },
    { key: "calls", label: "calls", kind: "num", width: 56 },
    { key: "traces", label: "traces", kind: "num", width: 58, title: "graphs built (one per new input signature)" },
    { key: "retraces", label: "retraces", kind: "num", width: 78, title: "calls that traced again after the first call that traced" },
    { key: "trace_us", label: "trace time", kind: "us", width: 82, title: "time spent tracing (building graphs)" },
    { key: "min_us", label: "min", kind: "us", width: 84, group: exec, title: "fastest call (calls that traced excluded)" },
    { key: "median_us", label: "median", kind: "us", width: 84, group: exec, title: "median call (calls that traced excluded)" },
    { key: "p95_us", label: "p95", kind: "us", width: 84, group: exec, title: "95th percentile call (calls that traced excluded)" },
    { key: "max_us", label: "max", kind: "us", width: 84, group: exec, title: "slowest call (calls that traced excluded)" },
    { key: "total_us", label: "total", kind: "us", width: 88, title: "all calls, tracing included" },
    { key: "defined", label: "defined at", kind: "loc", width: 130, loc: (r) => (r.loc as SourceLocation | null) || null },
  ];
  renderTable(root, functionRows(functions), columns, {
    sortKey: "total_us", bus, links: places, origin: "functions", empty: "no tf.function calls were recorded", minFlex: 180,
  });
  const retraced = functions.filter((f) => (f.retraces || []).length || retraceCount(f) > 0);
  if (retraced.length) {
    root.append(el("h4", { class: "tft-fn-h" }, ["Why functions retraced"]));
    for (const f of retraced) root.append(details(f, places));
  }
  markReady(root);
}
