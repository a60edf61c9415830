// Colours, linked-selection matching and the level-of-detail scan of one row (Painter).
// scanRow is the hot loop of every redraw: one pass over a row's visible events with no
// allocation per event. Event colours are a hue per name, darkened on dark themes
// (theme.shade); each palette entry has its label colour, black or white by luminance.

import { sameOp } from "../../bus";
import { colorFor } from "../../dom";
import { Theme, inkOn, parseColor, shade } from "../../theme";
import { firstReaching } from "./rows";

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

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
export class Painter {
  palette: string[] = [];
  rgba = new Uint32Array(64);
  private paletteIndex = new Map<string, number>();
  private inks: string[] = [];
  private theme: Theme | null = null;
  private readonly probe: CanvasRenderingContext2D | null;
  readonly colorIdx: Int32Array;
  readonly dimIdx: Int32Array;
  match: Int8Array;
  selected: string | null = null;
  HL: number;
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
    this.HL = this.paletteOf("#d81b60");
  }

  // Colours for `theme`: when it changed since the last frame, every cached colour is
  // dropped (names get their colour again on first use) and the highlight is the theme's.
  useTheme(theme: Theme): void {
    const last = this.theme;
    this.theme = theme;
    if (last && last.generation === theme.generation && last.bg === theme.bg && last.accent === theme.accent) return;
    this.palette = [];
    this.inks = [];
    this.paletteIndex = new Map();
    this.colorIdx.fill(-1);
    this.dimIdx.fill(-1);
    this.HL = this.paletteOf(theme.accent);
  }

  // The colour of a label drawn on palette entry `i`.
  ink(i: number): string {
    let c = this.inks[i];
    if (c === undefined) c = this.inks[i] = inkOn(this.palette[i] ?? "#808080");
    return c;
  }

  private shaded(color: string): string {
    return this.theme ? shade(color, this.theme) : color;
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
      const c = parseColor(norm) || parseColor(color);
      if (c) [r, g, b] = c;
    }
    return LITTLE_ENDIAN ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
  }

  base(id: number): number {
    let c = this.colorIdx[id];
    if (c < 0) c = this.colorIdx[id] = this.paletteOf(this.shaded(colorFor(this.strings[id] ?? "")));
    return c;
  }

  dim(id: number): number {
    let c = this.dimIdx[id];
    if (c < 0) c = this.dimIdx[id] = this.paletteOf(this.shaded(colorFor(this.strings[id] ?? "", 12, 86)));
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
