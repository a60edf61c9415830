// Op graph view: the dataflow graph of each tf.function (partition graphs, nodes
// placed on devices and timed), laid out with dagre and drawn as SVG with pan and
// zoom. Name scopes collapse into single boxes so big graphs stay small; without a
// captured graph it falls back to the name-scope hierarchy of the ops table.
// Every name from the profile is set with textContent or as an attribute value.

import dagre from "@dagrejs/dagre";
import type { Data, FunctionGraph } from "../payload";
import { sameOp } from "../bus";
import type { SelectionBus } from "../bus";
import { el, fmtUs, markReady, widthOf, deviceKind, DEVICE_COLORS } from "../dom";

export const GRAPH_CSS = `
.tft-gr-view { font: 12px system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--jp-ui-font-color1, #1a1a1a); }
.tft-gr-note { margin: 0 0 6px; padding: 4px 8px; border-left: 3px solid var(--jp-brand-color1, #4a7fb5); background: var(--jp-layout-color2, #f3f5f8); }
.tft-gr-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 0 0 6px; }
.tft-gr-toolbar select, .tft-gr-toolbar input, .tft-gr-toolbar button, .tft-gr-details button {
  font: inherit; color: inherit; background: var(--jp-layout-color1, #fff);
  border: 1px solid var(--jp-border-color1, #bbb); border-radius: 3px; padding: 2px 7px; }
.tft-gr-toolbar button, .tft-gr-details button { cursor: pointer; }
.tft-gr-toolbar button:hover, .tft-gr-details button:hover { background: var(--jp-layout-color2, #eef1f5); }
.tft-gr-toolbar select { max-width: 340px; }
.tft-gr-toolbar input { width: 200px; }
.tft-gr-count, .tft-gr-info { color: var(--jp-ui-font-color2, #666); }
.tft-gr-spacer { flex: 1 1 auto; }
.tft-gr-legend { display: flex; gap: 10px; align-items: center; color: var(--jp-ui-font-color2, #555); }
.tft-gr-swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.tft-gr-ramp { display: inline-block; width: 46px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px;
  background: linear-gradient(90deg, rgba(110,110,110,0.12), rgba(110,110,110,0.95)); }
.tft-gr-main { display: flex; gap: 8px; align-items: stretch; }
.tft-gr-canvas { position: relative; flex: 1 1 auto; min-width: 0; height: 560px; overflow: hidden;
  border: 1px solid var(--jp-border-color1, #ccc); border-radius: 4px; background: var(--jp-layout-color0, #fff); }
.tft-gr-svg { display: block; width: 100%; height: 100%; cursor: grab; user-select: none; touch-action: none; }
.tft-gr-svg.tft-gr-dragging { cursor: grabbing; }
.tft-gr-empty { position: absolute; left: 0; right: 0; top: 45%; text-align: center; color: var(--jp-ui-font-color2, #777); }
.tft-gr-node { cursor: pointer; }
.tft-gr-node rect { stroke-width: 1.2; }
.tft-gr-node text { font: 11px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; pointer-events: none; }
.tft-gr-node .tft-gr-sub { font-size: 10px; opacity: 0.85; }
.tft-gr-node.tft-gr-scope rect { stroke-dasharray: 5 2; stroke-width: 1.6; }
.tft-gr-node.tft-gr-open rect { stroke-dasharray: 2 2; }
.tft-gr-node.tft-gr-more rect { stroke-dasharray: 1 3; }
.tft-gr-node:hover rect { stroke-width: 2.4; }
.tft-gr-node.tft-gr-match rect { stroke: #e0a800; stroke-width: 3.5; stroke-dasharray: none; }
.tft-gr-node.tft-gr-current rect { stroke: #ff7f0e; stroke-width: 4.5; }
.tft-gr-node.tft-gr-selected rect { stroke: #d62728; stroke-width: 4; stroke-dasharray: none; }
.tft-gr-edge { fill: none; stroke: #9aa0a6; }
.tft-gr-edge.tft-gr-long { stroke-opacity: 0.55; }
.tft-gr-edge.tft-gr-tree { stroke: #b5bac0; }
.tft-gr-arrowhead { fill: #9aa0a6; }
.tft-gr-details { flex: 0 0 290px; max-height: 560px; overflow: auto; box-sizing: border-box; padding: 8px 10px;
  border: 1px solid var(--jp-border-color1, #ccc); border-radius: 4px; background: var(--jp-layout-color1, #fff); }
.tft-gr-details h4 { margin: 0 0 6px; font-size: 13px; word-break: break-all; }
.tft-gr-details dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 3px 8px; }
.tft-gr-details dt { color: var(--jp-ui-font-color2, #666); }
.tft-gr-details dd { margin: 0; word-break: break-all; }
.tft-gr-details ul { margin: 2px 0 6px; padding-left: 16px; }
.tft-gr-details li { word-break: break-all; margin: 1px 0; }
.tft-gr-details .tft-gr-section { margin: 8px 0 2px; font-weight: 600; }
.tft-gr-details .tft-gr-actions { display: flex; flex-wrap: wrap; gap: 4px; margin: 8px 0 2px; }
.tft-gr-link { color: var(--jp-content-link-color, #1a6dd4); cursor: pointer; word-break: break-all; text-decoration: none; }
.tft-gr-link:hover { text-decoration: underline; }
.tft-gr-hint { color: var(--jp-ui-font-color2, #777); }
.tft-gr-details li .tft-gr-hint { white-space: nowrap; }
`;

const SVG_NS = "http://www.w3.org/2000/svg";
const BUDGET = 150; // boxes drawn at first
const LIMIT_GRAPH = 40; // children shown per expanded scope before the rest folds into "more"
const LIMIT_GRAPH_ROOT = 100;
const LIMIT_TREE = 25;
const MORE_STEP = 50;
const MAX_DEPTH = 48; // deeper scope components stay in the op's label
const VIEW_H = 560;
const NODE_H = 34;
const MAX_CHARS = 34;
const LABEL_FONT = '11px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace';
const SUB_FONT = '10px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace';
const MAX_LIST = 25;
const RANK_SEP = 40;
const READABLE_K = 0.7;
const MAX_SPAN = 6; // edges spanning more ranks are drawn as curves outside dagre
const ORDER_WORK = 900; // above this many layout nodes (with bends) skip dagre's extra ordering sweeps

let instances = 0;

interface Item {
  t: "o";
  idx: number;
  name: string;
  lower: string;
  op: string;
  device: string;
  devices: string[];
  us: number; // measured time (graph) or self time (ops table)
  total: number; // total time (ops table); = us for graphs
  calls: number;
  mode: string;
  kernels: string[];
  dtype: string;
  shapes: string[];
  inputs: number[];
  outputs: number[];
  scope: Scope;
}

interface Scope {
  t: "s";
  path: string; // "a/b/"; "" for the root
  name: string; // last component
  depth: number;
  parent: Scope | null;
  children: Map<string, Scope>;
  items: Item[];
  us: number;
  count: number;
  kindUs: Map<string, number>;
  kind: string;
  start: number; // this scope's ops are order[start, end)
  end: number;
  expanded: boolean;
  limit: number;
  pinned: Set<Entry>;
  sorted: Entry[] | null;
}

type Entry = Item | Scope;

interface Model {
  items: Item[];
  order: Item[];
  root: Scope;
  scopes: Scope[];
  edges: [number, number][];
  tree: boolean; // name-scope hierarchy fallback (no dataflow edges)
  byName: Map<string, Item>;
}

type VKind = "op" | "scope" | "open" | "more";

interface VNode {
  id: string;
  kind: VKind;
  item: Item | null;
  scope: Scope | null;
  rest: Entry[];
  ops: number;
  us: number;
  device: string;
  label: string;
  sub: string;
  tip: string;
  w: number;
  h: number;
  x: number;
  y: number;
  g: SVGGElement | null;
}

