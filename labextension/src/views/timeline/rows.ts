// The row index of the events, built once at render (O(n)), and the searches on it.
//
// Every event gets a row inside its lane (first free row, so nested events sit under
// their parent; capped at MAX_ROWS rows, deeper events share the last row). Each
// (lane, row) is a contiguous run of `order` sorted by start, with a running maximum of
// end times (`maxEnd`), so the first event that can reach into the visible window is
// found by binary search (firstReaching) even when long and short events share a row.

import type { Timeline } from "../../payload";

const MAX_ROWS = 8; // displayed nesting rows per lane

export interface Index {
  total: number; // ns, end of the last event
  laneRows: Uint8Array; // displayed rows per lane
  rowLane: Uint16Array; // per global row
  rowDepth: Uint8Array;
  rowBegin: Uint32Array; // row r is order[rowBegin[r], rowBegin[r + 1])
  order: Uint32Array; // event ids, row by row, by start
  rStart: Float64Array; // start of order[k]
  maxEnd: Float64Array; // running max of end within the row, up to k
  laneRowBase: Uint32Array; // first row of each lane
}

// First free row per event (equal starts: longer first, so a parent sits above its child).
export function buildIndex(tl: Timeline): Index {
  const n = tl.count;
  const nLanes = tl.lanes.length;
  const { start, dur, laneOffsets } = tl;
  const seq = new Uint32Array(n);
  const rowOf = new Uint8Array(n);
  const laneRows = new Uint8Array(nLanes);
  const rowEnd = new Float64Array(MAX_ROWS);
  let total = 0;
  for (let l = 0; l < nLanes; l++) {
    const a = laneOffsets[l];
    const b = Math.min(laneOffsets[l + 1], n);
    for (let i = a; i < b; i++) seq[i] = i;
    for (let i = a; i < b; ) {
      let j = i + 1;
      while (j < b && start[j] === start[i]) j++;
      if (j - i > 1) seq.subarray(i, j).sort((x, y) => dur[y] - dur[x]);
      i = j;
    }
    rowEnd.fill(-Infinity);
    let used = 1;
    for (let k = a; k < b; k++) {
      const e = seq[k];
      const s = start[e];
      const end = s + dur[e];
      let r = 0;
      while (r < MAX_ROWS - 1 && rowEnd[r] > s) r++;
      if (r < MAX_ROWS - 1 || rowEnd[r] < end) rowEnd[r] = end;
      rowOf[e] = r;
      if (r + 1 > used) used = r + 1;
      if (end > total) total = end;
    }
    laneRows[l] = used;
  }
  const rowBase = new Uint32Array(nLanes + 1);
  for (let l = 0; l < nLanes; l++) rowBase[l + 1] = rowBase[l] + laneRows[l];
  const nRows = rowBase[nLanes];
  const rowLane = new Uint16Array(nRows);
  const rowDepth = new Uint8Array(nRows);
  for (let l = 0; l < nLanes; l++) {
    for (let r = 0; r < laneRows[l]; r++) {
      rowLane[rowBase[l] + r] = l;
      rowDepth[rowBase[l] + r] = r;
    }
  }
  const rowBegin = new Uint32Array(nRows + 1);
  for (let l = 0; l < nLanes; l++) {
    const b = Math.min(laneOffsets[l + 1], n);
    for (let i = laneOffsets[l]; i < b; i++) rowBegin[rowBase[l] + rowOf[i] + 1]++;
  }
  for (let r = 0; r < nRows; r++) rowBegin[r + 1] += rowBegin[r];
  const fill = rowBegin.slice(0, nRows);
  const order = new Uint32Array(n);
  const rStart = new Float64Array(n);
  const maxEnd = new Float64Array(n);
  for (let l = 0; l < nLanes; l++) {
    const b = Math.min(laneOffsets[l + 1], n);
    for (let k = laneOffsets[l]; k < b; k++) {
      const e = seq[k];
      const r = rowBase[l] + rowOf[e];
      const p = fill[r]++;
      const s = start[e];
      const end = s + dur[e];
      order[p] = e;
      rStart[p] = s;
      maxEnd[p] = p > rowBegin[r] && maxEnd[p - 1] > end ? maxEnd[p - 1] : end;
    }
  }
  const laneRowBase = new Uint32Array(nLanes);
  for (let r = nRows - 1; r >= 0; r--) laneRowBase[rowLane[r]] = r;
  return { total, laneRows, rowLane, rowDepth, rowBegin, order, rStart, maxEnd, laneRowBase };
}

// First position k in [a, b) whose running max end exceeds t (b if none).
export function firstReaching(maxEnd: Float64Array, a: number, b: number, t: number): number {
  let lo = a;
  let hi = b;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (maxEnd[mid] > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// Row of an event: where it sits in the row index (binary search on its start), -1 if none.
export function rowOfEvent(idx: Index, start: Float64Array, e: number, l: number): number {
  const { rowLane, rowBegin, rStart, order } = idx;
  const nRows = rowLane.length;
  for (let r = idx.laneRowBase[l]; r < nRows && rowLane[r] === l; r++) {
    const a = rowBegin[r];
    const b = rowBegin[r + 1];
    const s = start[e];
    let lo = a;
    let hi = b;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rStart[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < b && rStart[k] === s; k++) if (order[k] === e) return r;
  }
  return -1;
}

// Whether lane l has an event reaching into [a, b) ns.
export function laneHasEventsIn(idx: Index, l: number, a: number, b: number): boolean {
  const { rowLane, rowBegin, rStart, maxEnd } = idx;
  for (let r = idx.laneRowBase[l]; r < rowLane.length && rowLane[r] === l; r++) {
    const end = rowBegin[r + 1];
    const k = firstReaching(maxEnd, rowBegin[r], end, a);
    if (k < end && rStart[k] < b) return true;
  }
  return false;
}
