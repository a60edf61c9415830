// The timeline: one block of rows per lane (host thread, GPU stream, derived line),
// grouped by device, drawn on a canvas with level of detail so that 10^6 events pan
// and zoom interactively. Names are drawn with fillText or set with textContent only.
//
// Index built once at render (O(n)): every event gets a row inside its lane (first
// free row, so nested events sit under their parent; capped at MAX_ROWS rows, deeper
// events share the last row). Each (lane, row) is a contiguous run of `order` sorted
// by start, with a running maximum of end times (`maxEnd`), so the first event that can
// reach into the visible window is found by binary search even when long and short
// events share a row. Each visible row is painted as one strip of device pixels (events
// narrower than a pixel merge into one pixel per column, coloured by the longest event
// there) and stretched to the row's height with one drawImage; only labels and
// selection outlines are canvas shapes, so a redraw costs one pass over the visible
// events plus a few hundred canvas calls.

import type { SelectionBus } from "../bus";
import { sameOp } from "../bus";
import { colorFor, el, fmtUs, markReady, resizeCanvas, widthOf } from "../dom";
import type { Data, Timeline } from "../payload";

const ROW_H = 16; // one nesting row
const LANE_GAP = 4; // below each lane
const GROUP_H = 20; // device header
const AXIS_H = 24;
const LABEL_W = 200; // lane names column
const MAX_ROWS = 8; // displayed nesting rows per lane
const MAX_VIEW_H = 640;
const MIN_SPAN_NS = 100;
const TEXT_MIN_W = 28; // label events at least this wide (CSS px)
const FONT = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const BOLD_FONT = "600 11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const HIGHLIGHT = "#e8175d";

export const TIMELINE_CSS = `
.tft-tl { position: relative; font-size: 12px; }
.tft-tl-bar { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; margin: 0 0 6px; }
.tft-tl-btn { font: inherit; padding: 1px 8px; min-width: 28px; border: 1px solid var(--tft-border, #c8ced6);
  background: #f7f8fa; border-radius: 3px; cursor: pointer; color: inherit; }
.tft-tl-btn:hover { background: #eceff3; }
.tft-tl-range { color: var(--tft-muted, #667085); font-variant-numeric: tabular-nums; }
.tft-tl-note { color: #7a4d00; background: var(--tft-warn-bg, #fff7e8); border: 1px solid #f0d48a;
  border-radius: 3px; padding: 0 6px; }
.tft-tl-hint { color: var(--tft-muted, #667085); margin-left: auto; font-size: 11px; }
.tft-tl-scroll { position: relative; overflow-x: hidden; overflow-y: auto; border: 1px solid var(--tft-border, #d0d5dc); }
.tft-tl-canvas { display: block; position: sticky; top: 0; left: 0; cursor: grab; outline: none; touch-action: none; }
.tft-tl-canvas.tft-tl-dragging { cursor: grabbing; }
.tft-tl-tip { position: absolute; z-index: 20; pointer-events: none; display: none; max-width: 520px;
  background: rgba(255, 255, 255, 0.97); border: 1px solid #b8bec8; border-radius: 3px;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15); padding: 4px 7px; font-size: 11px; line-height: 1.4;
  overflow-wrap: anywhere; white-space: pre-wrap; }
.tft-tl-tip-name { font-weight: 600; margin-bottom: 2px; }
.tft-tl-tip-k { color: var(--tft-muted, #667085); }
.tft-tl-empty { color: var(--tft-muted, #667085); padding: 12px 4px; font-style: italic; }
`;

export interface TimelineApi {
  pan(dxPx: number): number;
  zoom(factor: number, atPx?: number): number;
  range(): [number, number];
}

interface Index {
  total: number; // ns, end of the last event
  laneRows: Uint8Array; // displayed rows per lane
  rowLane: Uint16Array; // per global row
  rowDepth: Uint8Array;
  rowBegin: Uint32Array; // row r is order[rowBegin[r], rowBegin[r + 1])
  order: Uint32Array; // event ids, row by row, by start
  rStart: Float64Array; // start of order[k]
  maxEnd: Float64Array; // running max of end within the row, up to k
}

// First free row per event (equal starts: longer first, so a parent sits above its child).
function buildIndex(tl: Timeline): Index {
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
  return { total, laneRows, rowLane, rowDepth, rowBegin, order, rStart, maxEnd };
}