interface VEdge {
  a: number;
  b: number;
  n: number;
}

// ---------------------------------------------------------------- model building

function newScope(path: string, name: string, depth: number, parent: Scope | null): Scope {
  return {
    t: "s", path, name, depth, parent, children: new Map(), items: [], us: 0, count: 0, kindUs: new Map(),
    kind: "other", start: 0, end: 0, expanded: false, limit: 0, pinned: new Set(), sorted: null,
  };
}

function scopeParts(name: string): string[] {
  const parts = name.split("/");
  parts.pop();
  if (parts.length > MAX_DEPTH) parts.length = MAX_DEPTH;
  return parts;
}

function buildModel(items: Item[], edges: [number, number][], tree: boolean): Model {
  const root = newScope("", "", 0, null);
  const scopes: Scope[] = [root];
  for (const item of items) {
    let s = root;
    const parts = scopeParts(item.name);
    for (let i = 0; i < parts.length; i++) {
      let c = s.children.get(parts[i]);
      if (!c) {
        c = newScope(s.path + parts[i] + "/", parts[i], i + 1, s);
        s.children.set(parts[i], c);
        scopes.push(c);
      }
      s = c;
    }
    item.scope = s;
    s.items.push(item);
  }
  // Ops in depth-first order, so each scope owns a contiguous range; totals bottom-up.
  const order: Item[] = [];
  const visit = (s: Scope): void => {
    s.start = order.length;
    for (const item of s.items) {
      order.push(item);
      s.us += item.us;
      s.count += 1;
      const k = deviceKind(item.device);
      s.kindUs.set(k, (s.kindUs.get(k) || 0) + item.us + 1e-6);
    }
    for (const c of s.children.values()) {
      visit(c);
      s.us += c.us;
      s.count += c.count;
      for (const [k, v] of c.kindUs) s.kindUs.set(k, (s.kindUs.get(k) || 0) + v);
    }
    s.end = order.length;
    let best = -1;
    for (const [k, v] of s.kindUs) {
      if (v > best) {
        best = v;
        s.kind = k;
      }
    }
  };
  visit(root);
  const byName = new Map<string, Item>();
  for (const item of items) if (!byName.has(item.name)) byName.set(item.name, item);
  return { items, order, root, scopes, edges, tree, byName };
}

function graphItems(graph: FunctionGraph): { items: Item[]; edges: [number, number][] } {
  const nodes = Array.isArray(graph.nodes) ? graph.nodes : [];
  const items: Item[] = nodes.map((n, idx) => {
    const name = String(n && n.name != null ? n.name : "");
    const us = Number(n && n.us) || 0;
    return {
      t: "o", idx, name, lower: name.toLowerCase(), op: String((n && n.op) || ""), device: String((n && n.device) || ""),
      devices: [], us, total: us, calls: 0, mode: "", kernels: Array.isArray(n && n.kernels) ? n.kernels.map(String) : [],
      dtype: String((n && n.dtype) || ""), shapes: Array.isArray(n && n.shapes) ? (n.shapes as string[]).map(String) : [],
      inputs: [], outputs: [], scope: null as unknown as Scope,
    };
  });
  const edges: [number, number][] = [];
  for (const e of Array.isArray(graph.edges) ? graph.edges : []) {
    if (!Array.isArray(e)) continue;
    const a = e[0];
    const b = e[1];
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= items.length || b >= items.length || a === b) {
      continue;
    }
    edges.push([a, b]);
    items[a].outputs.push(b);
    items[b].inputs.push(a);
  }
  return { items, edges };
}

function opsItems(data: Data): Item[] {
  const table = data.payload && data.payload.ops;
  const strings = data.strings || (data.payload && data.payload.strings) || [];
  if (!table || !table.columns || !table.count) return [];
  const items: Item[] = [];
  const byName = new Map<string, { item: Item; devUs: Map<string, number> }>();
  // Column readers with the same decoding as payload.row() (string ids resolved for
  // text columns), without building a record per row: ~6000 rows stay a few ms.
  const text = (name: string) => {
    const values = table.columns[name];
    const isText = Array.isArray(table.text) && table.text.includes(name);
    return (i: number): string => {
      const v = values ? values[i] : undefined;
      const out = isText ? strings[v as number] : v;
      return out == null ? "" : String(out);
    };
  };
  const num = (name: string) => {
    const values = table.columns[name];
    return (i: number): number => (values ? Number(values[i]) || 0 : 0);
  };
  const nameOf = text("name");
  const deviceOf = text("device");
  const typeOf = text("type");
  const modeOf = text("mode");
  const selfOf = num("self_us");
  const totalOf = num("total_us");
  const countOf = num("count");
  for (let i = 0; i < table.count; i++) {
    const name = nameOf(i);
    const device = deviceOf(i);
    let entry = byName.get(name);
    if (!entry) {
      const item: Item = {
        t: "o", idx: items.length, name, lower: name.toLowerCase(), op: typeOf(i), device,
        devices: [], us: 0, total: 0, calls: 0, mode: modeOf(i), kernels: [], dtype: "", shapes: [],
        inputs: [], outputs: [], scope: null as unknown as Scope,
      };
      entry = { item, devUs: new Map() };
      byName.set(name, entry);
      items.push(item);
    }
    const item = entry.item;
    const self = selfOf(i);
    item.us += self;
    item.total += totalOf(i);
    item.calls += countOf(i);
    if (!entry.devUs.has(device)) item.devices.push(device);
    entry.devUs.set(device, (entry.devUs.get(device) || 0) + self + 1e-6);
  }
  for (const { item, devUs } of byName.values()) {
    let best = -1;
    for (const [d, v] of devUs) {
      if (v > best) {
        best = v;
        item.device = d;
      }
    }
  }
  return items;
}

// ---------------------------------------------------------------- text measuring

let measureCtx: CanvasRenderingContext2D | null | undefined;
const widthCache = new Map<string, number>();

function textWidth(text: string, font: string, charW: number): number {
  const key = font + "\u0000" + text;
  const hit = widthCache.get(key);
  if (hit !== undefined) return hit;
  if (measureCtx === undefined) {
    try {
      measureCtx = document.createElement("canvas").getContext("2d");
    } catch {
      measureCtx = null;
    }
  }
  let w = text.length * charW;
  if (measureCtx) {
    measureCtx.font = font;
    const m = measureCtx.measureText(text).width;
    if (m > 0) w = Math.max(m, text.length * charW * 0.8);
  }
  if (widthCache.size > 20000) widthCache.clear();
  widthCache.set(key, w);
  return w;
}

function clip(text: string, max = MAX_CHARS): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

function lastPart(name: string): string {
  const i = name.lastIndexOf("/");
  const last = i >= 0 ? name.slice(i + 1) : name;
  return last || name || "(unnamed)";
}

// Dagre's bend points as a smooth path: quadratic segments through the midpoints.
function smoothPath(raw: { x: number; y: number }[]): string {
  const pts = raw.filter((p) => p && isFinite(p.x) && isFinite(p.y));
  if (pts.length < 2) return "";
  const f = (x: number) => x.toFixed(1);
  let d = `M${f(pts[0].x)},${f(pts[0].y)}`;
  if (pts.length === 2) return d + ` L${f(pts[1].x)},${f(pts[1].y)}`;
  for (let j = 1; j < pts.length - 1; j++) {
    const last = j === pts.length - 2;
    const ex = last ? pts[j + 1].x : (pts[j].x + pts[j + 1].x) / 2;
    const ey = last ? pts[j + 1].y : (pts[j].y + pts[j + 1].y) / 2;
    d += ` Q${f(pts[j].x)},${f(pts[j].y)} ${f(ex)},${f(ey)}`;
  }
  return d;
}

