// The vertical layout: lanes grouped by device (host and device), each group a header
// band followed by its lanes, each lane its index rows plus a gap. Positions are in CSS
// px from the top of the scrolled content (the axis above it is not included).

import type { Timeline } from "../../payload";
import type { Index } from "./rows";
import { GROUP_H, LANE_GAP, ROW_H } from "./style";

export interface Group {
  label: string;
  lanes: number[];
  y: number;
}

export interface Layout {
  groups: Group[];
  laneY: Float64Array; // top of each lane
  laneShade: Uint8Array; // alternate lane backgrounds
  rowY: Float64Array; // top of each index row
  contentH: number;
  multiHost: boolean; // lanes from more than one host (hosts are then named)
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
      g = { label: multiHost ? `${lane.host} · ${device}` : device, lanes: [], y: 0 };
      groupByKey.set(key, g);
      groups.push(g);
    }
    g.lanes.push(l);
  });
  const laneY = new Float64Array(tl.lanes.length);
  const laneShade = new Uint8Array(tl.lanes.length);
  let contentH = 0;
  let shade = 0;
  for (const g of groups) {
    g.y = contentH;
    contentH += GROUP_H;
    for (const l of g.lanes) {
      laneY[l] = contentH;
      laneShade[l] = shade++ & 1;
      contentH += idx.laneRows[l] * ROW_H + LANE_GAP;
    }
  }
  const { rowLane, rowDepth } = idx;
  const nRows = rowLane.length;
  const rowY = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) rowY[r] = laneY[rowLane[r]] + rowDepth[r] * ROW_H;
  return { groups, laneY, laneShade, rowY, contentH, multiHost };
}
