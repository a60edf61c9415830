// Op graph view, visible graph: turns the model and its collapse state into the
// boxes to draw (ops, collapsed scopes, open scope headers in the tree, "more"
// boxes) with their labels, tooltips and sizes, the edges between boxes
// (dataflow edges aggregated, or parent-child edges for the name-scope tree), and
// rep: for each op, the box that holds it.

import { fmtUs, deviceKind } from "../../dom";
import type { Entry, Item, Model, Scope } from "./model";
import { MORE_STEP, split } from "./collapse";
import { clip, lastPart, plural, textWidth } from "./text";

export const NODE_H = 34;
const LABEL_FONT = '11px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace';
const SUB_FONT = '10px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace';

export type VKind = "op" | "scope" | "open" | "more";

export interface VNode {
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

export interface VEdge {
  a: number;
  b: number;
  n: number;
}

export interface Visible {
  vnodes: VNode[];
  vedges: VEdge[];
  rep: Int32Array; // op idx -> index of its box in vnodes, -1 if none
}

export function computeVisible(m: Model): Visible {
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
    const { shown, rest } = split(s);
    for (const e of shown) {
      if (e.t === "o") {
        rep[e.idx] = push(opNode(e), parentV);
      } else if (e.expanded || (!m.tree && e.count === 1)) {
        if (m.tree) walk(e, push(scopeNode(e, "open"), parentV));
        else walk(e, -1);
      } else {
        assign(e, push(scopeNode(e, "scope"), parentV));
      }
    }
    if (rest.length) {
      const v = push(moreNode(s, rest), parentV);
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
  return { vnodes, vedges, rep };
}

function sized(v: VNode): VNode {
  const w1 = textWidth(v.label, LABEL_FONT, 6.7);
  const w2 = v.sub ? textWidth(v.sub, SUB_FONT, 6.1) : 0;
  v.w = Math.ceil(Math.max(56, w1, w2) + 16);
  v.h = v.sub ? NODE_H : 24;
  return v;
}

function blank(id: string, kind: VKind): VNode {
  return { id, kind, item: null, scope: null, rest: [], ops: 0, us: 0, device: "", label: "", sub: "", tip: "", w: 0, h: 0, x: 0, y: 0, g: null };
}

function opNode(item: Item): VNode {
  const v = blank(`o:${item.idx}`, "op");
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
  return sized(v);
}

function scopeNode(s: Scope, kind: "scope" | "open"): VNode {
  const v = blank(`s:${s.path}`, kind);
  v.scope = s;
  v.ops = s.count;
  v.us = s.us;
  v.device = s.kind;
  const name = clip(s.name || "(unnamed)", 26) + "/";
  v.label = kind === "scope" ? `${name} (${plural(s.count, "op")})` : `${name} ▾`;
  v.sub = kind === "scope" ? (s.us > 0 ? fmtUs(s.us) : "") : `${plural(s.count, "op")}${s.us > 0 ? ` · ${fmtUs(s.us)}` : ""}`;
  v.tip = `${s.path} (${plural(s.count, "op")}, ${fmtUs(s.us)})\n${kind === "scope" ? "click to expand" : "click to collapse"}`;
  return sized(v);
}

function moreNode(s: Scope, rest: Entry[]): VNode {
  const v = blank(`m:${s.path}`, "more");
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
  return sized(v);
}

