// The vertical layout: lanes grouped by device (host and device), each group a header
// band followed by its lanes, each lane its index rows plus a gap. Positions are in CSS
// px from the top of the scrolled content (the axis above it is not included).
//
// Order: the GPUs that ran something first (their streams, then the lines the profiler
// derives from them), then the host, then the rest. A group can be collapsed (its header
// only) and a lane compacted (its first row only); hidden rows and lanes get a position
// far above the content, so drawing and hit tests skip them. `relayOut` recomputes the
// positions in place (the draw and input code keep references to these arrays).

import type { Timeline } from "../../payload";
import { laneHasEventsIn, type Index } from "./rows";
import { GROUP_H, LANE_GAP, ROW_H } from "./style";

export const HIDDEN_Y = -1e9; // the position of a hidden row or lane

export interface Group {
  key: string; // host and device
  label: string;
  lanes: number[];
  y: number;
  collapsed: boolean;
}

export interface Layout {
  groups: Group[];
  laneY: Float64Array; // top of each lane (HIDDEN_Y when its group is collapsed)
  laneH: Float64Array; // height of each lane, its gap included (0 when hidden)
  laneShade: Uint8Array; // alternate lane backgrounds
  compact: Uint8Array; // 1: the lane shows its first row only
  rowY: Float64Array; // top of each index row (HIDDEN_Y when hidden)
  contentH: number;
  multiHost: boolean; // lanes from more than one host (hosts are then named)
}

// 0: a GPU that ran something (kernels or copies on a stream), 1: the host, 2: anything else.
function rank(tl: Timeline, lanes: number[]): number {
  const device = tl.lanes[lanes[0]].device || "";
  if (/GPU/i.test(device) && lanes.some((l) => !tl.lanes[l].derived)) return 0;
  if (/^\/host:/.test(device)) return 1;
  return 2;
}

export function layOut(tl: Timeline, idx: Index): Layout {
  const hosts = new Set(tl.lanes.map((l) => l.host));
  const multiHost = hosts.size > 1;
  const groups: Group[] = [];
  const groupByKey = new Map<string, Group>();
  tl.lanes.forEach((lane, l) => {
    const key = `${lane.host}\u0000${lane.device}`;
    let g = groupByKey.get(key);
    if (!g) {
      const device = lane.device || "(unknown device)";
      g = { key, label: multiHost ? `${lane.host} · ${device}` : device, lanes: [], y: 0, collapsed: false };
      groupByKey.set(key, g);
      groups.push(g);
    }
    g.lanes.push(l);
  });
  const order = groups.map((g, i) => ({ g, i, r: rank(tl, g.lanes) }));
  order.sort((a, b) => a.r - b.r || a.i - b.i);
  const sorted = order.map((o) => o.g);
  for (const g of sorted) {
    // streams before the derived lines (TensorFlow Ops, Name Scope, Steps), each in payload order
    g.lanes = g.lanes.filter((l) => !tl.lanes[l].derived).concat(g.lanes.filter((l) => tl.lanes[l].derived));
  }
  const n = tl.lanes.length;
  const lay: Layout = {
    groups: sorted, laneY: new Float64Array(n), laneH: new Float64Array(n), laneShade: new Uint8Array(n),
    compact: new Uint8Array(n), rowY: new Float64Array(idx.rowLane.length), contentH: 0, multiHost,
  };
  relayOut(lay, idx);
  return lay;
}

// Positions from the groups' collapsed and the lanes' compact state.
export function relayOut(lay: Layout, idx: Index): void {
  const { laneY, laneH, laneShade, compact } = lay;
  let contentH = 0;
  let shade = 0;
  for (const g of lay.groups) {
    g.y = contentH;
    contentH += GROUP_H;
    for (const l of g.lanes) {
      if (g.collapsed) {
        laneY[l] = HIDDEN_Y;
        laneH[l] = 0;
        continue;
      }
      laneY[l] = contentH;
      laneShade[l] = shade++ & 1;
      laneH[l] = (compact[l] ? 1 : idx.laneRows[l]) * ROW_H + LANE_GAP;
      contentH += laneH[l];
    }
  }
  const { rowLane, rowDepth } = idx;
  for (let r = 0; r < rowLane.length; r++) {
    const l = rowLane[r];
    const hidden = laneY[l] === HIDDEN_Y || (compact[l] && rowDepth[r] > 0);
    lay.rowY[r] = hidden ? HIDDEN_Y : laneY[l] + rowDepth[r] * ROW_H;
  }
  lay.contentH = contentH;
}

// The group whose header band is at content y `cy` (null if none).
export function groupAt(lay: Layout, cy: number): Group | null {
  for (const g of lay.groups) if (cy >= g.y && cy < g.y + GROUP_H) return g;
  return null;
}

// The lane at content y `cy` (-1 if none).
export function laneAtY(lay: Layout, cy: number): number {
  for (const g of lay.groups) {
    if (g.collapsed) continue;
    for (const l of g.lanes) if (cy >= lay.laneY[l] && cy < lay.laneY[l] + lay.laneH[l]) return l;
  }
  return -1;
}

// Fold what has nothing in the window [a, b) ns: devices with no event there collapse, lanes with
// none show one row, and so do the lines a GPU's profiler derives from its streams (name scopes
// nest eight deep; the streams say what ran). (The caller lays out again.)
export function foldIdle(lay: Layout, idx: Index, tl: Timeline, a: number, b: number): void {
  for (const g of lay.groups) {
    const busy = g.lanes.map((l) => laneHasEventsIn(idx, l, a, b));
    g.collapsed = !busy.some(Boolean);
    const gpu = rank(tl, g.lanes) === 0;
    g.lanes.forEach((l, i) => {
      lay.compact[l] = (!busy[i] || (gpu && tl.lanes[l].derived)) && idx.laneRows[l] > 1 ? 1 : 0;
    });
  }
}
