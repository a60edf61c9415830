// Flame graph, painting: one frame of the canvas for a zoom root (its ancestors span the
// full width, boxes narrower than half a pixel are skipped with their subtrees), labels
// fitted with an ellipsis, remainder boxes hatched, search/selection dimming and
// outlines, the hover outline; and hit testing against the boxes of the last frame.
// Colours come from the theme at the canvas (src/theme.ts): fills darkened on dark
// themes, each label black or white by its fill's luminance, dimmed boxes in the theme's
// greys with its muted text.

import { Theme, inkOn, shade, themeOf } from "../../theme";
import type { FlatTree } from "./tree";
import { FONT, LABEL_MIN_W, MIN_BOX_W, REMAINDER_FONT, ROW_H, colorOf, hatch, isRemainder, labelOf } from "./style";

export interface FrameState {
  zoom: number;
  width: number; // CSS px
  height: number;
  dpr: number;
  hover: number;
  filter: Uint8Array | null; // search hits, else selection hits, else null (nothing dimmed)
  selected: Uint8Array;
}

export class FlamePainter {
  private readonly fills: string[];
  private readonly labels: string[];
  private readonly textWidth: Float32Array;
  private pattern: CanvasPattern | string | null = null;
  private patternDpr = 0;
  private theme: Theme | null = null;
  private shaded: string[] = []; // fills on the current theme
  private inks: string[] = []; // label colour on each fill
  // boxes of the last frame, for hit testing
  private drawnId = new Int32Array(1024);
  private drawnX = new Float64Array(1024);
  private drawnW = new Float64Array(1024);
  drawnN = 0;
  kinds: Record<string, number> = {}; // boxes drawn per kind in the last frame
  selectedDrawn = 0;

  constructor(private readonly t: FlatTree) {
    this.fills = t.nodes.map((n, i) => colorOf(n, t.device[i]));
    this.labels = t.nodes.map(labelOf);
    this.textWidth = new Float32Array(t.nodes.length).fill(-1);
  }

  private push(i: number, x: number, w: number): void {
    if (this.drawnN === this.drawnId.length) {
      const n = this.drawnId.length * 2;
      const id = new Int32Array(n);
      id.set(this.drawnId);
      const xs = new Float64Array(n);
      xs.set(this.drawnX);
      const ws = new Float64Array(n);
      ws.set(this.drawnW);
      this.drawnId = id;
      this.drawnX = xs;
      this.drawnW = ws;
    }
    this.drawnId[this.drawnN] = i;
    this.drawnX[this.drawnN] = x;
    this.drawnW[this.drawnN] = w;
    this.drawnN++;
  }

  private fitText(c: CanvasRenderingContext2D, i: number, avail: number): string | null {
    const name = this.labels[i];
    let full = this.textWidth[i];
    if (full < 0) full = this.textWidth[i] = c.measureText(name).width;
    if (full <= avail) return name;
    if (avail < 16) return null;
    let lo = 0;
    let hi = Math.min(name.length, Math.ceil((name.length * avail) / full) + 1);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (c.measureText(name.slice(0, mid) + "\u2026").width <= avail) lo = mid;
      else hi = mid - 1;
    }
    return lo >= 1 ? name.slice(0, lo) + "\u2026" : null;
  }

  // The theme at the canvas; fills, label colours and the hatch follow it when it changed.
  private useTheme(canvas: HTMLCanvasElement): Theme {
    const theme = themeOf(canvas);
    const last = this.theme;
    if (!last || last.generation !== theme.generation || last.bg !== theme.bg || last.dim !== theme.dim) {
      this.shaded = this.fills.map((f) => shade(f, theme));
      this.inks = this.shaded.map((f) => inkOn(f));
      this.pattern = null;
    }
    this.theme = theme;
    return theme;
  }

  draw(ctx: CanvasRenderingContext2D, canvas: HTMLCanvasElement, s: FrameState): void {
    const t = this.t;
    const W = s.width;
    const theme = this.useTheme(canvas);
    if (!this.pattern || this.patternDpr !== s.dpr) {
      this.pattern = hatch(ctx, s.dpr, theme);
      this.patternDpr = s.dpr;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, 0, W, s.height);
    ctx.textBaseline = "middle";
    const k = W / t.lw[s.zoom];
    const base = t.lx[s.zoom];
    this.drawnN = 0;
    const path: number[] = [];
    for (let a = s.zoom; a >= 0; a = t.parent[a]) path.push(a);
    path.reverse();
    for (const a of path) this.push(a, 0, W);
    for (let i = s.zoom + 1, end = s.zoom + t.size[s.zoom]; i < end; ) {
      const w = t.lw[i] * k;
      if (w < MIN_BOX_W) {
        i += t.size[i];
        continue;
      }
      this.push(i, (t.lx[i] - base) * k, w);
      i++;
    }
    const outlines: number[] = [];
    const kinds: Record<string, number> = {};
    let selectedDrawn = 0;
    let font = "";
    for (let d = 0; d < this.drawnN; d++) {
      const i = this.drawnId[d];
      const x = this.drawnX[d];
      const w = this.drawnW[d];
      const y = t.depth[i] * ROW_H;
      const node = t.nodes[i];
      const rem = isRemainder(node);
      kinds[node.kind] = (kinds[node.kind] || 0) + 1;
      const dim = s.filter !== null && !s.filter[i];
      ctx.fillStyle = dim ? theme.dim : rem ? (this.pattern as CanvasPattern | string) : this.shaded[i];
      ctx.fillRect(x, y, w > 1.5 ? w - 1 : w, ROW_H - 1);
      if (s.selected[i]) {
        outlines.push(x, y, w);
        selectedDrawn++;
      }
      if (w >= LABEL_MIN_W) {
        const f = rem ? REMAINDER_FONT : FONT;
        if (f !== font) {
          ctx.font = f;
          font = f;
        }
        const label = this.fitText(ctx, i, w - 7);
        if (label !== null) {
          ctx.fillStyle = dim ? theme.muted : rem ? theme.fg : this.inks[i];
          ctx.fillText(label, x + 3, y + ROW_H / 2);
        }
      }
    }
    if (outlines.length) {
      ctx.strokeStyle = theme.accent;
      ctx.lineWidth = 2;
      for (let j = 0; j < outlines.length; j += 3) {
        ctx.strokeRect(outlines[j] + 1, outlines[j + 1] + 1, Math.max(outlines[j + 2] - 3, 1), ROW_H - 3);
      }
    }
    if (s.hover >= 0) {
      for (let d = 0; d < this.drawnN; d++) {
        if (this.drawnId[d] !== s.hover) continue;
        ctx.strokeStyle = theme.fg;
        ctx.lineWidth = 1;
        ctx.strokeRect(this.drawnX[d] + 0.5, t.depth[s.hover] * ROW_H + 0.5, Math.max(this.drawnW[d] - 2, 1), ROW_H - 2);
        break;
      }
    }
    this.kinds = kinds;
    this.selectedDrawn = selectedDrawn;
  }

  // The node under (x, y) in CSS px, or -1.
  hitTest(x: number, y: number): number {
    const row = Math.floor(y / ROW_H);
    for (let d = 0; d < this.drawnN; d++) {
      const i = this.drawnId[d];
      if (this.t.depth[i] === row && x >= this.drawnX[d] && x < this.drawnX[d] + Math.max(this.drawnW[d], 1)) return i;
    }
    return -1;
  }
}