// First position k in [a, b) whose running max end exceeds t (b if none).
function firstReaching(maxEnd: Float64Array, a: number, b: number, t: number): number {
  let lo = a;
  let hi = b;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (maxEnd[mid] > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function niceStep(raw: number): number {
  if (!(raw > 0) || !isFinite(raw)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

// An event "scope/op:Type" is the op "scope/op"; C++ names ("a::b") only match exactly.
function matchesSelection(eventName: string, selected: string): boolean {
  if (eventName === selected) return true;
  if (eventName.includes("::") || selected.includes("::")) return false;
  return sameOp(eventName.split(":")[0], selected);
}

// Colours and level-of-detail scanning. Per string id: palette index of its colour, of
// its dimmed colour, and whether it matches the selection (computed lazily, cached).
// Events narrower than a pixel become one pixel per column per row in `pixels` (RGBA,
// drawn with drawImage); events to label or outline go to `wide` as [x, y, w, palette, name id, hit].
class Painter {
  readonly palette: string[] = [];
  rgba = new Uint32Array(64);
  private readonly paletteIndex = new Map<string, number>();
  private readonly probe: CanvasRenderingContext2D | null;
  readonly colorIdx: Int32Array;
  readonly dimIdx: Int32Array;
  match: Int8Array;
  selected: string | null = null;
  readonly HL: number;
  pixels = new Uint32Array(0);
  wide = new Float64Array(6 * 1024);
  nWide = 0;
  // per frame
  t0 = 0;
  t1 = 1;
  ppn = 1;
  plotW = 1;

  constructor(
    private readonly strings: string[],
    private readonly rStart: Float64Array,
    private readonly order: Uint32Array,
    private readonly maxEnd: Float64Array,
    private readonly dur: Uint32Array,
    private readonly names: Int32Array,
  ) {
    this.probe = document.createElement("canvas").getContext("2d");
    this.colorIdx = new Int32Array(strings.length).fill(-1);
    this.dimIdx = new Int32Array(strings.length).fill(-1);
    this.match = new Int8Array(strings.length).fill(-1);
    this.HL = this.paletteOf(HIGHLIGHT);
  }

  paletteOf(color: string): number {
    let i = this.paletteIndex.get(color);
    if (i !== undefined) return i;
    i = this.palette.length;
    this.palette.push(color);
    this.paletteIndex.set(color, i);
    if (i >= this.rgba.length) {
      const grown = new Uint32Array(this.rgba.length * 2);
      grown.set(this.rgba);
      this.rgba = grown;
    }
    this.rgba[i] = this.toRgba(color);
    return i;
  }

  // A CSS colour as a little/big-endian RGBA pixel, normalised by a canvas context.
  private toRgba(color: string): number {
    let r = 128;
    let g = 128;
    let b = 128;
    if (this.probe) {
      this.probe.fillStyle = "#808080";
      this.probe.fillStyle = color;
      const norm = String(this.probe.fillStyle);
      const hex = /^#([0-9a-f]{6})$/i.exec(norm);
      const fn = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(norm);
      if (hex) {
        const n = parseInt(hex[1], 16);
        r = (n >> 16) & 255;
        g = (n >> 8) & 255;
        b = n & 255;
      } else if (fn) {
        r = Number(fn[1]);
        g = Number(fn[2]);
        b = Number(fn[3]);
      }
    }
    return LITTLE_ENDIAN ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
  }

  base(id: number): number {
    let c = this.colorIdx[id];
    if (c < 0) c = this.colorIdx[id] = this.paletteOf(colorFor(this.strings[id] ?? ""));
    return c;
  }

  dim(id: number): number {
    let c = this.dimIdx[id];
    if (c < 0) c = this.dimIdx[id] = this.paletteOf(colorFor(this.strings[id] ?? "", 12, 86));
    return c;
  }

  hit(id: number): number {
    let m = this.match[id];
    if (m < 0) m = this.match[id] = this.selected !== null && matchesSelection(this.strings[id] ?? "", this.selected) ? 1 : 0;
    return m;
  }

  select(name: string | null): void {
    this.selected = name;
    this.match.fill(-1);
  }

  private pushWide(x: number, y: number, w: number, ci: number, id: number, hit: number): void {
    let o = this.nWide * 6;
    if (o + 6 > this.wide.length) {
      const grown = new Float64Array(this.wide.length * 2);
      grown.set(this.wide);
      this.wide = grown;
    }
    const a = this.wide;
    a[o++] = x;
    a[o++] = y;
    a[o++] = w;
    a[o++] = ci;
    a[o++] = id;
    a[o] = hit;
    this.nWide++;
  }

  // Runs scanRow over a few events of each row in every mode (narrow/wide, with and
  // without a selection, matching or not), so the optimised code covers all paths and
  // the first redraw after a selection or a deep zoom is not a slow deoptimised one.
  warmUp(rowBegin: Uint32Array, total: number): void {
    const saved = this.pixels;
    const width = 256;
    this.pixels = new Uint32Array(width);
    this.plotW = width;
    const nRows = rowBegin.length - 1;
    const firstName = this.names.length ? this.strings[this.names[this.order[0]]] ?? "" : "";
    for (const selection of [null, firstName, "\u0000"]) {
      this.select(selection);
      for (const span of [total, total / 1e3, total / 1e6]) {
        this.t0 = 0;
        this.t1 = Math.max(span, 1);
        this.ppn = width / this.t1;
        for (let r = 0; r < nRows; r++) {
          this.nWide = 0;
          this.scanRow(rowBegin[r], Math.min(rowBegin[r + 1], rowBegin[r] + 256), 0, 0, 16);
        }
      }
    }
    this.select(null);
    this.nWide = 0;
    this.pixels = saved;
  }

  // Events of order[a, b) in the window [t0, t1] as pixels of one strip (x in device px
  // from the plot's left). Sub-pixel events: one pixel per column, coloured by the longest
  // event in it (or the highlight if any matches). Labels and outlines go to `wide`.
  scanRow(a: number, b: number, rowOff: number, y: number, labelMinW: number): void {
    const { rStart, order, dur, names, pixels, t0, t1, ppn, plotW } = this;
    const colorIdx = this.colorIdx;
    const dimIdx = this.dimIdx;
    const match = this.match;
    const sel = this.selected !== null;
    const last = plotW - 1;
    let col = -1;
    let colDur = -1;
    let colName = 0;
    let colHit = 0;
    for (let k = firstReaching(this.maxEnd, a, b, t0); k < b; k++) {
      const s = rStart[k];
      if (s > t1) break;
      const e = order[k];
      const d = dur[e];
      if (s + d < t0) continue;
      const id = names[e];
      let hit = 0;
      if (sel) {
        hit = match[id];
        if (hit < 0) hit = this.hit(id);
      }
      const x = (s - t0) * ppn;
      const w = d * ppn;
      if (w < 1) {
        let c = x <= 0 ? 0 : x | 0;
        if (c > last) c = last;
        if (c === col) {
          if (d > colDur) {
            colDur = d;
            colName = id;
          }
          colHit |= hit;
          continue;
        }
        if (col >= 0) {
          let ci = colHit ? this.HL : sel ? dimIdx[colName] : colorIdx[colName];
          if (ci < 0) ci = sel ? this.dim(colName) : this.base(colName);
          pixels[rowOff + col] = this.rgba[ci];
        }
        col = c;
        colDur = d;
        colName = id;
        colHit = hit;
        continue;
      }
      if (col >= 0) {
        let ci = colHit ? this.HL : sel ? dimIdx[colName] : colorIdx[colName];
        if (ci < 0) ci = sel ? this.dim(colName) : this.base(colName);
        pixels[rowOff + col] = this.rgba[ci];
        col = -1;
      }
      let ci = sel && !hit ? dimIdx[id] : colorIdx[id];
      if (ci < 0) ci = sel && !hit ? this.dim(id) : this.base(id);
      const xa = x <= 0 ? 0 : x | 0;
      const xe = x + w;
      let xb = xe >= plotW ? plotW : xe | 0;
      if (w >= 3 && xb < plotW && xb - xa > 1) xb--; // a one-pixel gap between neighbours
      if (xb <= xa) xb = xa + 1;
      pixels.fill(this.rgba[ci], rowOff + xa, rowOff + xb);
      if ((hit && w >= 3) || xb - xa >= labelMinW) this.pushWide(xa, y, xb - xa, ci, id, hit);
    }
    if (col >= 0) {
      let ci = colHit ? this.HL : sel ? dimIdx[colName] : colorIdx[colName];
      if (ci < 0) ci = sel ? this.dim(colName) : this.base(colName);
      pixels[rowOff + col] = this.rgba[ci];
    }
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function renderTimeline(root: HTMLElement, data: Data, bus: SelectionBus): void {
  const tl = data.timeline;
  const strings = data.strings;
  const box = el("div", { class: "tft-tl" });
  box.style.position = "relative";
  root.replaceChildren(box);

  const bar = el("div", { class: "tft-tl-bar" });
  box.append(bar);
  if (tl.dropped > 0) {
    bar.append(
      el("span", { class: "tft-tl-note" }, [
        `${tl.dropped.toLocaleString()} shorter events (< ${fmtUs(tl.minKeptNs / 1000)}) not included`,
      ]),
    );
  }

  const api: TimelineApi = { pan: () => 0, zoom: () => 0, range: () => [0, 0] };
  (root as unknown as { tftraceTimeline: TimelineApi }).tftraceTimeline = api;

  if (!tl.count || !tl.lanes.length) {
    box.append(el("div", { class: "tft-tl-empty" }, ["No timeline events in this profile."]));
    markReady(root);
    return;
  }

  const idx = buildIndex(tl);
  const { rowLane, rowDepth, rowBegin, order, rStart, maxEnd } = idx;
  const nRows = rowLane.length;
  const dur = tl.dur;
  const total = Math.max(idx.total, 1);

  // ---- vertical layout: device groups, then their lanes
  const hosts = new Set(tl.lanes.map((l) => l.host));
  const groups: { label: string; lanes: number[]; y: number }[] = [];
  const groupByKey = new Map<string, { label: string; lanes: number[]; y: number }>();
  tl.lanes.forEach((lane, l) => {
    const key = `${lane.host}\u0000${lane.device}`;
    let g = groupByKey.get(key);
    if (!g) {
      const device = lane.device || "(unknown device)";
      g = { label: hosts.size > 1 ? `${lane.host} · ${device}` : device, lanes: [], y: 0 };
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
  const laneRowBase = new Uint32Array(tl.lanes.length);
  for (let r = nRows - 1; r >= 0; r--) laneRowBase[rowLane[r]] = r;
  const rowY = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) rowY[r] = laneY[rowLane[r]] + rowDepth[r] * ROW_H;

  // ---- colours and selection (ids outside the string table read as one "?" name)
  let names = tl.name;
  let strs = strings;
  for (let i = 0; i < tl.count; i++) {
    const id = names[i];
    if (!(id >= 0 && id < strings.length)) {
      strs = strings.concat(["?"]);
      names = names.map((v) => (v >= 0 && v < strings.length ? v : strings.length));
      break;
    }
  }
  const nameStr = (id: number): string => strs[id] ?? "";
  const painter = new Painter(strs, rStart, order, maxEnd, dur, names);
  painter.warmUp(rowBegin, total);
  painter.select(bus.selected);
  const textWidth = new Float32Array(strs.length).fill(-1);
  const lod = document.createElement("canvas");
  const lodCtx = lod.getContext("2d");
  let lodImage: ImageData | null = null;

  // ---- DOM
  const btn = (label: string, title: string, action: () => void) => {
    const b = el("button", { class: "tft-tl-btn", type: "button", title }, [label]);
    b.addEventListener("click", action);
    return b;
  };
  const rangeLabel = el("span", { class: "tft-tl-range" });
  bar.prepend(
    btn("+", "Zoom in", () => zoomBy(1.6)),
    btn("\u2212", "Zoom out", () => zoomBy(1 / 1.6)),
    btn("Reset", "Show the whole trace", () => reset()),
    rangeLabel,
  );
  bar.append(el("span", { class: "tft-tl-hint" }, ["drag to pan · wheel to zoom · shift+wheel to scroll · click selects"]));
  const scroller = el("div", { class: "tft-tl-scroll" });
  scroller.style.position = "relative";
  scroller.style.overflowX = "hidden";
  scroller.style.overflowY = "auto";
  const canvas = el("canvas", { class: "tft-tl-canvas", tabindex: "0" });
  canvas.style.display = "block";
  canvas.style.position = "sticky";
  canvas.style.top = "0";
  const spacer = el("div");
  scroller.append(canvas, spacer);
  const tip = el("div", { class: "tft-tl-tip" });
  tip.style.position = "absolute";
  tip.style.display = "none";
  tip.style.pointerEvents = "none";
  box.append(scroller, tip);
  const ctx = canvas.getContext("2d");

  // ---- view state
  const margin = total * 0.01;
  let t0 = -margin;
  let t1 = total + margin;
  let cssW = 0;
  let viewH = 0;
  let dpr = 1;
  let hoverEvent = -1;

  const plotW = () => Math.max(cssW - LABEL_W, 10);
  const clampView = () => {
    const maxSpan = total + 2 * margin;
    let span = Math.min(Math.max(t1 - t0, MIN_SPAN_NS), maxSpan);
    const lo = -margin;
    const hi = total + margin;
    let a = t0;
    if (a < lo) a = lo;
    if (a + span > hi) a = hi - span;
    if (!isFinite(a) || !isFinite(span)) {
      a = lo;
      span = maxSpan;
    }
    t0 = a;
    t1 = a + span;
  };

  const h0 = Math.min(AXIS_H + contentH, MAX_VIEW_H);
  scroller.style.height = `${h0}px`;
  spacer.style.height = `${Math.max(AXIS_H + contentH - h0, 0)}px`;
  const layout = (): boolean => {
    // the scroller's height (and so its scrollbar) is fixed first, then its inner width is read
    const w = Math.max(Math.floor(scroller.clientWidth || widthOf(root)), LABEL_W + 120);
    const h = h0;
    const ratio = window.devicePixelRatio || 1;
    if (w === cssW && h === viewH && ratio === dpr) return false;
    cssW = w;
    viewH = h;
    dpr = ratio;
    resizeCanvas(canvas, w, h, ratio);
    return true;
  };

  const fitText = (c: CanvasRenderingContext2D, id: number, avail: number): string | null => {
    const name = nameStr(id);
    if (!name) return null;
    let full = textWidth[id];
    if (full < 0) full = textWidth[id] = c.measureText(name).width;
    if (full <= avail) return name;
    const chars = Math.floor((0.9 * name.length * (avail - 8)) / full) - 1;
    return chars >= 2 ? name.slice(0, chars) + "\u2026" : null;
  };

  const draw = (): number => {
    const began = performance.now();
    if (!ctx) return 0;
    const scrollTop = scroller.scrollTop;
    const W = cssW;
    const H = viewH;
    const X0 = LABEL_W;
    const ppn = plotW() / (t1 - t0); // px per ns
    const sel = painter.selected !== null;
    // a full clear with the identity transform lets the browser drop the previous frame's
    // recorded commands (else many synchronous redraws pile up and flush in one long stall)
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, H);

    // lane backgrounds and device headers
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, AXIS_H, W, H - AXIS_H);
    ctx.clip();
    for (const g of groups) {
      const gy = AXIS_H + g.y - scrollTop;
      if (gy > H) break;
      if (gy + GROUP_H >= AXIS_H) {
        ctx.fillStyle = "#e9eef5";
        ctx.fillRect(0, gy, W, GROUP_H);
      }
      for (const l of g.lanes) {
        const ly = AXIS_H + laneY[l] - scrollTop;
        const lh = idx.laneRows[l] * ROW_H + LANE_GAP;
        if (ly > H || ly + lh < AXIS_H) continue;
        ctx.fillStyle = laneShade[l] ? "#f6f7f9" : "#fff";
        ctx.fillRect(0, ly, W, lh);
      }
    }

    // grid
    const step = niceStep(90 / ppn);
    const firstTick = Math.ceil(t0 / step) * step;
    ctx.fillStyle = "#e6e8ec";
    for (let t = firstTick, i = 0; t <= t1 && i < 200; t += step, i++) {
      const x = Math.round(X0 + (t - t0) * ppn) + 0.5;
      ctx.fillRect(x - 0.5, AXIS_H, 1, H - AXIS_H);
    }

    // events: every row is a strip of device pixels in an offscreen canvas, stretched to the
    // row's height with drawImage; only outlines and labels are drawn as canvas shapes
    ctx.beginPath();
    ctx.rect(X0, AXIS_H, W - X0, H - AXIS_H);
    ctx.clip();
    const pwCss = Math.max(W - X0, 1);
    const pw = Math.max(Math.round(pwCss * dpr), 1);
    const visible: number[] = [];
    for (let r = 0; r < nRows; r++) {
      const y = AXIS_H + rowY[r] - scrollTop;
      if (y + ROW_H >= AXIS_H && y <= H) visible.push(r);
    }
    const nVis = Math.max(visible.length, 1);
    if (!lodImage || lodImage.width !== pw || lodImage.height < nVis) {
      lodImage = new ImageData(pw, Math.max(nVis, 8));
      lod.width = pw;
      lod.height = lodImage.height;
    }
    const pixels = new Uint32Array(lodImage.data.buffer);
    pixels.fill(0, 0, pw * nVis);
    painter.pixels = pixels;
    painter.t0 = t0;
    painter.t1 = t1;
    painter.ppn = ppn * dpr;
    painter.plotW = pw;
    painter.nWide = 0;
    const h = ROW_H - 1;
    const labelMinW = TEXT_MIN_W * dpr;
    for (let v = 0; v < visible.length; v++) {
      const r = visible[v];
      painter.scanRow(rowBegin[r], rowBegin[r + 1], v * pw, AXIS_H + rowY[r] - scrollTop, labelMinW);
    }
    if (lodCtx && visible.length) {
      lodCtx.putImageData(lodImage, 0, 0, 0, 0, pw, nVis);
      ctx.imageSmoothingEnabled = false;
      for (let v = 0; v < visible.length; v++) {
        ctx.drawImage(lod, 0, v, pw, 1, X0, AXIS_H + rowY[visible[v]] - scrollTop, pwCss, h);
      }
    }
    const texts: number[] = [];
    const wide = painter.wide;
    let outlined = false;
    ctx.beginPath();
    for (let j = 0, o = 0; j < painter.nWide; j++, o += 6) {
      const xa = X0 + wide[o] / dpr;
      const y = wide[o + 1];
      const bw = wide[o + 2] / dpr;
      const hit = wide[o + 5];
      if (hit && bw >= 3) {
        ctx.rect(xa + 1, y + 1, bw - 2, h - 2);
        outlined = true;
      }
      if (bw >= TEXT_MIN_W) texts.push(xa, y, bw, wide[o + 4], sel && !hit ? 1 : 0);
    }
    if (outlined) {
      ctx.strokeStyle = HIGHLIGHT;
      ctx.lineWidth = 2;
      ctx.stroke();
    }
    if (texts.length) {
      ctx.font = FONT;
      ctx.textBaseline = "middle";
      for (let j = 0; j < texts.length; j += 5) {
        const label = fitText(ctx, texts[j + 3], texts[j + 2] - 6);
        if (label === null) continue;
        ctx.fillStyle = texts[j + 4] ? "#8b929c" : "#14171c";
        ctx.fillText(label, texts[j] + 3, texts[j + 1] + h / 2 + 0.5);
      }
    }
    if (hoverEvent >= 0) {
      const l = tl.lane[hoverEvent];
      const r = rowOfEvent(hoverEvent, l);
      if (r >= 0) {
        const x = X0 + (tl.start[hoverEvent] - t0) * ppn;
        const w = Math.max(dur[hoverEvent] * ppn, 1);
        ctx.strokeStyle = "#111";
        ctx.lineWidth = 1;
        ctx.strokeRect(Math.max(x, X0 - 2) + 0.5, AXIS_H + rowY[r] - scrollTop + 0.5, Math.min(w, W + 4) - 1, h - 1);
      }
    }
    ctx.restore();

    // label column
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, AXIS_H, X0, H - AXIS_H);
    ctx.clip();
    ctx.textBaseline = "middle";
    for (const g of groups) {
      const gy = AXIS_H + g.y - scrollTop;
      if (gy > H) break;
      if (gy + GROUP_H >= AXIS_H) {
        ctx.fillStyle = "#e9eef5";
        ctx.fillRect(0, gy, X0, GROUP_H);
        ctx.font = BOLD_FONT;
        ctx.fillStyle = "#1d2433";
        ctx.fillText(ellipsize(ctx, g.label, X0 - 12), 6, gy + GROUP_H / 2 + 0.5);
      }
      ctx.font = FONT;
      for (const l of g.lanes) {
        const ly = AXIS_H + laneY[l] - scrollTop;
        const lh = idx.laneRows[l] * ROW_H + LANE_GAP;
        if (ly > H || ly + lh < AXIS_H) continue;
        ctx.fillStyle = laneShade[l] ? "#f1f3f6" : "#fafbfc";
        ctx.fillRect(0, ly, X0, lh);
        const lane = tl.lanes[l];
        ctx.fillStyle = lane.derived ? "#667085" : "#1d2433";
        const label = lane.name || "(unnamed)";
        ctx.fillText(ellipsize(ctx, label, X0 - 24), 16, ly + ROW_H / 2 + 0.5);
      }
    }
    ctx.restore();
    ctx.fillStyle = "#d0d5dc";
    ctx.fillRect(X0 - 1, AXIS_H, 1, H - AXIS_H);

    // time axis (drawn last so it covers rows scrolled under it)
    ctx.fillStyle = "#f3f5f8";
    ctx.fillRect(0, 0, W, AXIS_H);
    ctx.fillStyle = "#d0d5dc";
    ctx.fillRect(0, AXIS_H - 1, W, 1);
    ctx.font = FONT;
    ctx.textBaseline = "middle";
    const ticks: number[] = [];
    for (let t = firstTick; t <= t1 && ticks.length < 200; t += step) ticks.push(t);
    let labels = ticks.map((t) => fmtUs(t / 1000));
    let relative = false;
    for (let i = 1; i < labels.length; i++) if (labels[i] === labels[i - 1]) relative = true;
    if (relative && ticks.length) labels = ticks.map((t, i) => (i === 0 ? fmtUs(t / 1000) : `+${fmtUs((t - ticks[0]) / 1000)}`));
    ctx.save();
    ctx.beginPath();
    ctx.rect(X0, 0, W - X0, AXIS_H);
    ctx.clip();
    for (let i = 0; i < ticks.length; i++) {
      const x = Math.round(X0 + (ticks[i] - t0) * ppn) + 0.5;
      ctx.fillStyle = "#9aa3ae";
      ctx.fillRect(x - 0.5, AXIS_H - 6, 1, 5);
      if (x + 3 + ctx.measureText(labels[i]).width > W - 2) continue;
      ctx.fillStyle = "#3b4350";
      ctx.fillText(labels[i], x + 3, AXIS_H / 2 - 1);
    }
    ctx.restore();
    ctx.fillStyle = "#667085";
    ctx.fillText(ellipsize(ctx, `span ${fmtUs((t1 - t0) / 1000)}`, X0 - 12), 6, AXIS_H / 2 - 1);

    rangeLabel.textContent = `${fmtUs(Math.max(t0, 0) / 1000)} \u2013 ${fmtUs(Math.min(t1, total) / 1000)} of ${fmtUs(total / 1000)}`;
    return performance.now() - began;
  };

  // Row of an event: where it sits in the row index (binary search on its start).
  const rowOfEvent = (e: number, l: number): number => {
    for (let r = laneRowBase[l]; r < nRows && rowLane[r] === l; r++) {
      const a = rowBegin[r];
      const b = rowBegin[r + 1];
      const s = tl.start[e];
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
  };

  const ellipsized = new Map<string, string>();
  const ellipsize = (c: CanvasRenderingContext2D, text: string, avail: number): string => {
    const key = `${c.font}\u0000${avail}\u0000${text}`;
    const known = ellipsized.get(key);
    if (known !== undefined) return known;
    const fitted = ellipsizeNow(c, text, avail);
    if (ellipsized.size < 4096) ellipsized.set(key, fitted);
    return fitted;
  };
  const ellipsizeNow = (c: CanvasRenderingContext2D, text: string, avail: number): string => {
    if (c.measureText(text).width <= avail) return text;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (c.measureText(text.slice(0, mid) + "\u2026").width <= avail) lo = mid;
      else hi = mid - 1;
    }
    return text.slice(0, lo) + "\u2026";
  };

  let pending = 0;
  const schedule = () => {
    if (pending) return;
    pending = requestAnimationFrame(() => {
      pending = 0;
      layout();
      draw();
    });
  };

  // ---- hit testing
  const hitTest = (px: number, py: number): number => {
    if (px < LABEL_W || py < AXIS_H) return -1;
    const cy = py - AXIS_H + scroller.scrollTop;
    let row = -1;
    for (let r = 0; r < nRows; r++) {
      if (cy >= rowY[r] && cy < rowY[r] + ROW_H) {
        row = r;
        break;
      }
    }
    if (row < 0) return -1;
    const ppn = plotW() / (t1 - t0);
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
  };

  const showTip = (e: number, clientX: number, clientY: number) => {
    const lane = tl.lanes[tl.lane[e]];
    const line = (k: string, v: string) =>
      el("div", {}, [el("span", { class: "tft-tl-tip-k" }, [`${k} `]), v]);
    tip.replaceChildren(
      el("div", { class: "tft-tl-tip-name" }, [nameStr(names[e])]),
      line("duration", fmtUs(dur[e] / 1000)),
      line("start", fmtUs(tl.start[e] / 1000)),
      line("lane", `${lane.device} \u203a ${lane.name}${hosts.size > 1 ? ` (${lane.host})` : ""}`),
    );
    placeTip(clientX, clientY);
  };
  const hideTip = () => {
    tip.style.display = "none";
  };
  const placeTip = (clientX: number, clientY: number) => {
    tip.style.display = "block";
    const rect = box.getBoundingClientRect();
    let x = clientX - rect.left + 14;
    const y = clientY - rect.top + 14;
    const tw = tip.offsetWidth;
    if (x + tw > rect.width) x = Math.max(0, clientX - rect.left - tw - 10);
    tip.style.left = `${x}px`;
    tip.style.top = `${y}px`;
  };
  // the lane under a point of the label column (-1 if none)
  const laneAt = (py: number): number => {
    if (py < AXIS_H) return -1;
    const cy = py - AXIS_H + scroller.scrollTop;
    for (let l = 0; l < tl.lanes.length; l++) {
      if (cy >= laneY[l] && cy < laneY[l] + idx.laneRows[l] * ROW_H + LANE_GAP) return l;
    }
    return -1;
  };
  const showLaneTip = (l: number, clientX: number, clientY: number) => {
    const lane = tl.lanes[l];
    const n = Math.min(tl.laneOffsets[l + 1], tl.count) - Math.min(tl.laneOffsets[l], tl.count);
    const line = (k: string, v: string) => el("div", {}, [el("span", { class: "tft-tl-tip-k" }, [`${k} `]), v]);
    const rows: Node[] = [
      el("div", { class: "tft-tl-tip-name" }, [lane.name || "(unnamed)"]),
      line("device", lane.device),
      line("host", lane.host),
      line("events", n.toLocaleString()),
    ];
    if (lane.derived) rows.push(line("line", "derived by the profiler"));
    tip.replaceChildren(...rows);
    placeTip(clientX, clientY);
  };

  // ---- view changes
  const panBy = (dx: number) => {
    const span = t1 - t0;
    const dt = (dx / plotW()) * span;
    t0 -= dt;
    t1 -= dt;
    clampView();
  };
  const zoomAround = (factor: number, atPx?: number) => {
    if (!(factor > 0) || !isFinite(factor)) return;
    const pw = plotW();
    const fx = atPx === undefined ? 0.5 : Math.min(Math.max(atPx / pw, 0), 1);
    const at = t0 + fx * (t1 - t0);
    const span = Math.max((t1 - t0) / factor, MIN_SPAN_NS);
    t0 = at - fx * span;
    t1 = t0 + span;
    clampView();
  };
  const zoomBy = (factor: number) => {
    zoomAround(factor);
    schedule();
  };
  const reset = () => {
    t0 = -margin;
    t1 = total + margin;
    schedule();
  };

  api.pan = (dxPx: number) => {
    panBy(dxPx);
    layout();
    return draw();
  };
  api.zoom = (factor: number, atPx?: number) => {
    zoomAround(factor, atPx);
    layout();
    return draw();
  };
  api.range = () => [t0, t1];

  // ---- input
  let drag: { x: number; y: number; t0: number; t1: number; top: number; moved: boolean; id: number } | null = null;
  const local = (ev: MouseEvent): [number, number] => {
    const rect = canvas.getBoundingClientRect();
    return [ev.clientX - rect.left, ev.clientY - rect.top];
  };
  canvas.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0) return;
    const [x, y] = local(ev);
    if (y < AXIS_H) return;
    drag = { x, y, t0, t1, top: scroller.scrollTop, moved: false, id: ev.pointerId };
    try {
      canvas.setPointerCapture(ev.pointerId);
    } catch {
      // capture is best effort
    }
    canvas.focus({ preventScroll: true });
    ev.preventDefault();
  });
  canvas.addEventListener("pointermove", (ev) => {
    const [x, y] = local(ev);
    if (drag) {
      const dx = x - drag.x;
      const dy = y - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) > 3) {
        drag.moved = true;
        canvas.classList.add("tft-tl-dragging");
        hideTip();
      }
      if (drag.moved) {
        const span = drag.t1 - drag.t0;
        t0 = drag.t0 - (dx / plotW()) * span;
        t1 = t0 + span;
        clampView();
        scroller.scrollTop = drag.top - dy;
        schedule();
      }
      return;
    }
    const e = hitTest(x, y);
    if (e !== hoverEvent) {
      hoverEvent = e;
      schedule();
    }
    const lane = e < 0 && x < LABEL_W ? laneAt(y) : -1;
    if (e >= 0) showTip(e, ev.clientX, ev.clientY);
    else if (lane >= 0) showLaneTip(lane, ev.clientX, ev.clientY);
    else hideTip();
  });
  const endDrag = (ev: PointerEvent, click: boolean) => {
    if (!drag) return;
    const wasClick = click && !drag.moved;
    try {
      if (canvas.hasPointerCapture(drag.id)) canvas.releasePointerCapture(drag.id);
    } catch {
      // already released
    }
    drag = null;
    canvas.classList.remove("tft-tl-dragging");
    if (wasClick) {
      const [x, y] = local(ev);
      if (x < LABEL_W) return;
      const e = hitTest(x, y);
      bus.select(e >= 0 ? nameStr(names[e]) : null, "timeline");
    }
  };
  canvas.addEventListener("pointerup", (ev) => endDrag(ev, true));
  canvas.addEventListener("pointercancel", (ev) => endDrag(ev, false));
  canvas.addEventListener("pointerleave", () => {
    if (drag) return;
    hideTip();
    if (hoverEvent >= 0) {
      hoverEvent = -1;
      schedule();
    }
  });
  canvas.addEventListener(
    "wheel",
    (ev) => {
      const unit = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? viewH : 1;
      const dx = ev.deltaX * unit;
      const dy = ev.deltaY * unit;
      ev.preventDefault();
      hideTip();
      if (ev.shiftKey) {
        scroller.scrollTop += dy || dx;
      } else if (Math.abs(dx) > Math.abs(dy)) {
        panBy(-dx);
      } else {
        const [x] = local(ev);
        const factor = Math.exp(-dy * (ev.ctrlKey ? 0.01 : 0.002));
        zoomAround(factor, Math.max(x - LABEL_W, 0));
      }
      schedule();
    },
    { passive: false },
  );
  // Keys without letters (a notebook's command mode binds letters such as "d" and "0").
  canvas.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const pw = plotW();
    switch (ev.key) {
      case "+":
      case "=":
        zoomAround(1.4);
        break;
      case "-":
        zoomAround(1 / 1.4);
        break;
      case "ArrowLeft":
        panBy(pw * 0.15);
        break;
      case "ArrowRight":
        panBy(-pw * 0.15);
        break;
      case "Home":
        t0 = -margin;
        t1 = total + margin;
        break;
      default:
        return;
    }
    ev.preventDefault();
    ev.stopPropagation();
    schedule();
  });
  scroller.addEventListener("scroll", () => {
    hideTip();
    schedule();
  });

  bus.subscribe((name) => {
    painter.select(name);
    schedule();
  });

  // redraw when the root is resized or shown (hidden tabs render at a fallback width)
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(() => schedule()).observe(root);
  }
  window.addEventListener("resize", () => {
    if (root.isConnected) schedule();
  });

  layout();
  draw();
  markReady(root);
}
