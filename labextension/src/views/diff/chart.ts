// Comparison view, the step chart: every compared step time of A and of B as dots on two
// strips over one shared ms axis (a small fixed vertical jitter so equal times stay
// visible), each side's statistic (the JSON's a_ms / b_ms: its lower quartile, or mean) as a labelled line, and the steps
// set aside drawn apart: warm-up as hollow rings, outliers (when the JSON lists them) as
// crosses, each kind labelled. A set-aside step far outside the compared ones would squash
// them: it goes in a margin past the axis' end, after a break mark, with its time written.
// Colours come from the view's CSS variables (marks.ts), repainted when the theme changes. The canvas carries data-a-points,
// data-b-points, data-warmup, data-outliers and data-offscale for tests.

import { chartCanvas, el } from "../../dom";
import { onThemeChange } from "../../theme";
import { niceStep, trimZeros } from "../axes";
import { fmtMs } from "./format";
import { FONT, Mark, Palette, breakMark, dot, haloText, letter, mark, readPalette } from "./marks";
import type { DiffStep } from "./model";

const LANE_H = 48;
const TOP = 6;
const BOTTOM = 24;
const LEFT = 34;
const RIGHT = 14;
const MARGIN = 170; // room for set-aside steps off the axis
const H = TOP + 2 * LANE_H + BOTTOM;

interface Aside {
  kind: Mark;
  label: string;
  values: number[];
}

interface Lane {
  letter: string;
  color: string;
  samples: number[];
  mean: number | null;
  aside: Aside[];
}

interface Domain {
  lo: number;
  hi: number;
}

function finite(values: number[] | null | undefined): number[] {
  return (values || []).filter((v) => typeof v === "number" && isFinite(v));
}

function lanes(step: DiffStep, pal: Palette): Lane[] {
  const side = (letter: string, color: string, samples?: number[] | null, mean?: number | null,
    warmup?: number[] | null, outliers?: number[] | null): Lane => ({
    letter, color, samples: finite(samples), mean: typeof mean === "number" && isFinite(mean) ? mean : null,
    aside: [{ kind: "ring", label: "warm-up", values: finite(warmup) }, { kind: "cross", label: "outlier", values: finite(outliers) }],
  });
  return [
    side("A", pal.a, step.a_samples_ms, step.a_ms, step.a_warmup_ms, step.a_outliers_ms),
    side("B", pal.b, step.b_samples_ms, step.b_ms, step.b_warmup_ms, step.b_outliers_ms),
  ];
}

