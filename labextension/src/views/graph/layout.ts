// Op graph view, layout: places the visible boxes (sets their x, y) with dagre on
// the ranks from rank.ts, falls back to rows by rank if dagre fails, and routes every
// edge as an SVG path (dagre's bends smoothed, or a curve for long and cycle-closing
// edges). The name-scope tree (no dataflow graph) is laid out in wrapped rows by
// wrap.ts instead. No DOM.

import dagre from "@dagrejs/dagre";
import { rankNodes } from "./rank";
import { NODE_H } from "./visible";
import type { VEdge, VNode } from "./visible";
import { wrapTree } from "./wrap";

const RANK_SEP = 40;
const MAX_SPAN = 6; // edges spanning more ranks are drawn as curves outside dagre
const ORDER_WORK = 900; // above this many layout nodes (with bends) skip dagre's extra ordering sweeps

export interface EdgePath {
  d: string;
  long: boolean;
}

export interface Layout {
  paths: EdgePath[]; // one per edge, in the order of the edges
  width: number;
  height: number;
  work: number; // layout nodes given to dagre, bends included
}

// targetWidth: about the view's width, the name-scope tree's rows wrap there.
export function layoutGraph(vnodes: VNode[], vedges: VEdge[], tree: boolean, targetWidth = 1000): Layout {
  const n = vnodes.length;
  if (tree) return { ...wrapTree(vnodes, vedges, targetWidth), work: n };
  const { rank, back } = rankNodes(n, vedges);
  // Short downward edges go to dagre; long and cycle-closing ones are drawn as
  // curves afterwards (their dummy chains would dominate dagre's time).
  const given: boolean[] = vedges.map((e, i) => !back[i] && rank[e.b] - rank[e.a] >= 1 && rank[e.b] - rank[e.a] <= MAX_SPAN);
  let work = n;
  vedges.forEach((e, i) => {
    if (given[i]) work += 2 * (rank[e.b] - rank[e.a]);
  });
  const g = new dagre.graphlib.Graph();
  // Ranks are doubled like dagre's own (the odd ranks hold edge bends).
  g.setGraph({ rankdir: "TB", nodesep: 14, ranksep: RANK_SEP, edgesep: 8, marginx: 20, marginy: 20, ranker: "none" });
  g.setDefaultEdgeLabel(() => ({}));
  vnodes.forEach((v, i) => g.setNode(String(i), { width: v.w, height: v.h, rank: rank[i] * 2 }));
  vedges.forEach((e, i) => {
    if (given[i]) g.setEdge(String(e.a), String(e.b), { weight: e.n > 1 ? 2 : 1, labelpos: "c" });
  });
  let ok = true;
  try {
    dagre.layout(g, { disableOptimalOrderHeuristic: work > ORDER_WORK });
  } catch {
    ok = false;
  }
  let width: number;
  let height: number;
  if (ok) {
    vnodes.forEach((v, i) => {
      const node = g.node(String(i));
      v.x = node && typeof node.x === "number" && isFinite(node.x) ? node.x : 0;
      v.y = node && typeof node.y === "number" && isFinite(node.y) ? node.y : 0;
    });
    const gl = g.graph() as { width?: number; height?: number };
    width = gl.width || 0;
    height = gl.height || 0;
  } else {
    ({ width, height } = gridLayout(vnodes, rank));
  }
  const paths: EdgePath[] = vedges.map((e, i) => {
    if (ok && given[i]) {
      const lbl = g.edge(String(e.a), String(e.b)) as { points?: { x: number; y: number }[] } | undefined;
      const d = lbl && Array.isArray(lbl.points) ? smoothPath(lbl.points) : "";
      if (d) return { d, long: false };
    }
    return { d: curve(vnodes[e.a], vnodes[e.b]), long: true };
  });
  return { paths, width, height, work };
}

// Only if dagre fails: rows by rank.
function gridLayout(vnodes: VNode[], rank: Int32Array): { width: number; height: number } {
  const xs: number[] = [];
  let maxW = 0;
  let maxRank = 0;
  vnodes.forEach((v, i) => {
    const r = rank[i];
    maxRank = Math.max(maxRank, r);
    const x = xs[r] || 20;
    v.x = x + v.w / 2;
    v.y = 20 + r * (NODE_H + RANK_SEP) + NODE_H / 2;
    xs[r] = x + v.w + 14;
    maxW = Math.max(maxW, xs[r]);
  });
  return { width: maxW + 20, height: 40 + (maxRank + 1) * (NODE_H + RANK_SEP) };
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

// Long edges: a vertical S-curve from the bottom of a to the top of b; edges going
// up (cycles) loop out on the right.
function curve(a: VNode, b: VNode): string {
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
