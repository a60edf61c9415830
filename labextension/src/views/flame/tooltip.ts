// Flame graph, words about one node: the tooltip (name, kind, what a remainder holds,
// time with its share of the parent and of the whole, device, code location) and the
// details line above the canvas for the clicked node, where the location is a link to
// its notebook cell in JupyterLab. Text only.

import { el, fmtUs } from "../../dom";
import type { Locations } from "../../location";
import { locationLabel, locationTitle } from "../../location";
import type { SourceLocation } from "../../payload";
import { KIND_LABEL, REMAINDER_NOTE, isRemainder } from "./style";
import type { FlatTree } from "./tree";
import { valueOf } from "./tree";

function pct(part: number, whole: number): string {
  if (!(whole > 0)) return "-";
  const p = (100 * part) / whole;
  return p >= 10 || p === 0 ? `${p.toFixed(0)}%` : p >= 0.1 ? `${p.toFixed(1)}%` : "<0.1%";
}

export function locationOf(t: FlatTree, i: number): SourceLocation | null {
  const n = t.nodes[i];
  if (!n.file && !n.cell) return null;
  return { file: n.file, line: n.line, cell: n.cell || null };
}

// "12.3 ms · 40% of parent · 8% of all"
export function timeText(t: FlatTree, i: number): string {
  const v = valueOf(t.nodes[i]);
  const parts = [fmtUs(v)];
  const p = t.parent[i];
  if (p > 0) parts.push(`${pct(v, valueOf(t.nodes[p]))} of ${t.nodes[p].kind === "function" ? "the call" : "parent"}`);
  if (i > 0) parts.push(`${pct(v, t.rootValue)} of all`);
  return parts.join(" \u00b7 ");
}

export function tooltipRows(t: FlatTree, i: number, zoom: number): Node[] {
  const n = t.nodes[i];
  const line = (k: string, v: string) => el("div", {}, [el("span", { class: "tft-tip-k" }, [`${k} `]), v]);
  const rows: Node[] = [
    el("div", { class: "tft-tip-name" }, [isRemainder(n) ? `remainder: ${n.name}` : String(n.name) || "(unnamed)"]),
    line("kind", KIND_LABEL[n.kind] ?? String(n.kind)),
  ];
  if (isRemainder(n) && REMAINDER_NOTE[String(n.name)]) rows.push(line("holds", REMAINDER_NOTE[String(n.name)]));
  rows.push(line("time", timeText(t, i)));
  if (zoom > 0 && i !== zoom && t.lw[i] > 0) rows.push(line("of zoomed", pct(valueOf(n), valueOf(t.nodes[zoom]))));
  if (n.kind === "function" && n.calls > 0) {
    rows.push(line("calls", `${n.calls.toLocaleString()} (${fmtUs(valueOf(n) / n.calls)} per call, tracing included)`));
  }
  if (n.kind === "op" && t.device[i]) rows.push(line("device", t.device[i]));
  const loc = locationOf(t, i);
  if (loc) rows.push(line("at", locationLabel(loc)));
  return rows;
}

// The details line for the clicked node (or a hint).
export function detailLine(box: HTMLElement, t: FlatTree | null, i: number, links: Locations): void {
  if (!t || i < 0) {
    box.replaceChildren(el("span", { class: "tft-muted" }, [
      "Click a box to zoom into it; ops and kernels also select in the other views. Escape or a click on empty space clears the selection.",
    ]));
    return;
  }
  const n = t.nodes[i];
  const parts: Node[] = [
    el("span", { class: "tft-fl-dname" }, [isRemainder(n) ? `remainder: ${n.name}` : String(n.name) || "(unnamed)"]),
    el("span", { class: "tft-muted" }, [isRemainder(n) ? "remainder" : KIND_LABEL[n.kind] ?? String(n.kind)]),
    el("span", {}, [timeText(t, i)]),
  ];
  const loc = locationOf(t, i);
  if (loc) {
    const at = el("span", { title: locationTitle(loc) }, [el("span", { class: "tft-muted" }, ["at "]), links.node(loc)]);
    parts.push(at);
  }
  box.replaceChildren(...parts);
}