// Layer ranks: cycles broken at DFS back edges, longest path from the sources, then
// each node pulled down to just above its nearest consumer (so a variable read sits
// by the op using it, not at the top). back[i] marks edges closing a cycle.
function rankNodes(n: number, edges: { a: number; b: number }[]): { rank: Int32Array; back: Uint8Array } {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push([]);
  edges.forEach((e, i) => out[e.a].push(i));
  const back = new Uint8Array(edges.length);
  const state = new Uint8Array(n);
  const stackV: number[] = [];
  const stackI: number[] = [];
  for (let s = 0; s < n; s++) {
    if (state[s]) continue;
    stackV.push(s);
    stackI.push(0);
    state[s] = 1;
    while (stackV.length) {
      const top = stackV.length - 1;
      const v = stackV[top];
      const i = stackI[top];
      if (i < out[v].length) {
        stackI[top] = i + 1;
        const ei = out[v][i];
        const w = edges[ei].b;
        if (state[w] === 1) back[ei] = 1;
        else if (state[w] === 0) {
          state[w] = 1;
          stackV.push(w);
          stackI.push(0);
        }
      } else {
        state[v] = 2;
        stackV.pop();
        stackI.pop();
      }
    }
  }
  const indeg = new Int32Array(n);
  edges.forEach((e, i) => {
    if (!back[i]) indeg[e.b]++;
  });
  const topo: number[] = [];
  for (let v = 0; v < n; v++) if (!indeg[v]) topo.push(v);
  for (let h = 0; h < topo.length; h++) {
    for (const ei of out[topo[h]]) if (!back[ei] && --indeg[edges[ei].b] === 0) topo.push(edges[ei].b);
  }
  const rank = new Int32Array(n);
  for (const v of topo) {
    for (const ei of out[v]) if (!back[ei]) rank[edges[ei].b] = Math.max(rank[edges[ei].b], rank[v] + 1);
  }
  for (let h = topo.length - 1; h >= 0; h--) {
    const v = topo[h];
    let min = Infinity;
    for (const ei of out[v]) if (!back[ei]) min = Math.min(min, rank[edges[ei].b]);
    if (min !== Infinity && min - 1 > rank[v]) rank[v] = min - 1;
  }
  return { rank, back };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : /(x|s|ch|sh)$/.test(word) ? "es" : "s"}`;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function button(text: string, title: string, onClick: () => void, cls = ""): HTMLButtonElement {
  const b = el("button", { type: "button", title }, [text]);
  if (cls) b.className = cls;
  b.addEventListener("click", (ev) => {
    ev.preventDefault();
    onClick();
  });
  return b;
}

// ---------------------------------------------------------------- the view

class GraphView {
  private readonly root: HTMLElement;
  private readonly data: Data;
  private readonly bus: SelectionBus;
  private readonly graphs: FunctionGraph[];
  private readonly markerId: string;
  private model: Model | null = null;
  private graphIndex = -1;

  private vnodes: VNode[] = [];
  private vedges: VEdge[] = [];
  private rep = new Int32Array(0);
  private layoutW = 0;
  private layoutH = 0;
  private nodeByEl = new Map<Element, VNode>();

  private k = 1;
  private tx = 0;
  private ty = 0;
  private autoFit = true;
  private autoReadable = true;

  private selItem: Item | null = null;
  private selId = "";
  private matches: Item[] = [];
  private matchReps: number[] = [];
  private matchCursor = -1;

  private readonly container: HTMLDivElement;
  private readonly toolbar: HTMLDivElement;
  private readonly canvas: HTMLDivElement;
  private readonly svgEl: SVGSVGElement;
  private readonly edgeLayer: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  private readonly viewport: SVGGElement;
  private readonly details: HTMLDivElement;
  private readonly searchInput: HTMLInputElement;
  private readonly countEl: HTMLSpanElement;
  private readonly infoEl: HTMLSpanElement;
  private readonly emptyEl: HTMLDivElement;
  private select: HTMLSelectElement | null = null;
  lastLayoutMs = 0;

  constructor(root: HTMLElement, data: Data, bus: SelectionBus) {
    this.root = root;
    this.data = data;
    this.bus = bus;
    const payload = data && data.payload;
    this.graphs = payload && Array.isArray(payload.graphs) ? payload.graphs.filter((g) => g && Array.isArray(g.nodes)) : [];
    this.markerId = `tft-gr-arrow-${++instances}-${Math.random().toString(36).slice(2, 8)}`;

    this.container = el("div", { class: "tft-gr-view" });
    this.toolbar = el("div", { class: "tft-gr-toolbar" });
    this.searchInput = el("input", { type: "search", placeholder: "Search nodes", "aria-label": "Search graph nodes" });
    this.countEl = el("span", { class: "tft-gr-count" });
    this.infoEl = el("span", { class: "tft-gr-info" });
    this.canvas = el("div", { class: "tft-gr-canvas" });
    this.emptyEl = el("div", { class: "tft-gr-empty" });
    this.details = el("div", { class: "tft-gr-details" });

    this.svgEl = svg("svg", { class: "tft-gr-svg", role: "img", "aria-label": "op graph" });
    const defs = svg("defs");
    const marker = svg("marker", {
      id: this.markerId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
      markerUnits: "userSpaceOnUse", orient: "auto",
    });
    marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "tft-gr-arrowhead" }));
    defs.append(marker);
    this.viewport = svg("g", { class: "tft-gr-viewport" });
    this.edgeLayer = svg("g", { class: "tft-gr-edges" });
    this.nodeLayer = svg("g", { class: "tft-gr-nodes" });
    this.viewport.append(this.edgeLayer, this.nodeLayer);
    this.svgEl.append(defs, this.viewport);
    this.canvas.append(this.svgEl, this.emptyEl);
  }

  mount(): void {
    const hasGraphs = this.graphs.length > 0;
    const items = hasGraphs ? [] : opsItems(this.data);
    if (!hasGraphs && !items.length) {
      this.container.append(el("p", { class: "tft-gr-note" }, ["No dataflow graph was captured for this profile, and it has no ops."]));
      this.root.append(this.container);
      markReady(this.root);
      return;
    }
    if (!hasGraphs) {
      this.container.append(
        el("p", { class: "tft-gr-note" }, [
          "No dataflow graph was captured for this profile; showing the name-scope hierarchy of its ops.",
        ]),
      );
    }
    this.buildToolbar(hasGraphs);
    const main = el("div", { class: "tft-gr-main" }, [this.canvas, this.details]);
    this.container.append(this.toolbar, main);
    this.root.append(this.container);
    this.bindPanZoom();
    this.showHint();

    if (hasGraphs) {
      this.useGraph(this.defaultGraph());
    } else {
      this.model = buildModel(items, [], true);
      this.initialCollapse();
      this.relayout(null, true);
      this.showHint();
    }
    this.bus.subscribe((name, origin) => {
      if (origin === "graph") return;
      this.reveal(name);
    });
    if (this.bus.selected) this.reveal(this.bus.selected, false);
    markReady(this.root);
  }

  // -------------------------------------------------------------- toolbar

  private buildToolbar(hasGraphs: boolean): void {
    if (hasGraphs && this.graphs.length > 1) {
      const select = el("select", { "aria-label": "Function graph" });
      const seen = new Map<string, number>();
      for (const g of this.graphs) seen.set(String(g.function), (seen.get(String(g.function)) || 0) + 1);
      const nth = new Map<string, number>();
      this.graphs.forEach((g, i) => {
        const name = String(g.function);
        const k = (nth.get(name) || 0) + 1;
        nth.set(name, k);
        const label = (seen.get(name) || 0) > 1 ? `${name} (graph ${k})` : name;
        const opt = el("option", { value: String(i), title: `${plural(g.nodes.length, "node")}` }, [label]);
        select.append(opt);
      });
      select.addEventListener("change", () => {
        const i = Number(select.value);
        if (i >= 0 && i < this.graphs.length && i !== this.graphIndex) {
          this.selItem = null;
          this.selId = "";
          this.useGraph(i);
        }
      });
      this.select = select;
      this.toolbar.append(select);
    }
    this.searchInput.addEventListener("input", () => this.search());
    this.searchInput.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        this.nextMatch(ev.shiftKey ? -1 : 1);
      } else if (ev.key === "Escape") {
        this.searchInput.value = "";
        this.search();
      }
    });
    const zoomIn = button("+", "Zoom in", () => this.zoomBy(1.25));
    const zoomOut = button("−", "Zoom out", () => this.zoomBy(0.8));
    const fit = button("Fit", "Fit the graph in view", () => this.fit());
    const reset = button("Reset", "Collapse scopes back to the initial view", () => {
      this.initialCollapse();
      this.relayout(null, true);
    });
    const legend = el("span", { class: "tft-gr-legend" });
    const kinds: [string, string][] = [["cpu", "CPU"], ["gpu", "GPU"], ["other", "other"]];
    for (const [kind, label] of kinds) {
      const sw = el("span", { class: "tft-gr-swatch" });
      sw.style.background = DEVICE_COLORS[kind];
      legend.append(el("span", {}, [sw, label]));
    }
    legend.append(el("span", { title: "Darker boxes took more time" }, [el("span", { class: "tft-gr-ramp" }), "time"]));
    this.toolbar.append(
      this.searchInput, this.countEl, zoomIn, zoomOut, fit, reset, this.infoEl, el("span", { class: "tft-gr-spacer" }), legend,
    );
  }

  private defaultGraph(): number {
    let best = 0;
    let bestTimed = -1;
    let bestSize = -1;
    this.graphs.forEach((g, i) => {
      let timed = 0;
      for (const n of g.nodes) if (n && Number(n.us) > 0) timed++;
      if (timed > bestTimed || (timed === bestTimed && g.nodes.length > bestSize)) {
        best = i;
        bestTimed = timed;
        bestSize = g.nodes.length;
      }
    });
    return best;
  }

  private useGraph(i: number): void {
    this.graphIndex = i;
    if (this.select) this.select.value = String(i);
    const { items, edges } = graphItems(this.graphs[i]);
    this.model = buildModel(items, edges, false);
    this.initialCollapse();
    this.matches = [];
    this.relayout(null, true);
    if (this.searchInput.value.trim()) this.search();
    this.showHint();
  }

  // -------------------------------------------------------------- collapsing

  private defaultLimit(s: Scope): number {
    if (this.model && this.model.tree) return LIMIT_TREE;
    return s.depth === 0 ? LIMIT_GRAPH_ROOT : LIMIT_GRAPH;
  }

  private entries(s: Scope): Entry[] {
    if (!s.sorted) {
      const list: Entry[] = [...s.children.values(), ...s.items];
      const name = (e: Entry) => (e.t === "s" ? e.path : e.name);
      list.sort((a, b) => b.us - a.us || (b.t === "s" ? b.count : 1) - (a.t === "s" ? a.count : 1) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
      s.sorted = list;
    }
    return s.sorted;
  }

  private split(s: Scope): { shown: Entry[]; rest: Entry[] } {
    const list = this.entries(s);
    if (list.length <= s.limit + 1) return { shown: list, rest: [] };
    const shown = list.slice(0, s.limit);
    const rest: Entry[] = [];
    for (let i = s.limit; i < list.length; i++) (s.pinned.has(list[i]) ? shown : rest).push(list[i]);
    if (rest.length === 1) shown.push(rest.pop() as Entry);
    return { shown, rest };
  }

  private resetScope(s: Scope): void {
    s.expanded = false;
    s.limit = this.defaultLimit(s);
    s.pinned.clear();
  }

  // Expand the heaviest visible collapsed scope while the drawn boxes stay within
  // budget (best first by time, then by size), so the hot paths open first.
  private initialCollapse(): void {
    const m = this.model;
    if (!m) return;
    for (const s of m.scopes) this.resetScope(s);
    m.root.expanded = true;
    let { shown, rest } = this.split(m.root);
    let count = shown.length + (rest.length ? 1 : 0);
    const queue: Scope[] = shown.filter((e): e is Scope => e.t === "s");
    const heavier = (a: Scope, b: Scope) => b.us - a.us || b.count - a.count;
    while (queue.length) {
      let best = 0;
      for (let i = 1; i < queue.length; i++) if (heavier(queue[i], queue[best]) < 0) best = i;
      const s = queue[best];
      queue[best] = queue[queue.length - 1];
      queue.pop();
      ({ shown, rest } = this.split(s));
      const delta = shown.length + (rest.length ? 1 : 0) - (m.tree ? 0 : 1);
      if (count + delta > BUDGET) continue;
      s.expanded = true;
      count += delta;
      for (const e of shown) if (e.t === "s") queue.push(e);
    }
  }

  private collapse(s: Scope): void {
    const m = this.model;
    if (!m || s === m.root) return;
    const stack: Scope[] = [s];
    while (stack.length) {
      const x = stack.pop() as Scope;
      this.resetScope(x);
      for (const c of x.children.values()) if (c.expanded) stack.push(c);
    }
    this.selId = `s:${s.path}`;
    this.relayout(s, false);
    const v = this.vnodes.find((n) => n.id === this.selId);
    if (v) this.showDetails(v);
  }

  private expand(s: Scope): void {
    s.expanded = true;
    this.selId = `s:${s.path}`;
    this.relayout(s, false);
    const v = this.vnodes.find((n) => n.id === this.selId);
    this.showScopeDetails(s, v || null);
  }

  private showMore(s: Scope): void {
    s.limit += MORE_STEP;
    this.relayout(s, false);
    const v = this.vnodes.find((n) => n.id === `m:${s.path}`);
    if (v) {
      this.selId = v.id;
      this.applyClasses();
      this.showDetails(v);
    } else {
      this.selId = "";
      this.applyClasses();
      this.showHint();
    }
  }

  // Make an op visible: expand its scopes and pin it (and its scopes) past the "more" cut.
  private ensureVisible(item: Item): boolean {
    const m = this.model;
    if (!m) return false;
    const chain: Entry[] = [item];
    for (let s: Scope | null = item.scope; s && s.parent; s = s.parent) chain.push(s);
    let changed = false;
    for (let i = chain.length - 1; i >= 0; i--) {
      const e = chain[i];
      const parent = e.t === "s" ? (e.parent as Scope) : e.scope;
      if (!parent.expanded) {
        parent.expanded = true;
        changed = true;
      }
      const list = this.entries(parent);
      if (list.length > parent.limit + 1 && list.indexOf(e) >= parent.limit && !parent.pinned.has(e)) {
        parent.pinned.add(e);
        changed = true;
      }
    }
    return changed;
  }

  // -------------------------------------------------------------- visible graph + layout

  private computeVisible(): void {
    const m = this.model as Model;
    const vnodes: VNode[] = [];
    const rep = new Int32Array(m.items.length).fill(-1);
    const treeEdges: VEdge[] = [];
    const push = (v: VNode, parentV: number): number => {
      vnodes.push(v);
      const i = vnodes.length - 1;
      if (m.tree && parentV >= 0) treeEdges.push({ a: parentV, b: i, n: 1 });
      return i;
    };
    const assign = (e: Entry, v: number): void => {
      if (e.t === "o") rep[e.idx] = v;
      else for (let i = e.start; i < e.end; i++) rep[m.order[i].idx] = v;
    };
    const walk = (s: Scope, parentV: number): void => {
      const { shown, rest } = this.split(s);
      for (const e of shown) {
        if (e.t === "o") {
          rep[e.idx] = push(this.opNode(e), parentV);
        } else if (e.expanded || (!m.tree && e.count === 1)) {
          if (m.tree) walk(e, push(this.scopeNode(e, "open"), parentV));
          else walk(e, -1);
        } else {
          assign(e, push(this.scopeNode(e, "scope"), parentV));
        }
      }
      if (rest.length) {
        const v = push(this.moreNode(s, rest), parentV);
        for (const e of rest) assign(e, v);
      }
    };
    walk(m.root, -1);

    let vedges: VEdge[] = treeEdges;
    if (!m.tree) {
      const n = vnodes.length;
      const agg = new Map<number, number>();
      for (const [a, b] of m.edges) {
        const ra = rep[a];
        const rb = rep[b];
        if (ra < 0 || rb < 0 || ra === rb) continue;
        const key = ra * n + rb;
        agg.set(key, (agg.get(key) || 0) + 1);
      }
      vedges = [];
      for (const [key, count] of agg) vedges.push({ a: Math.floor(key / n), b: key % n, n: count });
    }
    this.vnodes = vnodes;
    this.vedges = vedges;
    this.rep = rep;
  }

  private sized(v: VNode): VNode {
    const w1 = textWidth(v.label, LABEL_FONT, 6.7);
    const w2 = v.sub ? textWidth(v.sub, SUB_FONT, 6.1) : 0;
    v.w = Math.ceil(Math.max(56, w1, w2) + 16);
    v.h = v.sub ? NODE_H : 24;
    return v;
  }

  private blank(id: string, kind: VKind): VNode {
    return { id, kind, item: null, scope: null, rest: [], ops: 0, us: 0, device: "", label: "", sub: "", tip: "", w: 0, h: 0, x: 0, y: 0, g: null };
  }

  private opNode(item: Item): VNode {
    const v = this.blank(`o:${item.idx}`, "op");
    v.item = item;
    v.ops = 1;
    v.us = item.us;
    v.device = item.device;
    v.label = clip(lastPart(item.name));
    const parts: string[] = [];
    if (item.op && item.op !== v.label) parts.push(clip(item.op, 18));
    if (item.us > 0) parts.push(fmtUs(item.us));
    v.sub = parts.join(" · ");
    v.tip = `${item.name}${item.op ? `\n${item.op}` : ""}${item.device ? `\n${item.device}` : ""}\n${fmtUs(item.us)}`;
    return this.sized(v);
  }

  private scopeNode(s: Scope, kind: "scope" | "open"): VNode {
    const v = this.blank(`s:${s.path}`, kind);
    v.scope = s;
    v.ops = s.count;
    v.us = s.us;
    v.device = s.kind;
    const name = clip(s.name || "(unnamed)", 26) + "/";
    v.label = kind === "scope" ? `${name} (${plural(s.count, "op")})` : `${name} ▾`;
    v.sub = kind === "scope" ? (s.us > 0 ? fmtUs(s.us) : "") : `${plural(s.count, "op")}${s.us > 0 ? ` · ${fmtUs(s.us)}` : ""}`;
    v.tip = `${s.path} (${plural(s.count, "op")}, ${fmtUs(s.us)})\n${kind === "scope" ? "click to expand" : "click to collapse"}`;
    return this.sized(v);
  }

  private moreNode(s: Scope, rest: Entry[]): VNode {
    const v = this.blank(`m:${s.path}`, "more");
    v.scope = s;
    v.rest = rest;
    let ops = 0;
    let us = 0;
    const kinds = new Map<string, number>();
    for (const e of rest) {
      const n = e.t === "s" ? e.count : 1;
      ops += n;
      us += e.us;
      const k = e.t === "s" ? e.kind : deviceKind(e.device);
      kinds.set(k, (kinds.get(k) || 0) + e.us + 1e-6);
    }
    let best = -1;
    for (const [k, w] of kinds) {
      if (w > best) {
        best = w;
        v.device = k;
      }
    }
    v.ops = ops;
    v.us = us;
    v.label = `… ${ops} more ${ops === 1 ? "op" : "ops"}`;
    v.sub = `${s.path ? clip(s.name, 18) + "/" : "top level"}${us > 0 ? " · " + fmtUs(us) : ""}`;
    v.tip = `${ops} more ops in ${s.path || "the top level"} (${fmtUs(us)})\nclick to show ${MORE_STEP} more`;
    return this.sized(v);
  }

  private layout(): void {
    const t0 = performance.now();
    const n = this.vnodes.length;
    const tree = !!(this.model && this.model.tree);
    const { rank, back } = rankNodes(n, this.vedges);
    // Short downward edges go to dagre; long and cycle-closing ones are drawn as
    // curves afterwards (their dummy chains would dominate dagre's time).
    const given: boolean[] = this.vedges.map((e, i) => !back[i] && rank[e.b] - rank[e.a] >= 1 && rank[e.b] - rank[e.a] <= MAX_SPAN);
    let work = n;
    this.vedges.forEach((e, i) => {
      if (given[i]) work += 2 * (rank[e.b] - rank[e.a]);
    });
    const g = new dagre.graphlib.Graph();
    // Ranks are doubled like dagre's own (the odd ranks hold edge bends).
    g.setGraph({ rankdir: "TB", nodesep: 14, ranksep: RANK_SEP, edgesep: 8, marginx: 20, marginy: 20, ranker: "none" });
    g.setDefaultEdgeLabel(() => ({}));
    this.vnodes.forEach((v, i) => g.setNode(String(i), { width: v.w, height: v.h, rank: rank[i] * 2 }));
    this.vedges.forEach((e, i) => {
      if (given[i]) g.setEdge(String(e.a), String(e.b), { weight: e.n > 1 ? 2 : 1, labelpos: "c" });
    });
    let ok = true;
    try {
      // A tree is already crossing-free in dagre's initial (depth-first) order.
      dagre.layout(g, { disableOptimalOrderHeuristic: tree || work > ORDER_WORK });
    } catch {
      ok = false;
    }
    if (ok) {
      this.vnodes.forEach((v, i) => {
        const node = g.node(String(i));
        v.x = node && typeof node.x === "number" && isFinite(node.x) ? node.x : 0;
        v.y = node && typeof node.y === "number" && isFinite(node.y) ? node.y : 0;
      });
      const gl = g.graph() as { width?: number; height?: number };
      this.layoutW = gl.width || 0;
      this.layoutH = gl.height || 0;
    } else {
      this.gridLayout(rank);
    }
    if (tree) this.tidyTree();
    const paths: { d: string; long: boolean }[] = this.vedges.map((e, i) => {
      if (tree) return { d: this.curve(this.vnodes[e.a], this.vnodes[e.b]), long: false };
      if (ok && given[i]) {
        const lbl = g.edge(String(e.a), String(e.b)) as { points?: { x: number; y: number }[] } | undefined;
        const d = lbl && Array.isArray(lbl.points) ? smoothPath(lbl.points) : "";
        if (d) return { d, long: false };
      }
      return { d: this.curve(this.vnodes[e.a], this.vnodes[e.b]), long: true };
    });
    const t1 = performance.now();
    this.draw(paths);
    const t2 = performance.now();
    this.lastLayoutMs = t2 - t0;
    this.container.setAttribute("data-layout-ms", `${(t1 - t0).toFixed(1)}+${(t2 - t1).toFixed(1)} nodes=${n} edges=${this.vedges.length} work=${work}`);
  }

  // Name-scope tree: keep dagre's rows and sibling order, but pack each subtree and
  // centre every scope over its children (dagre leaves parents over a corner child).
  private tidyTree(): void {
    const n = this.vnodes.length;
    const kids: number[][] = [];
    for (let i = 0; i < n; i++) kids.push([]);
    const hasParent = new Uint8Array(n);
    for (const e of this.vedges) {
      kids[e.a].push(e.b);
      hasParent[e.b] = 1;
    }
    for (const list of kids) list.sort((a, b) => this.vnodes[a].x - this.vnodes[b].x);
    const gap = 14;
    const span = new Float64Array(n);
    const measure = (v: number): number => {
      let sum = 0;
      for (const c of kids[v]) sum += measure(c) + gap;
      span[v] = Math.max(this.vnodes[v].w, sum - gap);
      return span[v];
    };
    const place = (v: number, left: number): void => {
      const node = this.vnodes[v];
      node.x = left + span[v] / 2;
      let total = -gap;
      for (const c of kids[v]) total += span[c] + gap;
      let x = left + (span[v] - total) / 2;
      for (const c of kids[v]) {
        place(c, x);
        x += span[c] + gap;
      }
    };
    const roots: number[] = [];
    for (let i = 0; i < n; i++) if (!hasParent[i]) roots.push(i);
    roots.sort((a, b) => this.vnodes[a].x - this.vnodes[b].x);
    let left = 20;
    for (const r of roots) {
      measure(r);
      place(r, left);
      left += span[r] + gap * 2;
    }
    this.layoutW = Math.max(40, left - gap * 2 + 20);
  }

  // Only if dagre fails: rows by rank.
  private gridLayout(rank: Int32Array): void {
    const xs: number[] = [];
    let maxW = 0;
    let maxRank = 0;
    this.vnodes.forEach((v, i) => {
      const r = rank[i];
      maxRank = Math.max(maxRank, r);
      const x = xs[r] || 20;
      v.x = x + v.w / 2;
      v.y = 20 + r * (NODE_H + RANK_SEP) + NODE_H / 2;
      xs[r] = x + v.w + 14;
      maxW = Math.max(maxW, xs[r]);
    });
    this.layoutW = maxW + 20;
    this.layoutH = 40 + (maxRank + 1) * (NODE_H + RANK_SEP);
  }

  // Long edges: a vertical S-curve from the bottom of a to the top of b; edges going
  // up (cycles) loop out on the right.
  private curve(a: VNode, b: VNode): string {
    const f = (x: number) => x.toFixed(1);
    const ay = a.y + a.h / 2;
    const by = b.y - b.h / 2;
    if (by > ay + 4) {
      const k = Math.min(160, (by - ay) / 2);
      return `M${f(a.x)},${f(ay)} C${f(a.x)},${f(ay + k)} ${f(b.x)},${f(by - k)} ${f(b.x)},${f(by)}`;
    }
    const ax = a.x + a.w / 2;
    const bx = b.x + b.w / 2;
    const d = 40 + Math.min(200, Math.abs(a.y - b.y) * 0.2);
    const out = Math.max(ax, bx) + d;
    return `M${f(ax)},${f(a.y)} C${f(out)},${f(a.y)} ${f(out)},${f(b.y)} ${f(bx)},${f(b.y)}`;
  }

  private draw(paths: { d: string; long: boolean }[]): void {
    this.nodeByEl.clear();
    const edgeFrag = document.createDocumentFragment();
    const tree = !!(this.model && this.model.tree);
    this.vedges.forEach((e, i) => {
      const { d, long } = paths[i];
      if (!d) return;
      const path = svg("path", { d, class: `tft-gr-edge${tree ? " tft-gr-tree" : ""}${long ? " tft-gr-long" : ""}` });
      if (!tree) path.setAttribute("marker-end", `url(#${this.markerId})`);
      if (e.n > 1) {
        path.setAttribute("stroke-width", (1 + Math.min(4, Math.log2(e.n) * 0.8)).toFixed(2));
        const title = svg("title");
        title.textContent = `${e.n} edges`;
        path.append(title);
      }
      edgeFrag.append(path);
    });

    let maxUs = 0;
    for (const v of this.vnodes) if (v.us > maxUs) maxUs = v.us;
    const nodeFrag = document.createDocumentFragment();
    for (const v of this.vnodes) {
      const color = DEVICE_COLORS[v.kind === "op" ? deviceKind(v.device) : v.device] || DEVICE_COLORS.other;
      const t = maxUs > 0 ? Math.sqrt(Math.max(0, v.us) / maxUs) : 0;
      const opacity = v.kind === "open" ? 0.06 : 0.12 + 0.83 * t;
      const dark = opacity > 0.55;
      const g = svg("g", {
        class: `tft-gr-node tft-gr-${v.kind}`,
        transform: `translate(${(v.x - v.w / 2).toFixed(1)},${(v.y - v.h / 2).toFixed(1)})`,
      });
      g.setAttribute("data-kind", v.kind);
      if (v.item) g.setAttribute("data-name", v.item.name);
      else if (v.scope) g.setAttribute("data-scope", v.scope.path);
      const rect = svg("rect", {
        width: v.w, height: v.h, rx: v.kind === "op" ? 4 : 7, fill: color, "fill-opacity": opacity.toFixed(3), stroke: color,
      });
      const title = svg("title");
      title.textContent = v.tip;
      const fg = dark ? "#fff" : "var(--jp-ui-font-color1, #1a1a1a)";
      const label = svg("text", { x: v.w / 2, y: v.sub ? 14 : 16, "text-anchor": "middle" });
      label.setAttribute("style", `fill:${fg}`);
      label.textContent = v.label;
      g.append(title, rect, label);
      if (v.sub) {
        const sub = svg("text", { x: v.w / 2, y: 27, "text-anchor": "middle", class: "tft-gr-sub" });
        sub.setAttribute("style", `fill:${fg}`);
        sub.textContent = v.sub;
        g.append(sub);
      }
      v.g = g;
      this.nodeByEl.set(g, v);
      nodeFrag.append(g);
    }
    this.edgeLayer.replaceChildren(edgeFrag);
    this.nodeLayer.replaceChildren(nodeFrag);
    const m = this.model;
    this.emptyEl.textContent = this.vnodes.length ? "" : m && !m.tree ? "This graph has no nodes." : "Nothing to draw.";
    if (m) {
      this.infoEl.textContent = `${plural(this.vnodes.length, "box")} for ${plural(m.items.length, "op")}`;
    }
  }

  // Recompute, lay out and draw; then fit, or keep the focus scope's region in view.
  private relayout(focus: Scope | null, fit: boolean): void {
    if (!this.model) return;
    this.computeVisible();
    this.layout();
    if (this.matches.length) this.matchReps = this.distinctReps(this.matches);
    this.applyClasses();
    if (fit) this.fit(true);
    else if (focus) this.focusScope(focus);
  }

  // -------------------------------------------------------------- highlights

  private distinctReps(items: Item[]): number[] {
    const seen = new Set<number>();
    const out: number[] = [];
    for (const it of items) {
      const r = this.rep[it.idx];
      if (r >= 0 && !seen.has(r)) {
        seen.add(r);
        out.push(r);
      }
    }
    return out;
  }

  private applyClasses(): void {
    const match = new Set(this.matchReps);
    const current = this.matchCursor >= 0 && this.matchCursor < this.matchReps.length ? this.matchReps[this.matchCursor] : -1;
    let sel = -1;
    if (this.selId) sel = this.vnodes.findIndex((v) => v.id === this.selId);
    if (sel < 0 && this.selItem) sel = this.rep[this.selItem.idx];
    this.vnodes.forEach((v, i) => {
      if (!v.g) return;
      v.g.classList.toggle("tft-gr-match", match.has(i));
      v.g.classList.toggle("tft-gr-current", i === current);
      v.g.classList.toggle("tft-gr-selected", i === sel);
    });
  }

  private search(): void {
    const m = this.model;
    const q = this.searchInput.value.trim().toLowerCase();
    this.matches = m && q ? m.items.filter((it) => it.lower.includes(q)) : [];
    this.matchReps = this.distinctReps(this.matches);
    this.matchCursor = this.matchReps.length ? 0 : -1;
    if (!q) this.countEl.textContent = "";
    else if (!this.matches.length) this.countEl.textContent = "no matches";
    else this.countEl.textContent = this.matches.length === 1 ? "1 match" : `${this.matches.length} matches`;
    this.applyClasses();
    if (this.matchCursor >= 0) this.panTo(this.vnodes[this.matchReps[0]]);
  }

  private nextMatch(step: number): void {
    if (!this.matchReps.length) {
      this.search();
      return;
    }
    const n = this.matchReps.length;
    this.matchCursor = (((this.matchCursor + step) % n) + n) % n;
    this.applyClasses();
    this.panTo(this.vnodes[this.matchReps[this.matchCursor]]);
  }

  // Another view selected an op (or this view's own details links).
  private reveal(name: string | null, pan = true): void {
    if (!name) {
      this.selItem = null;
      this.selId = "";
      this.applyClasses();
      return;
    }
    let item = this.findItem(name);
    if (!item && this.graphs.length > 1) {
      for (let i = 0; i < this.graphs.length && !item; i++) {
        if (i === this.graphIndex) continue;
        if (this.graphs[i].nodes.some((n) => n && sameOp(String(n.name), name))) {
          this.useGraph(i);
          item = this.findItem(name);
        }
      }
    }
    if (!item) {
      // Not in this graph: drop the stale highlight.
      this.selItem = null;
      if (this.selId.startsWith("o:")) this.selId = "";
      this.applyClasses();
      return;
    }
    this.focusItem(item, pan);
  }

  private findItem(name: string): Item | null {
    const m = this.model;
    if (!m) return null;
    const exact = m.byName.get(name);
    if (exact) return exact;
    for (const it of m.items) if (sameOp(it.name, name)) return it;
    return null;
  }

  private focusItem(item: Item, pan = true): void {
    if (this.ensureVisible(item)) this.relayout(null, false);
    this.selItem = item;
    this.selId = `o:${item.idx}`;
    this.applyClasses();
    const v = this.vnodes[this.rep[item.idx]];
    if (v) {
      if (pan) this.panTo(v);
      this.showDetails(v);
    }
  }

  // -------------------------------------------------------------- details panel

  private showHint(): void {
    const m = this.model;
    const lines = [
      "Click a box for its details; click a dashed scope box to expand it.",
      "Drag to pan, scroll to zoom.",
    ];
    const children: (Node | string)[] = [el("h4", {}, ["Details"])];
    for (const line of lines) children.push(el("p", { class: "tft-gr-hint" }, [line]));
    if (m && m.items.length) {
      children.push(el("div", { class: "tft-gr-section" }, ["Heaviest ops"]));
      const top = [...m.items].sort((a, b) => b.us - a.us).slice(0, 8).filter((it) => it.us > 0);
      children.push(this.itemList(top));
    }
    this.details.replaceChildren(...children);
  }

  private itemList(items: Item[], total = items.length): HTMLUListElement {
    const ul = el("ul");
    const shown = items.slice(0, MAX_LIST);
    for (const it of shown) {
      const link = el("a", { class: "tft-gr-link", role: "button", tabindex: "0", title: "Show this op" }, [it.name || "(unnamed)"]);
      const go = () => {
        this.focusItem(it);
        this.bus.select(it.name, "graph");
      };
      link.addEventListener("click", (ev) => {
        ev.preventDefault();
        go();
      });
      link.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          go();
        }
      });
      const li = el("li", {}, [link]);
      if (it.us > 0) li.append(" ", el("span", { class: "tft-gr-hint" }, [fmtUs(it.us)]));
      ul.append(li);
    }
    if (total > shown.length) ul.append(el("li", { class: "tft-gr-hint" }, [`… ${total - shown.length} more`]));
    return ul;
  }

  private field(dl: HTMLElement, key: string, value: string): void {
    dl.append(el("dt", {}, [key]), el("dd", {}, [value]));
  }

  private showDetails(v: VNode): void {
    if (v.kind === "op" && v.item) this.showOpDetails(v.item);
    else if ((v.kind === "scope" || v.kind === "open") && v.scope) this.showScopeDetails(v.scope, v);
    else if (v.kind === "more" && v.scope) this.showMoreDetails(v);
  }

  private showOpDetails(item: Item): void {
    const m = this.model as Model;
    const dl = el("dl");
    this.field(dl, "Op type", item.op || "-");
    if (m.tree) {
      this.field(dl, item.devices.length > 1 ? "Devices" : "Device", (item.devices.length ? item.devices : [item.device]).join(", ") || "-");
      this.field(dl, "Self time", fmtUs(item.us));
      this.field(dl, "Total time", fmtUs(item.total));
      if (item.calls) this.field(dl, "Count", String(item.calls));
      if (item.mode) this.field(dl, "Mode", item.mode);
    } else {
      this.field(dl, "Device", item.device || "-");
      this.field(dl, "Measured", item.us > 0 ? fmtUs(item.us) : "not measured");
      if (item.dtype) this.field(dl, "Dtype", item.dtype);
      if (item.shapes.length) this.field(dl, "Output shapes", item.shapes.join(" "));
      this.field(dl, "Inputs", String(item.inputs.length));
      this.field(dl, "Outputs", String(item.outputs.length));
    }
    const children: (Node | string)[] = [el("h4", {}, [item.name || "(unnamed)"]), dl];
    if (!m.tree) {
      children.push(el("div", { class: "tft-gr-section" }, [`Kernels (${item.kernels.length})`]));
      if (item.kernels.length) {
        const ul = el("ul");
        for (const k of item.kernels.slice(0, MAX_LIST)) ul.append(el("li", {}, [k]));
        if (item.kernels.length > MAX_LIST) ul.append(el("li", { class: "tft-gr-hint" }, [`… ${item.kernels.length - MAX_LIST} more`]));
        children.push(ul);
      } else {
        children.push(el("p", { class: "tft-gr-hint" }, ["none recorded"]));
      }
      if (item.inputs.length) {
        children.push(el("div", { class: "tft-gr-section" }, ["Inputs"]), this.itemList(item.inputs.map((i) => m.items[i])));
      }
      if (item.outputs.length) {
        children.push(el("div", { class: "tft-gr-section" }, ["Outputs"]), this.itemList(item.outputs.map((i) => m.items[i])));
      }
    }
    const chain: Scope[] = [];
    for (let s: Scope | null = item.scope; s && s.parent; s = s.parent) chain.unshift(s);
    const expanded = chain.filter((s) => s.expanded);
    if (expanded.length) {
      const actions = el("div", { class: "tft-gr-actions" }, [el("span", { class: "tft-gr-hint" }, ["Collapse scope:"])]);
      for (const s of expanded) actions.append(button(clip(s.name || "(unnamed)", 24) + "/", `Collapse ${s.path}`, () => this.collapse(s)));
      children.push(actions);
    }
    this.details.replaceChildren(...children);
  }

  private showScopeDetails(s: Scope, v: VNode | null): void {
    const dl = el("dl");
    this.field(dl, "Ops", String(s.count));
    this.field(dl, "Total time", fmtUs(s.us));
    this.field(dl, "Device", s.kind.toUpperCase());
    this.field(dl, "State", v && v.kind === "scope" ? "collapsed" : "expanded");
    const children: (Node | string)[] = [el("h4", {}, [s.path || "(top level)"]), dl];
    const actions = el("div", { class: "tft-gr-actions" });
    if (v && v.kind === "scope") actions.append(button("Expand", "Expand this scope one level", () => this.expand(s)));
    else if (s.parent) actions.append(button("Collapse", "Collapse this scope", () => this.collapse(s)));
    if (s.parent && s.parent.parent && s.parent.expanded) {
      const p = s.parent;
      actions.append(button(`Collapse ${clip(p.name, 20)}/`, `Collapse ${p.path}`, () => this.collapse(p)));
    }
    children.push(actions);
    const m = this.model as Model;
    const ops = m.order.slice(s.start, s.end).sort((a, b) => b.us - a.us);
    children.push(el("div", { class: "tft-gr-section" }, ["Heaviest ops"]), this.itemList(ops.slice(0, 10), ops.length));
    this.details.replaceChildren(...children);
  }

  private showMoreDetails(v: VNode): void {
    const s = v.scope as Scope;
    const m = this.model as Model;
    const dl = el("dl");
    this.field(dl, "Ops", String(v.ops));
    this.field(dl, "Total time", fmtUs(v.us));
    const children: (Node | string)[] = [el("h4", {}, [`${v.ops} more ops in ${s.path || "the top level"}`]), dl];
    children.push(el("div", { class: "tft-gr-actions" }, [button(`Show ${MORE_STEP} more`, "Draw more of this scope", () => this.showMore(s))]));
    const ops: Item[] = [];
    for (const e of v.rest) {
      if (e.t === "o") ops.push(e);
      else for (let i = e.start; i < e.end; i++) ops.push(m.order[i]);
    }
    ops.sort((a, b) => b.us - a.us);
    children.push(el("div", { class: "tft-gr-section" }, ["Ops"]), this.itemList(ops.slice(0, 10), ops.length));
    this.details.replaceChildren(...children);
  }

  // -------------------------------------------------------------- pan and zoom

  private viewSize(): { w: number; h: number } {
    const w = this.svgEl.clientWidth || Math.max(200, widthOf(this.root) - 300);
    const h = this.svgEl.clientHeight || VIEW_H;
    return { w, h };
  }

  private apply(): void {
    this.viewport.setAttribute("transform", `translate(${this.tx.toFixed(2)},${this.ty.toFixed(2)}) scale(${this.k.toFixed(4)})`);
  }

  // Whole graph in view. The first view (readable = true) does not shrink below a
  // readable scale: it then shows the top of the graph, centred on its heaviest box there.
  private fit(readable = false): void {
    const { w, h } = this.viewSize();
    const gw = Math.max(1, this.layoutW);
    const gh = Math.max(1, this.layoutH);
    const whole = Math.max(0.02, Math.min(1.4, Math.min(w / gw, h / gh) * 0.97));
    this.k = readable ? Math.max(whole, Math.min(1, READABLE_K)) : whole;
    this.autoFit = true;
    this.autoReadable = readable;
    if (this.k === whole) {
      this.tx = (w - gw * this.k) / 2;
      this.ty = Math.max(0, (h - gh * this.k) / 2);
    } else {
      let cx = gw / 2;
      let best = -1;
      for (const v of this.vnodes) {
        if ((v.y + v.h / 2) * this.k > h) continue;
        if (v.us > best) {
          best = v.us;
          cx = v.x;
        }
      }
      this.tx = Math.min(10, Math.max(w - gw * this.k - 10, w / 2 - cx * this.k));
      this.ty = gh * this.k > h ? 4 : (h - gh * this.k) / 2;
    }
    this.apply();
  }

  private zoomBy(f: number, cx?: number, cy?: number): void {
    const { w, h } = this.viewSize();
    const px = cx === undefined ? w / 2 : cx;
    const py = cy === undefined ? h / 2 : cy;
    const k2 = Math.max(0.02, Math.min(6, this.k * f));
    this.tx = px - ((px - this.tx) * k2) / this.k;
    this.ty = py - ((py - this.ty) * k2) / this.k;
    this.k = k2;
    this.autoFit = false;
    this.apply();
  }

  private panTo(v: VNode | undefined): void {
    if (!v) return;
    const { w, h } = this.viewSize();
    if (this.k < 0.6) this.k = 0.6;
    this.tx = w / 2 - v.x * this.k;
    this.ty = h / 2 - v.y * this.k;
    this.autoFit = false;
    this.apply();
  }

  // After expanding/collapsing: keep the scope's boxes in view (zooming out if needed).
  private focusScope(s: Scope): void {
    const m = this.model as Model;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    const seen = new Set<number>();
    for (let i = s.start; i < s.end; i++) {
      const r = this.rep[m.order[i].idx];
      if (r < 0 || seen.has(r)) continue;
      seen.add(r);
      const v = this.vnodes[r];
      x0 = Math.min(x0, v.x - v.w / 2);
      x1 = Math.max(x1, v.x + v.w / 2);
      y0 = Math.min(y0, v.y - v.h / 2);
      y1 = Math.max(y1, v.y + v.h / 2);
    }
    const open = this.vnodes.find((v) => v.id === `s:${s.path}`);
    if (open) {
      x0 = Math.min(x0, open.x - open.w / 2);
      x1 = Math.max(x1, open.x + open.w / 2);
      y0 = Math.min(y0, open.y - open.h / 2);
      y1 = Math.max(y1, open.y + open.h / 2);
    }
    if (!isFinite(x0)) return;
    const { w, h } = this.viewSize();
    const need = Math.min(w / (x1 - x0 + 40), h / (y1 - y0 + 40));
    if (need < this.k) this.k = Math.max(0.1, need);
    this.tx = w / 2 - ((x0 + x1) / 2) * this.k;
    this.ty = h / 2 - ((y0 + y1) / 2) * this.k;
    this.autoFit = false;
    this.apply();
  }

  private bindPanZoom(): void {
    const s = this.svgEl;
    let down: { x: number; y: number; tx: number; ty: number; id: number } | null = null;
    let dragging = false;
    let suppressClick = false;
    s.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      down = { x: ev.clientX, y: ev.clientY, tx: this.tx, ty: this.ty, id: ev.pointerId };
      dragging = false;
    });
    s.addEventListener("pointermove", (ev) => {
      if (!down || ev.pointerId !== down.id) return;
      const dx = ev.clientX - down.x;
      const dy = ev.clientY - down.y;
      if (!dragging && Math.abs(dx) + Math.abs(dy) > 4) {
        dragging = true;
        s.classList.add("tft-gr-dragging");
        try {
          s.setPointerCapture(ev.pointerId);
        } catch {
          // capture is a nicety; dragging works without it
        }
      }
      if (dragging) {
        this.tx = down.tx + dx;
        this.ty = down.ty + dy;
        this.autoFit = false;
        this.apply();
      }
    });
    const end = (ev: PointerEvent) => {
      if (!down || ev.pointerId !== down.id) return;
      if (dragging) suppressClick = true;
      down = null;
      dragging = false;
      s.classList.remove("tft-gr-dragging");
    };
    s.addEventListener("pointerup", end);
    s.addEventListener("pointercancel", end);
    s.addEventListener(
      "wheel",
      (ev) => {
        ev.preventDefault();
        const rect = s.getBoundingClientRect();
        const unit = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? 400 : 1;
        this.zoomBy(Math.exp(-ev.deltaY * unit * 0.0015), ev.clientX - rect.left, ev.clientY - rect.top);
      },
      { passive: false },
    );
    s.addEventListener("click", (ev) => {
      if (suppressClick) {
        suppressClick = false;
        return;
      }
      const target = ev.target instanceof Element ? ev.target.closest(".tft-gr-node") : null;
      const v = target ? this.nodeByEl.get(target) : undefined;
      if (v) this.onNodeClick(v);
    });
    if (typeof ResizeObserver !== "undefined") {
      let lastW = 0;
      let lastH = 0;
      const ro = new ResizeObserver(() => {
        const w = s.clientWidth;
        const h = s.clientHeight;
        if (!w || !h || (w === lastW && h === lastH)) return;
        const first = lastW === 0;
        lastW = w;
        lastH = h;
        // Drawn while hidden (or resized before any interaction): redo the view at the real size.
        requestAnimationFrame(() => {
          if (this.autoFit) this.fit(this.autoReadable);
          else if (first && this.selItem) this.panTo(this.vnodes[this.rep[this.selItem.idx]]);
        });
      });
      ro.observe(s);
    }
  }

  private onNodeClick(v: VNode): void {
    if (v.kind === "op" && v.item) {
      this.selItem = v.item;
      this.selId = v.id;
      this.applyClasses();
      this.showOpDetails(v.item);
      this.bus.select(v.item.name, "graph");
    } else if (v.kind === "scope" && v.scope) {
      this.expand(v.scope);
    } else if (v.kind === "open" && v.scope) {
      this.collapse(v.scope);
    } else if (v.kind === "more" && v.scope) {
      this.showMore(v.scope);
    }
  }
}

export function renderGraph(root: HTMLElement, data: Data, bus: SelectionBus): void {
  const view = new GraphView(root, data, bus);
  view.mount();
}
