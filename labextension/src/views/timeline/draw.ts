// One frame of the timeline, in paint order: lane bands, grid, the events, the hover
// outline, the lane-name column, the time axis and the range label. Events use level of
// detail: every visible row is one strip of device pixels filled by Painter.scanRow
// (events narrower than a pixel merge into one pixel per column) in an offscreen canvas
// and stretched to the row's height with one drawImage; only selection outlines and
// labels are canvas shapes, so a redraw costs one pass over the visible events plus a
// few hundred canvas calls. Step boundaries and the selected range (steps.ts) go over the
// events. Colours: the theme at the canvas (paintWith, Painter.useTheme), read once per
// frame from a cache. The returned function draws and returns its time in ms.

import { fmtUs } from "../../dom";
import type { Timeline } from "../../payload";
import { themeOf } from "../../theme";
import { drawAxis, drawGrid, tickStep } from "./axis";
import type { Labels } from "./labels";
import { drawLaneBands, drawLaneNames } from "./lanes";
import type { Layout } from "./layout";
import type { Painter } from "./painter";
import { rowOfEvent, type Index } from "./rows";
import { AXIS_H, COLORS, FONT, LABEL_W, ROW_H, TEXT_MIN_W, paintWith } from "./style";
import type { View } from "./view";

export interface Scene {
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D | null;
  scroller: HTMLElement;
  rangeLabel: HTMLElement;
  tl: Timeline;
  idx: Index;
  lay: Layout;
  painter: Painter;
  labels: Labels;
  view: View;
  overlay?: (ctx: CanvasRenderingContext2D, H: number) => void; // over the events, clipped to the plot
}

export function createDraw(scene: Scene): () => number {
  const { canvas, ctx, scroller, rangeLabel, tl, idx, lay, painter, labels, view, overlay } = scene;
  const { rowBegin, laneRows } = idx;
  const nRows = idx.rowLane.length;
  const rowY = lay.rowY;
  const dur = tl.dur;
  const total = view.total;
  const lod = document.createElement("canvas");
  const lodCtx = lod.getContext("2d");
  let lodImage: ImageData | null = null;

  return (): number => {
    const began = performance.now();
    if (!ctx) return 0;
    const scrollTop = scroller.scrollTop;
    const { t0, t1, dpr, hoverEvent } = view;
    const W = view.cssW;
    const H = view.viewH;
    const X0 = LABEL_W;
    const ppn = view.plotW() / (t1 - t0); // px per ns
    const theme = themeOf(canvas);
    paintWith(theme);
    painter.useTheme(theme);
    // a full clear with the identity transform lets the browser drop the previous frame's
    // recorded commands (else many synchronous redraws pile up and flush in one long stall)
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = COLORS.bg;
    ctx.fillRect(0, 0, W, H);

    // lane backgrounds and device headers
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, AXIS_H, W, H - AXIS_H);
    ctx.clip();
    drawLaneBands(ctx, lay, laneRows, scrollTop, W, H);

    const step = tickStep(ppn);
    drawGrid(ctx, step, t0, t1, ppn, H);

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
      if (bw >= TEXT_MIN_W) texts.push(xa, y, bw, wide[o + 4], wide[o + 3]);
    }
    if (outlined) {
      ctx.strokeStyle = theme.accent;
      ctx.lineWidth = 2;
      ctx.stroke();
    }
    if (texts.length) {
      ctx.font = FONT;
      ctx.textBaseline = "middle";
      for (let j = 0; j < texts.length; j += 5) {
        const label = labels.fit(ctx, texts[j + 3], texts[j + 2] - 6);
        if (label === null) continue;
        ctx.fillStyle = painter.ink(texts[j + 4]);
        ctx.fillText(label, texts[j] + 3, texts[j + 1] + h / 2 + 0.5);
      }
    }
    if (hoverEvent >= 0) {
      const l = tl.lane[hoverEvent];
      const r = rowOfEvent(idx, tl.start, hoverEvent, l);
      if (r >= 0) {
        const x = X0 + (tl.start[hoverEvent] - t0) * ppn;
        const w = Math.max(dur[hoverEvent] * ppn, 1);
        ctx.strokeStyle = COLORS.hover;
        ctx.lineWidth = 1;
        ctx.strokeRect(Math.max(x, X0 - 2) + 0.5, AXIS_H + rowY[r] - scrollTop + 0.5, Math.min(w, W + 4) - 1, h - 1);
      }
    }
    if (overlay) overlay(ctx, H);
    ctx.restore();

    drawLaneNames(ctx, labels, lay, tl.lanes, laneRows, scrollTop, H);
    drawAxis(ctx, labels, step, t0, t1, ppn, W);

    rangeLabel.textContent = `${fmtUs(Math.max(t0, 0) / 1000)} \u2013 ${fmtUs(Math.min(t1, total) / 1000)} of ${fmtUs(total / 1000)}`;
    return performance.now() - began;
  };
}
