// Comparison view, what the step chart draws with: the theme's colours read from the
// view's CSS variables, and the marks (a step's dot, a warm-up's ring, an outlier's
// cross, a side's letter, a break mark, text with a halo that keeps it readable over dots).

import { cssColor, inkOn, themeOf } from "../../theme";

export const FONT = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

export interface Palette {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  a: string;
  b: string;
}

// The view's colours as the browser resolves them (light-dark() and color-mix() included).
export function readPalette(node: HTMLElement): Palette {
  const t = themeOf(node);
  return {
    fg: t.fg, muted: t.muted, grid: t.row, bg: t.bg,
    a: cssColor(node, "--tft-df-a", "#3a6ea5"), b: cssColor(node, "--tft-df-b", "#d9822b"),
  };
}

export type Mark = "ring" | "cross";

export function dot(ctx: CanvasRenderingContext2D, x: number, y: number, color: string): void {
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
  ctx.fill();
}

// A set-aside step: a hollow ring (warm-up) or a cross (outlier).
export function mark(ctx: CanvasRenderingContext2D, kind: Mark, x: number, y: number, color: string): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  if (kind === "ring") ctx.arc(x, y, 5, 0, 2 * Math.PI);
  else {
    ctx.moveTo(x - 4.5, y - 4.5);
    ctx.lineTo(x + 4.5, y + 4.5);
    ctx.moveTo(x + 4.5, y - 4.5);
    ctx.lineTo(x - 4.5, y + 4.5);
  }
  ctx.stroke();
}

// Text over a halo of the background colour, so it reads over dots and grid lines.
export function haloText(ctx: CanvasRenderingContext2D, pal: Palette, text: string, x: number, y: number, color: string): void {
  ctx.lineJoin = "round";
  ctx.lineWidth = 3;
  ctx.strokeStyle = pal.bg;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

// A side's letter in its colour, as in the header.
export function letter(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, color: string): void {
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.roundRect(x, y - 8.5, 17, 17, 3);
  ctx.fill();
  ctx.fillStyle = inkOn(color);
  ctx.font = `700 ${FONT}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(text, x + 8.5, y + 0.5);
  ctx.font = FONT;
}

// Two slanted strokes: the axis is broken here.
export function breakMark(ctx: CanvasRenderingContext2D, x: number, y: number, color: string): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const dx of [0, 4]) {
    ctx.moveTo(x + dx - 2, y + 6);
    ctx.lineTo(x + dx + 2, y - 6);
  }
  ctx.stroke();
}