// The axis' range: the compared steps and the means, widened to set-aside steps within one span of them.
function domainOf(all: Lane[]): Domain {
  const core = all.flatMap((l) => [...l.samples, ...(l.mean === null ? [] : [l.mean])]);
  const extra = all.flatMap((l) => l.aside.flatMap((a) => a.values));
  if (!core.length) core.push(...extra);
  if (!core.length) return { lo: 0, hi: 1 };
  let lo = Math.min(...core);
  let hi = Math.max(...core);
  const span = Math.max(hi - lo, hi * 0.05, 1e-3);
  for (const v of extra) {
    if (v >= lo - span && v <= hi + span) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  const pad = Math.max(hi - lo, hi * 0.05, 1e-3) * 0.06;
  return { lo: Math.max(0, lo - pad), hi: hi + pad };
}

// A stable jitter in [-0.5, 0.5) for the i-th dot.
function jitter(i: number): number {
  return ((i * 0.6180339887 + 0.31) % 1) - 0.5;
}

export class StepStrip {
  readonly el: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private cssW = 0;

  constructor(private readonly step: DiffStep, private readonly statistic = "mean") {
    this.canvas = el("canvas", { class: "tft-df-canvas", role: "img", "aria-label": "step times of A and B on one axis" });
    this.el = el("div", { class: "tft-df-chart" }, [this.canvas]);
    onThemeChange(() => this.el.isConnected && this.draw());
  }

  draw(): void {
    const sized = chartCanvas(this.canvas, this.el, 420, H, this.cssW);
    if (!sized) return;
    const { w, ctx } = sized;
    this.cssW = w;
    const pal = readPalette(this.el);
    const all = lanes(this.step, pal);
    const domain = domainOf(all);
    const outside = (v: number) => v < domain.lo || v > domain.hi;
    const offscale = all.flatMap((l) => l.aside.flatMap((a) => a.values.filter(outside))).length;
    const plotR = w - RIGHT - (offscale ? MARGIN : 0);
    const x = (ms: number) => LEFT + ((ms - domain.lo) / (domain.hi - domain.lo)) * (plotR - LEFT);
    ctx.font = FONT;
    this.drawAxis(ctx, pal, domain, x, plotR);
    all.forEach((lane, k) => this.drawLane(ctx, pal, lane, TOP + k * LANE_H, x, plotR, outside));
    const count = (pick: (l: Lane) => number) => String(all.reduce((n, l) => n + pick(l), 0));
    this.canvas.setAttribute("data-a-points", String(all[0].samples.length));
    this.canvas.setAttribute("data-b-points", String(all[1].samples.length));
    this.canvas.setAttribute("data-warmup", count((l) => l.aside[0].values.length));
    this.canvas.setAttribute("data-outliers", count((l) => l.aside[1].values.length));
    this.canvas.setAttribute("data-offscale", String(offscale));
  }

  private drawAxis(ctx: CanvasRenderingContext2D, pal: Palette, d: Domain, x: (ms: number) => number, plotR: number): void {
    const stepMs = niceStep((d.hi - d.lo) / Math.max(2, Math.floor((plotR - LEFT) / 90)));
    const baseY = TOP + 2 * LANE_H;
    ctx.fillStyle = pal.grid;
    ctx.fillRect(LEFT, TOP + LANE_H, plotR - LEFT, 1); // between the lanes
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let t = Math.ceil(d.lo / stepMs) * stepMs; t <= d.hi + 1e-9; t += stepMs) {
      const tx = Math.round(x(t)) + 0.5;
      ctx.fillStyle = pal.grid;
      ctx.fillRect(tx - 0.5, TOP, 1, 2 * LANE_H);
      ctx.fillStyle = pal.muted;
      ctx.fillText(trimZeros(fmtMs(t)), tx, baseY + 5);
    }
    ctx.fillStyle = pal.muted;
    ctx.fillRect(LEFT, baseY, plotR - LEFT, 1);
  }

  private drawLane(ctx: CanvasRenderingContext2D, pal: Palette, lane: Lane, top: number, x: (ms: number) => number,
    plotR: number, outside: (v: number) => boolean): void {
    const mid = top + LANE_H / 2 + 5;
    letter(ctx, lane.letter, 8, top + LANE_H / 2, lane.color);
    ctx.globalAlpha = 0.7;
    lane.samples.forEach((ms, i) => dot(ctx, x(ms), mid + jitter(i) * (LANE_H - 22), lane.color));
    ctx.globalAlpha = 1;
    this.drawMean(ctx, pal, lane.mean, top, x, plotR);
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    for (const a of lane.aside) {
      const inside = a.values.filter((v) => !outside(v));
      inside.forEach((v) => mark(ctx, a.kind, x(v), mid, lane.color));
      if (inside.length) this.labelMark(ctx, pal, a.label, x(Math.max(...inside)), mid, plotR);
    }
    this.drawOffscale(ctx, pal, lane, mid, plotR, outside);
  }

  // A mark's label to its right, or to its left when it would run past the axis' end.
  private labelMark(ctx: CanvasRenderingContext2D, pal: Palette, text: string, mx: number, y: number, plotR: number): void {
    const right = mx + 9 + ctx.measureText(text).width <= plotR;
    ctx.textAlign = right ? "left" : "right";
    ctx.textBaseline = "middle";
    haloText(ctx, pal, text, right ? mx + 9 : mx - 9, y, pal.muted);
  }

  private drawMean(ctx: CanvasRenderingContext2D, pal: Palette, mean: number | null, top: number, x: (ms: number) => number,
    plotR: number): void {
    if (mean === null) return;
    const mx = Math.round(x(mean)) + 0.5;
    ctx.fillStyle = pal.fg;
    ctx.fillRect(mx - 1, top + 13, 2, LANE_H - 15);
    const label = `${this.statistic} ${fmtMs(mean)}`;
    const half = ctx.measureText(label).width / 2;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    haloText(ctx, pal, label, Math.min(Math.max(mx, LEFT + half), plotR - half), top + 1, pal.fg);
  }

  // Set-aside steps past the axis: a break mark, then per kind its mark and its time in the margin.
  private drawOffscale(ctx: CanvasRenderingContext2D, pal: Palette, lane: Lane, mid: number, plotR: number,
    outside: (v: number) => boolean): void {
    const items = lane.aside.map((a) => ({ ...a, values: a.values.filter(outside) })).filter((a) => a.values.length);
    if (!items.length) return;
    breakMark(ctx, plotR + 6, mid, pal.muted);
    items.forEach((a, i) => {
      const y = mid + (i - (items.length - 1) / 2) * 15;
      const n = a.values.length;
      const text = n === 1 ? `${a.label} ${fmtMs(a.values[0])}` : `${n} ${a.label}, up to ${fmtMs(Math.max(...a.values))}`;
      mark(ctx, a.kind, plotR + 24, y, lane.color);
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      haloText(ctx, pal, text, plotR + 33, y, pal.muted);
    });
  }
}
