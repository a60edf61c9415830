// Hit testing: from a point on the canvas (CSS px from its top-left) to the event under
// it (the row under the point, then the longest event covering the time there, or the
// nearest within 2 px) or to the lane whose name is under it in the label column.

import type { Layout } from "./layout";
import { firstReaching, type Index } from "./rows";
import { AXIS_H, LABEL_W, LANE_GAP, ROW_H } from "./style";
import type { View } from "./view";

export function eventAt(
  idx: Index,
  lay: Layout,
  dur: Uint32Array,
  view: View,
  scroller: HTMLElement,
  px: number,
  py: number,
): number {
  if (px < LABEL_W || py < AXIS_H) return -1;
  const { rowBegin, rStart, order, maxEnd } = idx;
  const nRows = idx.rowLane.length;
  const rowY = lay.rowY;
  const cy = py - AXIS_H + scroller.scrollTop;
  let row = -1;
  for (let r = 0; r < nRows; r++) {
    if (cy >= rowY[r] && cy < rowY[r] + ROW_H) {
      row = r;
      break;
    }
  }
  if (row < 0) return -1;
  const { t0, t1 } = view;
  const ppn = view.plotW() / (t1 - t0);
  const t = t0 + (px - LABEL_W) / ppn;
  const tol = 2 / ppn;
  const end = rowBegin[row + 1];
  let best = -1;
  let bestScore = -1;
  let k = firstReaching(maxEnd, rowBegin[row], end, t - tol);
  for (let scanned = 0; k < end && scanned < 20000; k++, scanned++) {
    const s = rStart[k];
    if (s > t + tol) break;
    const e = order[k];
    const d = dur[e];
    if (s + d < t - tol) continue;
    const score = (s <= t && t <= s + d ? 1e12 : 0) + d;
    if (score > bestScore) {
      bestScore = score;
      best = e;
    }
  }
  return best;
}

// the lane under a point of the label column (-1 if none)
export function laneAt(idx: Index, lay: Layout, scroller: HTMLElement, py: number): number {
  if (py < AXIS_H) return -1;
  const cy = py - AXIS_H + scroller.scrollTop;
  const laneY = lay.laneY;
  for (let l = 0; l < laneY.length; l++) {
    if (cy >= laneY[l] && cy < laneY[l] + idx.laneRows[l] * ROW_H + LANE_GAP) return l;
  }
  return -1;
}
