// Op graph view, model: the ops (Item), their name-scope tree (Scope) and dataflow
// edges, built either from a captured function graph of the payload or, without
// one, from the ops table (name-scope hierarchy only). Also picks the default
// graph and finds an op by name. No DOM here; collapse state lives in collapse.ts.

import type { Data, FunctionGraph, SourceLocation } from "../../payload";
import { sameOp } from "../../bus";
import { deviceKind } from "../../dom";

const MAX_DEPTH = 48; // deeper scope components stay in the op's label

export interface Item {
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
  source: SourceLocation | null; // the user line that created the op
  layer: string; // its Keras layer, "dense_1 (Dense)"
  placement: string; // how its device is known: runtime | measured | requested
  inputs: number[];
  outputs: number[];
  scope: Scope;
}

export interface Scope {
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

export type Entry = Item | Scope;

export interface Model {
  items: Item[];
  order: Item[];
  root: Scope;
  scopes: Scope[];
  edges: [number, number][];
  tree: boolean; // name-scope hierarchy fallback (no dataflow edges)
  byName: Map<string, Item>;
}

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

export function buildModel(items: Item[], edges: [number, number][], tree: boolean): Model {
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

// A location with something in it, else null.
function sourceOf(raw: unknown): SourceLocation | null {
  if (!raw || typeof raw !== "object") return null;
  const s = raw as SourceLocation;
  if (!s.file && !s.cell) return null;
  return { file: String(s.file || ""), line: Number(s.line) || 0, cell: s.cell ? String(s.cell) : null };
}

// A Keras layer as "dense_1 (Dense)" (or its name).
function layerOf(raw: unknown): string {
  if (!raw || typeof raw !== "object") return "";
  const l = raw as { name?: string; class?: string };
  if (!l.name) return "";
  return l.class ? `${l.name} (${l.class})` : String(l.name);
}

export function graphItems(graph: FunctionGraph): { items: Item[]; edges: [number, number][] } {
  const nodes = Array.isArray(graph.nodes) ? graph.nodes : [];
  const items: Item[] = nodes.map((n, idx) => {
    const name = String(n && n.name != null ? n.name : "");
    const us = Number(n && n.us) || 0;
    return {
      t: "o", idx, name, lower: name.toLowerCase(), op: String((n && n.op) || ""), device: String((n && n.device) || ""),
      devices: [], us, total: us, calls: 0, mode: "", kernels: Array.isArray(n && n.kernels) ? n.kernels.map(String) : [],
      dtype: String((n && n.dtype) || ""), shapes: Array.isArray(n && n.shapes) ? (n.shapes as string[]).map(String) : [],
      source: sourceOf(n && n.source), layer: layerOf(n && n.layer), placement: String((n && n.placement) || ""),
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

export function opsItems(data: Data): Item[] {
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
  const sourceFile = text("source_file");
  const sourceCell = text("source_cell");
  const sourceLine = num("source_line");
  const layerText = text("layer");
  for (let i = 0; i < table.count; i++) {
    const name = nameOf(i);
    const device = deviceOf(i);
    let entry = byName.get(name);
    if (!entry) {
      const item: Item = {
        t: "o", idx: items.length, name, lower: name.toLowerCase(), op: typeOf(i), device,
        devices: [], us: 0, total: 0, calls: 0, mode: modeOf(i), kernels: [], dtype: "", shapes: [],
        source: sourceOf({ file: sourceFile(i), line: sourceLine(i), cell: sourceCell(i) }), layer: layerText(i), placement: "",
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

// The graph shown first: the one with the most timed nodes, then the biggest.
export function defaultGraph(graphs: FunctionGraph[]): number {
  let best = 0;
  let bestTimed = -1;
  let bestSize = -1;
  graphs.forEach((g, i) => {
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

// An op by its exact name, else the first one that sameOp() matches.
export function findItem(m: Model | null, name: string): Item | null {
  if (!m) return null;
  const exact = m.byName.get(name);
  if (exact) return exact;
  for (const it of m.items) if (sameOp(it.name, name)) return it;
  return null;
}
