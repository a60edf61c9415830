// Op graph view, name-scope tree layout (the fallback without a dataflow graph): each
// open scope is a block with its header box at the top left and its children below,
// indented and wrapped into rows no wider than the target width (about the view's
// width), so a scope with 25 children is a few rows of boxes, not one row thousands
// of pixels wide that "Fit" would shrink to a sliver. Edges run down a rail at the
// left of each block and along the gap above each row to the child. No DOM.

import type { EdgePath } from "./layout";
import type { VEdge, VNode } from "./visible";

const GAP_X = 14; // between boxes in a row
const GAP_Y = 26; // between rows (the row's edge line runs in it)
const HEAD_GAP = 22; // from a header box to its first row
const INDENT = 26; // children start this far right of their header
const RAIL = 10; // the rail's distance from the header's left edge
const MARGIN = 20;
const MIN_TARGET = 420;

export interface TreeLayout {
  paths: EdgePath[];
  width: number;
  height: number;
}

interface Flow {
  rows: number[][];
  rowH: number[];
  w: number;
  h: number;
}

export function wrapTree(vnodes: VNode[], vedges: VEdge[], targetWidth: number): TreeLayout {
  const n = vnodes.length;
  const kids: number[][] = [];
  for (let i = 0; i < n; i++) kids.push([]);
  const hasParent = new Uint8Array(n);
  for (const e of vedges) {
    kids[e.a].push(e.b); // edges come in drawing order: heaviest child first
    hasParent[e.b] = 1;
  }
  const blockW = new Float64Array(n);
  const blockH = new Float64Array(n);
  const flows: (Flow | null)[] = new Array(n).fill(null);

  const flow = (items: number[], maxW: number): Flow => {
    const rows: number[][] = [];
    const rowH: number[] = [];
    let row: number[] = [];
    let x = 0;
    let w = 0;
    const close = () => {
      if (!row.length) return;
      rows.push(row);
      rowH.push(Math.max(...row.map((c) => blockH[c])));
      w = Math.max(w, x);
      row = [];
      x = 0;
    };
    for (const c of items) {
      if (row.length && x + GAP_X + blockW[c] > maxW) close();
      x += (row.length ? GAP_X : 0) + blockW[c];
      row.push(c);
    }
    close();
    const h = rowH.reduce((s, v) => s + v, 0) + GAP_Y * Math.max(0, rows.length - 1);
    return { rows, rowH, w, h };
  };

  // Block sizes bottom-up (iterative post-order: scope trees can be deep).
  const measureAll = (roots: number[], maxW: number): void => {
    const stack: [number, number, boolean][] = roots.map((r) => [r, maxW, false] as [number, number, boolean]);
    while (stack.length) {
      const [v, avail, done] = stack.pop() as [number, number, boolean];
      if (!kids[v].length) {
        blockW[v] = vnodes[v].w;
        blockH[v] = vnodes[v].h;
        continue;
      }
      if (!done) {
        stack.push([v, avail, true]);
        for (const c of kids[v]) stack.push([c, avail - INDENT, false]);
        continue;
      }
      let widest = 0;
      for (const c of kids[v]) widest = Math.max(widest, blockW[c]);
      const f = flow(kids[v], Math.max(avail - INDENT, widest));
      flows[v] = f;
      blockW[v] = Math.max(vnodes[v].w, INDENT + f.w);
      blockH[v] = vnodes[v].h + HEAD_GAP + f.h;
    }
  };

  const roots: number[] = [];
  for (let i = 0; i < n; i++) if (!hasParent[i]) roots.push(i);
  const target = Math.max(MIN_TARGET, targetWidth - 2 * MARGIN);
  measureAll(roots, target);
  let widestRoot = 0;
  for (const r of roots) widestRoot = Math.max(widestRoot, blockW[r]);
  const top = flow(roots, Math.max(target, widestRoot));

  // Place blocks top-down: a box's x, y are its centre.
  const rowTop = new Float64Array(n); // top of the row a box sits in
  const placeRows = (f: Flow, left: number, y0: number, queue: [number, number, number][]) => {
    let y = y0;
    f.rows.forEach((row, r) => {
      let x = left;
      for (const c of row) {
        queue.push([c, x, y]);
        x += blockW[c] + GAP_X;
      }
      y += f.rowH[r] + GAP_Y;
    });
  };
  const queue: [number, number, number][] = [];
  placeRows(top, MARGIN, MARGIN, queue);
  while (queue.length) {
    const [v, left, y] = queue.pop() as [number, number, number];
    const node = vnodes[v];
    node.x = left + node.w / 2;
    node.y = y + node.h / 2;
    rowTop[v] = y;
    const f = flows[v];
    if (f) placeRows(f, left + INDENT, y + node.h + HEAD_GAP, queue);
  }

  const fx = (x: number) => x.toFixed(1);
  const paths: EdgePath[] = vedges.map((e) => {
    const p = vnodes[e.a];
    const c = vnodes[e.b];
    const rail = p.x - p.w / 2 + RAIL;
    const lineY = rowTop[e.b] - Math.min(GAP_Y, HEAD_GAP) / 2;
    const d = `M${fx(rail)},${fx(p.y + p.h / 2)} V${fx(lineY)} H${fx(c.x)} V${fx(c.y - c.h / 2)}`;
    return { d, long: false };
  });
  return { paths, width: Math.max(top.w, widestRoot) + 2 * MARGIN, height: top.h + 2 * MARGIN };
}
