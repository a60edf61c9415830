// Time ticks: their spacing (about one per 90 px, 1/2/5 times a power of ten ns), the
// vertical grid lines behind the events and the time axis band on top with its labels
// (absolute times, or offsets from the first tick once neighbours would read the same)
// and the span of the window in the label column's corner.

import { fmtUs } from "../../dom";
import type { Labels } from "./labels";
import { AXIS_H, COLORS, FONT, LABEL_W } from "./style";

const MAX_TICKS = 200;

function niceStep(raw: number): number {
  if (!(raw > 0) || !isFinite(raw)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

// ns between ticks at `ppn` px per ns
export function tickStep(ppn: number): number {
  return niceStep(90 / ppn);
}

// Grid lines over the plot, from the axis down to the canvas height H (CSS px).
export function drawGrid(c: CanvasRenderingContext2D, step: number, t0: number, t1: number, ppn: number, H: number): void {
  const firstTick = Math.ceil(t0 / step) * step;
  c.fillStyle = COLORS.grid;
  for (let t = firstTick, i = 0; t <= t1 && i < MAX_TICKS; t += step, i++) {
    const x = Math.round(LABEL_W + (t - t0) * ppn) + 0.5;
    c.fillRect(x - 0.5, AXIS_H, 1, H - AXIS_H);
  }
}

// The axis band across the canvas width W (CSS px), drawn last so it covers rows
// scrolled under it.
export function drawAxis(
  c: CanvasRenderingContext2D,
  labels: Labels,
  step: number,
  t0: number,
  t1: number,
  ppn: number,
  W: number,
): void {
  const X0 = LABEL_W;
  const firstTick = Math.ceil(t0 / step) * step;
  c.fillStyle = COLORS.group;
  c.fillRect(0, 0, W, AXIS_H);
  c.fillStyle = COLORS.rule;
  c.fillRect(0, AXIS_H - 1, W, 1);
  c.font = FONT;
  c.textBaseline = "middle";
  const ticks: number[] = [];
  for (let t = firstTick; t <= t1 && ticks.length < MAX_TICKS; t += step) ticks.push(t);
  let texts = ticks.map((t) => fmtUs(t / 1000));
  let relative = false;
  for (let i = 1; i < texts.length; i++) if (texts[i] === texts[i - 1]) relative = true;
  if (relative && ticks.length) texts = ticks.map((t, i) => (i === 0 ? fmtUs(t / 1000) : `+${fmtUs((t - ticks[0]) / 1000)}`));
  c.save();
  c.beginPath();
  c.rect(X0, 0, W - X0, AXIS_H);
  c.clip();
  for (let i = 0; i < ticks.length; i++) {
    const x = Math.round(X0 + (ticks[i] - t0) * ppn) + 0.5;
    c.fillStyle = COLORS.tick;
    c.fillRect(x - 0.5, AXIS_H - 6, 1, 5);
    if (x + 3 + c.measureText(texts[i]).width > W - 2) continue;
    c.fillStyle = COLORS.text;
    c.fillText(texts[i], x + 3, AXIS_H / 2 - 1);
  }
  c.restore();
  c.fillStyle = COLORS.muted;
  c.fillText(labels.ellipsize(c, `span ${fmtUs((t1 - t0) / 1000)}`, X0 - 12), 6, AXIS_H / 2 - 1);
}
